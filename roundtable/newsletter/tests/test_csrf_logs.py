"""A refused (CSRF) post to a private newsletter link must not write the link's token to a log:
Django logs the path of every CSRF failure on `django.security.csrf`."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from roundtable.newsletter.models import ConfirmationLink, Subscriber

pytestmark = pytest.mark.django_db


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        self.lines.append(f"{record.name} {record.getMessage()} {getattr(request, 'path', '')}")


@pytest.fixture
def collected():
    handler = Collect()
    # On the loggers themselves as well as the root: a handler sees a record only after the
    # logger's own filters have run, which is where the redaction happens.
    loggers = [logging.getLogger(name) for name in ("", "django.security.csrf", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def test_a_csrf_failure_on_a_confirm_link_logs_no_token(collected, settings):
    settings.CSRF_TRUSTED_ORIGINS = []
    subscriber = Subscriber.objects.create(email="reader@example.org", status=Subscriber.Status.PENDING)
    token = ConfirmationLink.mint(subscriber=subscriber)
    url = f"/newsletter/confirm/{token}/"
    browser = Client(enforce_csrf_checks=True)
    refused = [
        browser.post(url, {}),  # no cookie at all
        browser.post(url, {"csrfmiddlewaretoken": "x" * 64}, HTTP_COOKIE="csrftoken=" + "y" * 32),
        browser.post(url, {}, secure=True, HTTP_REFERER=f"https://evil.example{url}"),
        browser.post(url, {}, secure=True, HTTP_ORIGIN="https://evil.example"),
    ]
    assert {r.status_code for r in refused} == {403}
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    csrf_lines = [line for line in collected.lines if line.startswith("django.security.csrf")]
    assert len(csrf_lines) >= len(refused)
    assert all("/newsletter/confirm/[private]" in line for line in csrf_lines), csrf_lines
    assert not [line for line in collected.lines if token in line]


def test_any_security_logger_naming_a_confirm_path_reaches_the_handlers_redacted():
    from roundtable.core import logfilter

    class Keep(logging.Handler):
        lines: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.lines.append(record.getMessage())

    handler = Keep()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logfilter.install()  # as at start-up: the root's handlers get the filter too
        assert any(isinstance(f, logfilter.RedactPrivateLinks) for f in handler.filters)
        # A child of django.security that is not on the list still passes through the handlers.
        logging.getLogger("django.security.SuspiciousOperation").error(
            "Suspicious request to %s", "/newsletter/confirm/SECRETTOKEN123/"
        )
    finally:
        root.removeHandler(handler)
    assert handler.lines == ["Suspicious request to /newsletter/confirm/[private]/"]
