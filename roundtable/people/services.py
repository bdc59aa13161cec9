from __future__ import annotations

from roundtable.people.models import ConsentRecord, Person, Perspective

HEALTH_DATA_WORDING = (
    "I agree to Roundtable storing what I have told you about my access needs, which may include "
    "health information, so the team can plan for them. Only the coordinating team can see it, "
    "and it is deleted after the session unless I ask you to keep it on file."
)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def person_upsert(
    *,
    email: str,
    name: str,
    phone: str = "",
    pronouns: str = "",
    interests: str = "",
    perspectives: list[str] | None = None,
) -> Person:
    """Find the person by email or create them.

    Anyone can type any email address into a sign-up form, so a sign-up never overwrites what an
    existing person told us: it only fills in what was blank. People change their own details
    from their private link; coordinators from the coordinator area."""
    valid = {choice for choice, _ in Perspective.choices}
    cleaned = [p for p in dict.fromkeys(perspectives or []) if p in valid]
    if Perspective.PREFER_NOT_TO_SAY in cleaned:
        cleaned = [Perspective.PREFER_NOT_TO_SAY]
    person, created = Person.objects.get_or_create(
        email=normalise_email(email),
        defaults={"name": name, "phone": phone, "pronouns": pronouns, "interests": interests, "perspectives": cleaned},
    )
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
