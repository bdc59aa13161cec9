"""Test factories for bookings: a participant signing up, as the form would."""

from __future__ import annotations

import itertools

from roundtable.bookings.services import SignupResult, booking_create
from roundtable.cocreation.models import Session

_counter = itertools.count(1000)


def signup(session: Session, n: int | None = None, **fields) -> SignupResult:
    n = n if n is not None else next(_counter)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("email", f"person{n}@example.org")
    return booking_create(session_id=session.pk, **fields)
