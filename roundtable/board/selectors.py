"""What a board looks like to someone watching it (the API's `GET /api/boards/{code}`).

Query budget: five queries whatever the number of ideas, groups or dots (pinned by a test):
the ideas, the groups, the dot counts, the number of people joined, and the viewer's own dots.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse

from roundtable.board.models import Board, BoardParticipant, Dot, Idea, IdeaGroup
from roundtable.board.services import dots_allowed


def board_state(board: Board, viewer: BoardParticipant | None = None) -> dict[str, Any]:
    """Shown ideas (not hidden, not merged into another) with their group; `votes` is None until
    the board shows votes (closed, or while voting when the board says so). A participant viewing
    also sees how many dots they have left and where their own dots are."""
    ideas = list(
        Idea.objects.filter(board=board, hidden_at__isnull=True, merged_into__isnull=True)
        .select_related("participant")
        .order_by("id")
    )
    groups = list(IdeaGroup.objects.filter(board=board))
    visible = board.votes_visible
    counts: dict[int, int] = {}
    if visible:
        counts = dict(
            Dot.objects.filter(board=board).values("idea_id").annotate(n=Count("id")).values_list("idea_id", "n")
        )
    joined = BoardParticipant.objects.filter(board=board).count()
    state: dict[str, Any] = {
        "id": board.pk,
        "code": board.code,
        "question": board.question,
        "stage": board.stage,
        "version": board.version,
        "dots_per_person": board.dots_per_person,
        "several_dots_on_one_idea": board.several_dots_on_one_idea,
        "votes_shown": visible,
        "participants": joined,
        "groups": [{"id": g.pk, "name": g.name} for g in groups],
        "ideas": [
            {
                "id": idea.pk,
                "text": idea.text,
                "group": idea.group_id,
                "votes": counts.get(idea.pk, 0) if visible else None,
                "by": (idea.participant.display_name or None) if board.show_names and idea.participant else None,
                "photo": idea_photo(board, idea),
            }
            for idea in ideas
        ],
    }
    state.update(viewer_dots(board, viewer))
    return state


def idea_photo(board: Board, idea: Idea) -> dict[str, Any] | None:
    """Where an idea's photo is served (a small copy for the list, a large one to open) and the
    words its author gave for people who cannot see it."""
    if not idea.photo:
        return None
    base = reverse("board:idea_photo", args=[board.code, idea.pk, "large"])
    return {
        "url": base,
        "thumb_url": base.removesuffix("large/") + "thumb/",
        "alt": idea.photo_alt,
        "width": idea.photo_width,
        "height": idea.photo_height,
    }


def viewer_dots(board: Board, viewer: BoardParticipant | None) -> dict[str, Any]:
    """The part of the state only the viewer sees: their dots left and where their dots are
    (one query; none for someone who is not a participant of this board)."""
    if viewer is None or viewer.board_id != board.pk:
        return {"dots_left": None, "my_dots": None}
    mine = sorted(Dot.objects.filter(participant=viewer).values_list("idea_id", flat=True))
    return {"dots_left": max(0, dots_allowed(board, viewer) - len(mine)), "my_dots": mine}
