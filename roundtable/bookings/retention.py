"""How long we keep what people tell us about their access needs (special category data), and
the one place they are deleted."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from roundtable.bookings.models import AccessNeeds
from roundtable.core import audit


def purge_expired_access_needs(now=None) -> dict[str, int]:
    """Delete access needs a set time after the session, unless the person asked us to keep them.
    Returns counts only: nothing about who."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_NEEDS_RETENTION_DAYS)
    expired = AccessNeeds.objects.filter(booking__session__ends_at__lt=cutoff, keep_on_file=False)
    sessions = expired.values("booking__session_id").distinct().count()
    deleted, _ = expired.delete()
    kept = AccessNeeds.objects.filter(booking__session__ends_at__lt=cutoff, keep_on_file=True).count()
    if deleted:
        audit.log(None, "access_needs.purged", actor_label="retention", deleted=deleted, sessions=sessions)
    return {"deleted": deleted, "sessions": sessions, "kept_on_file": kept}
