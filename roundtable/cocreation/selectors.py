from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from roundtable.cocreation.models import AgendaItem, Session, SessionQuerySet


def places_left(session: Session) -> int:
    return session.places_left


def public_session_list(*, when: str = "upcoming") -> SessionQuerySet:
    qs = Session.objects.public().select_related("venue", "programme").with_place_counts()
    return qs.past() if when == "past" else qs.upcoming()


def public_session(session_id: int) -> Session:
    """A session anyone may see (published or cancelled), with its counts, venue and agenda."""
    qs = (
        Session.objects.public()
        .select_related("venue", "programme")
        .with_place_counts()
        .prefetch_related(Prefetch("agenda", queryset=AgendaItem.objects.order_by("starts_at", "id")))
    )
    return get_object_or_404(qs, pk=session_id)


def public_session_page_key(session_id: int) -> str | None:
    """The version of a session's public page, as a cache key, in one small query: everything the
    page shows that can change. The session's own `updated_at` moves when it, its agenda or its
    held places are edited, or its venue or programme is (roundtable/cocreation/signals.py); the
    booking counts and the latest change to any booking cover places left, the waiting list and
    what is still held back; and where the session stands against the clock (sign-up not yet open,
    closed, over, held places released) is worked out against now. None for a session the
    public may not see (the page answers 404 as usual).

    Raw SQL because this runs on every view of the page and the ORM's query building cost more
    than the query itself; only table names are spliced in, every value is a parameter."""
    from roundtable.bookings.models import Booking, ReservedPlaces

    if not 0 < session_id < 2**63:  # beyond any id the database can hold: the page answers 404
        return None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    holding = list(Booking.HOLDING_PLACE)
    sql = f"""
        SELECT s.updated_at, s.status, s.capacity,
               CASE WHEN s.ends_at <= %s THEN 1 ELSE 0 END,
               CASE WHEN s.signup_opens_at IS NOT NULL AND %s < s.signup_opens_at THEN 1 ELSE 0 END,
               CASE WHEN %s >= COALESCE(s.signup_closes_at, s.starts_at) THEN 1 ELSE 0 END,
               (SELECT COUNT(*) FROM {Booking._meta.db_table} b
                 WHERE b.session_id = s.id AND b.status IN (%s, %s, %s)),
               (SELECT COUNT(*) FROM {Booking._meta.db_table} b WHERE b.session_id = s.id AND b.status = %s),
               (SELECT MAX(b.updated_at) FROM {Booking._meta.db_table} b WHERE b.session_id = s.id),
               (SELECT COUNT(*) FROM {ReservedPlaces._meta.db_table} r WHERE r.session_id = s.id AND r.release_at > %s)
        FROM {Session._meta.db_table} s
        WHERE s.id = %s AND s.status IN (%s, %s)
    """  # noqa: S608
    params = [now, now, now, *holding, Booking.Status.WAITLISTED, now, session_id,
              Session.Status.PUBLISHED, Session.Status.CANCELLED]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    version = hashlib.blake2b("|".join(str(value) for value in row).encode(), digest_size=16).hexdigest()
    return f"session-page:{session_id}:{version}"


@dataclass(frozen=True)
class SignupStatus:
    """What a session's page and sign-up form say about taking part right now."""

    state: str  # open, not_yet_open, closed, cancelled, draft, past
    is_full: bool
    places_left: int
    opens_at: datetime | None

    @property
    def can_sign_up(self) -> bool:
        return self.state == "open"

    @property
    def button_label(self) -> str:
        return "Join the waiting list" if self.is_full else "Sign up"


def signup_status(session: Session, now: datetime | None = None) -> SignupStatus:
    left = session.places_left
    return SignupStatus(
        state=session.signup_state(now),
        is_full=left <= 0,
        places_left=left,
        opens_at=session.signup_opens_at,
    )
