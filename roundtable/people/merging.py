"""How people merge two records of a person (see core/merging.py): consents and notes move, the
details the kept record lacks are filled from the other, and the other record is deleted last,
only when nothing else points at it any more."""

from __future__ import annotations

from roundtable.core.merging import MergeError, merger
from roundtable.people.models import ConsentRecord, Person, PersonNote


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@merger("people", order=1000)
def merge_person_rows(keep_id: int, drop_id: int) -> list[str]:
    keep = Person.objects.select_for_update().get(pk=keep_id)
    drop = Person.objects.select_for_update().get(pk=drop_id)
    done = []
    consents = ConsentRecord.objects.filter(person_id=drop_id).update(person_id=keep_id)
    if consents:
        done.append(f"{_plural(consents, 'consent record moves', 'consent records move')}, with the wording and dates")
    notes = PersonNote.objects.filter(person_id=drop_id).update(person_id=keep_id)
    if notes:
        done.append(f"{_plural(notes, 'note moves', 'notes move')}")
    filled = [
        field for field in ("pronouns", "interests", "phone") if not getattr(keep, field) and getattr(drop, field)
    ]
    for field in filled:
        setattr(keep, field, getattr(drop, field))
    perspectives = list(dict.fromkeys([*keep.perspectives, *drop.perspectives]))
    if perspectives != keep.perspectives:
        keep.perspectives = perspectives
        filled.append("perspectives")
    if drop.wants_updates and not keep.wants_updates:
        keep.wants_updates = True
        filled.append("'what happened' emails")
    keep.save()
    if filled:
        done.append(f"Filled in from the other record: {', '.join(filled)}")
    # Everything must have moved: deleting the record would otherwise take rows with it.
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model._default_manager.filter(**{relation.field.name: drop_id}).exists():
            raise MergeError(
                f"Something still belongs to the other record ({model._meta.verbose_name_plural}); nothing was merged."
            )
    done.append(f"The record for {drop.email} is deleted; {keep.email} is kept")
    drop.delete()
    return done
