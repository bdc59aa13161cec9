"""Everything held about one person, for "download my data": one registry, and each app says what
it holds about a person in its own `personaldata.py`, the way each says how it forgets them
(core/forgetting.py):

    @exporter("newsletter")
    def subscriber_data(person_id: int, email: str, name: str) -> Any:
        ...  # this app's rows about the person, as JSON-ready values (None or empty: nothing)

core imports no other app: the registry is filled by `autodiscover_modules("personaldata")`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from django.utils.module_loading import autodiscover_modules

from roundtable.core.models import OutboundEmail


class Exporter(Protocol):
    def __call__(self, person_id: int, email: str, name: str) -> Any: ...


_exporters: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(func: Exporter) -> Exporter:
        _exporters[name] = func
        return func

    return register


def exporters() -> dict[str, Exporter]:
    autodiscover_modules("personaldata")
    return dict(sorted(_exporters.items()))


def export_everywhere(*, person_id: int, email: str, name: str) -> dict[str, Any]:
    """Every part of the product's data about the person, keyed by the part's name."""
    return {part: plain(func(person_id, email, name)) for part, func in exporters().items()}


def plain(value: Any) -> Any:
    """Dates and times as ISO 8601 text, so the whole export is plain JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@exporter("core")
def emails_data(person_id: int, email: str, name: str) -> Any:
    """The emails we sent or meant to send them (what about and when, not the raw message)."""
    if not email.strip():
        return []
    return list(
        OutboundEmail.objects.filter(to__iexact=email.strip())
        .order_by("created_at", "id")
        .values("template", "subject", "state", "created_at", "sent_at")
    )
