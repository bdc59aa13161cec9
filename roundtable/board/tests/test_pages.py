"""The board's pages for the people in the room: join by code, add ideas, vote, see results,
with plain forms (no JavaScript), and every refusal said on the page."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.testing import make_coordinator
from roundtable.board import services
from roundtable.board.models import Board, BoardParticipant, Dot, Idea, Stage
from roundtable.board.testing import ideas, join, make_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return make_coordinator()


def _joined(board: Board, name: str = "") -> Client:
    client = Client()
    response = client.post(f"/board/{board.code}/join/", {"display_name": name})
    assert response.status_code == 302 and response["Location"] == f"/board/{board.code}/"
    return client


def test_the_join_address_the_api_gives_opens_the_board(coordinator):
    board = make_board(actor=coordinator, question="What should the Centre fund next year?")
    response = Client().get(f"/board/{board.code}", follow=True)
    assert response.status_code == 200
    assert "What should the Centre fund next year?" in response.content.decode()
    assert "Join this board" in response.content.decode()


def test_typing_the_code_in_any_case_finds_the_board(coordinator):
    board = make_board(actor=coordinator)
    response = Client().post("/board/", {"code": f" {board.code.lower()[:3]} {board.code.lower()[3:]} "})
    assert response.status_code == 302 and response["Location"] == f"/board/{board.code}/"


def test_a_wrong_code_is_said_next_to_the_field_and_in_the_summary():
    response = Client().post("/board/", {"code": "BCDFGH"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "We could not find a board with that code" in page
    assert page.count("We could not find a board with that code") == 2
    assert "<title>Error:" in page
    assert Client().post("/board/", {"code": ""}).status_code == 400


def test_an_unknown_board_address_is_not_found():
    assert Client().get("/board/BCDFGH/").status_code == 404
    assert Client().get("/board/nope!/").status_code == 404


def test_joining_keeps_the_key_in_a_signed_httponly_cookie_for_this_board_only(coordinator):
    board = make_board(actor=coordinator)
    client = Client()
    response = client.post(f"/board/{board.code}/join/", {"display_name": "Sam"})
    cookie = response.cookies[f"board-{board.code}"]
    assert cookie["httponly"] and cookie["path"] == f"/board/{board.code}/" and cookie["samesite"] == "Lax"
    participant = BoardParticipant.objects.get(board=board)
    assert participant.display_name == "Sam"
    # The cookie holds a signed key, never the stored hash.
    assert participant.key_hash not in cookie.value
    page = client.get(f"/board/{board.code}/").content.decode()
    assert "Add an idea" in page and "Join this board" not in page


def test_a_forged_cookie_is_not_a_participant(coordinator):
    board = make_board(actor=coordinator)
    client = Client()
    client.cookies[f"board-{board.code}"] = "not-signed"
    response = client.post(f"/board/{board.code}/ideas/", {"text": "Sneaky"})
    assert response.status_code == 302
    assert not Idea.objects.exists()


def test_a_participant_adds_an_idea_and_everyone_sees_it(coordinator):
    board = make_board(actor=coordinator)
    client = _joined(board)
    response = client.post(f"/board/{board.code}/ideas/", {"text": "  Fund   more peer support  "})
    assert response.status_code == 302
    assert Idea.objects.get().text == "Fund more peer support"
    assert "Fund more peer support" in Client().get(f"/board/{board.code}/").content.decode()


def test_an_empty_or_too_long_idea_is_refused_next_to_the_field(coordinator):
    board = make_board(actor=coordinator)
    client = _joined(board)
    for text, message in (("", "Enter your idea"), ("x" * 281, "Your idea must be 280 characters or fewer")):
        response = client.post(f"/board/{board.code}/ideas/", {"text": text})
        page = response.content.decode()
        assert response.status_code == 400
        assert "govuk-error-summary" in page and 'id="id_text-error"' in page and message in page
    assert not Idea.objects.exists()


def test_adding_an_idea_without_joining_asks_to_join_first(coordinator):
    board = make_board(actor=coordinator)
    response = Client().post(f"/board/{board.code}/ideas/", {"text": "Hello"}, follow=True)
    assert "Join the board first" in response.content.decode()
    assert not Idea.objects.exists()


def test_adding_an_idea_after_collecting_ends_is_refused_clearly(coordinator):
    board = make_board(actor=coordinator)
    client = _joined(board)
    services.set_stage(board=board, actor=coordinator, stage=Stage.GROUPING)
    response = client.post(f"/board/{board.code}/ideas/", {"text": "Late idea"}, follow=True)
    assert "You can only add ideas while the board is collecting ideas" in response.content.decode()
    assert not Idea.objects.exists()


def test_grouping_shows_ideas_under_their_groups_with_no_forms(coordinator):
    board = make_board(actor=coordinator)
    first, second = ideas(board, "Peer support", "Travel costs")
    group = services.create_group(board=board, actor=coordinator, name="Money")
    services.put_in_group(idea=second, group=group, actor=coordinator)
    services.set_stage(board=board, actor=coordinator, stage=Stage.GROUPING)
    page = _joined(board).get(f"/board/{board.code}/").content.decode()
    assert page.index("Money") < page.index("Travel costs") < page.index("Not in a group") < page.index("Peer support")
    assert "Add my idea" not in page and "Place a dot" not in page


def test_voting_places_and_takes_back_dots_and_says_how_many_are_left(coordinator):
    board = make_board(actor=coordinator, dots_per_person=2)
    first, second = ideas(board, "Peer support", "Travel costs")
    client = _joined(board)
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    page = client.get(f"/board/{board.code}/").content.decode()
    assert "You have 2 dots left." in page and page.count(">Place a dot<") == 2
    response = client.post(f"/board/{board.code}/dots/", {"idea_id": first.pk, "action": "place"}, follow=True)
    assert "Dot placed. You have 1 dot left." in response.content.decode()
    assert "Take back a dot" in response.content.decode()
    client.post(f"/board/{board.code}/dots/", {"idea_id": second.pk, "action": "place"})
    refused = client.post(f"/board/{board.code}/dots/", {"idea_id": second.pk}, follow=True).content.decode()
    assert "You have used all your 2 dots" in refused
    assert Dot.objects.count() == 2
    taken = client.post(f"/board/{board.code}/dots/", {"idea_id": first.pk, "action": "take"}, follow=True)
    assert "Dot taken back. You have 1 dot left." in taken.content.decode()
    assert Dot.objects.count() == 1


def test_a_second_dot_on_one_idea_is_refused_when_the_board_says_one_each(coordinator):
    board = make_board(actor=coordinator)
    (idea,) = ideas(board, "Peer support")
    client = _joined(board)
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    client.post(f"/board/{board.code}/dots/", {"idea_id": idea.pk})
    page = client.post(f"/board/{board.code}/dots/", {"idea_id": idea.pk}, follow=True).content.decode()
    assert "You already have a dot on that idea" in page


def test_voting_before_the_voting_stage_or_on_a_missing_idea_is_refused(coordinator):
    board = make_board(actor=coordinator)
    (idea,) = ideas(board, "Peer support")
    client = _joined(board)
    early = client.post(f"/board/{board.code}/dots/", {"idea_id": idea.pk}, follow=True).content.decode()
    assert "Voting is not open on this board" in early
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    missing = client.post(f"/board/{board.code}/dots/", {"idea_id": "nonsense"}, follow=True).content.decode()
    assert "That idea is no longer on the board" in missing
    assert not Dot.objects.exists()


def test_a_closed_board_shows_results_as_a_table_and_cannot_be_joined(coordinator):
    board = make_board(actor=coordinator)
    first, second = ideas(board, "Peer support", "Travel costs")
    voter, _ = join(board)
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    services.vote(board=board, participant=voter, idea_id=second.pk)
    services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    page = Client().get(f"/board/{board.code}/").content.decode()
    assert "Results" in page and "Dots on each idea, most first" in page
    assert page.index("Travel costs") < page.index("Peer support")
    assert "Join this board" not in page
    refused = Client().post(f"/board/{board.code}/join/", {}, follow=True).content.decode()
    assert "This board is closed" in refused


def test_the_projector_shows_the_code_a_qr_code_with_a_name_and_counts(coordinator):
    board = make_board(actor=coordinator, question="What next?")
    ideas(board, "One", "Two")
    page = Client().get(f"/board/{board.code}/screen/").content.decode()
    assert board.code in page and "<h1" in page
    assert '<svg role="img" aria-labelledby="rt-qr-title"' in page and f"/board/{board.code}</title>" in page
    assert '<span id="idea-count">2</span>' in page and '<span id="participant-count">1</span>' in page


def test_the_board_pages_load_the_live_script_and_have_one_polite_live_region(coordinator):
    board = make_board(actor=coordinator)
    page = Client().get(f"/board/{board.code}/").content.decode()
    assert "board/board.mjs" in page
    assert page.count('aria-live="polite"') == 1


def test_a_table_sharing_one_device_joins_with_a_set_of_dots_for_each_person(coordinator):
    board = make_board(actor=coordinator, dots_per_person=3)
    first, second = ideas(board, "Peer support", "Travel costs")
    page = Client().get(f"/board/{board.code}/").content.decode()
    assert "How many people are using this device (optional)" in page and 'inputmode="numeric"' in page
    table = Client()
    response = table.post(f"/board/{board.code}/join/", {"display_name": "Table 4", "people": "4"})
    assert response.status_code == 302
    joined = BoardParticipant.objects.get(board=board, display_name="Table 4")
    assert joined.is_table and joined.people == 4
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    page = table.get(f"/board/{board.code}/").content.decode()
    assert "Your table of 4 people has 12 dots left." in page
    # One person on their own device is not a table.
    before = set(BoardParticipant.objects.values_list("pk", flat=True))
    Client().post(f"/board/{board.code}/join/", {"display_name": "Kim", "people": "1"})
    assert not BoardParticipant.objects.exclude(pk__in=before).get().is_table


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ("0", "Say how many people share this device, from 1 to 12"),
        ("13", "Say how many people share this device, from 1 to 12"),
        ("four", "Enter the number of people as a number, like 4"),
    ],
)
def test_a_wrong_number_of_people_is_said_next_to_the_field(coordinator, people, message):
    board = make_board(actor=coordinator)
    response = Client().post(f"/board/{board.code}/join/", {"display_name": "Table 2", "people": people})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="id_people-error"' in page and message in page
    assert 'value="Table 2"' in page  # nothing typed is lost
    assert not BoardParticipant.objects.filter(display_name="Table 2").exists()


def test_the_join_form_says_optional_once(coordinator):
    board = make_board(actor=coordinator)
    page = Client().get(f"/board/{board.code}/").content.decode()
    assert "Your name on the board (optional)</label>" in page and "(optional) (optional)" not in page


def test_a_participant_adds_an_idea_with_a_photo_and_everyone_sees_it_with_its_words(coordinator):
    from roundtable.records.tests.factories import upload

    board = make_board(actor=coordinator)
    client = _joined(board)
    page = client.get(f"/board/{board.code}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="photo"' in page and 'name="photo_alt"' in page
    response = client.post(
        f"/board/{board.code}/ideas/",
        {"text": "A garden", "photo": upload(), "photo_alt": "A clay model of a garden"},
    )
    assert response.status_code == 302
    idea = Idea.objects.get(board=board)
    room = Client().get(f"/board/{board.code}/").content.decode()
    assert f'src="/board/{board.code}/ideas/{idea.pk}/photo/thumb/"' in room
    assert 'alt="A clay model of a garden"' in room
    served = Client().get(f"/board/{board.code}/ideas/{idea.pk}/photo/large/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert Client().get(f"/board/{board.code}/ideas/{idea.pk}/photo/file/").status_code == 404


def test_a_photo_without_words_is_refused_next_to_the_field_and_the_idea_is_kept(coordinator):
    from roundtable.records.tests.factories import upload

    board = make_board(actor=coordinator)
    client = _joined(board)
    response = client.post(f"/board/{board.code}/ideas/", {"text": "A garden", "photo": upload(), "photo_alt": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error:" in page
    assert 'id="id_photo_alt-error"' in page and "Say what the photo shows" in page
    assert "A garden" in page  # what they typed is still in the box
    bad = client.post(
        f"/board/{board.code}/ideas/",
        {"text": "A garden", "photo": upload(content=b"not a photo"), "photo_alt": "A garden"},
    )
    assert bad.status_code == 400 and "must be a photo saved as JPG, PNG or WebP" in bad.content.decode()
    assert not Idea.objects.exists()


def test_a_hidden_ideas_photo_is_only_served_to_the_team(coordinator):
    from roundtable.records.tests.factories import upload

    board = make_board(actor=coordinator)
    participant, _ = join(board)
    idea = services.add_idea(board=board, participant=participant, text="Rude", photo=upload(), photo_alt="A note")
    services.hide_idea(idea=idea, actor=coordinator, reason="Names a person")
    assert Client().get(f"/board/{board.code}/ideas/{idea.pk}/photo/thumb/").status_code == 404
    team = Client()
    team.force_login(coordinator)
    assert team.get(f"/board/{board.code}/ideas/{idea.pk}/photo/thumb/").status_code == 200
