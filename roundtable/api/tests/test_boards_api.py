"""The live board through the API: every operation, and every way it refuses."""

from __future__ import annotations

import pytest
from django.utils import timezone

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_facilitator
from roundtable.api.tests.helpers import bearer, coordinator_token, post_json
from roundtable.board import services
from roundtable.board.models import Board, Dot, Idea, Stage
from roundtable.board.testing import make_board
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return coordinator_token()


def _open(client, token, session=None, **body):
    session = session or make_session(days_ahead=-1)
    body.setdefault("question", "What should the Centre fund next year?")
    return post_json(client, f"/api/sessions/{session.pk}/boards", body, **token)


def _join(client, code, **body):
    response = post_json(client, f"/api/boards/{code}/join", body)
    assert response.status_code == 201, response.content
    return bearer(response.json()["participant_key"])


def _stage(client, token, board_id, stage):
    return post_json(client, f"/api/boards/{board_id}/stage", {"stage": stage}, **token)


def test_a_coordinator_opens_a_board_and_gets_its_code(client, token, settings):
    response = _open(client, token, dots_per_person=5)
    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == "collecting"
    assert body["join_url"] == f"{settings.SITE_URL}/board/{body['code']}"
    assert Board.objects.get(pk=body["id"]).dots_per_person == 5


def test_opening_a_board_needs_a_team_token(client):
    session = make_session()
    response = post_json(client, f"/api/sessions/{session.pk}/boards", {"question": "Q"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "coordinator's or facilitator's API token" in response.json()["detail"]


def test_opening_a_board_checks_what_was_sent(client, token):
    response = _open(client, token, question="", dots_per_person=99)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "question", "message": "Enter the question people are answering"},
        {"field": "dots_per_person", "message": "Dots per person must be 20 or less"},
    ]


def test_an_unknown_session_is_404(client, token):
    response = post_json(client, "/api/sessions/999999/boards", {"question": "Q"}, **token)
    assert response.status_code == 404


def test_a_facilitator_token_works_for_the_sessions_they_run_only(client):
    facilitator = make_facilitator()
    _, raw = ApiToken.issue(facilitator)
    theirs, not_theirs = make_session(), make_session()
    theirs.facilitators.add(facilitator)
    not_theirs.facilitators.add(make_facilitator(email="someone-else@example.org"))
    assert _open(client, bearer(raw), session=theirs).status_code == 201
    refused = _open(client, bearer(raw), session=not_theirs)
    assert refused.status_code == 403
    assert "sessions you run" in refused.json()["detail"]
    board = make_board(session=not_theirs)
    assert _stage(client, bearer(raw), board.pk, "voting").status_code == 403


def test_the_whole_board_from_joining_to_the_decision_in_the_record(client, token):
    created = _open(client, token, dots_per_person=2).json()
    code, board_id = created["code"], created["id"]
    alice, bob = _join(client, code, display_name="Alice"), _join(client, code.lower())  # codes are not case-sensitive

    first = post_json(client, f"/api/boards/{code}/ideas", {"text": "Longer breaks"}, **alice)
    second = post_json(client, f"/api/boards/{code}/ideas", {"text": "A quiet room"}, **bob)
    assert first.status_code == second.status_code == 201
    ideas = [first.json()["id"], second.json()["id"]]

    assert _stage(client, token, board_id, "voting").json()["stage"] == "voting"
    for who, idea in [(alice, ideas[0]), (alice, ideas[1]), (bob, ideas[0])]:
        assert post_json(client, f"/api/boards/{code}/votes", {"idea_id": idea}, **who).status_code == 201
    assert _stage(client, token, board_id, "closed").status_code == 200

    state = client.get(f"/api/boards/{code}").json()
    assert [(i["text"], i["votes"]) for i in state["ideas"]] == [("Longer breaks", 2), ("A quiet room", 1)]

    response = post_json(client, f"/api/boards/{board_id}/decision", {}, **token)
    assert response.status_code == 201
    decision = response.json()
    assert decision["method"] == "dot_voting"
    assert decision["votes"] == [{"option": "Longer breaks", "count": 2}, {"option": "A quiet room", "count": 1}]
    assert decision["took_part"] == {"not_asked": 2}

    session_id = Board.objects.get(pk=board_id).session_id
    record = client.get(f"/api/sessions/{session_id}/record", **token).json()
    assert [d["id"] for d in record["decisions"]] == [decision["id"]]
    assert record["decisions"][0]["options"] == ["Longer breaks", "A quiet room"]
    assert sorted(o["text"] for o in record["outputs"]) == ["A quiet room", "Longer breaks"]

    again = post_json(client, f"/api/boards/{board_id}/decision", {}, **token)
    assert again.status_code == 409


