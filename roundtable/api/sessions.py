"""Sessions: the public list and detail, and creating one (coordinators)."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import HttpError

from roundtable.api.auth import coordinator_token, token_user
from roundtable.api.errors import InvalidInput
from roundtable.api.fields import MAX_ID, iso
from roundtable.api.schemas import FieldErrors, Message, SessionDetailOut, SessionIn, SessionList, SessionOut
from roundtable.cocreation.models import Programme, Session, Venue
from roundtable.cocreation.selectors import public_session, public_session_list
from roundtable.cocreation.services import session_create

router = Router(tags=["sessions"])

SESSION_NOT_FOUND = "We could not find that session."


def _venue(venue: Venue) -> dict[str, Any]:
    return {
        "id": venue.pk,
        "name": venue.name,
        "address": venue.address,
        "postcode": venue.postcode,
        "accessibility": {
            "step_free": venue.step_free,
            "step_free_note": venue.step_free_note,
            "accessible_toilet": venue.accessible_toilet,
            "accessible_toilet_note": venue.accessible_toilet_note,
            "hearing_loop": venue.hearing_loop,
            "quiet_space": venue.quiet_space,
            "quiet_space_note": venue.quiet_space_note,
            "seating": venue.seating,
            "lighting": venue.lighting,
            "nearest_station": venue.nearest_station,
            "nearest_bus": venue.nearest_bus,
            "parking": venue.parking,
            "food_and_drink": venue.food_and_drink,
            "notes": venue.other_notes,
            "last_checked": venue.last_checked,
        },
    }


def session_data(session: Session) -> dict[str, Any]:
    """A session as the API shows it. Expects venue and programme selected and the place counts
    annotated (selectors.public_session_list does both), so a list costs one query."""
    programme = session.programme
    return {
        "id": session.pk,
        "title": session.title,
        "summary": session.summary,
        "goals": session.goal_list,
        "who_comes": session.who_comes,
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "signup_opens_at": iso(session.signup_opens_at),
        "signup_closes_at": iso(session.signup_closes_at),
        "capacity": session.capacity,
        "places_left": session.places_left,
        "waiting_list_length": session.waiting_list_length,
        "signup_state": session.signup_state(),
        "status": session.status,
        "venue": _venue(session.venue),
        "programme": {"id": programme.pk, "name": programme.name} if programme else None,
        "url": settings.SITE_URL + session.get_absolute_url(),
        "calendar_url": settings.SITE_URL + reverse("cocreation:session_calendar", args=[session.pk]),
    }


def valid_id(value: int) -> bool:
    """Ids beyond what a database row can hold cannot exist (and would overflow SQLite)."""
    return 0 < value <= MAX_ID


def _get_public_session(session_id: int) -> Session:
    if not valid_id(session_id):
        raise HttpError(404, SESSION_NOT_FOUND)
    try:
        return public_session(session_id)
    except Http404:
        raise HttpError(404, SESSION_NOT_FOUND) from None


@router.get("/sessions", response={200: SessionList, 422: FieldErrors}, summary="Upcoming (or past) sessions")
def list_sessions(request: HttpRequest, when: Literal["upcoming", "past"] = "upcoming"):
    """Published sessions, soonest first; `?when=past` lists those that have happened, newest first.
    Cancelled sessions stay listed (with signup_state "cancelled") so links to them still explain."""
    items = [session_data(session) for session in public_session_list(when=when)]
    return {"items": items, "count": len(items)}


@router.get(
    "/sessions/{session_id}", response={200: SessionDetailOut, 404: Message, 422: FieldErrors}, summary="One session"
)
def get_session(request: HttpRequest, session_id: int):
    session = _get_public_session(session_id)
    data = session_data(session)
    data["agenda"] = [
        {
            "starts_at": f"{item.starts_at:%H:%M}",
            "title": item.title,
            "description": item.description,
            "is_break": item.is_break,
        }
        for item in session.agenda.all()
    ]
    return data


@router.post(
    "/sessions",
    auth=coordinator_token,
    response={201: SessionOut, 400: FieldErrors, 401: Message, 422: FieldErrors},
    summary="Create and publish a session (coordinators)",
)
def create_session(request: HttpRequest, payload: SessionIn):
    venue = Venue.objects.filter(pk=payload.venue).first()
    programme = Programme.objects.filter(pk=payload.programme).first() if payload.programme else None
    errors = {}
    if venue is None:
        errors["venue"] = "There is no venue with that id"
    if payload.programme and programme is None:
        errors["programme"] = "There is no programme with that id"
    if errors or venue is None:
        raise InvalidInput(errors)
    session = session_create(
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        venue=venue,
        programme=programme,
        summary=payload.summary,
        goals=payload.goals or [],
        signup_opens_at=payload.signup_opens_at,
        signup_closes_at=payload.signup_closes_at,
        who_comes=payload.who_comes or None,
        created_by=token_user(request),
        publish=True,
    )
    created = Session.objects.select_related("venue", "programme").with_place_counts().get(pk=session.pk)
    return Status(201, session_data(created))
