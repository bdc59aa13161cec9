"""How the involvement page forgets a person: their links go, and the requests they made to the
team stay (the record that each was answered) without their address (see core/forgetting.py)."""

from __future__ import annotations

from django.db.models import Q

from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.involvement.datafile import delete_files
from roundtable.involvement.models import DataFile, DataRequest, PersonLink


@forgetter("involvement", order=10)
def forget_involvement_links(person_id: int, email: str, name: str, actor) -> int:
    deleted, _ = PersonLink.objects.filter(person_id=person_id).delete()
    deleted += delete_files(DataFile.objects.filter(person_id=person_id))
    theirs = Q(person_id=person_id) | (Q(email__iexact=email.strip()) if email.strip() else Q(pk__in=[]))
    # What they wrote themselves (what is wrong, what it should say) goes with them.
    touched = DataRequest.objects.filter(theirs, from_person=True).update(notes="")
    touched += DataRequest.objects.filter(theirs).update(person=None, email="")
    touched += scrub_rows(DataRequest.objects.all(), ["notes", "done_note"], email=email, name=name)
    return deleted + touched
