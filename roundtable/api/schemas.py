"""The API's request and response shapes (and so its OpenAPI document)."""

from datetime import date
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from roundtable.api.fields import Email, Id, LondonDateTime, Text
from roundtable.bookings.models import AccessNeed, DietaryKind
from roundtable.cocreation.models import Availability
from roundtable.people.models import Perspective

SignupState = Literal["open", "not_yet_open", "closed", "cancelled", "past", "draft"]
DateTimeText = Field(json_schema_extra={"format": "date-time"}, examples=["2026-12-13T13:30:00+00:00"])


class Input(BaseModel):
    """A request body. Plain pydantic rather than ninja's Schema, which reads fields off any value
    as attributes (built for ORM objects): a JSON string "hello" would offer its .title method as
    a title. Here anything but a JSON object is simply refused."""


# --- Errors -----------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class FieldError(Schema):
    field: str = Field(examples=["email"])
    message: str = Field(examples=["Enter an email address like name@example.com"])


class FieldErrors(Schema):
    detail: list[FieldError]


# --- Sessions ---------------------------------------------------------------------------------


class Accessibility(Schema):
    """Structured facts about the venue. yes / partly / no / unknown, plus notes in plain words."""

    step_free: Availability
    step_free_note: str
    accessible_toilet: Availability
    accessible_toilet_note: str
    hearing_loop: Availability
    quiet_space: Availability
    quiet_space_note: str
    seating: str
    lighting: str
    nearest_station: str
    nearest_bus: str
    parking: str
    food_and_drink: str
    notes: str
    last_checked: date | None


class VenueOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    accessibility: Accessibility


class ProgrammeOut(Schema):
    id: int
    name: str


class SessionOut(Schema):
    id: int
    title: str
    summary: str
    goals: list[str]
    who_comes: str
    starts_at: str = DateTimeText
    ends_at: str = DateTimeText
    signup_opens_at: str | None = DateTimeText
    signup_closes_at: str | None = DateTimeText
    capacity: int
    places_left: int
    waiting_list_length: int
    signup_state: SignupState
    status: Literal["published", "cancelled", "draft"]
    venue: VenueOut
    programme: ProgrammeOut | None
    url: str = Field(description="The public page of the session")
    calendar_url: str = Field(description="The session as a calendar file (.ics)")


class AgendaItemOut(Schema):
    starts_at: str = Field(description="Local time in Europe/London, HH:MM", examples=["13:30"])
    title: str
    description: str
    is_break: bool


class SessionDetailOut(SessionOut):
    agenda: list[AgendaItemOut]


class SessionList(Schema):
    items: list[SessionOut]
    count: int


class SessionIn(Input):
    """Create and publish a session. Times without an offset are Europe/London."""

    title: Annotated[str, Text(200, required=True)]
    starts_at: LondonDateTime
    ends_at: LondonDateTime
    capacity: int = Field(ge=1, le=10_000)
    venue: Id = Field(description="The id of an existing venue")
    summary: Annotated[str, Text(5000, multiline=True)] = ""
    goals: list[Annotated[str, Text(300)]] | None = Field(None, max_length=30)
    programme: Id | None = Field(None, description="The id of an existing programme")
    signup_opens_at: LondonDateTime | None = None
    signup_closes_at: LondonDateTime | None = None
    who_comes: Annotated[str, Text(2000, multiline=True)] = ""


# --- Sign-up ----------------------------------------------------------------------------------


class AccessNeedsIn(Input):
    needs: list[AccessNeed] = Field(default_factory=list, max_length=30)
    details: Annotated[str, Text(2000, multiline=True)] = ""
    prefer_not_to_say: bool = False
    keep_on_file: bool = Field(False, description="Keep these on file for future sessions")


