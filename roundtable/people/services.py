from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, ForeignObjectRel

from roundtable.core import audit
from roundtable.core.forgetting import forget_everywhere
from roundtable.core.merging import merge_everywhere
from roundtable.people.models import ConsentRecord, ConsentWording, Person, PersonNote, Perspective, wording_version

if TYPE_CHECKING:
    # people sits beside accounts, not above it: a team member is any Django user here.
    from django.contrib.auth.base_user import AbstractBaseUser as User

HEALTH_DATA_WORDING = (
    "I agree to Roundtable storing what I have told you about my access needs, which may include "
    "health information, so the team can plan for them. Only the coordinating team can see it, "
    "and it is deleted after the session unless I ask you to keep it on file."
)

KEEP_ON_FILE_WORDING = "Keep my access needs on file for next time, so I do not have to tell you again"
UPDATES_WORDING = "Email me what happens as a result of the sessions I come to (“you said, we did”)"
# Credits are agreed with the team on the day, not on a form: this says what was agreed.
CREDIT_WORDING = (
    "You agreed with the team that photos, quotes or recordings you made in a session may show "
    "your chosen name as the credit."
)


class PersonDetails(TypedDict):
    """What a sign-up tells us about a person besides their email."""

    name: str
    phone: str
    pronouns: str
    interests: str
    perspectives: list[str] | None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _details(name: str, phone: str, pronouns: str, interests: str, perspectives: list[str] | None) -> dict[str, Any]:
    valid = {choice for choice, _ in Perspective.choices}
    cleaned = [p for p in dict.fromkeys(perspectives or []) if p in valid]
    if Perspective.PREFER_NOT_TO_SAY in cleaned:
        cleaned = [Perspective.PREFER_NOT_TO_SAY]
    return {"name": name, "phone": phone, "pronouns": pronouns, "interests": interests, "perspectives": cleaned}


def person_find_or_add(
    *, email: str, name: str, phone: str = "", pronouns: str = "", interests: str = "",
    perspectives: list[str] | None = None,
) -> tuple[Person, bool]:  # fmt: skip
    """The person with this email, added with these details if there is none; returns (person,
    added). Someone already known is returned untouched (see person_fill_blanks).

    Someone new costs one statement: INSERT … ON CONFLICT (email) DO NOTHING RETURNING id. If the
    email is taken, even a moment ago by a parallel sign-up (PostgreSQL waits for that transaction
    to finish first), nothing is written and the row that is there is read. No savepoint is
    needed, so it is safe inside the caller's transaction on both databases."""
    person = Person(email=normalise_email(email), **_details(name, phone, pronouns, interests, perspectives))
    if _insert_unless_taken(person, unique_field="email"):
        return person, True
    return Person.objects.get(email=person.email), False


def _column(field: Field[Any, Any] | ForeignObjectRel) -> str:
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{field} has no column of its own")
    return column


def _insert_unless_taken(obj: Person | ConsentWording, *, unique_field: str) -> bool:
    """Insert the unsaved object unless its unique field's value is taken; True if inserted.
    (The ORM's bulk_create(ignore_conflicts=True) cannot say which happened or give the id.)"""
    opts = obj._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    # Names come from the model; values go as parameters.
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(_column(f)) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(_column(opts.get_field(unique_field)))}) DO NOTHING "
        f"RETURNING {quote(_column(opts.pk))}"
    )
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def person_fill_blanks(
    person: Person, *, name: str, phone: str = "", pronouns: str = "", interests: str = "",
    perspectives: list[str] | None = None,
) -> Person:  # fmt: skip
    """Anyone can type any email address into a sign-up form, so a sign-up never overwrites what
    an existing person told us: it only fills in what was blank. People change their own details
    from their private link; coordinators from the coordinator area."""
    filled = []
    for field, value in _details(name, phone, pronouns, interests, perspectives).items():
        if value and not getattr(person, field):
            setattr(person, field, value)
            filled.append(field)
    if filled:
        person.save(update_fields=[*filled, "updated_at"])
    return person


def person_upsert(
    *,
    email: str,
    name: str,
    phone: str = "",
    pronouns: str = "",
    interests: str = "",
    perspectives: list[str] | None = None,
) -> Person:
    """Find the person by email or add them; an existing person only has blanks filled in."""
    details: PersonDetails = {
        "name": name,
        "phone": phone,
        "pronouns": pronouns,
        "interests": interests,
        "perspectives": perspectives,
    }
    person, added = person_find_or_add(email=email, **details)
    if not added:
        person_fill_blanks(person, **details)
    return person


def consent_wording_register(*, kind: str, wording: str) -> str:
    """The version of this wording, noting when it was first used if it is new. One statement
    (INSERT … ON CONFLICT DO NOTHING) and no savepoint, so it is safe inside a sign-up."""
    version = wording_version(kind, wording)
    _insert_unless_taken(ConsentWording(kind=kind, version=version, wording=wording), unique_field="version")
    return version


def consent_record(*, person: Person, kind: str, given: bool, wording: str, source: str) -> ConsentRecord:
    """Record a yes or a no with the exact words and their version."""
    version = consent_wording_register(kind=kind, wording=wording)
    return ConsentRecord.objects.create(
        person=person, kind=kind, given=given, wording=wording, wording_version=version, source=source
    )


def person_forget(*, person: Person, actor: User | str) -> Person:
    """Forget who a person is but keep what they took part in, so attendance, newcomer and
    returning counts in reports stay right (deleting the row would cascade to their bookings).

    Every part of the product forgets its own rows through the registry in core/forgetting.py
    (each app's forgetting.py): upcoming places are cancelled (freeing them for the waiting list),
    access needs, private links, pending feedback invitations and consents go, feedback they gave
    stays but no longer points at them, the newsletter, blog replies, record credits, the outbox
    and the audit log lose their name and address. See person_forget_everywhere for the counts."""
    person, _counts = person_forget_everywhere(person=person, actor=actor)
    return person


def person_forget_everywhere(*, person: Person, actor: User | str) -> tuple[Person, dict[str, int]]:
    """As person_forget, and how many rows each part of the product erased or anonymised."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        counts = forget_everywhere(person_id=person.pk, email=person.email, name=person.name, actor=actor)
        person.refresh_from_db()
        audit.log(actor, "person.forgotten", person, parts=counts)
    return person, counts


def note_add(*, person: Person, author: Any, text: str) -> PersonNote:
    """A note for the team about a person. The audit entry says a note was written, never what.
    `author` is the signed-in team member (typed loosely: people cannot import accounts)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the note"})
    with transaction.atomic():
        note = PersonNote.objects.create(person=person, author_id=author.pk, text=text)
        audit.log(author, "person_note.added", person)
    return note


def note_delete(*, note: PersonNote, actor: Any) -> None:
    with transaction.atomic():
        person = note.person
        note.delete()
        audit.log(actor, "person_note.deleted", person)


def person_merge(*, keep: Person, drop: Person, actor: Any) -> dict[str, list[str]]:
    """Merge `drop` into `keep` everywhere (core/merging.py), in one transaction, audited with
    both record ids and the parts that changed, never the details."""
    with transaction.atomic():
        done = merge_everywhere(keep_id=keep.pk, drop_id=drop.pk)
        audit.log(actor, "person.merged", keep, merged_record=drop.pk, parts=sorted(k for k, v in done.items() if v))
    return done
