"""The newsletter's private pages (confirm, unsubscribe) go through core's private-link mechanism:
private headers on every answer, links that stop when revoked or expired, forms that work under
no-referrer, and no token in any log line."""

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client

from roundtable.core.privatelinks import new_token
from roundtable.newsletter.models import ConfirmationLink, Delivery, Subscriber
from roundtable.newsletter.tests.helpers import make_issue, make_subscriber

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pending():
    subscriber = make_subscriber("newcomer@example.org", status=Subscriber.Status.PENDING)
    return subscriber, ConfirmationLink.mint(subscriber=subscriber)


@pytest.fixture
def unsubscribe_token():
    raw, hashed = new_token()
    Delivery.objects.create(issue=make_issue(), subscriber=make_subscriber(), unsubscribe_token_hash=hashed)
    return raw


def assert_private(response, what) -> None:
    assert response["Referrer-Policy"] == "no-referrer", what
    assert "no-store" in response["Cache-Control"], what
    assert response["X-Robots-Tag"] == "noindex", what


def test_every_newsletter_private_page_sends_no_referrer_no_store_and_noindex(client, pending, unsubscribe_token):
    _, token = pending
    for url in (
        f"/newsletter/confirm/{token}/",
        "/newsletter/confirm/not-a-real-token/",
        f"/newsletter/unsubscribe/{unsubscribe_token}/",
        "/newsletter/unsubscribe/not-a-real-token/",
    ):
        response = client.get(url)
        assert_private(response, url)
        # Under no-referrer the footer's sign-up form would post "Origin: null" and be refused.
        assert 'action="/newsletter/"' not in response.content.decode(), url
    refused = Client(enforce_csrf_checks=True).post(f"/newsletter/confirm/{token}/")
    assert refused.status_code == 403
    assert_private(refused, "refused confirm")
    assert_private(client.put(f"/newsletter/confirm/{token}/"), "wrong method")
    assert_private(client.post(f"/newsletter/confirm/{token}/"), "confirmed")
    assert_private(client.post(f"/newsletter/unsubscribe/{unsubscribe_token}/"), "unsubscribed")


def test_the_confirm_button_works_with_the_null_origin_browsers_send_under_no_referrer(pending):
    subscriber, token = pending
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/newsletter/confirm/{token}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(f"/newsletter/confirm/{token}/", {}, HTTP_ORIGIN="null").status_code == 403
    other_site = browser.post(
        f"/newsletter/confirm/{token}/", {"csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="https://evil.example"
    )
    assert other_site.status_code == 403
    assert Subscriber.objects.get(pk=subscriber.pk).status == Subscriber.Status.PENDING
    done = browser.post(f"/newsletter/confirm/{token}/", {"csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="null")
    assert done.status_code == 200
    assert Subscriber.objects.get(pk=subscriber.pk).status == Subscriber.Status.ACTIVE


def test_a_revoked_confirmation_link_stops_working(client, pending):
    subscriber, token = pending
    assert ConfirmationLink.revoke_all(subscriber=subscriber) == 1
    assert client.post(f"/newsletter/confirm/{token}/").status_code == 404
    assert Subscriber.objects.get(pk=subscriber.pk).status == Subscriber.Status.PENDING


def test_a_confirmation_link_works_for_a_week_then_stops(client, pending):
    subscriber, token = pending
    ConfirmationLink.objects.update(created_at=ConfirmationLink.objects.get().created_at - timedelta(days=6))
    assert client.get(f"/newsletter/confirm/{token}/").status_code == 200
    ConfirmationLink.objects.update(created_at=ConfirmationLink.objects.get().created_at - timedelta(days=2))
    assert ConfirmationLink.find(token) is None
    assert client.get(f"/newsletter/confirm/{token}/").status_code == 404


def test_newsletter_tokens_never_reach_the_logs(client, pending, unsubscribe_token, caplog):
    subscriber, token = pending
    with caplog.at_level(logging.DEBUG):
        assert Client(enforce_csrf_checks=True).post(f"/newsletter/confirm/{token}/").status_code == 403
        ConfirmationLink.revoke_all(subscriber=subscriber)
        assert client.get(f"/newsletter/confirm/{token}/").status_code == 404
        Delivery.objects.update(unsubscribe_token_hash=None)
        assert client.get(f"/newsletter/unsubscribe/{unsubscribe_token}/").status_code == 404
    assert len(caplog.records) >= 3
    for secret in (token, unsubscribe_token):
        assert secret not in caplog.text
        assert all(secret not in r.getMessage() for r in caplog.records)
    assert "/newsletter/confirm/[private]" in caplog.text and "/newsletter/unsubscribe/[private]" in caplog.text
