"""The site-wide guard: walk every page of the demo as each kind of visitor, and fail on what a
person would trip over.

The demo (`manage.py seed_demo`) holds a session in every state a participant or the team can
meet. Its queued emails are sent, and every link in them is a starting point, so the pages behind
participants' private links (manage a booking, feedback, newsletter) are walked too. From the
public home page, the coordinator's and the facilitator's home pages and those links, every link
on every page is followed (GET only, this site only). Each page must:

- answer without a server error (no 5xx);
- show no template source in its visible text (a `{# #}` that spans lines is printed as text);
- not lead to a page that does not exist from a link the page itself offers (no 404 behind a link);
- not scroll sideways on a 320 px wide screen (checked in Chromium, one page per kind of page).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from roundtable.accounts.models import User
from roundtable.accounts.testing import sign_in_browser
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.core.email import queue_email, send_queued
from roundtable.evaluation.feedback import REQUEST_TEMPLATE, send_due_requests
from roundtable.evaluation.models import FeedbackRequest
from roundtable.newsletter.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEMPLATE_SYNTAX = re.compile(r"\{%|%\}|\{\{|\}\}|\{#|#\}")
# Slips of text people noticed: a title ending in "?" inside a question, a label said twice.
TEXT_SLIPS = re.compile(r"\?[\"”’]?\?|\bBreak Break\b")
# Kinds of page (URL names) walked at most this many times each, per visitor: enough to meet a
# page's states (a full session, one with a waiting list, a past one) without walking every row.
PER_KIND = 4
# Files are checked for a server error, once per kind (a PDF takes a second to make).
FILE_TYPES = (
    "application/pdf",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/vnd.openxmlformats",
    "text/csv",
    "text/calendar",
    "text/markdown",
    "text/plain",
    "image/",
    "audio/",
)
# Links the walk must not follow: signing out ends the visit (it is a form, but be sure).
NEVER_FOLLOW = {"accounts:logout"}


class _PageText(HTMLParser):
    """The visible text of a page (not scripts or styles) and the links on it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


@dataclass
class Walk:
    visitor: str
    pages: dict[str, int] = field(default_factory=dict)  # path -> status
    first_of_kind: dict[str, str] = field(default_factory=dict)  # URL name -> first HTML page
    problems: list[str] = field(default_factory=list)


