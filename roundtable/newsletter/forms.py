from __future__ import annotations

from django import forms

SOURCES = [("page", "Sign-up page"), ("footer", "Page footer")]


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label="Your name (optional)",
        max_length=100,
        required=False,
        help_text="What you would like to be called.",
        error_messages={"max_length": "Name must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    source = forms.ChoiceField(choices=SOURCES, required=False, widget=forms.HiddenInput)

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or "page"


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
