"""The board's retention rule (see core/retention.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from roundtable.board.models import Board, BoardParticipant
from roundtable.core.retention import retention_rule

NAMES_KEPT_DAYS = 30


@retention_rule(
    "names on live boards",
    f"The names people chose to show on a live board are removed {NAMES_KEPT_DAYS} days after the "
    "session ends; their ideas and dots stay, without a name, so the results and recorded decisions stay right.",
)
def names_on_live_boards(*, now: datetime) -> int:
    with transaction.atomic():
        named = BoardParticipant.objects.filter(
            board__session__ends_at__lt=now - timedelta(days=NAMES_KEPT_DAYS)
        ).exclude(display_name="")
        boards = set(named.values_list("board_id", flat=True))
        removed = named.update(display_name="")
        Board.objects.filter(pk__in=boards).update(version=F("version") + 1)  # their ETags change too
    return removed
