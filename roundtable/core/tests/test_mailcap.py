"""The cap on emails per address counts what the outbox holds: by address (any case), by the
templates asked about, in the window, and per booking when asked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.core import mailcap
from roundtable.core.email import queue_email
from roundtable.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

FAMILY = ("booking_confirmation",)


def test_three_an_hour_then_no_more_until_the_hour_has_passed():
    rate = (3, 3600)
    for _ in range(3):
        assert mailcap.may_send(to="Victim@Example.org", templates=FAMILY, rate=rate)
        queue_email(to="victim@example.org", template="booking_confirmation")
    assert not mailcap.may_send(to="victim@example.org", templates=FAMILY, rate=rate)
    assert not mailcap.may_send(to=" VICTIM@example.org ", templates=FAMILY, rate=rate)
    # Other addresses and other kinds of email are not counted.
    assert mailcap.may_send(to="someone@example.org", templates=FAMILY, rate=rate)
    assert mailcap.may_send(to="victim@example.org", templates=("newsletter_confirm",), rate=rate)
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(seconds=3601))
    assert mailcap.may_send(to="victim@example.org", templates=FAMILY, rate=rate)


def test_no_cap_when_switched_off():
    for _ in range(5):
        queue_email(to="a@example.org", template="booking_confirmation")
    assert mailcap.may_send(to="a@example.org", templates=FAMILY, rate=None)


def test_sent_recently_can_count_one_booking_only():
    queue_email(to="a@example.org", template="booking_confirmation", booking_id=1)
    queue_email(to="a@example.org", template="booking_confirmation", booking_id=2)
    assert mailcap.sent_recently(to="a@example.org", templates=FAMILY, seconds=60) == 2
    assert mailcap.sent_recently(to="a@example.org", templates=FAMILY, seconds=60, booking_id=2) == 1
