"""One error shape for the whole API.

Anything wrong with what was sent is a 422 (or 400 for a body that is not JSON) with
{"detail": [{"field": ..., "message": ...}]}: one entry per bad field, written for a person.
Every other refusal is {"detail": "<a sentence>"}.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from roundtable.api.auth import NoParticipantKey, NoTeamToken

LABELS = {
    "body": "The request body",
    "name": "Name",
    "email": "Email address",
    "phone": "Phone number",
    "pronouns": "Pronouns",
    "interests": "Interests",
    "perspectives": "Perspectives",
    "access_needs": "Access needs",
    "access_needs.needs": "Access needs",
    "access_needs.details": "Access needs details",
    "access_needs.prefer_not_to_say": "Prefer not to say",
    "access_needs.keep_on_file": "Keep on file",
    "access_needs_consent": "Consent to store access needs",
    "dietary_kinds": "Dietary needs",
    "dietary_needs": "Dietary needs details",
    "heard_about": "How you heard about it",
    "title": "Title",
    "summary": "Summary",
    "goals": "Goals",
    "who_comes": "Who comes",
    "starts_at": "Start time",
    "ends_at": "End time",
    "capacity": "Number of places",
    "venue": "Venue",
    "programme": "Programme",
    "signup_opens_at": "Sign-up opening time",
    "signup_closes_at": "Sign-up closing time",
    "reason": "Reason",
    "when": "When",
    "session_id": "Session id",
    "booking_id": "Booking id",
    "question": "The question",
    "dots_per_person": "Dots per person",
    "several_dots_on_one_idea": "Several dots on one idea",
    "show_names": "Show names",
    "show_votes_while_voting": "Show votes while voting",
    "display_name": "Your name on the board",
    "is_table": "Shared by a table",
    "people": "The number of people sharing this device",
    "text": "Your idea",
    "idea_id": "The idea's id",
    "stage": "Stage",
    "outputs_consent": "Who agreed to the ideas being shared",
    "method": "How it was paid",
    "paid_on": "The date it was paid",
    "reference": "Reference",
    "status": "Status",
    "session": "Session id",
    "limit": "How many to show",
    "offset": "How many to skip",
}

REQUIRED = {
    "body": "Send the details as a JSON object",
    "name": "Enter the name you want to be called",
    "email": "Enter an email address like name@example.com",
    "title": "Enter a title",
    "starts_at": "Enter when the session starts",
    "ends_at": "Enter when the session ends",
    "capacity": "Enter the number of places",
    "venue": "Enter the id of the venue",
    "question": "Enter the question people are answering",
    "text": "Enter your idea",
    "idea_id": "Enter the id of the idea you are voting for",
    "method": "Choose how it was paid: bank_transfer, voucher or payroll",
    "paid_on": "Enter the date it was paid, like 2026-04-30",
    "reason": "Say why it will not be paid",
    "stage": "Choose collecting, grouping, voting or closed",
}

DATETIME_HINT = "a date and time like 2026-12-13T13:30 (Europe/London time unless it has an offset)"
_FIELD_PART = re.compile(r"^[a-z_]+$")


class InvalidInput(Exception):
    """Raised by endpoints for input that only the database can judge (e.g. an unknown venue id)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _field(loc: tuple[Any, ...]) -> str:
    # ninja prefixes ("body", "<param name>") or ("path"|"query",); list indices and pydantic's
    # internal tags mean nothing to the caller, so only the field names stay.
    if loc and loc[0] == "body":
        loc = loc[2:]
    elif loc:
        loc = loc[1:]
    parts = [str(p) for p in loc if isinstance(p, str) and _FIELD_PART.match(p)]
    return ".".join(parts) or "body"


