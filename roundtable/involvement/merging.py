"""Links to "your involvement" move to the kept record, so every link already emailed still works."""

from __future__ import annotations

from roundtable.core.merging import merger
from roundtable.involvement.models import PersonLink


@merger("involvement", order=20)
def merge_links(keep_id: int, drop_id: int) -> list[str]:
    moved = PersonLink.objects.filter(person_id=drop_id).update(person_id=keep_id)
    return [f"{moved} private link{'s' if moved != 1 else ''} to their own page move"] if moved else []
