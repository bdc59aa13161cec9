from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.records.models import Output


@exporter("records")
def credit_data(person_id: int, email: str, name: str) -> Any:
    """Outputs credited to them: credits are a chosen name, so matched on their name."""
    if len(name.strip()) < 3:
        return []
    return list(
        Output.objects.filter(credit__iexact=name.strip())
        .order_by("id")
        .values("session__title", "kind", "caption", "consent", "created_at")
    )
