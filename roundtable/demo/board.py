"""Demo live boards: a closed one with its result recorded as a decision on the latest past
session, and an open one collecting ideas on the next session, for a newcomer to join with its
code. Idempotent (a board is found by its session and question) and sends nobody anything."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.board import services
from roundtable.board.models import Board, Stage
from roundtable.cocreation.models import Programme, Session

PROGRAMME_SLUG = "building-the-centre-together"
COORDINATOR_EMAIL = "coordinator@example.org"

CLOSED_QUESTION = "What should the Centre fund next year?"
CLOSED_IDEAS = [
    ("Paid travel for everyone who comes, booked for them", "Taking part"),
    ("A quiet room at every session", "Taking part"),
    ("Sessions in the evening as well as the daytime", "Taking part"),
    ("Money for carers to cover the time they are away", "Taking part"),
    ("A young people's panel with its own budget", "Who is heard"),
    ("Translate the summaries into the five most spoken languages", "Who is heard"),
    ("Go out to community groups instead of asking them in", "Who is heard"),
    ("Pay people for the time they spend reading papers", "Taking part"),
]
# Where each voter's dots went (idea numbers): ten people with 3 dots, then two tables of three with 9.
CLOSED_VOTES = [
    [0, 1, 3],
    [0, 4, 5],
    [0, 3, 6],
    [1, 3, 4],
    [0, 6, 7],
    [3, 4, 5],
    [0, 1, 2],
    [3, 4, 6],
    [0, 1, 5],
    [6, 7, 3],
    [0, 0, 3, 3, 4, 5, 6, 1, 2],
    [0, 3, 4, 4, 5, 1, 7, 6, 0],
]
OPEN_QUESTION = "What would make it easier for you to take part?"
OPEN_IDEAS = ["Large print handouts before the day", "Knowing who else will be there", "A named person to meet me"]


def _coordinator() -> User | None:
    return (
        User.objects.filter(email=COORDINATOR_EMAIL).first() or User.objects.filter(role=User.Role.COORDINATOR).first()
    )


@transaction.atomic
def seed_boards() -> dict[str, str]:
    """Returns {"closed": code, "open": code} for the boards it made or found ({} without sessions)."""
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    actor = _coordinator()
    if programme is None or actor is None:
        return {}
    sessions = Session.objects.filter(programme=programme).published()
    now = timezone.now()
    # The latest past session that already has a record (the records demo's), so its record page
    # shows the board's decision beside the others.
    past = (
        sessions.filter(ends_at__lt=now, decisions__isnull=False).order_by("-starts_at").first()
        or sessions.filter(ends_at__lt=now, bookings__status="attended").order_by("-starts_at").first()
    )
    coming = sessions.filter(ends_at__gte=now).order_by("starts_at").first()
    codes: dict[str, str] = {}
    if past is not None:
        codes["closed"] = _closed_board(past, actor).code
    if coming is not None:
        codes["open"] = _open_board(coming, actor).code
    return codes


def _closed_board(session: Session, actor: User) -> Board:
    board = Board.objects.filter(session=session, question=CLOSED_QUESTION).first()
    if board is not None:
        return board
    board = services.create_board(session=session, actor=actor, question=CLOSED_QUESTION, show_names=False)
    ideas = []
    writers = [services.join(board=board).participant for _ in range(4)]
    for n, (text, _group) in enumerate(CLOSED_IDEAS):
        ideas.append(services.add_idea(board=board, participant=writers[n % len(writers)], text=text))
    services.add_idea(board=board, participant=writers[0], text="Paid travel, booked for us")  # a duplicate
    duplicate = board.ideas.get(text="Paid travel, booked for us")
    board = services.set_stage(board=board, actor=actor, stage=Stage.GROUPING)
    groups = {
        name: services.create_group(board=board, actor=actor, name=name) for name in ("Taking part", "Who is heard")
    }
    for idea, (_text, group) in zip(ideas, CLOSED_IDEAS, strict=True):
        services.put_in_group(idea=idea, group=groups[group], actor=actor)
    services.merge_ideas(keep=ideas[0], duplicate=duplicate, actor=actor)
    board = services.set_stage(board=board, actor=actor, stage=Stage.VOTING)
    for choices in CLOSED_VOTES:
        table = len(choices) > board.dots_per_person
        voter = services.join(board=board, is_table=table, people=3 if table else None).participant
        for number in choices:
            services.vote(board=board, participant=voter, idea_id=ideas[number].pk)
    board = services.set_stage(board=board, actor=actor, stage=Stage.CLOSED)
    services.record_decision(board=board, actor=actor)
    return Board.objects.get(pk=board.pk)


def _open_board(session: Session, actor: User) -> Board:
    board = Board.objects.filter(session=session, question=OPEN_QUESTION).first()
    if board is not None:
        return board
    board = services.create_board(session=session, actor=actor, question=OPEN_QUESTION, show_names=True)
    for n, text in enumerate(OPEN_IDEAS):
        person = services.join(board=board, display_name=["Priya", "", "Tom"][n]).participant
        services.add_idea(board=board, participant=person, text=text)
    return board