def test_voting_past_the_limit_is_409_with_a_clear_message(client, token):
    created = _open(client, token, dots_per_person=1).json()
    code = created["code"]
    person = _join(client, code)
    idea = post_json(client, f"/api/boards/{code}/ideas", {"text": "Benches"}, **person).json()["id"]
    early = post_json(client, f"/api/boards/{code}/votes", {"idea_id": idea}, **person)
    assert early.status_code == 409
    assert "Voting is not open" in early.json()["detail"]
    _stage(client, token, created["id"], "voting")
    assert post_json(client, f"/api/boards/{code}/votes", {"idea_id": idea}, **person).json() == {"dots_left": 0}
    refused = post_json(client, f"/api/boards/{code}/votes", {"idea_id": idea}, **person)
    assert refused.status_code == 409
    assert "used all your 1 dots" in refused.json()["detail"]
    assert Dot.objects.count() == 1


def test_adding_an_idea_after_collecting_is_409(client, token):
    created = _open(client, token).json()
    person = _join(client, created["code"])
    _stage(client, token, created["id"], "grouping")
    response = post_json(client, f"/api/boards/{created['code']}/ideas", {"text": "Late"}, **person)
    assert response.status_code == 409


def test_an_idea_must_be_short_and_not_empty(client, token):
    code = _open(client, token).json()["code"]
    person = _join(client, code)
    long = post_json(client, f"/api/boards/{code}/ideas", {"text": "x" * 281}, **person)
    assert long.status_code == 422
    assert long.json()["detail"] == [{"field": "text", "message": "Your idea must be 280 characters or fewer"}]
    empty = post_json(client, f"/api/boards/{code}/ideas", {"text": ""}, **person)
    assert empty.json()["detail"] == [{"field": "text", "message": "Enter your idea"}]


def test_voting_for_an_idea_not_on_the_board_is_422(client, token):
    created = _open(client, token).json()
    person = _join(client, created["code"])
    _stage(client, token, created["id"], "voting")
    response = post_json(client, f"/api/boards/{created['code']}/votes", {"idea_id": 424242}, **person)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "idea_id"


def test_a_participant_key_only_works_on_its_own_board(client, token):
    mine, other = _open(client, token).json(), _open(client, token).json()
    person = _join(client, mine["code"])
    response = post_json(client, f"/api/boards/{other['code']}/ideas", {"text": "Sneaky"}, **person)
    assert response.status_code == 403
    assert "different board" in response.json()["detail"]


def test_adding_an_idea_without_a_key_is_401_and_says_how_to_join(client, token):
    code = _open(client, token).json()["code"]
    response = post_json(client, f"/api/boards/{code}/ideas", {"text": "Hi"})
    assert response.status_code == 401
    assert "joining the board" in response.json()["detail"]
    forged = post_json(client, f"/api/boards/{code}/ideas", {"text": "Hi"}, **bearer("made-up"))
    assert forged.status_code == 401


def test_a_coordinator_token_is_not_a_participant_key(client, token):
    code = _open(client, token).json()["code"]
    assert post_json(client, f"/api/boards/{code}/ideas", {"text": "Hi"}, **token).status_code == 401


def test_an_unknown_code_is_404(client):
    assert client.get("/api/boards/ZZZZZZ").status_code == 404
    assert post_json(client, "/api/boards/ZZZZZZ/join", {}).status_code == 404
    assert post_json(client, "/api/boards/not-a-code/join", {}).status_code == 404
    response = client.get("/api/boards/0O1I00")
    assert response.status_code == 404
    assert "code on the screen" in response.json()["detail"]


def test_joining_needs_no_body_and_a_table_gets_dots_for_each_person(client, token):
    code = _open(client, token).json()["code"]
    assert client.post(f"/api/boards/{code}/join", content_type="application/json").json()["dots"] == 3
    table = post_json(client, f"/api/boards/{code}/join", {"is_table": True, "people": 4})
    assert table.json()["dots"] == 12
    assert post_json(client, f"/api/boards/{code}/join", {"people": 0}).status_code == 422


def test_a_closed_board_cannot_be_joined(client, token):
    created = _open(client, token).json()
    _stage(client, token, created["id"], "closed")
    response = post_json(client, f"/api/boards/{created['code']}/join", {})
    assert response.status_code == 409


