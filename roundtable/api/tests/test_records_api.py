"""GET /api/sessions/{id}/record and GET /api/actions."""

import pytest
from django.test import Client

from roundtable.api.tests.helpers import coordinator_token
from roundtable.cocreation.testing import make_programme, make_session
from roundtable.records.tests.factories import add_action, add_decision, add_image, add_text, attend, past_session

pytestmark = pytest.mark.django_db


def test_session_record_has_attendance_outputs_decisions_and_actions(coordinator, settings):
    settings.SITE_URL = "https://roundtable.example.org"
    session = past_session(title="Clay day")
    attend(session, perspectives=["carer", "researcher"])
    attend(session, perspectives=[])
    photo = add_image(session, coordinator, caption="Clay figures", credit="Amara")
    add_text(session, coordinator, caption="Quote", body="We were heard.")
    decision = add_decision(
        session,
        coordinator,
        title="Breaks",
        method="dot_voting",
        votes=[{"option": "Hourly", "count": 9}],
        took_part={"carer": 2},
    )
    for status in ("planned", "in_progress", "done", "not_doing"):
        add_action(decision, coordinator, title=f"A {status}", status=status)

    body = Client().get(f"/api/sessions/{session.pk}/record").json()

    assert body["session"]["title"] == "Clay day"
    assert body["attendance"] == {
        "came": 2,
        "newcomers": 2,
        "returning": 0,
        "perspectives": {"carer": 1, "researcher": 1},
        "not_said": 1,
    }
    image = next(o for o in body["outputs"] if o["kind"] == "image")
    assert image["caption"] == "Clay figures" and image["alt_text"] == "Three clay figures in a row"
    assert image["credit"] == "Amara" and image["consent"] == "no_one_identifiable"
    assert image["files"] == {
        "full": f"https://roundtable.example.org/outputs/{photo.pk}/file",
        "large": f"https://roundtable.example.org/outputs/{photo.pk}/large",
        "thumb": f"https://roundtable.example.org/outputs/{photo.pk}/thumb",
    }
    text = next(o for o in body["outputs"] if o["kind"] == "text")
    assert text["text"] == "We were heard." and text["files"] is None and text["credit"] == "Anonymous"
    assert body["decisions"][0]["votes"] == [{"option": "Hourly", "count": 9}]
    assert body["decisions"][0]["method"] == "dot_voting" and body["decisions"][0]["took_part"] == {"carer": 2}
    assert sorted(a["status"] for a in body["actions"]) == ["done", "in_progress", "not_doing", "planned"]
    assert all(a["decision_id"] == decision.pk for a in body["actions"])


def test_record_is_404_for_sessions_without_a_public_record():
    client = Client()
    for session_id in (make_session().pk, past_session(status="draft").pk, 999999, 2**70):
        response = client.get(f"/api/sessions/{session_id}/record")
        assert response.status_code == 404
        assert response.json() == {"detail": "We could not find a record for that session."}


def test_coordinators_see_the_record_of_a_draft_session(coordinator):
    draft = past_session(status="draft")
    response = Client().get(f"/api/sessions/{draft.pk}/record", **coordinator_token())
    assert response.status_code == 200


def test_actions_filter_by_status_and_programme(coordinator):
    centre = make_programme(slug="centre", name="Centre")
    other = make_programme(slug="other")
    decision = add_decision(past_session(programme=centre), coordinator, title="Centre decision")
    add_action(decision, coordinator, title="Centre done", status="done")
    add_action(decision, coordinator, title="Centre planned")
    add_action(add_decision(past_session(programme=other), coordinator), coordinator, title="Other done", status="done")
    add_action(
        add_decision(past_session(programme=centre, status="draft"), coordinator),
        coordinator,
        title="Draft done",
        status="done",
    )
    client = Client()

    def titles(query):
        response = client.get(f"/api/actions{query}")
        assert response.status_code == 200
        return sorted(item["title"] for item in response.json()["items"])

    assert titles("") == ["Centre done", "Centre planned", "Other done"]
    assert titles("?status=done") == ["Centre done", "Other done"]
    assert titles("?status=done&programme=centre") == ["Centre done"]
    assert titles(f"?programme={centre.pk}") == ["Centre done", "Centre planned"]
    item = client.get("/api/actions?status=planned").json()["items"][0]
    assert item["decision"]["title"] == "Centre decision" and item["session"]["id"] == decision.session_id


def test_actions_refuse_unknown_status_or_programme():
    client = Client()
    bad_status = client.get("/api/actions?status=finished")
    bad_programme = client.get("/api/actions?programme=no-such-programme")
    assert bad_status.status_code == 422 and bad_status.json()["detail"][0]["field"] == "status"
    assert bad_programme.status_code == 422
    assert bad_programme.json() == {
        "detail": [{"field": "programme", "message": "There is no programme with that id or slug"}]
    }


def test_actions_list_costs_the_same_queries_for_any_number_of_actions(coordinator, django_assert_num_queries):
    programme = make_programme(slug="centre")
    client = Client()

    def add(n):
        for i in range(n):
            decision = add_decision(past_session(programme=programme), coordinator, title=f"D{i}")
            add_action(decision, coordinator, status="done")

    add(2)
    with django_assert_num_queries(1):
        assert client.get("/api/actions?programme=1000").status_code == 422
    with django_assert_num_queries(2):
        client.get("/api/actions?programme=centre")
    add(10)
    with django_assert_num_queries(2):
        assert client.get("/api/actions?programme=centre").json()["count"] == 12


def test_past_sessions_list_is_newest_first():
    older = past_session(days_ago=30, title="Older")
    newer = past_session(days_ago=3, title="Newer")
    items = Client().get("/api/sessions?when=past").json()["items"]
    assert [i["id"] for i in items] == [newer.pk, older.pk]
