"""What tests of the board share (and tests of apps above it): a board at any stage, with people."""

from __future__ import annotations

from roundtable.accounts.models import User
from roundtable.accounts.testing import make_coordinator
from roundtable.board import services
from roundtable.board.models import Board, BoardParticipant, Idea, Stage
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_session


def make_board(
    *, session: Session | None = None, actor: User | None = None, stage: str = Stage.COLLECTING, **settings
) -> Board:
    actor = actor or User.objects.filter(role=User.Role.COORDINATOR).first() or make_coordinator()
    board = services.create_board(
        session=session or make_session(), actor=actor, question=settings.pop("question", "What next?"), **settings
    )
    if stage != Stage.COLLECTING:
        board = services.set_stage(board=board, actor=actor, stage=stage)
    return board


def join(board: Board, **extra) -> tuple[BoardParticipant, str]:
    joined = services.join(board=board, **extra)
    return joined.participant, joined.key


def ideas(board: Board, *texts: str) -> list[Idea]:
    """Ideas added by one participant while the board is collecting."""
    person, _ = join(board)
    return [services.add_idea(board=board, participant=person, text=text) for text in texts]
