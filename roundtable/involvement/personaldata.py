from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.involvement.models import PersonLink


@exporter("involvement")
def link_data(person_id: int, email: str, name: str) -> Any:
    """When their links were made and last used (never the links themselves)."""
    return list(
        PersonLink.objects.filter(person_id=person_id)
        .order_by("created_at", "id")
        .values("created_at", "last_used_at", "revoked_at")
    )
