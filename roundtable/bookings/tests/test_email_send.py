"""A booking email whose booking has gone is recorded as not needed and never sent."""

import pytest
from django.core import mail

from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.email import send_now
from roundtable.core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_an_email_for_a_deleted_booking_is_not_sent_and_says_why():
    result = signup(make_session(), 1, email="ruth@example.org")
    email = OutboundEmail.objects.get(booking_id=result.booking.pk, template="booking_confirmation")
    Booking.objects.filter(pk=result.booking.pk).delete()

    assert send_now(email.pk) == "not needed"
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED
    assert email.last_error == "Not sent: the booking no longer exists"
    assert mail.outbox == []
    assert send_now(email.pk) == "skipped"


def test_an_email_no_longer_in_the_outbox_is_skipped():
    assert send_now(987654) == "skipped"
    assert mail.outbox == []
