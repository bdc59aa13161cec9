"""The feedback form's private link goes through core's private-link mechanism: private headers on
every answer, a link that stops when revoked, and no token in any log line."""

import logging

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.evaluation.models import FeedbackLink, FeedbackRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asked():
    session = make_session()
    booking = signup(session, 1, name="Ann", email="ann@example.org").booking
    request = FeedbackRequest.objects.create(booking=booking, session=session, sent_at=timezone.now())
    return request, FeedbackLink.mint(request=request)


def assert_private(response, what) -> None:
    assert response["Referrer-Policy"] == "no-referrer", what
    assert "no-store" in response["Cache-Control"], what
    assert response["X-Robots-Tag"] == "noindex", what


def test_every_feedback_private_page_sends_no_referrer_no_store_and_noindex(client, asked):
    _, token = asked
    give = client.get(f"/evaluation/feedback/give/{token}/")
    assert give.status_code == 200
    assert_private(give, "give")
    assert_private(client.get("/evaluation/feedback/give/not-a-real-token/"), "not working")
    assert_private(client.get("/evaluation/feedback/thank-you/"), "thanks")
    refused = Client(enforce_csrf_checks=True).post(f"/evaluation/feedback/give/{token}/")
    assert refused.status_code == 403
    assert_private(refused, "refused")
    assert_private(client.put(f"/evaluation/feedback/give/{token}/"), "wrong method")


def test_a_revoked_feedback_link_stops_working(client, asked):
    request, token = asked
    other = FeedbackLink.mint(request=request)
    assert FeedbackLink.revoke_all(request=request) == 2
    assert client.get(f"/evaluation/feedback/give/{token}/").status_code == 404
    assert client.get(f"/evaluation/feedback/give/{other}/").status_code == 404
    assert FeedbackLink.request_for(token) is None


def test_a_feedback_token_never_reaches_the_logs(client, asked, caplog):
    request, token = asked
    with caplog.at_level(logging.DEBUG):
        assert Client(enforce_csrf_checks=True).post(f"/evaluation/feedback/give/{token}/").status_code == 403
        FeedbackLink.revoke_all(request=request)
        assert client.get(f"/evaluation/feedback/give/{token}/").status_code == 404
    assert len(caplog.records) >= 2
    assert token not in caplog.text
    assert all(token not in r.getMessage() for r in caplog.records)
    assert "/feedback/give/[private]" in caplog.text