def _message(field: str, error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    label = LABELS.get(field) or LABELS.get(field.rsplit(".", 1)[-1]) or field.replace("_", " ").capitalize()
    if field == "body" and kind in ("missing", "model_type", "dict_type", "model_attributes_type"):
        return REQUIRED["body"]
    if kind == "missing" or kind == "string_too_short":
        return REQUIRED.get(field, f"Enter {label.lower()}")
    if kind == "string_too_long":
        return f"{label} must be {ctx.get('max_length')} characters or fewer"
    if kind == "string_type":
        return f"{label} must be text"
    if kind in ("bad_characters", "string_unicode"):
        return f"{label} contains characters that cannot be stored, such as control characters: remove them"
    if kind in ("email", "access_needs_shape", "consent"):
        return error["msg"]
    if kind in ("bool_type", "bool_parsing"):
        return f"{label} must be true or false"
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return f"{label} must be a whole number"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label} must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{label} must be {ctx.get('le', ctx.get('lt'))} or less"
    if kind in ("list_type", "tuple_type", "iterable_type"):
        return f"{label} must be a list"
    if kind == "too_long":
        return f"{label}: give no more than {ctx.get('max_length')}"
    if kind in ("enum", "literal_error"):
        return f"{label} must be one of {ctx.get('expected')}"
    if kind.startswith(("datetime", "date", "time")) and kind != "date_range":
        return f"{label} must be {DATETIME_HINT}"
    if kind == "date_range":
        return f"{label} {error['msg']}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{label} must be an object"
    return f"{label}: {error.get('msg', 'is not valid')}"


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for error in errors:
        field = _field(tuple(error.get("loc", ())))
        item = {"field": field, "message": _message(field, error)}
        if item not in out:
            out.append(item)
    return out


def _retry_after() -> int | None:
    rate = settings.SIGNUP_RATE_LIMIT
    if not rate:
        return None
    period = rate[1]
    return max(1, math.ceil(period - time.time() % period))


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": field_errors(exc.errors)}, status=422)

    @api.exception_handler(InvalidInput)
    def invalid_for_database(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        detail = [{"field": field, "message": message} for field, message in exc.errors.items()]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(DjangoValidationError)
    def invalid_for_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            detail = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            detail = [{"field": "body", "message": message} for message in exc.messages]
        return api.create_response(request, {"detail": detail}, status=422)

    def bearer_needed(request: HttpRequest, detail: str) -> HttpResponse:
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return bearer_needed(
            request,
            "Send a coordinator's API token in the Authorization header, as "
            "'Authorization: Bearer <token>'. A coordinator gets one with "
            "'python manage.py api_token <their email>'.",
        )

    @api.exception_handler(NoTeamToken)
    def no_team_token(request: HttpRequest, exc: NoTeamToken) -> HttpResponse:
        return bearer_needed(
            request,
            "Send a coordinator's or facilitator's API token in the Authorization header, as "
            "'Authorization: Bearer <token>'. They get one with 'python manage.py api_token <their email>'; "
            "a facilitator's works for the sessions they run.",
        )

    @api.exception_handler(NoParticipantKey)
    def no_participant_key(request: HttpRequest, exc: NoParticipantKey) -> HttpResponse:
        return bearer_needed(
            request,
            "Send your participant key in the Authorization header, as "
            "'Authorization: Bearer <participant_key>'. You get one by joining the board: "
            "POST /api/boards/<code>/join.",
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = api.create_response(
            request,
            {
                "detail": "There have been too many sign-up attempts from your connection. Please wait "
                f"a while and try again, or email {settings.CENTRE_EMAIL} and we will sign you up."
            },
            status=429,
        )
        wait = _retry_after()
        if wait:
            response["Retry-After"] = str(wait)
        return response

    @api.exception_handler(HttpError)
    def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja raises this when the body is not JSON at all.
            return api.create_response(
                request, {"detail": [{"field": "body", "message": REQUIRED["body"]}]}, status=400
            )
        return api.create_response(request, {"detail": exc.message}, status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "We could not find that."}, status=404)
