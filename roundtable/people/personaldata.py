from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.people.models import ConsentRecord, Person, PersonNote


@exporter("people")
def person_data(person_id: int, email: str, name: str) -> Any:
    person = Person.objects.get(pk=person_id)
    return {
        "email": person.email,
        "name": person.name,
        "pronouns": person.pronouns,
        "interests": person.interests,
        "phone": person.phone,
        "perspectives": person.perspective_labels,
        "wants_updates": person.wants_updates,
        "first_seen": person.created_at,
        "consents": list(
            ConsentRecord.objects.filter(person_id=person_id)
            .order_by("created_at", "id")
            .values("kind", "given", "wording", "wording_version", "source", "created_at")
        ),
        # What the team wrote about them is theirs to see too (UK GDPR right of access).
        "notes_by_the_team": list(
            PersonNote.objects.filter(person_id=person_id).order_by("created_at", "id").values("text", "created_at")
        ),
    }
