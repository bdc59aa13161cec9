"""Running a live board from the workspace: open it, move its stages, group and merge without
dragging, hide with a reason, record the result; and who may do it."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.board import services
from roundtable.board.models import Board, Idea, IdeaGroup, Stage
from roundtable.board.testing import ideas, join, make_board
from roundtable.cocreation.testing import make_session
from roundtable.records.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return make_coordinator()


@pytest.fixture
def signed_in(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def _url(board: Board, action: str = "") -> str:
    return f"/coordinator/sessions/{board.session_id}/boards/{board.pk}/" + (f"{action}/" if action else "")


def test_the_session_page_offers_to_open_a_board(signed_in):
    session = make_session()
    page = signed_in.get(f"/coordinator/sessions/{session.pk}/").content.decode()
    assert f"/coordinator/sessions/{session.pk}/boards/" in page and "Open a board" in page


def test_opening_a_board_with_three_dots_by_default(signed_in):
    session = make_session()
    page = signed_in.get(f"/coordinator/sessions/{session.pk}/boards/").content.decode()
    assert 'value="3"' in page and "<h1" in page
    response = signed_in.post(
        f"/coordinator/sessions/{session.pk}/boards/",
        {"question": "What should the Centre fund next year?", "dots_per_person": "3", "show_names": "on"},
    )
    board = Board.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(board)
    assert board.dots_per_person == 3 and board.show_names and not board.show_votes_while_voting
    control = signed_in.get(_url(board)).content.decode()
    assert board.code in control and "Projector view" in control


def test_opening_a_board_without_a_question_is_said_in_the_error_summary(signed_in):
    session = make_session()
    response = signed_in.post(f"/coordinator/sessions/{session.pk}/boards/", {"question": "", "dots_per_person": "0"})
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page and "<title>Error:" in page
    assert "Enter the question people are answering" in page and "between 1 and 20 dots" in page
    assert not Board.objects.exists()


def test_groups_are_made_renamed_and_ideas_put_in_them_by_ticking(signed_in, coordinator):
    board = make_board(actor=coordinator)
    first, second, third = ideas(board, "Peer support", "Travel costs", "Paying for travel")
    signed_in.post(_url(board, "groups"), {"name": "Money"})
    group = IdeaGroup.objects.get()
    signed_in.post(_url(board, "groups"), {"rename": group.pk, "name": "Money and travel"})
    group.refresh_from_db()
    assert group.name == "Money and travel"
    response = signed_in.post(_url(board, "arrange"), {"ideas": [second.pk, third.pk], "group": group.pk})
    assert response.status_code == 302
    assert set(Idea.objects.filter(group=group).values_list("text", flat=True)) == {"Travel costs", "Paying for travel"}
    page = signed_in.get(_url(board)).content.decode()
    assert "Put 2 ideas in “Money and travel”." in page


def test_merging_duplicates_keeps_the_chosen_idea(signed_in, coordinator):
    board = make_board(actor=coordinator)
    first, second = ideas(board, "Travel costs", "Paying for travel")
    signed_in.post(_url(board, "arrange"), {"ideas": [first.pk, second.pk], "keep": first.pk, "action": "merge"})
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    assert "Merged: “Paying for travel” into “Travel costs”" in signed_in.get(_url(board)).content.decode()


def test_grouping_mistakes_are_said_in_the_error_summary(signed_in, coordinator):
    board = make_board(actor=coordinator)
    ideas(board, "Peer support")
    for action, data, message in (
        ("arrange", {"group": "none"}, "Tick at least one idea"),
        ("arrange", {"action": "merge"}, "Choose the idea to keep"),
        ("groups", {"name": ""}, "Enter a name for the group"),
        ("hide", {"idea": "", "reason": "x"}, "Choose the idea to hide"),
    ):
        response = signed_in.post(_url(board, action), data)
        page = response.content.decode()
        assert response.status_code == 400 and "govuk-error-summary" in page and message in page, action


def test_hiding_an_idea_needs_a_reason_and_keeps_it(signed_in, coordinator):
    board = make_board(actor=coordinator)
    (idea,) = ideas(board, "Something unkind")
    refused = signed_in.post(_url(board, "hide"), {"idea": idea.pk, "reason": ""})
    assert refused.status_code == 400 and "Say why you are hiding this idea" in refused.content.decode()
    signed_in.post(_url(board, "hide"), {"idea": idea.pk, "reason": "Not about the question"})
    idea.refresh_from_db()
    assert idea.hidden_at is not None and idea.hidden_reason == "Not about the question"
    assert "Something unkind" not in Client().get(f"/board/{board.code}/").content.decode()


def test_stages_move_and_a_closed_board_is_recorded_as_a_decision(signed_in, coordinator):
    board = make_board(actor=coordinator)
    first, second = ideas(board, "Peer support", "Travel costs")
    voter, _ = join(board)
    signed_in.post(_url(board, "stage"), {"stage": "voting"})
    board.refresh_from_db()
    assert board.stage == Stage.VOTING
    services.vote(board=board, participant=voter, idea_id=second.pk)
    early = signed_in.post(_url(board, "record"), follow=True).content.decode()
    assert "Close the board before recording its result." in early
    signed_in.post(_url(board, "stage"), {"stage": "closed"})
    page = signed_in.get(_url(board)).content.decode()
    assert "Record as a decision" in page and "Dots on each idea, most first" in page
    response = signed_in.post(_url(board, "record"), follow=True)
    decision = Decision.objects.get()
    assert decision.session_id == board.session_id
    page = response.content.decode()
    assert "Recorded as the decision" in page and f"/coordinator/sessions/{board.session_id}/record/" in page
    again = signed_in.post(_url(board, "record"), follow=True).content.decode()
    assert "already in the session record" in again
    assert Decision.objects.count() == 1


def test_an_unknown_stage_is_refused_without_a_change(signed_in, coordinator):
    board = make_board(actor=coordinator)
    response = signed_in.post(_url(board, "stage"), {"stage": "party"})
    assert response.status_code == 400 and "Choose collecting, grouping, voting or closed" in response.content.decode()


def test_a_facilitator_runs_boards_only_for_sessions_they_run(coordinator):
    mine, other = make_session(), make_session()
    facilitator = make_facilitator()
    mine.facilitators.add(facilitator)
    other.facilitators.add(make_facilitator(email="someone@example.org"))
    board_mine = make_board(session=mine, actor=coordinator)
    board_other = make_board(session=other, actor=coordinator)
    client = Client()
    client.force_login(facilitator)
    assert client.get(_url(board_mine)).status_code == 200
    assert client.get(f"/coordinator/sessions/{mine.pk}/boards/").status_code == 200
    assert client.get(_url(board_other)).status_code == 404
    assert client.get(f"/coordinator/sessions/{other.pk}/boards/").status_code == 404
    assert client.post(_url(board_other, "stage"), {"stage": "voting"}).status_code == 404
    board_other.refresh_from_db()
    assert board_other.stage == Stage.COLLECTING
    # A board's id on another session's address is not found either.
    assert client.get(f"/coordinator/sessions/{mine.pk}/boards/{board_other.pk}/").status_code == 404


def test_anonymous_visitors_are_told_nothing(coordinator):
    board = make_board(actor=coordinator)
    assert Client().get(_url(board)).status_code == 404
    assert Client().post(_url(board, "stage"), {"stage": "voting"}).status_code == 404


def test_a_facilitator_types_up_an_idea_said_aloud_and_everyone_sees_it(signed_in, coordinator):
    board = make_board(session=make_session(), actor=coordinator)
    page = signed_in.get(_url(board)).content.decode()
    assert 'for="typed-idea">Type up an idea</label>' in page
    response = signed_in.post(_url(board, "type-up"), {"text": "  A bus   from the station  "})
    assert response.status_code == 302
    idea = Idea.objects.get(board=board)
    assert idea.text == "A bus from the station" and idea.participant is None
    room = Client().get(f"/board/{board.code}/").content.decode()
    assert "A bus from the station" in room
    assert "Idea added to the board" in signed_in.get(_url(board)).content.decode()


def test_a_typed_up_idea_that_is_too_long_is_refused_by_the_field_and_kept(signed_in, coordinator):
    board = make_board(session=make_session(), actor=coordinator)
    text = "word " * 80
    response = signed_in.post(_url(board, "type-up"), {"text": text})
    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error:" in page
    assert 'id="typed-idea-error"' in page and "280 characters or fewer" in page
    assert text.strip() in page  # what they typed is still in the box
    assert not Idea.objects.filter(board=board).exists()
    empty = signed_in.post(_url(board, "type-up"), {"text": "   "})
    assert empty.status_code == 400 and "Enter your idea" in empty.content.decode()


def test_ideas_cannot_be_typed_up_once_the_board_has_moved_on(signed_in, coordinator):
    board = make_board(session=make_session(), actor=coordinator)
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    assert 'id="typed-idea"' not in signed_in.get(_url(board)).content.decode()
    response = signed_in.post(_url(board, "type-up"), {"text": "Late idea"}, follow=True)
    assert "govuk-notification-banner" in response.content.decode()
    assert not Idea.objects.filter(board=board, text="Late idea").exists()


def test_a_facilitator_adds_a_photo_of_a_sticky_note_with_words_for_it(signed_in, coordinator):
    from roundtable.records.tests.factories import upload

    board = make_board(session=make_session(), actor=coordinator)
    refused = signed_in.post(_url(board, "type-up"), {"text": "More evening sessions", "photo": upload()})
    page = refused.content.decode()
    assert refused.status_code == 400 and 'id="typed-photo-alt-error"' in page
    assert 'href="#typed-photo-alt"' in page and "More evening sessions" in page
    assert not Idea.objects.filter(board=board).exists()
    response = signed_in.post(
        _url(board, "type-up"),
        {"text": "More evening sessions", "photo": upload(), "photo_alt": "A yellow sticky note"},
    )
    assert response.status_code == 302
    idea = Idea.objects.get(board=board)
    assert idea.photo and idea.photo_alt == "A yellow sticky note"
    control = signed_in.get(_url(board)).content.decode()
    assert 'alt="A yellow sticky note"' in control


def test_the_control_page_marks_the_parts_its_script_keeps_current(signed_in, coordinator):
    board = make_board(session=make_session(), actor=coordinator)
    page = signed_in.get(_url(board)).content.decode()
    assert 'src="/static/board/control.mjs"' in page or "board/control" in page
    assert f'id="board-control" data-code="{board.code}" data-version="{board.version}"' in page
    for part in ("summary", "ideas", "hide", "kept"):
        assert f'data-live-part="{part}"' in page
    assert page.count('aria-live="polite"') == 1
    assert "Refresh the page" in page
