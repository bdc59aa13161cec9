"""Hypothesis over every form a page shows, public and coordinator: never a 5xx, and a refused
post (4xx) leaves every table as it was.

The forms are found, not listed: every URL pattern in the resolver is filled in with the ids of
the demo data, opened as a visitor and as a coordinator, and each <form method="post"> on the
page becomes a target, with the names of its fields. So a new form is fuzzed without anyone
remembering it. The values are what an attacker or a bad day sends: null bytes, bytes that are
not UTF-8 (a lone surrogate among them), huge and negative numbers, NaN, impossible dates,
formula text, very long text.

HYPOTHESIS_PROFILE=bench (as `make bench` runs it) tries many more examples.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.accounts.models import User
from roundtable.blog.models import Post
from roundtable.cocreation.models import Programme, Session, Venue

settings.register_profile("ci", max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("bench", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

# Posting these would end the coordinator's session or the test's own client, not test a form.
LEAVE_OUT = re.compile(r"sign-out|logout|/django-admin/")

INT_KWARGS = {
    "session_id": Session,
    "venue_id": Venue,
    "programme_id": Programme,
    "post_id": Post,
}


class Forms(HTMLParser):
    """The post forms of a page: action and field names (with each <select>'s first option)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}})
        elif self.forms and tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") in ("submit", "file"):
                return
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))
            self._select = a["name"] if tag == "select" else None
        elif self.forms and tag == "option" and self._select and a.get("value"):
            fields = self.forms[-1]["fields"]
            if not fields[self._select]:
                fields[self._select] = a["value"]


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _fill(route: str) -> str | None:
    """A real address for a route, with the demo data's ids; None for one we cannot fill."""
    if route.startswith("^") or "(?P" in route:
        return None

    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            model = INT_KWARGS.get(name)
            obj = model.objects.order_by("pk").first() if model else None
            return str(obj.pk if obj else 1)
        if converter == "slug" and name == "slug":
            post = Post.objects.published().first()
            return post.slug if post else "x"
        raise LookupError(name)

    try:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    except LookupError:
        return None


def discover(clients: dict[str, Client]) -> list[tuple[str, str, dict[str, str]]]:
    """(who, action, fields) for every post form on every page we can open."""
    targets: dict[tuple[str, str, tuple[str, ...]], dict[str, str]] = {}
    for route, _pattern in _patterns(get_resolver()):
        url = _fill(route)
        if url is None or LEAVE_OUT.search(url) or url.startswith("/api/") or url.startswith("/static/"):
            continue
        for who, client in clients.items():
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(response.content.decode())
            for form in parser.forms:
                action = urlsplit(form["action"]).path or url
                if form["method"] != "post" or not form["fields"] or LEAVE_OUT.search(action):
                    continue
                targets.setdefault((who, action, tuple(sorted(form["fields"]))), form["fields"])
    return [(who, action, fields) for (who, action, _), fields in sorted(targets.items())]


# --- What an attacker sends ----------------------------------------------------------------------

NASTY = [
    "\x00",
    "a\x00b",
    '=HYPERLINK("https://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1",
    "0",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e308",
    "99999999999999999999999",
    "-100000000000000000000",
    "9223372036854775808",
    "2147483648",
    "3.5",
    "31",
    "2",
    "0000",
    "99999",
    "²",
    "١٢",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    '![a](image:1" onerror="x)',
    "[x][r]\n\n[r]: javascript:x",
    "13:75",
    "25pm",
    "2026-02-30",
    "\u202e\ufeff",
    " ",
]
SWEEP = ["99999999999999999999999", "-100000000000000000000", "NaN", "-1", "a\x00b", b"\xed\xa0\x80"]
NOT_UTF8 = [b"\xff\xfe", b"\xed\xa0\x80", b"\xc3", b"a\x80b", b"\xf4\x90\x80\x80"]  # \xed\xa0\x80: a lone surrogate

value = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(NOT_UTF8),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.text(min_size=5000, max_size=12000, alphabet="ab =\n"),
)


def encode(data: dict[str, list[str | bytes]]) -> bytes:
    parts = []
    for name, values in data.items():
        for v in values:
            raw = v if isinstance(v, bytes) else v.encode("utf-8")
            parts.append(quote_from_bytes(name.encode()) + "=" + quote_from_bytes(raw))
    return "&".join(parts).encode()


# Not a record the post writes: showing a page with access needs again (a form with mistakes on
# the access briefing) is a view of them, and every view is logged.
AUDIT_OF_VIEWS = "core.AuditEntry"


def row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models() if m._meta.managed and m._meta.label != AUDIT_OF_VIEWS]
    return {m._meta.label: m._default_manager.count() for m in models}


@pytest.mark.django_db
def test_every_form_answers_bad_input_with_a_4xx_and_writes_nothing():
    from django.conf import settings as django_settings

    django_settings.SIGNUP_RATE_LIMIT = None
    django_settings.BLOG_COMMENT_RATE_LIMIT = None
    call_command("seed_demo", verbosity=0)
    coordinator = User.objects.filter(role=User.Role.COORDINATOR).first()
    anonymous, signed_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
    signed_in.force_login(coordinator)
    clients = {"visitor": anonymous, "coordinator": signed_in}
    targets = discover(clients)
    names = {action for _, action, _ in targets}
    # The forms the issue names are all among them (a page that stops showing one fails here).
    for expected in (
        "/sessions/",
        "/newsletter/",
        "/blog/posts/",
        "/coordinator/sessions/new/",
        "/coordinator/venues/new/",
    ):
        assert any(action.startswith(expected) for action in names), expected
    assert len(targets) >= 20, len(targets)
    failures: list[str] = []

    def check(who: str, action: str, body: dict[str, list[str | bytes]]) -> None:
        before = row_counts()
        response = clients[who].post(action, encode(body), content_type="application/x-www-form-urlencoded")
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {who} POST {action} {body!r:.300}")
        elif 400 <= response.status_code < 500 and response.status_code != 404:
            after = row_counts()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if changed:
                failures.append(f"{response.status_code} {who} POST {action} wrote {changed} {body!r:.300}")

    @settings(settings.get_profile(PROFILE))
    @given(st.data())
    def post_bad_input(data):
        who, action, fields = data.draw(st.sampled_from(targets))
        body = {name: [default] for name, default in fields.items()}
        for name in data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=len(fields), unique=True)):
            body[name] = data.draw(st.lists(value, min_size=1, max_size=2))
        check(who, action, body)

    # First the probe's own values in every field of every form at once (each form sees each one),
    # then hypothesis mixes them field by field.
    for who, action, fields in targets:
        for bad in SWEEP:
            check(who, action, {name: [bad] for name in fields})
    post_bad_input()
    where = sorted({" ".join(f.split(" ")[:4]) for f in failures})
    assert not failures, "\n".join(where + sorted(set(failures))[:20])
