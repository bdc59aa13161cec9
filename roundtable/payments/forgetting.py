"""How payments forget a person (see core/forgetting.py). The payment rows stay, pointing at the
anonymised person, so the centre's accounts still add up (finance must keep what it paid); any
mention of their name or email in a reference, reason or charity name goes. Their receipts (files)
are deleted, their own descriptions of expenses cleared, and any request to book travel deleted."""

from __future__ import annotations

from django.db import transaction

from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.payments.models import Payment, PaymentProfile, TravelRequest
from roundtable.payments.receipts import delete_receipts


@forgetter("payments", order=45)
def forget_mentions_in_payments(person_id: int, email: str, name: str, actor) -> int:
    return scrub_rows(Payment.objects.all(), ["reference", "reason", "donate_to"], email=email, name=name)


@forgetter("payments_claims", order=46)
def forget_claims(person_id: int, email: str, name: str, actor) -> int:
    theirs = Payment.objects.filter(person_id=person_id, kind=Payment.Kind.EXPENSE)
    names = [n for n in theirs.exclude(receipt="").values_list("receipt", flat=True)]
    cleared = theirs.exclude(receipt="", description="").update(receipt="", receipt_type="", description="")
    # The files go once the rows no longer point at them (and not at all if forgetting rolls back).
    transaction.on_commit(lambda: delete_receipts(names))
    requests, _ = TravelRequest.objects.filter(person_id=person_id).delete()
    return cleared + requests


@forgetter("payment profile", order=44)
def forget_payment_profile(person_id: int, email: str, name: str, actor) -> int:
    """Benefit-safe mode, their limits and their employment answers: theirs alone, so they go."""
    deleted, _ = PaymentProfile.objects.filter(person_id=person_id).delete()
    return deleted
