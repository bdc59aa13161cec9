"""Test factories for payments: a rate card line and a session with an offer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from roundtable.accounts.models import User
from roundtable.cocreation.models import Session
from roundtable.payments.models import Offer, Rate
from roundtable.payments.services import offer_set


def make_rate(*, amount_pence: int = 2750, unit: str = Rate.Unit.HOUR, name: str = "Involvement", **extra) -> Rate:
    extra.setdefault("effective_from", date(2020, 4, 1))
    return Rate.objects.create(name=name, unit=unit, amount_pence=amount_pence, **extra)


def make_offer(session: Session, *, actor: User, rate: Rate | None = None, quantity: str = "3") -> Offer:
    return offer_set(
        session=session,
        rate=rate or make_rate(),
        quantity=Decimal(quantity),
        repays="travel and care costs",
        actor=actor,
    )
