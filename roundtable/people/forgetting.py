"""How people forget a person (see core/forgetting.py): the Person row itself. Runs after the
apps above have let go of the person (bookings cancels their places first)."""

from __future__ import annotations

from roundtable.core.forgetting import FORGOTTEN_NAME, forgetter, scrub_rows
from roundtable.core.models import AuditEntry
from roundtable.people.models import Person, PersonNote


@forgetter("people", order=100)
def forget_person_row(person_id: int, email: str, name: str, actor) -> int:
    """The row stays (deleting it would take their past bookings, and attendance counts, with it)
    but says nothing about who they were: name, email, phone, pronouns and interests go, and so do
    their consent records and the team's notes about them. Notes about other people that name them
    lose the name and address. Perspectives stay: with nothing else left they describe nobody, and the
    mix of perspectives in past sessions must not change."""
    person = Person.objects.select_for_update().get(pk=person_id)
    # A reserved-domain address: nothing is ever emailed to it (core/email.py).
    person.email = f"forgotten-{person.pk}@forgotten.invalid"
    person.name = FORGOTTEN_NAME
    person.pronouns = person.interests = person.phone = ""
    person.wants_updates = False
    person.save()
    consents, _ = person.consents.all().delete()
    notes, _ = PersonNote.objects.filter(person_id=person_id).delete()
    notes += scrub_rows(PersonNote.objects.all(), ["text"], email=email, name=name)
    AuditEntry.objects.filter(target_type="people.person", target_id=str(person.pk)).update(target_label="")
    return 1 + consents + notes
