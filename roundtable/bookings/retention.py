"""How long we keep what people tell us about their access needs (special category data), and
the one place they are deleted: `delete_access_needs`, whatever the reason (consent withdrawn, a
cancelled place, the time after the session, a person who asked to be forgotten).

Dietary needs can say as much (an allergy, a religion), so they go at the same times, except on
withdrawing consent to store access needs, which they were never part of: `clear_dietary_needs`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.core import audit
from roundtable.core.retention import retention_rule


@transaction.atomic(savepoint=False)  # inside a caller's transaction, no savepoint (sign-up's statements are pinned)
def delete_access_needs(
    *,
    bookings: models.QuerySet[Booking] | Iterable[int],
    reason: str,
    actor=None,
    spare_kept_on_file: bool = False,
) -> int:
    """Delete the access needs of these bookings (a queryset or booking ids); returns how many.
    With `spare_kept_on_file`, needs the person asked us to keep for next time stay. Audited with
    the count and the reason only: nothing about who."""
    needs = AccessNeeds.objects.filter(booking__in=bookings)
    if spare_kept_on_file:
        needs = needs.filter(keep_on_file=False)
    deleted, _ = needs.delete()
    if deleted:
        audit.log(
            actor,
            "access_needs.deleted",
            actor_label="" if actor is not None else "system",
            reason=reason,
            deleted=deleted,
        )
    return deleted


@transaction.atomic(savepoint=False)
def clear_dietary_needs(*, bookings: models.QuerySet[Booking] | Iterable[int], reason: str, actor=None) -> int:
    """Blank the dietary needs (the kinds and the text) of these bookings; returns how many
    bookings had any. Audited with the count and the reason only."""
    chosen = bookings if isinstance(bookings, models.QuerySet) else Booking.objects.filter(pk__in=list(bookings))
    told_us = chosen.filter(~Q(dietary_kinds=[]) | ~Q(dietary_needs=""))
    cleared = told_us.update(dietary_kinds=[], dietary_needs="")
    if cleared:
        audit.log(
            actor,
            "dietary_needs.deleted",
            actor_label="" if actor is not None else "system",
            reason=reason,
            deleted=cleared,
        )
    return cleared


def purge_expired_access_needs(now=None) -> dict[str, int]:
    """Delete access needs a set time after the session, unless the person asked us to keep them.
    Returns counts only: nothing about who."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_NEEDS_RETENTION_DAYS)
    ended = Booking.objects.filter(session__ends_at__lt=cutoff)
    sessions = (
        AccessNeeds.objects.filter(booking__in=ended, keep_on_file=False)
        .values("booking__session_id")
        .distinct()
        .count()
    )
    deleted = delete_access_needs(
        bookings=ended, reason="the session ended a while ago", actor="retention", spare_kept_on_file=True
    )
    kept = AccessNeeds.objects.filter(booking__in=ended, keep_on_file=True).count()
    dietary = clear_dietary_needs(bookings=ended, reason="the session ended a while ago", actor="retention")
    return {"deleted": deleted, "sessions": sessions, "kept_on_file": kept, "dietary_cleared": dietary}


ACCESS_NEEDS_RULE = "access needs after the session"


@retention_rule(
    ACCESS_NEEDS_RULE,
    "Access needs (health information) are deleted a set number of days after the session ends "
    "(ACCESS_NEEDS_RETENTION_DAYS, 30 unless set), unless the person asked us to keep them on file. "
    "Dietary needs are deleted at the same time, always.",
)
def access_needs_after_the_session(*, now: datetime) -> int:
    done = purge_expired_access_needs(now)
    return done["deleted"] + done["dietary_cleared"]
