"""Turn an issue into what people read: Markdown made safe, plus upcoming sessions and recent posts.

Raw HTML in the Markdown is not interpreted at all: it is shown as the text that was typed, so a
pasted <script> reads as "<script>" and never runs. nh3 then cleans the result against a short
allow-list as a second line of defence (links only to http, https and mailto).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import markdown
import nh3
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from roundtable.newsletter.models import Issue

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
# GOV.UK Frontend styles only classed elements; adding the classes here keeps the page styled
# without any inline style (which the CSP forbids). Email clients ignore the classes.
GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "a": {"class": "govuk-link"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "blockquote": {"class": "govuk-inset-text"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
}
UPCOMING_SESSIONS = 5
RECENT_POSTS = 3
RECENT_POSTS_DAYS = 60


def markdown_to_html(source: str) -> SafeString:
    md = markdown.Markdown(extensions=["sane_lists"])
    # Without these two, raw HTML is escaped like any other text instead of passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # The page's only <h1> is the subject, so "# Heading" becomes a section heading like "## Heading".
    # (Safe to do on the output: with raw HTML escaped, every tag in it came from Markdown.)
    html = md.convert(source or "").replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        set_tag_attribute_values=GOVUK_CLASSES,
        # "/blog/" written in the issue must still work when it is read in an email.
        url_relative=("rewrite_with_base", settings.SITE_URL + "/"),
    )
    return mark_safe(cleaned)  # noqa: S308 (nh3 output against an allow-list)


@dataclass
class IssueContent:
    html: str
    text: str


def upcoming_sessions() -> list:
    from roundtable.cocreation.models import Session
    from roundtable.cocreation.selectors import public_session_list

    return list(public_session_list().filter(status=Session.Status.PUBLISHED)[:UPCOMING_SESSIONS])


def recent_posts() -> list:
    try:
        from roundtable.blog.models import Post
    except ImportError:  # the blog is an optional part of a deployment
        return []
    since = timezone.now() - timedelta(days=RECENT_POSTS_DAYS)
    posts = []
    for post in Post.objects.published().filter(publish_at__gte=since)[:RECENT_POSTS]:
        try:
            post.absolute_url = settings.SITE_URL + post.get_absolute_url()
        except NoReverseMatch:
            post.absolute_url = ""
        posts.append(post)
    return posts


def render_issue_content(issue: Issue) -> IssueContent:
    """The issue as it reads now. Sending freezes this into the issue so everyone gets the same."""
    sessions = upcoming_sessions() if issue.include_sessions else []
    for session in sessions:
        session.absolute_url = settings.SITE_URL + session.get_absolute_url()
    context = {
        "issue": issue,
        "body_html": markdown_to_html(issue.body_markdown),
        "body_text": issue.body_markdown.strip(),
        "sessions": sessions,
        "posts": recent_posts() if issue.include_posts else [],
        "include_sessions": issue.include_sessions,
        "include_posts": issue.include_posts,
        "site_url": settings.SITE_URL,
    }
    return IssueContent(
        html=render_to_string("newsletter/content/issue_content.html", context).strip(),
        text=render_to_string("newsletter/content/issue_content.txt", context).strip(),
    )


def issue_content(issue: Issue) -> IssueContent:
    """Frozen content once an issue has gone out; the live rendering while it is a draft."""
    if issue.status != Issue.Status.DRAFT and issue.content_html:
        return IssueContent(html=issue.content_html, text=issue.content_text)
    return render_issue_content(issue)
