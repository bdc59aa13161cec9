from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from roundtable.cocreation.models import AgendaItem, Session, SessionQuerySet


def places_left(session: Session) -> int:
    return session.places_left


def get_session_for_user(
    user: AbstractBaseUser | AnonymousUser, session_id: int, *, queryset: SessionQuerySet | None = None
) -> Session:
    """The one loader for a session in the team's pages: the session if this user may open it
    (`Session.objects.visible_to`), else 404, so probing ids tells nobody what exists. Pass a
    queryset to choose what comes with it (select_related, counts)."""
    qs = queryset if queryset is not None else Session.objects.select_related("venue", "programme")
    return get_object_or_404(qs.visible_to(user), pk=session_id)


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
