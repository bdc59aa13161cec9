"""Names shown on a board go a month after the session; the ideas and dots stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.board import services
from roundtable.board.models import Board, BoardParticipant, Idea
from roundtable.board.retention import NAMES_KEPT_DAYS, names_on_live_boards
from roundtable.board.testing import join, make_board
from roundtable.cocreation.testing import make_session
from roundtable.core import retention

pytestmark = pytest.mark.django_db


def test_names_on_boards_go_a_month_after_the_session_and_the_ideas_stay():
    old = make_board(session=make_session(days_ahead=-(NAMES_KEPT_DAYS + 2)), show_names=True)
    recent = make_board(session=make_session(days_ahead=-3), show_names=True)
    for board in (old, recent):
        person, _ = join(board, display_name="Robin")
        services.add_idea(board=board, participant=person, text="Benches")
    version = Board.objects.get(pk=old.pk).version

    assert names_on_live_boards(now=timezone.now()) == 1

    assert BoardParticipant.objects.get(board=old).display_name == ""
    assert BoardParticipant.objects.get(board=recent).display_name == "Robin"
    assert Idea.objects.filter(board=old, participant__isnull=False).count() == 1
    assert Board.objects.get(pk=old.pk).version == version + 1
    assert names_on_live_boards(now=timezone.now() + timedelta(days=1)) == 0


def test_the_rule_is_found_with_the_others():
    assert "names on live boards" in [rule.name for rule in retention.rules()]
