"""How boards forget a person (see core/forgetting.py). A board participant has no link to a
Person: someone appears on a board only by the name they chose to show, or in what was written."""

from __future__ import annotations

from roundtable.board.models import Board, BoardParticipant, Idea, IdeaGroup
from roundtable.core.forgetting import forgetter, scrub_rows


@forgetter("board", order=35)
def forget_names_on_boards(person_id: int, email: str, name: str, actor) -> int:
    """A participant who showed their name becomes nameless; their name or email in an idea, a
    hidden idea's reason, a group's name or a board's question is replaced. The ideas and dots
    stay, so the counts and the recorded decisions stay right."""
    touched = scrub_rows(
        BoardParticipant.objects.all(), ["display_name"], email=email, name=name, replacement="", whole=True
    )
    touched += scrub_rows(Idea.objects.all(), ["text", "hidden_reason"], email=email, name=name)
    touched += scrub_rows(IdeaGroup.objects.all(), ["name"], email=email, name=name)
    touched += scrub_rows(Board.objects.all(), ["question"], email=email, name=name)
    return touched
