"""The demo's payments: a session paying in every state, with expenses, and an offer said up front."""

import pytest
from django.core.management import call_command

from roundtable.core.models import AuditEntry
from roundtable.demo.payments import seed_payments
from roundtable.payments.models import Offer, Payment

pytestmark = pytest.mark.django_db


def test_the_demo_pays_in_every_state_and_seeding_again_adds_nothing(client):
    call_command("seed_demo", verbosity=0)
    counts = seed_payments()
    assert set(counts) == {s.value for s in Payment.Status}, counts
    paying = Offer.objects.order_by("session__starts_at").first().session  # the past session
    assert {p.status for p in Payment.objects.filter(session=paying)} == {s.value for s in Payment.Status}
    session_ids = set(Offer.objects.values_list("session_id", flat=True))
    assert len(session_ids) == 2  # the paying past session and the next one
    expenses = Payment.objects.filter(kind=Payment.Kind.EXPENSE)
    assert {e.expense_kind for e in expenses} == {"travel", "childcare"}
    childcare = expenses.get(expense_kind="childcare")
    assert childcare.receipt.startswith("receipts/") and childcare.receipt_type == "image/png"
    paid = Payment.objects.filter(status=Payment.Status.PAID)
    assert all(p.paid_on and p.method and p.reference for p in paid)
    assert AuditEntry.objects.filter(verb="payment.paid").count() == paid.count()

    total = Payment.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Payment.objects.count() == total
