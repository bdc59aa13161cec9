"""An oversized request body is refused before any of it is read (issue 15, should fix 11).

A 200 MB multipart post to the sign-up, newsletter or sign-in form used to be read in full, its
file part written to disk, before a 400. Now the answer is a 413 from the declared length alone;
forms that take no file never store one; and the upload pages still take their uploads.
"""

from __future__ import annotations

import inspect
import socket
import time
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from roundtable.cocreation.testing import make_session
from roundtable.core.bodylimit import BodyLimitMiddleware
from roundtable.records.models import Output
from roundtable.records.tests.factories import image_bytes, past_session, upload

DECLARED = 200 * 1024 * 1024
BOUNDARY = "----roundtable-test-boundary"


def _multipart_head(path: str, host: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {DECLARED}\r\nAccept: text/html\r\n"
        # A CSRF cookie, as any visitor has after one look at the form: without one the CSRF check
        # refuses before reading the body, with one it reads the form to find the token.
        f"Cookie: csrftoken={'a' * 32}\r\n\r\n"
    ).encode()


def _file_part_start() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nsam@example.org\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"\x00" * (256 * 1024)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", ["sign-in", "newsletter", "session sign-up"])
def test_a_200_mb_post_to_a_public_form_is_refused_at_once_and_nothing_is_written(
    live_server, settings, tmp_path, form
):
    temp_dir = tmp_path / "upload-temp"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    path = {
        "sign-in": "/accounts/sign-in/",
        "newsletter": "/newsletter/",
        "session sign-up": f"/sessions/{make_session().pk}/sign-up/",
    }[form]
    host, port = live_server.thread.host, live_server.thread.port
    # One ordinary look at the page first, so the time measured is the refusal, not the server
    # loading its URLs and templates on its first request.
    with urllib.request.urlopen(live_server.url + path, timeout=30) as page:  # noqa: S310
        assert page.status == 200

    with socket.create_connection((host, port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(_multipart_head(path, f"{host}:{port}"))
        try:
            # The start of a body that would go on for 200 MB; the server must not wait for the rest.
            sock.sendall(_file_part_start())
        except OSError:  # the server may already have answered and closed
            pass
        sock.settimeout(5)
        answer = b""
        while b"</html>" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert "What you sent is too large" in body.decode()
    assert elapsed < 1, f"answered after {elapsed:.2f} s"
    assert list(temp_dir.iterdir()) == []


def test_a_json_client_gets_a_json_413(client):
    response = client.post(
        "/api/sessions/1/bookings", data=b"{}", content_type="application/json", CONTENT_LENGTH=DECLARED
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_a_form_that_takes_no_file_never_stores_one():
    request = RequestFactory().post(
        "/accounts/sign-in/", {"username": "sam@example.org", "upload": upload("x.jpg", b"\xff" * 50_000)}
    )
    request.resolver_match = resolve("/accounts/sign-in/")
    middleware = BodyLimitMiddleware(lambda r: None)

    assert middleware.process_view(request, request.resolver_match.func, (), {}) is None

    assert request.POST["username"] == "sam@example.org"
    assert len(request.FILES) == 0


def test_an_upload_page_still_takes_a_file_larger_than_the_form_limit(coordinator_client, settings):
    settings.MAX_FORM_BODY_KB = 8
    session = past_session()
    photo = image_bytes("JPEG", (1600, 1200))
    assert len(photo) > 8 * 1024

    response = coordinator_client.post(
        f"/coordinator/sessions/{session.pk}/record/add/photo/",
        {
            "caption": "Clay",
            "alt_text": "Clay figures",
            "consent": "no_one_identifiable",
            "upload": upload(content=photo),
        },
    )

    assert response.status_code == 302
    assert Output.objects.count() == 1
    # …and any other page refuses a body that size.
    assert coordinator_client.post("/coordinator/venues/new/", {"name": "x" * 9000}).status_code == 413


def test_an_upload_page_refuses_a_body_far_over_the_largest_upload(coordinator_client, settings):
    settings.OUTPUT_MAX_UPLOAD_MB = 2
    session = past_session()
    response = coordinator_client.post(
        f"/coordinator/sessions/{session.pk}/record/add/photo/", {"caption": "x"}, CONTENT_LENGTH=DECLARED
    )
    assert response.status_code == 413
    assert Output.objects.count() == 0


def _views(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _views(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}".strip(":"), inspect.unwrap(entry.callback)


def test_every_view_that_reads_uploaded_files_is_listed_in_upload_views():
    reading = set()
    for name, view in _views(get_resolver().url_patterns):
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        if "request.FILES" in source:
            reading.add(name)
    assert reading == set(django_settings.UPLOAD_VIEWS)