def _kind(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _local(href: str, base: str) -> str | None:
    """A link on this site as a path with its query, or None for anything else."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urldefrag(urljoin(base, href)).url
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if parts.netloc and parts.netloc not in (site.netloc, "testserver"):
        return None
    if parts.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(visitor: str, client: Client, starts: list[str]) -> Walk:
    result = Walk(visitor)
    seen_per_kind: dict[str, int] = {}
    queue = deque((start, "(start)") for start in starts)
    queued = set(starts)
    while queue:
        path, came_from = queue.popleft()
        kind = _kind(path)
        if kind is None:
            result.problems.append(f"{visitor}: {path} (linked from {came_from}) matches no page")
            continue
        if kind in NEVER_FOLLOW or seen_per_kind.get(kind, 0) >= PER_KIND:
            continue
        seen_per_kind[kind] = seen_per_kind.get(kind, 0) + 1
        response = client.get(path)
        result.pages[path] = response.status_code
        if response.status_code >= 500:
            result.problems.append(f"{visitor}: {path} answered {response.status_code} (linked from {came_from})")
            continue
        if response.status_code == 404 and came_from != "(start)":
            result.problems.append(f"{visitor}: {path} is not found, but {came_from} links to it")
            continue
        if response.status_code in (301, 302, 303):
            target = _local(response["Location"], path)
            if target and target not in queued:
                queued.add(target)
                queue.append((target, path))
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            if not content_type.startswith(FILE_TYPES):
                result.problems.append(f"{visitor}: {path} answered an unexpected {content_type!r}")
            seen_per_kind[kind] = PER_KIND  # one file of a kind is enough
            continue
        parser = _PageText()
        parser.feed(response.content.decode())
        visible = " ".join(" ".join(parser.text).split())
        leaked = TEMPLATE_SYNTAX.search(visible)
        if leaked:
            around = visible[max(leaked.start() - 60, 0) : leaked.end() + 60].strip()
            result.problems.append(f"{visitor}: {path} shows template source: …{around}…")
        slip = TEXT_SLIPS.search(visible)
        if slip:
            around = visible[max(slip.start() - 60, 0) : slip.end() + 20]
            result.problems.append(f"{visitor}: {path} reads oddly: …{around}…")
        if response.status_code == 200:
            result.first_of_kind.setdefault(kind, path)
        for href in parser.links:
            target = _local(href, path)
            if target and target not in queued:
                queued.add(target)
                queue.append((target, path))
    return result


def _email_participants() -> None:
    """Send what participants are sent (the demo keeps its own emails out of the outbox): a
    confirmation for a booking of every status on every session, a feedback request for every
    past session's attenders, and a newsletter confirmation for someone waiting to confirm."""
    for session in Session.objects.all():
        for status in Booking.Status.values:
            booking = session.bookings.filter(status=status).order_by("id").first()
            if booking is not None and status != Booking.Status.CANCELLED:
                queue_email(
                    to=booking.person.email,
                    template="booking_confirmation",
                    context={"booking_id": booking.pk},
                    booking_id=booking.pk,
                )
    for ends_at in Session.objects.past().values_list("ends_at", flat=True):
        send_due_requests(now=ends_at + timedelta(days=1, hours=12))
    for request in FeedbackRequest.objects.order_by("id")[:20]:  # those the demo asked already
        queue_email(to=request.booking.person.email, template=REQUEST_TEMPLATE, context={"request_id": request.pk})
    subscriber = Subscriber.objects.filter(status=Subscriber.Status.PENDING).first()
    if subscriber is not None:
        queue_email(to=subscriber.email, template="newsletter_confirm", context={"subscriber_id": subscriber.pk})
    while send_queued(limit=500):
        pass


def _sign_up_everywhere(client: Client) -> list[str]:
    """Sign up to every session that takes sign-ups, as someone new and then again with the same
    address: the pages people see after signing up (a place, the waiting list, a repeat) come
    only after a form is sent."""
    pages = []
    for n, session in enumerate(Session.objects.published().upcoming().order_by("id")):
        url = reverse("bookings:signup", args=[session.pk])
        if client.get(url).status_code != 200 or b'name="email"' not in client.get(url).content:
            continue
        for _ in range(2):
            response = client.post(url, {"name": f"Walker {n}", "email": f"walker{n}@example.org"})
            if response.status_code in (301, 302, 303):
                pages.append(response["Location"])
    return pages


def _email_links() -> list[str]:
    """Every link on this site in the emails the demo sent (confirmations, feedback requests,
    newsletter confirmations…): the only way to the pages behind private links."""
    links: set[str] = set()
    for message in mail.outbox:
        for url in re.findall(r"https?://[^\s<>\"')]+", message.body):
            path = _local(url.rstrip(".,"), "/")
            if path:
                links.add(path)
    return sorted(links)


# How far the page is wider than the screen, and the innermost elements that stick out (to say
# what to fix).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const extra = document.documentElement.scrollWidth - width;
  const wide = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > width + 1 && ![...el.children].some(
      (child) => child.getBoundingClientRect().right > width + 1));
  return [extra, wide.slice(0, 3).map((el) => el.tagName.toLowerCase() + "." +
    [...el.classList].join(".") + " " + (el.textContent || "").trim().slice(0, 40))];
}"""


def _overflows(page, path: str) -> tuple[int, list[str]]:
    page.goto(path)
    extra, culprits = page.evaluate(OVERFLOW_JS)
    return extra, culprits


def test_every_page_of_the_demo_as_every_visitor(browser, live_server, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=StringIO())
    _email_participants()
    participant_links = _email_links()  # before the walk's own sign-ups add theirs
    assert len(participant_links) >= 10, "the demo's emails should hold private links to walk"

    coordinator = User.objects.get(email="coordinator@example.org")
    facilitator = User.objects.get(email="facilitator@example.org")
    coordinator_client, facilitator_client = Client(), Client()
    coordinator_client.force_login(coordinator)
    facilitator_client.force_login(facilitator)
    walks = [
        (walk("anonymous", Client(), ["/"]), None),
        (walk("participant", Client(), participant_links + _sign_up_everywhere(Client())), None),
        (walk("coordinator", coordinator_client, ["/coordinator/", "/"]), coordinator),
        (walk("facilitator", facilitator_client, ["/coordinator/"]), facilitator),
    ]
    problems = [problem for w, _ in walks for problem in w.problems]
    for message in mail.outbox:
        for part in (message.subject, message.body):
            if TEMPLATE_SYNTAX.search(part) or TEXT_SLIPS.search(part):
                problems.append(f"email “{message.subject}” to {message.to[0]} reads oddly or shows template source")

    narrow = 0
    for result, user in walks:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
        page = context.new_page()
        page.set_default_timeout(15000)
        if user is not None:
            sign_in_browser(context, live_server, user)
        for kind, path in sorted(result.first_of_kind.items()):
            extra, culprits = _overflows(page, path)
            narrow += 1
            if extra > 0:
                problems.append(
                    f"{result.visitor}: {path} ({kind}) scrolls sideways by {extra}px at 320px; "
                    f"what sticks out: {culprits}"
                )
        context.close()

    pages = sum(len(w.pages) for w, _ in walks)
    print(f"\nWalked {pages} pages as 4 kinds of visitor; {narrow} kinds of page checked at 320px")
    assert pages >= 150, "the walk should reach most of the site"
    assert not problems, "\n".join(problems)
