"""Merging two records of one person keeps their payments, one fee per session."""

from __future__ import annotations

import pytest

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.merging import MergeError, merge_everywhere
from roundtable.payments.models import Payment
from roundtable.payments.testing import make_offer

pytestmark = pytest.mark.django_db


def test_a_fee_moves_and_a_fee_for_the_same_session_keeps_the_one_gone_furthest():
    coordinator = make_coordinator("sam@example.org")
    shared, other = make_session(), make_session()
    keep = signup(shared, name="Ade", email="ade@example.org").booking.person
    drop = signup(shared, name="Ade", email="ade.work@example.org").booking.person
    signup(other, name="Ade", email="ade.work@example.org")
    make_offer(shared, actor=coordinator)
    make_offer(other, actor=coordinator)
    Payment.objects.filter(session=shared, person=drop).update(status=Payment.Status.APPROVED)

    done = merge_everywhere(keep_id=keep.pk, drop_id=drop.pk)

    fees = Payment.objects.filter(person=keep, kind=Payment.Kind.FEE).order_by("session_id")
    assert [(p.session_id, p.status) for p in fees] == [(shared.pk, "approved"), (other.pk, "offered")]
    assert any("is kept" in line for line in done["payments"])


def test_two_paid_fees_for_one_session_are_refused_and_nothing_changes():
    coordinator = make_coordinator("sam@example.org")
    session = make_session()
    keep = signup(session, name="Ade", email="ade@example.org").booking.person
    drop = signup(session, name="Ade", email="ade.work@example.org").booking.person
    make_offer(session, actor=coordinator)
    Payment.objects.filter(session=session).update(status=Payment.Status.PAID)

    with pytest.raises(MergeError, match="Sort that out with finance"):
        merge_everywhere(keep_id=keep.pk, drop_id=drop.pk)
    assert Payment.objects.filter(person=drop).count() == 1
