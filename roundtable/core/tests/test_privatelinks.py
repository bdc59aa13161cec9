"""The private-link mechanism every app shares: tokens, the page decorator and the log filter.

The model (`PrivateLink`) is tested through each app's own link, where a concrete one exists."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from roundtable.core import logfilter
from roundtable.core.privatelinks import hash_token, new_token, private_link_view, private_page

SECRET = "s" * 32  # a CSRF secret as the cookie holds it; the form may send it as is


def _hello(request, *args, **kwargs):
    return HttpResponse("hello")


def assert_private(response) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def _post(origin: str | None = None, *, token: str | None = SECRET):
    request = RequestFactory().post("/private/abc/", {"csrfmiddlewaretoken": token} if token else {})
    request.COOKIES["csrftoken"] = SECRET
    if origin is not None:
        request.META["HTTP_ORIGIN"] = origin
    return request


# --- Tokens -----------------------------------------------------------------------------------


def test_a_token_is_stored_as_its_sha256_and_only_that():
    assert hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(hash_token("abc")) == 64


def test_each_new_token_is_random_url_safe_and_comes_with_its_hash():
    raw, hashed = new_token()
    other, _ = new_token()
    assert raw != other
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", raw)
    assert hashed == hash_token(raw) and raw not in hashed


# --- The page decorator -----------------------------------------------------------------------


def test_a_private_page_is_never_cached_never_a_referrer_and_never_indexed():
    response = private_page(_hello)(RequestFactory().get("/private/abc/"))
    assert response.status_code == 200
    assert_private(response)


def test_a_refusal_from_a_private_page_is_private_too():
    refused = private_page(_hello)(_post(token=None))
    assert refused.status_code == 403
    assert_private(refused)
    wrong_method = private_page(require_http_methods(["GET"])(_hello))(RequestFactory().options("/private/abc/"))
    assert wrong_method.status_code == 405
    assert_private(wrong_method)


def test_a_private_page_takes_the_null_origin_browsers_send_under_no_referrer_but_still_wants_the_token():
    view = private_page(_hello)
    assert view(_post("null")).status_code == 200
    assert view(_post("http://testserver")).status_code == 200
    assert view(_post("null", token=None)).status_code == 403
    assert view(_post("null", token="t" * 32)).status_code == 403
    assert view(_post("https://evil.example")).status_code == 403


def test_a_private_page_is_left_out_of_the_site_wide_csrf_check_because_it_runs_its_own():
    assert private_page(_hello).csrf_exempt is True


def test_a_view_marked_csrf_exempt_stays_exempt_on_a_private_page():
    response = private_page(csrf_exempt(_hello))(_post("https://mail.example", token=None))
    assert response.status_code == 200
    assert_private(response)


def test_a_private_link_view_hands_the_view_what_the_link_opens_and_the_token():
    seen = []

    def view(request, found, token):
        seen.append((found, token))
        return HttpResponse("ok")

    page = private_link_view({"good": "the booking"}.get, not_found_template="gone.html")(view)
    response = page(RequestFactory().get("/private/good/"), token="good")
    assert response.status_code == 200 and seen == [("the booking", "good")]
    assert_private(response)


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"gone.html": "This link is not working"})]
            },
        }
    ]
)
def test_a_private_link_that_opens_nothing_says_so_privately_with_a_404():
    page = private_link_view(lambda token: None, not_found_template="gone.html")(_hello)
    response = page(RequestFactory().get("/private/nope/"), token="nope")
    assert response.status_code == 404 and b"This link is not working" in response.content
    assert_private(response)


# --- Keeping tokens out of the logs ----------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """A registry of private paths for this test alone."""
    monkeypatch.setattr(logfilter, "_patterns", [])
    return logfilter


def _record(message: str, *args, request=None) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)
    if request is not None:
        record.request = request
    return record


def test_a_registered_private_path_is_redacted_from_a_log_line_and_its_request_dropped(registry):
    registry.register_private_paths(rf"(/private/){logfilter.SECRET}")
    request = RequestFactory().get("/private/TOKEN123/")
    record = _record("Not Found: %s", "/private/TOKEN123/", request=request)
    assert logfilter.RedactPrivateLinks().filter(record) is True
    assert record.getMessage() == "Not Found: /private/[private]/"
    assert record.request is None


def test_lines_about_other_paths_are_left_alone(registry):
    registry.register_private_paths(rf"(/private/){logfilter.SECRET}")
    request = RequestFactory().get("/sessions/4/")
    record = _record("Not Found: %s", "/sessions/4/", request=request)
    logfilter.RedactPrivateLinks().filter(record)
    assert record.getMessage() == "Not Found: /sessions/4/"
    assert record.request is request


def test_every_app_s_patterns_feed_the_one_filter(registry):
    registry.register_private_paths(rf"(/first/){logfilter.SECRET}")
    registry.register_private_paths(rf"(/second/){logfilter.SECRET}", rf"(/first/){logfilter.SECRET}")
    assert len(registry._patterns) == 2
    assert (
        logfilter.redact("GET /first/AAA/ then /second/BBB/?x=1") == "GET /first/[private]/ then /second/[private]/?x=1"
    )


def test_a_pattern_must_say_which_part_of_the_path_stays(registry):
    with pytest.raises(ValueError):
        registry.register_private_paths(r"/private/[^/]+")


def test_the_filter_is_on_every_logger_that_names_a_path():
    for name in logfilter.LOGGERS:
        assert any(isinstance(f, logfilter.RedactPrivateLinks) for f in logging.getLogger(name).filters), name


def test_a_malformed_log_record_is_let_through_untouched(registry):
    record = _record("%s and %s", "only one")
    assert logfilter.RedactPrivateLinks().filter(record) is True


def test_the_private_link_modules_import_no_other_app():
    core = Path(logfilter.__file__).parent
    for name in ("privatelinks.py", "logfilter.py"):
        imports = re.findall(r"^\s*(?:from|import) (roundtable\.\w+)", (core / name).read_text(), re.MULTILINE)
        assert set(imports) <= {"roundtable.core"}, (name, imports)
