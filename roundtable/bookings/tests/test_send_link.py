""" "Send my link again": the way someone who lost their email gets their private link back. It
answers the same whether or not the address is booked, is rate limited per client, and counts
towards the cap on booking emails per address."""

import pytest
from django.core import mail
from django.core.cache import cache

from roundtable.bookings.services import booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def url(session) -> str:
    return f"/sessions/{session.pk}/send-my-link/"


def main(response) -> str:
    return response.content.decode().split('id="main-content"', 1)[1].split("</main>", 1)[0]


def test_the_session_page_and_the_form_offer_it(client):
    session = make_session()
    assert f'href="{url(session)}"' in client.get(f"/sessions/{session.pk}/").content.decode()
    page = client.get(url(session))
    assert page.status_code == 200
    assert "Send my link again" in page.content.decode() and 'name="email"' in page.content.decode()


def test_a_booked_address_gets_a_new_link_and_a_stranger_sees_the_same_page(client):
    session = make_session()
    booking = signup(session, 1, email="ruth@example.org").booking
    run_tasks()
    mail.outbox.clear()

    booked = client.post(url(session), {"email": "Ruth@Example.org "})
    unknown = client.post(url(session), {"email": "nobody@example.org"})

    assert booked.status_code == unknown.status_code == 302
    assert booked.url == unknown.url == f"/sessions/{session.pk}/send-my-link/sent/"
    page = client.get(booked.url)
    assert "If that address has a booking for this session, we have emailed its link." in main(page)
    assert "ruth@example.org" not in page.content.decode().lower()
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ruth@example.org"]]
    assert "/booking/" in mail.outbox[0].body and "send the link for your booking again" in mail.outbox[0].body
    assert not OutboundEmail.objects.filter(to="nobody@example.org").exists()
    assert OutboundEmail.objects.filter(booking_id=booking.pk).count() == 2


def test_a_cancelled_booking_gets_nothing(client):
    session = make_session()
    booking = signup(session, 1, email="ruth@example.org").booking
    booking_cancel(booking_id=booking.pk)
    before = OutboundEmail.objects.count()
    assert client.post(url(session), {"email": "ruth@example.org"}).status_code == 302
    assert OutboundEmail.objects.count() == before


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the email address you signed up with"),
        ("not an address", "Enter an email address in the correct format, like name@example.com"),
        ("a\x00b@example.org", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_a_bad_address_is_a_400_with_the_message_by_the_field(client, email, message):
    session = make_session()
    response = client.post(url(session), {"email": email})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page and 'href="#id_email"' in page
    assert (
        f'<p id="id_email-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {message}</p>'
        in page
    )
    assert not OutboundEmail.objects.exists()


def test_one_client_asking_too_often_is_told_to_wait(client, settings):
    settings.SEND_LINK_RATE_LIMIT = (3, 3600)
    session = make_session()
    codes = [client.post(url(session), {"email": f"p{n}@example.org"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert "Too many requests" in client.post(url(session), {"email": "x@example.org"}).content.decode()


def test_resends_and_sign_ups_share_the_cap_per_address(client, settings):
    settings.BOOKING_EMAILS_PER_ADDRESS = (3, 3600)
    settings.SEND_LINK_RATE_LIMIT = None
    session = make_session()
    booking = signup(session, 1, email="ruth@example.org").booking  # 1
    for _ in range(5):
        assert client.post(url(session), {"email": "ruth@example.org"}).status_code == 302
    assert OutboundEmail.objects.filter(booking_id=booking.pk).count() == 3


def test_unknown_or_draft_session_is_not_found(client):
    draft = make_session(status="draft")
    assert client.get("/sessions/987654/send-my-link/").status_code == 404
    assert client.post(url(draft), {"email": "a@example.org"}).status_code == 404
