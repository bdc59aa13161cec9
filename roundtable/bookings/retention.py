"""How long we keep what people tell us about their access needs (special category data), and
the one place they are deleted: `delete_access_needs`, whatever the reason (consent withdrawn, a
cancelled place, the time after the session, a person who asked to be forgotten)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
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
    return {"deleted": deleted, "sessions": sessions, "kept_on_file": kept}


ACCESS_NEEDS_RULE = "access needs after the session"


@retention_rule(
    ACCESS_NEEDS_RULE,
    "Access needs (health information) are deleted a set number of days after the session ends "
    "(ACCESS_NEEDS_RETENTION_DAYS, 30 unless set), unless the person asked us to keep them on file.",
)
def access_needs_after_the_session(*, now: datetime) -> int:
    return purge_expired_access_needs(now)["deleted"]
