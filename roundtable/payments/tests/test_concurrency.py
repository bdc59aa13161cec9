"""Two coordinators press Approve on the same payment at the same moment: it is approved once.

Runs on whichever database the test run uses; CI runs the suite on SQLite and on PostgreSQL
(DATABASE_URL), so both are covered: PostgreSQL by the row lock in services._lock, SQLite by its
IMMEDIATE transactions (one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.payments import services
from roundtable.payments.models import Payment
from roundtable.payments.services import ChoiceAnswer, PaymentStateError
from roundtable.payments.testing import make_offer

ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_approving_at_once_approve_it_once():
    creator = make_coordinator("creator@example.org")
    approvers = [make_coordinator(f"approver{n}@example.org") for n in range(2)]
    session = make_session()
    make_offer(session, actor=creator)
    for _ in range(ROUNDS):
        booking = signup(session).booking
        fee = services.fee_for_booking(booking)
        assert fee is not None
        services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
        booking_mark_attendance(booking_id=booking.pk, attended=True, actor=creator)
        start = threading.Barrier(len(approvers))
        results: list[str] = []

        def approve(user, payment_id=fee.pk, start=start, results=results):
            start.wait()
            try:
                services.payment_approve(payment_id=payment_id, actor=user)
                results.append("approved")
            except PaymentStateError:
                results.append("already")
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["already", "approved"]
        assert Payment.objects.get(pk=fee.pk).status == "approved"
        assert AuditEntry.objects.filter(verb="payment.approved", target_id=str(fee.pk)).count() == 1
