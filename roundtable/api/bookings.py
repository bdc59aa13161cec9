"""Bookings: public sign-up, and the coordinating team's list and cancellation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status
from ninja.errors import HttpError

from roundtable.api.auth import coordinator_token, signup_throttle, token_user
from roundtable.api.fields import iso
from roundtable.api.schemas import (
    BookingList,
    CancelIn,
    CancelOut,
    FieldErrors,
    Message,
    SignupIn,
    SignupOut,
)
from roundtable.api.sessions import SESSION_NOT_FOUND, valid_id
from roundtable.bookings.errors import BookingError, SignupClosed
from roundtable.bookings.models import Booking, dietary_kinds_in_order
from roundtable.bookings.services import AccessNeedsAnswer, booking_cancel, booking_create
from roundtable.cocreation.models import Session
from roundtable.core import audit

router = Router(tags=["bookings"])

BOOKING_NOT_FOUND = "We could not find that booking."


@router.post(
    "/sessions/{session_id}/bookings",
    throttle=signup_throttle,
    response={201: SignupOut, 400: FieldErrors, 404: Message, 409: Message, 422: FieldErrors, 429: Message},
    summary="Sign up for a session (the answer never says whether the email was already booked)",
)
def sign_up(request: HttpRequest, session_id: int, payload: SignupIn):
    """Takes a place if one is free, otherwise joins the waiting list, and answers 201 with what
    the sign-up got. The private link to manage the booking is sent only by email.

    Signing up again with an email that already has a booking for the session creates and changes
    nothing, and answers exactly as a new sign-up would at that moment (201, with `confirmed` if a
    place is free, otherwise `waitlisted` and the position a new sign-up would get): whoever sends
    an address may not own it, so the answer must not tell them it is booked. The email to that
    address says what the booking really is and carries its link (at most once every
    `SIGNUP_REPEAT_QUIET_MINUTES` per booking, and within `BOOKING_EMAILS_PER_ADDRESS`). The answer
    therefore has no booking id. 409 means the session is not taking sign-ups (cancelled, closed,
    past or not yet open)."""
    if not valid_id(session_id):
        raise HttpError(404, SESSION_NOT_FOUND)
    access = payload.access_needs
    try:
        result = booking_create(
            session_id=session_id,
            name=payload.name,
            email=payload.email,
            phone=payload.phone,
            pronouns=payload.pronouns,
            interests=payload.interests,
            perspectives=[p.value for p in payload.perspectives or []],
            access_needs=AccessNeedsAnswer(
                needs=[n.value for n in access.needs] if access else [],
                details=access.details if access else "",
                prefer_not_to_say=access.prefer_not_to_say if access else False,
                keep_on_file=access.keep_on_file if access else False,
                consent=bool(payload.access_needs_consent),
            ),
            dietary_kinds=[k.value for k in payload.dietary_kinds or []],
            dietary_needs=payload.dietary_needs,
            heard_about=payload.heard_about,
            wants_updates=payload.wants_updates,
            source=Booking.Source.API,
        )
    except SignupClosed as exc:
        if exc.state == "draft":  # not public: the same answer as a session that does not exist
            raise HttpError(404, SESSION_NOT_FOUND) from None
        raise HttpError(409, exc.message) from None
    except BookingError:  # no such session (looked up under the lock that decides the place)
        raise HttpError(404, SESSION_NOT_FOUND) from None
    return Status(
        201, {"status": result.told_status, "waiting_list_position": result.told_position, "session": session_id}
    )


def _booking_rows(bookings: list[Booking]) -> list[dict[str, Any]]:
    """Rows for a list, with waiting-list positions worked out from the rows already loaded
    (Booking.waiting_list_position() costs a query per row)."""
    waiting = sorted(
        (b for b in bookings if b.status == Booking.Status.WAITLISTED), key=lambda b: (b.waitlisted_at, b.pk)
    )
    positions = {b.pk: n for n, b in enumerate(waiting, start=1)}
    return [
        {
            "id": b.pk,
            "name": b.person.name,
            "pronouns": b.person.pronouns,
            "email": b.person.email,
            "status": b.status,
            "waiting_list_position": positions.get(b.pk),
            "dietary_kinds": dietary_kinds_in_order(b.dietary_kinds),
            "created_at": iso(b.created_at),
        }
        for b in bookings
    ]


@router.get(
    "/sessions/{session_id}/bookings",
    auth=coordinator_token,
    response={200: BookingList, 401: Message, 404: Message},
    summary="Every booking for a session (coordinators)",
)
def list_bookings(request: HttpRequest, session_id: int):
    """Every booking, cancelled ones included, in the order people signed up. Access needs are
    not part of this list; the dietary kinds people ticked are (for catering), and a list that
    shows any is recorded in the audit log."""
    if not valid_id(session_id) or not Session.objects.filter(pk=session_id).exists():
        raise HttpError(404, SESSION_NOT_FOUND)
    bookings = list(
        Booking.objects.filter(session_id=session_id)
        .select_related("person")
        .only(
            "id",
            "status",
            "waitlisted_at",
            "created_at",
            "dietary_kinds",
            "person__name",
            "person__pronouns",
            "person__email",
        )
        .order_by("created_at", "id")
    )
    rows = _booking_rows(bookings)
    told_us = sum(1 for row in rows if row["dietary_kinds"])
    if told_us:
        # Dietary needs can say as much as access needs (an allergy, a religion): each look is logged.
        audit.log(token_user(request), "dietary_needs.viewed", session_id=session_id, via="api", people=told_us)
    return {"session": session_id, "items": rows, "count": len(rows)}


@router.post(
    "/bookings/{booking_id}/cancel",
    auth=coordinator_token,
    response={200: CancelOut, 401: Message, 404: Message, 422: FieldErrors},
    summary="Cancel a booking (coordinators)",
)
def cancel_booking(request: HttpRequest, booking_id: int, payload: CancelIn | None = Body(None)):  # noqa: B008
    """Cancels the booking and gives its place to the first person on the waiting list who can
    take it. Cancelling a cancelled booking changes nothing."""
    if not valid_id(booking_id):
        raise HttpError(404, BOOKING_NOT_FOUND)
    try:
        booking, promoted = booking_cancel(
            booking_id=booking_id, actor=token_user(request), reason=payload.reason if payload else ""
        )
    except Booking.DoesNotExist:
        raise HttpError(404, BOOKING_NOT_FOUND) from None
    return {"booking": _booking_rows([booking])[0], "promoted": [b.pk for b in promoted]}
