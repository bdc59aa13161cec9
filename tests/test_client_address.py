"""Behind a reverse proxy, every limit keys on the address the proxy saw, never on what the
client wrote into X-Forwarded-For (issue 15, must fix 1).

The live tests put a real reverse proxy in front of the live server: a small stdlib HTTP server
that forwards each request and appends the address of whoever connected to it to
X-Forwarded-For, as nginx's `$proxy_add_x_forwarded_for` does. Clients connect from different
loopback addresses (127.0.0.2, 127.0.0.3, …), so the proxy sees genuinely different peers.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.test import RequestFactory

from roundtable.accounts.testing import PASSWORD, make_coordinator
from roundtable.cocreation.testing import make_session
from roundtable.core.clientaddr import client_address

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class _ForwardingHandler(BaseHTTPRequestHandler):
    upstream: tuple[str, int]

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"x-forwarded-for"}}
        seen = self.client_address[0]
        earlier = ", ".join(self.headers.get_all("X-Forwarded-For") or [])
        headers["X-Forwarded-For"] = f"{earlier}, {seen}" if earlier else seen
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        finally:
            upstream.close()

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, format, *args):  # noqa: A002
        pass


@contextmanager
def reverse_proxy(upstream_url: str) -> Iterator[str]:
    """A reverse proxy on a free port in front of `upstream_url`; yields its own URL."""
    parsed = urllib.parse.urlsplit(upstream_url)
    handler = type("Handler", (_ForwardingHandler,), {"upstream": (parsed.hostname, parsed.port)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Client:
    """An HTTP client that connects from its own loopback address and keeps its cookies."""

    def __init__(self, base: str, source: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port, self.source = parsed.hostname, parsed.port, source
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30, source_address=(self.source, 0))
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, content
        finally:
            connection.close()

    def sign_in(self, email: str, password: str, forged: str) -> tuple[int, str]:
        status, page = self.request("GET", "/accounts/sign-in/", headers={"X-Forwarded-For": forged})
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": password})
        return self.request(
            "POST",
            "/accounts/sign-in/",
            body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": forged},
        )

    def sign_up(self, session_id: int, n: int, forged: str) -> int:
        body = json.dumps({"name": f"Person {n}", "email": f"person{n}@example.org"}).encode()
        status, _ = self.request(
            "POST",
            f"/api/sessions/{session_id}/bookings",
            body=body,
            headers={"Content-Type": "application/json", "X-Forwarded-For": forged},
        )
        return status


@pytest.fixture
def behind_proxy(settings):
    # What BEHIND_PROXY=true sets at start-up.
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


@pytest.fixture
def fresh_cache(transactional_db):
    # The limits live in the database cache table, which outlives a test's rows.
    cache.clear()
    yield
    cache.clear()


# --- The rule, request by request --------------------------------------------------------------


def _request(forwarded: str | None = None, remote: str = "10.0.0.1"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_address(_request("6.6.6.6")) == "10.0.0.1"


def test_behind_one_proxy_the_client_is_the_entry_the_proxy_added(behind_proxy):
    assert client_address(_request("203.0.113.7")) == "203.0.113.7"
    # Whatever the client wrote comes first, and is ignored.
    assert client_address(_request("6.6.6.6, 7.7.7.7, 203.0.113.7")) == "203.0.113.7"
    # No header at all: the connection's own address.
    assert client_address(_request()) == "10.0.0.1"


def test_behind_two_proxies_the_client_is_the_entry_the_outer_proxy_added(behind_proxy):
    behind_proxy.TRUSTED_PROXY_COUNT = 2
    # client forged "6.6.6.6", the outer proxy saw 203.0.113.7, the inner one saw the outer (10.1.1.1)
    assert client_address(_request("6.6.6.6, 203.0.113.7, 10.1.1.1")) == "203.0.113.7"
    assert client_address(_request("203.0.113.7, 10.1.1.1")) == "203.0.113.7"
    # Fewer entries than trusted proxies: the request skipped a proxy, so nothing in it is trusted.
    assert client_address(_request("203.0.113.7")) == "10.0.0.1"


# --- Through a real reverse proxy ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_forging_a_new_forwarded_address_each_time_does_not_escape_the_sign_in_lockout(
    live_server, behind_proxy, fresh_cache
):
    make_coordinator(email="sam@example.org")
    with reverse_proxy(live_server.url) as proxy:
        attacker = Client(proxy, "127.0.0.2")
        answers = [attacker.sign_in("sam@example.org", f"guess {n}", forged=f"198.51.100.{n}") for n in range(1, 6)]
        assert [status for status, _ in answers] == [400, 400, 400, 400, 429]

        status, page = attacker.sign_in("sam@example.org", PASSWORD, forged="198.51.100.99")
        assert status == 429
        assert "Wait 15 minutes" in page
        assert "sessionid" not in attacker.cookies

        # Someone else, connecting from another address through the same proxy, is not held up.
        colleague = Client(proxy, "127.0.0.3")
        status, _ = colleague.sign_in("sam@example.org", PASSWORD, forged="127.0.0.2")
        assert status == 302


@pytest.mark.django_db(transaction=True)
def test_forging_a_new_forwarded_address_each_time_does_not_escape_the_sign_up_limit(
    live_server, behind_proxy, fresh_cache
):
    behind_proxy.SIGNUP_RATE_LIMIT = (3, 3600)
    session = make_session(capacity=50)
    with reverse_proxy(live_server.url) as proxy:
        client = Client(proxy, "127.0.0.2")
        statuses = [client.sign_up(session.pk, n, forged=f"198.51.100.{n}") for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]


@pytest.mark.django_db(transaction=True)
def test_two_clients_behind_two_proxies_are_counted_apart(live_server, behind_proxy, fresh_cache):
    behind_proxy.TRUSTED_PROXY_COUNT = 2
    behind_proxy.SIGNUP_RATE_LIMIT = (2, 3600)
    session = make_session(capacity=50)
    with reverse_proxy(live_server.url) as inner, reverse_proxy(inner) as outer:
        first, second = Client(outer, "127.0.0.2"), Client(outer, "127.0.0.3")
        # Each forges the other's address, and a new one every time: neither helps.
        a = [first.sign_up(session.pk, n, forged=f"127.0.0.3, 198.51.100.{n}") for n in range(3)]
        b = [second.sign_up(session.pk, 10 + n, forged=f"127.0.0.2, 198.51.100.{n}") for n in range(3)]
    assert a == [201, 201, 429]
    assert b == [201, 201, 429]


@pytest.mark.django_db(transaction=True)
def test_authenticate_keys_on_the_same_address_as_the_limits(behind_proxy, fresh_cache):
    make_coordinator(email="sam@example.org")
    for n in range(5):
        forged = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 203.0.113.7")
        assert authenticate(forged, username="sam@example.org", password=f"guess {n}") is None
    again = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert authenticate(again, username="sam@example.org", password=PASSWORD) is None
    elsewhere = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert authenticate(elsewhere, username="sam@example.org", password=PASSWORD) is not None


def test_no_other_code_reads_the_client_address_itself():
    """One rule for every limit: only core/clientaddr.py may read REMOTE_ADDR or X-Forwarded-For."""
    root = Path(__file__).resolve().parent.parent / "roundtable"
    readers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "clientaddr.py"
        and re.search(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For|get_ident", path.read_text(), re.IGNORECASE)
    ]
    assert readers == []
