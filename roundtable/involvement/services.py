"""Writes from a person's own "your involvement" page. Every change is audited as the participant."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking
from roundtable.bookings.retention import delete_access_needs
from roundtable.bookings.services import AccessNeedsAnswer, valid_dietary_kinds
from roundtable.core import audit, mailcap
from roundtable.core.email import queue_email
from roundtable.core.personaldata import export_everywhere
from roundtable.involvement.models import DataRequest, PersonLink
from roundtable.involvement.selectors import kept_access_needs, upcoming_bookings
from roundtable.newsletter.models import Subscriber
from roundtable.newsletter.services import subscriber_unsubscribe
from roundtable.people.models import ConsentRecord, Person
from roundtable.people.services import consent_record, normalise_email, person_forget_everywhere
from roundtable.records.services import outputs_uncredit

logger = logging.getLogger("roundtable.involvement")

PARTICIPANT = "participant (involvement page)"
LINK_EMAILS = ("involvement_link",)
WITHDRAWN_WORDING = "Withdrawn by the person from their involvement page"
EDITABLE = ("name", "pronouns", "interests", "phone", "perspectives")


def involvement_link_request(*, email: str) -> None:
    """ "Get my link": email a new link if the address is a person's. The caller answers the same
    whatever happened, and both paths do the same reads (the person, the per-address cap), so the
    time taken does not tell either."""
    address = normalise_email(email)
    person = Person.objects.filter(email=address).first()
    allowed = mailcap.may_send(to=address, templates=LINK_EMAILS, rate=settings.INVOLVEMENT_EMAILS_PER_ADDRESS)
    if person is None or not allowed:
        return
    queue_email(to=person.email, template="involvement_link", context={"person_id": person.pk})


@transaction.atomic
def person_details_update(*, person: Person, **details: Any) -> list[str]:
    """Change what the person is called, how we reach them and how they describe themselves;
    returns the fields that changed. The audit entry names the fields, never their values."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    cleaned = {
        field: value.strip() if isinstance(value, str) else list(value)
        for field, value in details.items()
        if field in EDITABLE
    }
    changed = [field for field, value in cleaned.items() if getattr(person, field) != value]
    for field in changed:
        setattr(person, field, cleaned[field])
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        audit.log(None, "person.details_changed", person, actor_label=PARTICIPANT, fields=changed)
    return changed


@dataclass(frozen=True)
class DietaryAnswer:
    kinds: list[str]
    details: str


