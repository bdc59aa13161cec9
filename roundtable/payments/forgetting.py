"""How payments forget a person (see core/forgetting.py). The payment rows stay, pointing at the
anonymised person, so the centre's accounts still add up (finance must keep what it paid); any
mention of their name or email in a reference, reason or charity name goes."""

from __future__ import annotations

from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.payments.models import Payment, PaymentProfile


@forgetter("payments", order=45)
def forget_mentions_in_payments(person_id: int, email: str, name: str, actor) -> int:
    return scrub_rows(Payment.objects.all(), ["reference", "reason", "donate_to"], email=email, name=name)


@forgetter("payment profile", order=44)
def forget_payment_profile(person_id: int, email: str, name: str, actor) -> int:
    """Benefit-safe mode, their limits and their employment answers: theirs alone, so they go."""
    deleted, _ = PaymentProfile.objects.filter(person_id=person_id).delete()
    return deleted
