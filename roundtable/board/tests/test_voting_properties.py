"""Whatever order people place and take off dots in, nobody holds more than their share, no idea
holds more of one person's dots than the board allows, and the counts shown add up."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.board import services
from roundtable.board.models import Dot, Stage
from roundtable.board.selectors import board_state
from roundtable.board.testing import ideas, join, make_board

pytestmark = pytest.mark.django_db

steps = st.lists(
    st.tuples(st.sampled_from(["vote", "remove"]), st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=25
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, several=st.booleans(), dots=st.integers(1, 4))
def test_no_sequence_of_votes_breaks_the_limits(steps, several, dots):
    board = make_board(dots_per_person=dots, several_dots_on_one_idea=several)
    shown = ideas(board, "Benches", "Shade", "Water")
    board = services.set_stage(board=board, actor=board.created_by, stage=Stage.VOTING)
    people = [join(board)[0], join(board)[0], join(board, is_table=True, people=2)[0]]
    placed = 0
    for action, who, which in steps:
        person, idea = people[who], shown[which]
        try:
            if action == "vote":
                services.vote(board=board, participant=person, idea_id=idea.pk)
                placed += 1
            else:
                services.remove_dot(board=board, participant=person, idea_id=idea.pk)
                placed -= 1
        except services.BoardRefused:
            pass
    for person in people:
        mine = Dot.objects.filter(participant=person)
        assert mine.count() <= services.dots_allowed(board, person)
        per_idea_limit = services.dots_allowed(board, person) if several else (person.people or 1)
        for idea in shown:
            assert mine.filter(idea=idea).count() <= per_idea_limit
    board = services.set_stage(board=board, actor=board.created_by, stage=Stage.CLOSED)
    assert sum(i["votes"] for i in board_state(board)["ideas"]) == placed == Dot.objects.filter(board=board).count()
