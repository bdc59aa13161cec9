"""The coordinators' newsletter issue editor. The public sign-up form stays in roundtable.newsletter.forms."""

from __future__ import annotations

from django import forms


class IssueForm(forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        help_text="The email's subject line and the issue's title in the archive.",
        error_messages={"required": "Enter a subject", "max_length": "Subject must be 200 characters or fewer"},
    )
    body_markdown = forms.CharField(
        label="The issue",
        max_length=50_000,
        help_text="Write in Markdown: a blank line between paragraphs, ## for a heading, - for a list, "
        "[words](https://address) for a link. HTML is shown as typed, not run.",
        error_messages={
            "required": "Write the issue",
            "max_length": "The issue must be 50,000 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
    )
    include_sessions = forms.BooleanField(label="Upcoming sessions", required=False)
    include_posts = forms.BooleanField(label="Recent blog posts", required=False)
