"""Every answer to a signed-in person is `Cache-Control: private, no-store` (issue 15, should
fix 10): pages with health or personal data (access needs, the access briefing, the subscriber
export) and every other signed-in page, found from the URL resolver."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _assert_private_no_store(response, url: str) -> None:
    directives = _directives(response)
    assert {"private", "no-store"} <= directives, f"{url}: Cache-Control {response.get('Cache-Control')!r}"
    assert "public" not in directives, url


def test_pages_with_health_and_personal_data_are_private_and_never_stored(coordinator_client):
    session = make_session()
    signup(session)
    for url in (
        f"/coordinator/sessions/{session.pk}/access-needs/",
        f"/coordinator/sessions/{session.pk}/access/",
        "/newsletter/coordinator/subscribers/export.csv",
    ):
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        _assert_private_no_store(response, url)


def _paths_without_arguments(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _paths_without_arguments(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
            yield "/" + route


def test_every_page_without_arguments_is_private_and_never_stored_when_signed_in(coordinator_client):
    paths = sorted(set(_paths_without_arguments(get_resolver().url_patterns)))
    assert len(paths) >= 20
    for path in paths:
        response = coordinator_client.get(path)
        _assert_private_no_store(response, path)


def test_an_api_request_with_a_token_is_private_and_never_stored(client):
    response = client.get("/api/sessions", HTTP_AUTHORIZATION="Bearer rt_not-a-real-token")
    _assert_private_no_store(response, "/api/sessions")


def test_public_pages_for_visitors_who_are_not_signed_in_stay_cacheable(client):
    make_session()
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
