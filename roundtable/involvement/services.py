"""Writes from a person's own "your involvement" page. Every change is audited as the participant."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.bookings.retention import delete_access_needs
from roundtable.core import audit, mailcap
from roundtable.core.email import queue_email
from roundtable.core.personaldata import export_everywhere
from roundtable.involvement.models import PersonLink
from roundtable.newsletter.models import Subscriber
from roundtable.newsletter.services import subscriber_unsubscribe
from roundtable.people.models import ConsentRecord, Person
from roundtable.people.services import consent_record, normalise_email, person_forget_everywhere

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
    elif kind == "updates":
        if not Person.objects.filter(pk=person.pk, wants_updates=True).update(wants_updates=False):
            return False
    elif kind == "newsletter":
        subscriber = Subscriber.objects.filter(email=person.email).first()
        if subscriber is None or not subscriber_unsubscribe(subscriber=subscriber, source="involvement page"):
            return False
    else:
        return False
    audit.log(None, "consent.withdrawn", person, actor_label=PARTICIPANT, kind=kind)
    return True


# --- Download my data -----------------------------------------------------------------------------


def person_data_download(*, person: Person) -> dict[str, Any]:
    """Everything every part of the product holds about the person (core/personaldata.py); audited."""
    data = export_everywhere(person_id=person.pk, email=person.email, name=person.name)
    audit.log(None, "person.data_downloaded", person, actor_label=PARTICIPANT)
    return data


# --- Forget me ------------------------------------------------------------------------------------


def person_forget_me(*, person: Person) -> dict[str, int]:
    """Forget the person everywhere (core/forgetting.py), links included, then send a last email.
    That email is sent straight away rather than through the outbox: a queued row would keep the
    address the person asked us to forget."""
    email, name = person.email, person.name
    _person, counts = person_forget_everywhere(person=person, actor=PARTICIPANT)
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
