"""Context builders for the newsletter's outbox emails (they run in the worker, at send time)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from roundtable.core.email import EmailNoLongerNeeded, context_builder
from roundtable.newsletter.models import CONFIRM_LINK_DAYS, ConfirmationLink, Issue, Subscriber


@context_builder("newsletter_confirm")
def newsletter_confirm(context: dict) -> dict:
    subscriber = Subscriber.objects.filter(pk=context.get("subscriber_id", 0)).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        raise EmailNoLongerNeeded("the subscription is no longer waiting for confirmation")
    # Minted now, in the worker: the raw token only ever exists inside this email.
    raw = ConfirmationLink.mint(subscriber=subscriber)
    return {
        "confirm_url": settings.SITE_URL + reverse("newsletter:confirm", args=[raw]),
        "link_days": CONFIRM_LINK_DAYS,
        "name": subscriber.name,
    }


@context_builder("newsletter_issue")
def newsletter_issue_test(context: dict) -> dict:
    """A coordinator's test copy of an issue (the real send does not go through the outbox)."""
    from roundtable.newsletter.rendering import issue_content

    issue = Issue.objects.filter(pk=context.get("issue_id", 0)).first()
    if issue is None:
        raise EmailNoLongerNeeded("the issue has been deleted")
    content = issue_content(issue)
    return {
        "issue": issue,
        "test": True,
        "content_html": mark_safe(content.html),  # noqa: S308 (sanitised by rendering.markdown_to_html)
        "content_text": content.text,
        "archive_url": settings.SITE_URL + reverse("newsletter:archive"),
        "unsubscribe_url": settings.SITE_URL + reverse("newsletter:signup"),
    }
