"""Reads for the public session page: how its places are shared out, and the page's version."""

from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from roundtable.bookings.models import Booking, BookingQuerySet
from roundtable.bookings.places import active_pools, places_now
from roundtable.cocreation.models import ReservedPlaces, Session
from roundtable.core.forms import MAX_ID


def how_places_are_allocated(session: Session) -> list[str]:
    """Plain-English sentences for the public page: how this session shares out its places."""
    pools = active_pools(session)
    if not pools:
        return [
            "Places are given in the order people sign up. When the session is full, you can join the "
            "waiting list and we will offer you a place, in order, if one comes up."
        ]
    sentences = [f"This session has {session.capacity} places. To keep a broad mix of voices:"]
    for pool in pools:
        when = date_format(timezone.localtime(pool.release_at), "l j F")
        sentences.append(
            f"{pool.places} place{'s are' if pool.places != 1 else ' is'} kept {pool.describe_who()} until {when}."
        )
    places = places_now(session, pools)
    held = sum(places.held.values())
    if places.free > 0 and held:
        open_places = max(places.free - held, 0)
        sentences.append(
            f"Right now {places.free} place{'s are' if places.free != 1 else ' is'} left: {held} of them kept as above, "
            f"{open_places} open to everyone."
        )
    sentences.append(
        "After that, any place still free is open to everyone. Other places are given in the order "
        "people sign up, and the waiting list offers places in order to people who can take them."
    )
    return sentences


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
    if not 0 < session_id <= MAX_ID:  # beyond any id the database can hold: the page answers 404
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


def get_booking_for_user(
    user: AbstractBaseUser | AnonymousUser, booking_id: int, *, queryset: BookingQuerySet | None = None
) -> Booking:
    """The one loader for a booking in the team's pages: found only on a session this user may open
    (`Session.objects.visible_to`), else 404."""
    qs = queryset if queryset is not None else Booking.objects.select_related("session", "person")
    if not getattr(user, "is_coordinator", False):
        qs = qs.filter(session__in=Session.objects.visible_to(user))
    return get_object_or_404(qs, pk=booking_id)