def _either_form(schema: dict[str, Any]) -> None:
    """Document the short form (a list of codes) beside the full object."""
    codes = {"type": "string", "enum": [code for code, _ in AccessNeed.choices]}
    short = {"type": "array", "items": codes, "maxItems": 30, "title": "Access need codes"}
    options = schema.pop("anyOf", None) or [dict(schema)]
    for key in list(schema):
        if key not in ("title", "description"):
            schema.pop(key)
    schema["anyOf"] = [short, *options]


class SignupIn(Input):
    """The same questions as the sign-up form. There is no job title field, by design."""

    name: Annotated[str, Text(100, required=True)] = Field(description="The name they want to be called")
    email: Email
    phone: Annotated[str, Text(30)] = ""
    pronouns: Annotated[str, Text(40)] = ""
    interests: Annotated[str, Text(300)] = ""
    perspectives: list[Perspective] | None = Field(None, max_length=10)
    access_needs: AccessNeedsIn | None = Field(
        None,
        description="Either a list of access need codes, or an object with needs, details, "
        "prefer_not_to_say and keep_on_file. Stored only when access_needs_consent is true.",
        json_schema_extra=_either_form,
    )
    access_needs_consent: bool | None = Field(
        False,
        validate_default=True,
        description="Explicit consent to store access needs (health information)",
    )
    dietary_kinds: list[DietaryKind] | None = Field(
        None,
        max_length=len(DietaryKind.values),
        description="The common dietary needs that apply, counted for the venue (never with a name); "
        "dietary_needs holds the details in their own words",
    )
    dietary_needs: Annotated[str, Text(500)] = ""
    heard_about: Annotated[str, Text(300)] = ""
    wants_updates: bool = Field(False, description="Opt in to emails about what happens as a result (you said, we did)")

    @field_validator("access_needs", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"needs": value}
        if value is not None and not isinstance(value, dict):
            raise PydanticCustomError(
                "access_needs_shape",
                "Access needs must be a list of codes, or an object with needs, details, "
                "prefer_not_to_say and keep_on_file",
            )
        return value

    @field_validator("access_needs_consent")
    @classmethod
    def _consent_for_any_answer(cls, value: bool | None, info: ValidationInfo) -> bool:
        needs = info.data.get("access_needs")
        told_us = needs is not None and bool(needs.needs or needs.details or needs.prefer_not_to_say)
        if told_us and not value:
            raise PydanticCustomError(
                "consent",
                "To tell us about access needs, agree to us storing them (set access_needs_consent to true), "
                "or leave access needs out",
            )
        return bool(value)


class SignupOut(Schema):
    """What a sign-up got. The same shape whether or not the email was already booked (so there is
    no booking id): a repeat sign-up is told what a new one would be told, and the email to the
    address says what its booking really is."""

    status: Literal["confirmed", "waitlisted"] = Field(
        description="confirmed: a place; waitlisted: on the waiting list (the email has the details)"
    )
    waiting_list_position: int | None = Field(description="1 for the first on the waiting list; null when confirmed")
    session: int


# --- Bookings (coordinators) ------------------------------------------------------------------


class BookingOut(Schema):
    """A booking as the coordinating team sees it in a list. Access needs are never here: they
    are health data and each view of them is audited, so they stay on the coordinator pages.
    The dietary kinds are, for catering; a list showing any is audited too."""

    id: int
    name: str
    pronouns: str
    email: str
    status: Literal["confirmed", "waitlisted", "cancelled", "attended", "no_show"]
    waiting_list_position: int | None
    dietary_kinds: list[DietaryKind] = Field(
        description="The common dietary needs they ticked (the details they wrote stay on the coordinator pages)"
    )
    created_at: str = DateTimeText


class BookingList(Schema):
    session: int
    items: list[BookingOut]
    count: int


class CancelIn(Input):
    reason: Annotated[str, Text(500, multiline=True)] = Field(
        "", description="Told to the person in the cancellation email"
    )


class CancelOut(Schema):
    booking: BookingOut
    promoted: list[int] = Field(description="Ids of bookings moved from the waiting list to a place")
