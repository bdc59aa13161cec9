"""How the involvement page forgets a person: their links go (see core/forgetting.py)."""

from __future__ import annotations

from roundtable.core.forgetting import forgetter
from roundtable.involvement.models import PersonLink


@forgetter("involvement", order=10)
def forget_involvement_links(person_id: int, email: str, name: str, actor) -> int:
    deleted, _ = PersonLink.objects.filter(person_id=person_id).delete()
    return deleted