@transaction.atomic
def person_needs_update(
    *, person: Person, dietary: DietaryAnswer | None = None, access: AccessNeedsAnswer | None = None
) -> list[str]:
    """Change dietary needs and the access needs kept on file from the details page; returns what
    changed ("dietary needs", "access needs").

    Dietary needs are held per booking and deleted after each session, so they go to every
    upcoming place the person holds. Access needs go to every answer kept on file and to every
    upcoming place (a place without an answer gets a copy, deleted after its session like any
    other), so briefings show them from now on. Only someone who asked us to keep access needs on
    file can change them here: otherwise `access` is refused. Audited with counts, never the needs."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    upcoming = upcoming_bookings(person=person)
    changed: list[str] = []
    if dietary is not None:
        kinds, details = valid_dietary_kinds(dietary.kinds), dietary.details.strip()
        ids = [b.pk for b in upcoming if (b.dietary_kinds, b.dietary_needs) != (kinds, details)]
        if ids:
            Booking.objects.filter(pk__in=ids).update(
                dietary_kinds=kinds, dietary_needs=details, updated_at=timezone.now()
            )
            audit.log(None, "dietary_needs.updated", person, actor_label=PARTICIPANT, bookings=len(ids))
            changed.append("dietary needs")
    if access is not None and _kept_needs_update(person, upcoming, access):
        changed.append("access needs")
    return changed


def _kept_needs_update(person: Person, upcoming: list[Booking], answer: AccessNeedsAnswer) -> bool:
    kept = kept_access_needs(person=person)
    if kept is None:
        raise PermissionError("This person has not asked us to keep access needs on file")
    valid = set(AccessNeed.values)
    values = {
        "needs": [] if answer.prefer_not_to_say else [n for n in dict.fromkeys(answer.needs) if n in valid],
        "details": "" if answer.prefer_not_to_say else answer.details.strip(),
        "prefer_not_to_say": answer.prefer_not_to_say,
    }
    rows = AccessNeeds.objects.select_for_update().filter(
        Q(booking__person=person, keep_on_file=True) | Q(booking__in=[b.pk for b in upcoming])
    )
    stale = [row.pk for row in rows if any(getattr(row, f) != v for f, v in values.items())]
    if stale:
        AccessNeeds.objects.filter(pk__in=stale).update(**values, updated_at=timezone.now())
    held = set(AccessNeeds.objects.filter(booking__in=[b.pk for b in upcoming]).values_list("booking_id", flat=True))
    copies = [
        AccessNeeds(booking=b, **values, keep_on_file=False, consent_given_at=kept.consent_given_at)
        for b in upcoming
        if b.pk not in held
    ]
    if copies and answer.has_content:
        AccessNeeds.objects.bulk_create(copies)
    else:
        copies = []
    if not stale and not copies:
        return False
    audit.log(None, "access_needs.updated", person, actor_label=PARTICIPANT, changed=len(stale), added=len(copies))
    return True


# --- Consents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Withdrawal:
    kind: str
    effect: str


WITHDRAWALS = {
    ConsentRecord.Kind.HEALTH_DATA: "We delete every answer about access needs you have given us, now.",
    ConsentRecord.Kind.KEEP_ON_FILE: (
        "We stop keeping your access needs for next time: each answer is deleted after its session."
    ),
    "updates": "We stop emailing you about what happened as a result of sessions you came to.",
    "newsletter": "We stop sending you the newsletter, straight away.",
    "credit": (
        "We take your name off the photos and other things credited to you: they stay in the session "
        "records, credited as anonymous."
    ),
}


@transaction.atomic
def consent_withdraw(*, person: Person, kind: str) -> bool:
    """Withdraw one consent and carry out what that means; False if it was not held."""
    if kind == ConsentRecord.Kind.HEALTH_DATA:
        consent_record(person=person, kind=kind, given=False, wording=WITHDRAWN_WORDING, source="web")
        delete_access_needs(
            bookings=Booking.objects.filter(person=person), reason="consent withdrawn", actor=PARTICIPANT
        )
    elif kind == ConsentRecord.Kind.KEEP_ON_FILE:
        consent_record(person=person, kind=kind, given=False, wording=WITHDRAWN_WORDING, source="web")
        AccessNeeds.objects.filter(booking__person=person).update(keep_on_file=False)
    elif kind == ConsentRecord.Kind.UPDATES:
        if not Person.objects.filter(pk=person.pk, wants_updates=True).update(wants_updates=False):
            return False
        consent_record(person=person, kind=kind, given=False, wording=WITHDRAWN_WORDING, source="web")
    elif kind == ConsentRecord.Kind.CREDIT:
        if not outputs_uncredit(name=person.name, actor=PARTICIPANT):
            return False
        consent_record(person=person, kind=kind, given=False, wording=WITHDRAWN_WORDING, source="web")
    elif kind == "newsletter":
        subscriber = Subscriber.objects.filter(email=person.email).first()
        if subscriber is None or not subscriber_unsubscribe(subscriber=subscriber, source="involvement page"):
            return False
    else:
        return False
    audit.log(None, "consent.withdrawn", person, actor_label=PARTICIPANT, kind=kind)
    return True


# --- Download my data -----------------------------------------------------------------------------


def person_data_download(*, person: Person, actor: Any = None) -> dict[str, Any]:
    """Everything every part of the product holds about the person (core/personaldata.py); audited
    as the person themselves, or as the coordinator answering their request."""
    data = export_everywhere(person_id=person.pk, email=person.email, name=person.name)
    if actor is None:
        audit.log(None, "person.data_downloaded", person, actor_label=PARTICIPANT)
    else:
        audit.log(actor, "person.data_downloaded", person)
    return data


# --- Forget me ------------------------------------------------------------------------------------


def person_forget_me(*, person: Person, actor: Any = PARTICIPANT) -> dict[str, int]:
    """Forget the person everywhere (core/forgetting.py), links included, then send a last email.
    That email is sent straight away rather than through the outbox: a queued row would keep the
    address the person asked us to forget."""
    email, name = person.email, person.name
    _person, counts = person_forget_everywhere(person=person, actor=actor)
    transaction.on_commit(lambda: _send_goodbye(email=email, name=name))
    return counts


def _send_goodbye(*, email: str, name: str) -> None:
    context = {
        "name": name,
        "site_name": settings.SITE_NAME,
        "centre_email": settings.CENTRE_EMAIL,
        "centre_phone": settings.CENTRE_PHONE,
    }
    subject = " ".join(render_to_string("emails/involvement_forgotten.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject, render_to_string("emails/involvement_forgotten.txt", context), settings.DEFAULT_FROM_EMAIL, [email]
    )
    message.attach_alternative(render_to_string("emails/involvement_forgotten.html", context), "text/html")
    try:
        message.send()
    except Exception:  # the forgetting is done; a lost goodbye must not undo or hide it
        logger.warning("Could not send the last email to a person who asked to be forgotten")


def revoke_links(*, person: Person) -> int:
    return PersonLink.revoke_all(person=person)


# --- Requests the team records (subject access, correction, erasure) ---------------------------


def data_request_record(
    *, actor: Any, email: str, kind: str, received_on: date, notes: str = "", person: Person | None = None
) -> DataRequest:
    """Write down a request that came by email, letter or phone; its deadline is worked out from
    the day it arrived. The person is found from the address when they have taken part."""
    address = normalise_email(email) if email.strip() else (person.email if person else "")
    if person is None and address:
        person = Person.objects.filter(email=address).first()
    with transaction.atomic():
        data_request = DataRequest.objects.create(
            person=person, email=address, kind=kind, received_on=received_on, notes=notes.strip()
        )
        audit.log(actor, "data_request.recorded", data_request, kind=kind, due_on=data_request.due_on.isoformat())
    return data_request


def data_request_person(data_request: DataRequest) -> Person | None:
    """Who the request is about: the person chosen, or (they may have signed up since) the
    person with the request's address."""
    if data_request.person is not None:
        return data_request.person
    if not data_request.email:
        return None
    return Person.objects.filter(email=data_request.email).first()


