from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from roundtable.cocreation.models import AgendaItem, Session


def places_left(session: Session) -> int:
    return max(session.capacity - session.places_taken, 0)


def public_session_list(*, when: str = "upcoming"):
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
