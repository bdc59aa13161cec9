"""Small factories for the newsletter tests."""

from __future__ import annotations

import itertools
import re

from django.core import mail
from django.utils import timezone

from roundtable.newsletter.models import Issue, Subscriber

_n = itertools.count(1)


def make_subscriber(email: str | None = None, status: str = Subscriber.Status.ACTIVE, **extra) -> Subscriber:
    email = email or f"reader{next(_n)}@example.org"
    if status == Subscriber.Status.ACTIVE:
        extra.setdefault("confirmed_at", timezone.now())
    return Subscriber.objects.create(email=email, status=status, **extra)


def make_subscribers(count: int, status: str = Subscriber.Status.ACTIVE) -> list[Subscriber]:
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"bulk{next(_n)}@example.org", status=status) for _ in range(count)
    )


def make_issue(**extra) -> Issue:
    extra.setdefault("subject", "News from the Centre")
    extra.setdefault("body_markdown", "Hello everyone.\n\n## What we did\n\n- We listened\n- We changed things")
    extra.setdefault("include_sessions", False)
    return Issue.objects.create(**extra)


def link_in(text: str, path_part: str) -> str:
    match = re.search(r"https?://\S*" + re.escape(path_part) + r"[^\s\"<>]+/", text)
    assert match, f"No link containing {path_part} in:\n{text}"
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("//", 1)[1].split("/", 1)[1]


def html_part(message) -> str:
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html) == 1
    return html[0]


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]
