"""The "your involvement" link in emails: its own email (from "get my link"), and a line in the
booking emails. Links are minted when the email is rendered, so no live token sits in the outbox."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from roundtable.core.email import EmailNoLongerNeeded, context_builder, context_extender
from roundtable.involvement.models import PersonLink
from roundtable.people.models import Person


def involvement_url(person: Person) -> str:
    return settings.SITE_URL + reverse("involvement:home", args=[PersonLink.mint(person=person)])


@context_builder("involvement_link")
def involvement_link(context: dict) -> dict:
    person = Person.objects.filter(pk=context.get("person_id", 0)).first()
    if person is None:
        raise EmailNoLongerNeeded("the person no longer exists")
    return {"person": person, "involvement_url": involvement_url(person)}


# A coordinator answering a subject access request sends the same link: the data stays behind it.
context_builder("data_request_ready")(involvement_link)


# Every email to a participant about their sessions carries the link (never the newsletter, whose
# readers need not have taken part, nor the link's own email).
PARTICIPANT_EMAILS = (
    "booking_confirmation",
    "booking_promoted",
    "booking_reminder",
    "booking_cancelled",
    "booking_moved_to_waiting_list",
    "session_cancelled",
    "session_changed",
    "session_message",
    "feedback_request",
    "feedback_reminder",
    "records_update",
)


@context_extender(*PARTICIPANT_EMAILS)
def with_involvement_link(context: dict) -> dict:
    person = context.get("person")
    return {"involvement_url": involvement_url(person)} if isinstance(person, Person) else {}
