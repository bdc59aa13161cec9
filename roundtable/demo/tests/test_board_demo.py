"""The demo's live boards: a closed one recorded as a decision, an open one a newcomer can join."""

import pytest
from django.core.management import call_command

from roundtable.board.models import Board, Stage
from roundtable.board.selectors import board_state
from roundtable.demo.board import CLOSED_QUESTION, seed_boards
from roundtable.records.models import Decision

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_recorded_closed_board_and_an_open_one_and_seeding_again_adds_nothing(client):
    call_command("seed_demo", verbosity=0)
    boards = {b.stage: b for b in Board.objects.all()}
    assert set(boards) == {Stage.CLOSED, Stage.COLLECTING}
    closed = boards[Stage.CLOSED]
    decision = Decision.objects.get(pk=closed.decision_id)
    assert decision.method == "dot_voting" and decision.question == CLOSED_QUESTION
    assert decision.took_part == {"not_asked": 16}  # ten people and two tables of three
    state = board_state(closed)
    assert sum(i["votes"] for i in state["ideas"]) == sum(v["count"] for v in decision.votes)
    assert len(state["groups"]) == 2
    assert closed.session.ends_at < boards[Stage.COLLECTING].session.ends_at

    counts = (Board.objects.count(), Decision.objects.count())
    assert seed_boards() == {"closed": closed.code, "open": boards[Stage.COLLECTING].code}
    assert (Board.objects.count(), Decision.objects.count()) == counts

    joined = client.post(f"/api/boards/{boards[Stage.COLLECTING].code}/join", content_type="application/json")
    assert joined.status_code == 201
