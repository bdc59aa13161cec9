from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from roundtable.people.models import ConsentRecord, Person, Perspective

HEALTH_DATA_WORDING = (
    "I agree to Roundtable storing what I have told you about my access needs, which may include "
    "health information, so the team can plan for them. Only the coordinating team can see it, "
    "and it is deleted after the session unless I ask you to keep it on file."
)


NOT_LOOKED_UP = object()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _holds_sqlite_write_lock() -> bool:
    """Inside a transaction on SQLite begun IMMEDIATE (config/settings.py), this connection holds
    the database's only write lock, so nobody else can add a row before it commits."""
    return (
        connection.vendor == "sqlite"
        and connection.in_atomic_block
        and connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") == "IMMEDIATE"
    )


def _create_person(email: str, details: dict) -> tuple[Person, bool]:
    """Add a person someone has just looked for and not found. Where another transaction could add
    the same email in between (PostgreSQL), try in a savepoint and take theirs if it did."""
    if _holds_sqlite_write_lock():
        return Person.objects.create(email=email, **details), True
    try:
        with transaction.atomic():
            return Person.objects.create(email=email, **details), True
    except IntegrityError:
        return Person.objects.get(email=email), False


def person_upsert(
    *,
    email: str,
    name: str,
    phone: str = "",
    pronouns: str = "",
    interests: str = "",
    perspectives: list[str] | None = None,
    existing: Person | None | object = NOT_LOOKED_UP,
) -> Person:
    """Find the person by email or create them. A caller that has already looked for them passes
    what it found as `existing` (None: nobody has this email).

    Anyone can type any email address into a sign-up form, so a sign-up never overwrites what an
    existing person told us: it only fills in what was blank. People change their own details
    from their private link; coordinators from the coordinator area."""
    valid = {choice for choice, _ in Perspective.choices}
    cleaned = [p for p in dict.fromkeys(perspectives or []) if p in valid]
    if Perspective.PREFER_NOT_TO_SAY in cleaned:
        cleaned = [Perspective.PREFER_NOT_TO_SAY]
    email = normalise_email(email)
    details = {"name": name, "phone": phone, "pronouns": pronouns, "interests": interests, "perspectives": cleaned}
    if existing is NOT_LOOKED_UP:
        person, created = Person.objects.get_or_create(email=email, defaults=details)
    elif existing is None:
        person, created = _create_person(email, details)
    else:
        person, created = existing, False
    if not created:
        filled = []
        for field, value in (("name", name), ("phone", phone), ("pronouns", pronouns), ("interests", interests),
                             ("perspectives", cleaned)):
            if value and not getattr(person, field):
                setattr(person, field, value)
                filled.append(field)
        if filled:
            person.save(update_fields=[*filled, "updated_at"])
    return person


def consent_record(*, person: Person, kind: str, given: bool, wording: str, source: str) -> ConsentRecord:
    return ConsentRecord.objects.create(person=person, kind=kind, given=given, wording=wording, source=source)


def person_forget(*, person: Person, actor) -> Person:
    """Forget who a person is but keep what they took part in, so attendance, newcomer and
    returning counts in reports stay right (deleting the row would cascade to their bookings).

    Name, email, phone, pronouns, interests, consents, access needs, private links and pending
    feedback invitations go; upcoming places are cancelled (freeing them for the waiting list);
    feedback they gave stays but no longer points at them. Perspectives stay: with nothing else
    left they describe nobody, and the mix of perspectives in past sessions must not change."""
    from django.db import transaction

    from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
    from roundtable.bookings.services import booking_cancel
    from roundtable.core import audit
    from roundtable.core.models import AuditEntry
    from roundtable.evaluation.models import FeedbackRequest, FeedbackResponse

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        # A reserved-domain address first, so the cancellation emails below are never sent.
        person.email = f"forgotten-{person.pk}@forgotten.invalid"
        person.name = "Someone who asked to be forgotten"
        person.pronouns = person.interests = person.phone = ""
        person.wants_updates = False
        person.save()
        bookings = Booking.objects.filter(person=person)
        for booking in bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]):
            booking_cancel(booking_id=booking.pk, actor=actor, reason="The person asked to be forgotten")
        bookings.update(dietary_needs="", heard_about="")
        AccessNeeds.objects.filter(booking__person=person).delete()
        ManageLink.objects.filter(booking__person=person).delete()
        FeedbackRequest.objects.filter(booking__person=person).delete()
        FeedbackResponse.objects.filter(person=person).update(person=None)
        person.consents.all().delete()
        # The log keeps what happened; only the labels that spelled out their name are blanked.
        booking_ids = [str(pk) for pk in bookings.values_list("pk", flat=True)]
        AuditEntry.objects.filter(target_type="bookings.booking", target_id__in=booking_ids).update(target_label="")
        AuditEntry.objects.filter(target_type="people.person", target_id=str(person.pk)).update(target_label="")
        audit.log(actor, "person.forgotten", person)
    return person