def test_stage_changes_are_checked(client, token):
    created = _open(client, token).json()
    assert _stage(client, token, created["id"], "closed").status_code == 200
    back_two = _stage(client, token, created["id"], "grouping")
    assert back_two.status_code == 409
    assert _stage(client, token, created["id"], "sideways").status_code == 422
    assert _stage(client, token, 999999, "voting").status_code == 404
    assert post_json(client, f"/api/boards/{created['id']}/stage", {"stage": "voting"}).status_code == 401


def test_recording_an_open_board_is_409(client, token):
    created = _open(client, token).json()
    response = post_json(client, f"/api/boards/{created['id']}/decision", {}, **token)
    assert response.status_code == 409
    assert "Close the board" in response.json()["detail"]


def test_polling_an_unchanged_board_gets_304_until_something_changes(client, token):
    code = _open(client, token).json()["code"]
    first = client.get(f"/api/boards/{code}")
    assert first.status_code == 200
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    unchanged = client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    person = _join(client, code)
    post_json(client, f"/api/boards/{code}/ideas", {"text": "Benches"}, **person)
    changed = client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert [i["text"] for i in changed.json()["ideas"]] == ["Benches"]


def test_a_weak_or_listed_etag_also_gets_304(client, token):
    code = _open(client, token).json()["code"]
    etag = client.get(f"/api/boards/{code}")["ETag"]
    assert client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH=f'"0-0", {etag}').status_code == 304
    assert client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH='"0-0"').status_code == 200


def test_a_poll_that_has_not_changed_costs_two_queries(client, token, django_assert_num_queries):
    code = _open(client, token).json()["code"]
    etag = client.get(f"/api/boards/{code}")["ETag"]
    with django_assert_num_queries(1):
        assert client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH=etag).status_code == 304
    person = _join(client, code)
    etag = client.get(f"/api/boards/{code}", **person)["ETag"]
    with django_assert_num_queries(2):
        assert client.get(f"/api/boards/{code}", HTTP_IF_NONE_MATCH=etag, **person).status_code == 304


def test_each_version_of_a_board_is_built_once_however_many_screens_ask(client, token, django_assert_num_queries):
    code = _open(client, token).json()["code"]
    person = _join(client, code)
    post_json(client, f"/api/boards/{code}/ideas", {"text": "Benches"}, **person)
    with django_assert_num_queries(4):  # the board, then its ideas, groups and people (dots once shown)
        first = client.get(f"/api/boards/{code}")
    for _ in range(3):  # other screens, with no ETag yet: the board's row only
        with django_assert_num_queries(1):
            assert client.get(f"/api/boards/{code}").content == first.content
    with django_assert_num_queries(3):  # a participant: their key and their dots as well
        assert client.get(f"/api/boards/{code}", **person).json()["dots_left"] == 3


def test_a_participant_sees_their_dots_left_and_others_do_not(client, token):
    created = _open(client, token).json()
    code = created["code"]
    person = _join(client, code)
    idea = post_json(client, f"/api/boards/{code}/ideas", {"text": "Benches"}, **person).json()["id"]
    _stage(client, token, created["id"], "voting")
    post_json(client, f"/api/boards/{code}/votes", {"idea_id": idea}, **person)
    mine = client.get(f"/api/boards/{code}", **person).json()
    assert (mine["dots_left"], mine["my_dots"]) == (2, [idea])
    assert mine["ideas"][0]["votes"] is None  # hidden while voting
    public = client.get(f"/api/boards/{code}").json()
    assert (public["dots_left"], public["my_dots"]) == (None, None)
    assert client.get(f"/api/boards/{code}", **person)["ETag"] != client.get(f"/api/boards/{code}")["ETag"]


def test_hidden_ideas_are_not_shown(client, token):
    created = _open(client, token).json()
    person = _join(client, created["code"])
    idea_id = post_json(client, f"/api/boards/{created['code']}/ideas", {"text": "Rude"}, **person).json()["id"]
    board = Board.objects.get(pk=created["id"])
    services.hide_idea(idea=Idea.objects.get(pk=idea_id), actor=board.created_by, reason="Rude")
    assert client.get(f"/api/boards/{created['code']}").json()["ideas"] == []
    assert Idea.objects.get(pk=idea_id).hidden_at <= timezone.now()
    assert Board.objects.get(pk=created["id"]).stage == Stage.COLLECTING