@transaction.atomic
def data_request_complete(*, actor: Any, data_request: DataRequest, completed_on: date, note: str = "") -> DataRequest:
    """Mark it done, with what the team did (the note is kept, never copied to the audit log)."""
    note = note.strip()
    DataRequest.objects.filter(pk=data_request.pk).update(completed_on=completed_on, done_note=note)
    data_request.completed_on, data_request.done_note = completed_on, note
    audit.log(actor, "data_request.done", data_request, completed_on=completed_on.isoformat())
    return data_request


def correction_request_send(*, person: Person, wrong: str, should_say: str) -> DataRequest:
    """The person asks us to correct something from their involvement page: a correction request,
    received today and due in one calendar month, on the team's list like one that came by email.
    The audit entry says a request was made, never what it says."""
    notes = f"What is wrong: {wrong.strip()}\n\nWhat it should say: {should_say.strip()}"
    with transaction.atomic():
        data_request = DataRequest.objects.create(
            person=person,
            email=person.email,
            kind=DataRequest.Kind.CORRECTION,
            received_on=timezone.localdate(),
            notes=notes,
            from_person=True,
        )
        audit.log(
            None,
            "data_request.recorded",
            data_request,
            actor_label=PARTICIPANT,
            kind=DataRequest.Kind.CORRECTION.value,
            due_on=data_request.due_on.isoformat(),
        )
    return data_request


@transaction.atomic
def data_request_send_data(*, actor: Any, data_request: DataRequest) -> bool:
    """Email the person a fresh link to their involvement page, where "Download my data" gives
    them the same files as the self-service page. The data itself is never put in an email.
    False when there is nobody to send it to."""
    person = data_request_person(data_request)
    if person is None:
        return False
    queue_email(to=person.email, template="data_request_ready", context={"person_id": person.pk})
    DataRequest.objects.filter(pk=data_request.pk).update(person=person)
    audit.log(actor, "data_request.data_sent", data_request)
    return True


def data_request_forget(*, actor: Any, data_request: DataRequest, completed_on: date) -> dict[str, int] | None:
    """Erase the person everywhere, as "forget me" does (their last email included), and mark the
    request done: one transaction. The request stays, without their address, as the record that
    it was carried out. None when there is nobody to forget."""
    person = data_request_person(data_request)
    if person is None:
        return None
    with transaction.atomic():
        counts = person_forget_me(person=person, actor=actor)
        data_request_complete(actor=actor, data_request=data_request, completed_on=completed_on)
    return counts
