"""The team's record pages: who may open them, and what the forms accept and refuse."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.records.models import Action, Decision, StoryChoice
from roundtable.records.selectors import overdue_actions
from roundtable.records.tests.factories import add_action, add_decision, add_image, attend, past_session

pytestmark = pytest.mark.django_db


def _team_urls(session, decision, action, output, upcoming):
    return [
        "/coordinator/records/",
        "/coordinator/records/actions/",
        f"/coordinator/sessions/{session.pk}/record/",
        f"/coordinator/sessions/{session.pk}/record/add/photo/",
        f"/coordinator/sessions/{session.pk}/record/add/text/",
        f"/coordinator/sessions/{session.pk}/record/add/audio/",
        f"/coordinator/sessions/{session.pk}/record/decisions/add/",
        f"/coordinator/decisions/{decision.pk}/change/",
        f"/coordinator/decisions/{decision.pk}/delete/",
        f"/coordinator/decisions/{decision.pk}/actions/add/",
        f"/coordinator/actions/{action.pk}/change/",
        f"/coordinator/outputs/{output.pk}/change/",
        f"/coordinator/outputs/{output.pk}/delete/",
        f"/coordinator/sessions/{upcoming.pk}/story-so-far/",
    ]


def test_record_pages_open_for_coordinators_only(coordinator, coordinator_client):
    session = past_session()
    decision = add_decision(session, coordinator)
    action = add_action(decision, coordinator)
    output = add_image(session, coordinator)
    upcoming = make_session(programme=session.programme)
    urls = _team_urls(session, decision, action, output, upcoming)
    facilitator = Client()
    facilitator.force_login(make_facilitator())
    stranger = Client()

    for url in urls:
        assert coordinator_client.get(url).status_code == 200, url
        assert facilitator.get(url).status_code == 403, url
        assert stranger.get(url).status_code in (302, 404), url
    # URLs that name an object reveal nothing to a stranger: 404, not a sign-in page.
    assert stranger.get(f"/coordinator/sessions/{session.pk}/record/").status_code == 404
    assert stranger.get("/coordinator/records/").status_code == 302
    assert coordinator_client.get("/coordinator/sessions/999999/record/").status_code == 404
    assert coordinator_client.get(f"/coordinator/sessions/{session.pk}/record/add/video/").status_code == 404
    # Nothing changes for a stranger's POST either.
    stranger.post(f"/coordinator/decisions/{decision.pk}/delete/")
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_record_page_shows_attendance_with_no_shows_and_every_output(coordinator, coordinator_client):
    session = past_session()
    attend(session, perspectives=["carer"])
    attend(session, status="no_show")
    add_image(session, coordinator, caption="Faces at the table", consent="private")

    page = coordinator_client.get(f"/coordinator/sessions/{session.pk}/record/").content.decode()

    assert "Booked but did not come" in page and "Faces at the table" in page and "Private to the team" in page


def test_adding_a_decision_with_votes_and_who_took_part(coordinator, coordinator_client):
    session = past_session()
    response = coordinator_client.post(
        f"/coordinator/sessions/{session.pk}/record/decisions/add/",
        {
            "title": "Newcomers get a buddy",
            "question": "How do we welcome people?",
            "options": "A buddy\nA welcome pack",
            "method": "dot_voting",
            "votes": "A buddy: 19\nA welcome pack = 11\n",
            "took_part_carer": "3",
            "took_part_lived_experience": "6",
        },
    )

    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#decision-{decision.pk}")
    assert decision.votes == [{"option": "A buddy", "count": 19}, {"option": "A welcome pack", "count": 11}]
    assert decision.took_part == {"lived_experience": 6, "carer": 3}
    assert AuditEntry.objects.filter(verb="decision.create", session_id=session.pk).exists()


def test_decision_form_errors_sit_next_to_their_fields(coordinator_client):
    session = past_session()
    response = coordinator_client.post(
        f"/coordinator/sessions/{session.pk}/record/decisions/add/",
        {
            "title": "",
            "method": "other",
            "votes": "lots of dots",
            "took_part_carer": "-2",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error: " in page
    assert "Enter what was decided" in page
    assert "Line 1 of the votes must be an option and a number" in page
    assert "The number for carer must be 0 or more" in page
    assert Decision.objects.count() == 0

    other = coordinator_client.post(
        f"/coordinator/sessions/{session.pk}/record/decisions/add/",
        {
            "title": "Something",
            "method": "other",
            "method_other": " ",
        },
    )
    assert other.status_code == 400 and "Say in a few words how the group decided" in other.content.decode()
    assert Decision.objects.count() == 0


def test_not_doing_needs_a_reason(coordinator, coordinator_client):
    decision = add_decision(past_session(), coordinator)
    url = f"/coordinator/decisions/{decision.pk}/actions/add/"

    refused = coordinator_client.post(
        url, {"title": "Pay travel time", "status": "not_doing", "not_doing_reason": "  "}
    )
    accepted = coordinator_client.post(
        url,
        {
            "title": "Pay travel time",
            "status": "not_doing",
            "not_doing_reason": "The funder does not allow it",
            "owner": coordinator.pk,
            "due_day": "1",
            "due_month": "3",
            "due_year": "2031",
        },
    )

    assert refused.status_code == 400 and "Say why the team is not doing this" in refused.content.decode()
    assert accepted.status_code == 302
    action = Action.objects.get()
    assert action.status == "not_doing" and action.not_doing_reason == "The funder does not allow it"
    assert action.owner == coordinator and action.due_on == date(2031, 3, 1)


def test_action_owner_must_be_a_coordinator_and_due_date_real(coordinator, coordinator_client):
    decision = add_decision(past_session(), coordinator)
    facilitator = make_facilitator()
    url = f"/coordinator/decisions/{decision.pk}/actions/add/"

    bad_owner = coordinator_client.post(url, {"title": "X", "status": "planned", "owner": facilitator.pk})
    bad_date = coordinator_client.post(
        url, {"title": "X", "status": "planned", "due_day": "31", "due_month": "2", "due_year": "2031"}
    )
    part_date = coordinator_client.post(url, {"title": "X", "status": "planned", "due_day": "3", "due_year": "2031"})

    assert "Choose a coordinator from the list" in bad_owner.content.decode()
    assert "The due date must be a real date" in bad_date.content.decode()
    assert "The due date must include a month" in part_date.content.decode()
    assert 'href="#id_due_day"' in part_date.content.decode()
    assert Action.objects.count() == 0


def test_overdue_actions_are_flagged_for_the_coordinator_home(coordinator, coordinator_client):
    decision = add_decision(past_session(title="Clay day"), coordinator)
    today = timezone.localdate()
    late = add_action(decision, coordinator, title="Late thing", status="in_progress", due_on=today - timedelta(days=3))
    add_action(decision, coordinator, title="Due later", due_on=today + timedelta(days=3))
    add_action(decision, coordinator, title="Late but done", status="done", due_on=today - timedelta(days=9))
    add_action(decision, coordinator, title="Late but dropped", status="not_doing", due_on=today - timedelta(days=9))

    assert list(overdue_actions()) == [late]
    html = Template('{% include "records/_overdue_actions.html" %}').render(Context({}))
    assert "Late thing" in html and "1 action is past its due date" in html and "Due later" not in html
    listing = coordinator_client.get("/coordinator/records/actions/?status=overdue").content.decode()
    assert "Late thing" in listing and "Overdue" in listing and "Late but done" not in listing


def test_story_choices_pin_hide_and_reset(coordinator, coordinator_client):
    session = past_session()
    decision = add_decision(session, coordinator, title="Breaks every hour")
    upcoming = make_session(programme=session.programme)
    url = f"/coordinator/sessions/{upcoming.pk}/story-so-far/"

    coordinator_client.post(url, {"kind": "decision", "item": decision.pk, "choice": "hidden"})
    assert StoryChoice.objects.get().choice == "hidden"
    assert "Breaks every hour" not in Client().get(f"/sessions/{upcoming.pk}/story-so-far/").content.decode()
    coordinator_client.post(url, {"kind": "decision", "item": decision.pk, "choice": ""})
    assert StoryChoice.objects.count() == 0
    # Items from another programme, or made up, are refused.
    other = add_decision(past_session(), coordinator, title="Elsewhere")
    assert coordinator_client.post(url, {"kind": "decision", "item": other.pk, "choice": "pinned"}).status_code == 404
    assert coordinator_client.post(url, {"kind": "session", "item": "1", "choice": "pinned"}).status_code == 404
    assert (
        coordinator_client.post(url, {"kind": "decision", "item": decision.pk, "choice": "always"}).status_code == 404
    )


def test_deleting_an_output_removes_it_and_its_files(
    coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    output = add_image(past_session(), coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(f"/coordinator/outputs/{output.pk}/delete/")
    assert response.status_code == 302
    assert not default_storage.exists(output.file.name) and not default_storage.exists(output.thumb.name)
    assert AuditEntry.objects.filter(verb="output.delete").exists()


def test_coordinator_records_index_lists_past_sessions(coordinator_client, coordinator):
    session = past_session(title="Clay day")
    attend(session)
    make_session(title="Still to come")
    make_coordinator(email="other@example.org")
    page = coordinator_client.get("/coordinator/records/").content.decode()
    assert "Clay day" in page and "Still to come" not in page and "No actions are overdue" in page


def test_people_counted_without_being_asked_their_perspective_keep_their_count_when_edited(coordinator_client):
    """A live board's recorded decision counts voters under 'not asked'; editing it on the
    record page must not drop them."""
    session = past_session()
    decision = Decision.objects.create(
        session=session, title="Most dots: Shade", method="dot_voting", took_part={"not_asked": 42}
    )
    page = coordinator_client.get(f"/coordinator/decisions/{decision.pk}/change/")
    assert page.status_code == 200
    assert b'name="took_part_not_asked"' in page.content and b'value="42"' in page.content
    coordinator_client.post(
        f"/coordinator/decisions/{decision.pk}/change/",
        {"title": "Most dots: Shade", "method": "dot_voting", "took_part_not_asked": "42", "took_part_carer": "1"},
    )
    decision.refresh_from_db()
    assert decision.took_part == {"carer": 1, "not_asked": 42}
