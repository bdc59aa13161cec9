from __future__ import annotations

from typing import Any

from roundtable.board.models import BoardParticipant, Idea
from roundtable.core.personaldata import exporter


@exporter("board")
def board_data(person_id: int, email: str, name: str) -> Any:
    """Live boards they joined under their name, and the ideas they added there."""
    if len(name.strip()) < 3:
        return []
    joined = BoardParticipant.objects.filter(display_name__iexact=name.strip())
    return [
        {
            "board": participant.board.question,
            "joined_at": participant.created_at,
            "ideas": list(Idea.objects.filter(participant=participant).order_by("id").values_list("text", flat=True)),
        }
        for participant in joined.select_related("board").order_by("id")
    ]
