"""The record page's "send the update now" button (the update itself is tested in
roundtable/records/tests/test_digest.py)."""

import pytest
from django.core import mail

from roundtable.core.testing import run_tasks
from roundtable.records.tests.factories import add_action, add_decision, attend, past_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session_with_actions(coordinator):
    session = past_session(title="Planning the welcome pack")
    people = {
        "keen": attend(session, wants_updates=True),
        "keen_too": attend(session, wants_updates=True),
        "quiet": attend(session, wants_updates=False),
        "absent": attend(session, wants_updates=True, status="no_show"),
    }
    decision = add_decision(session, coordinator, title="Newcomers get a buddy")
    actions = [add_action(decision, coordinator, title=f"Step {n}") for n in range(3)]
    return session, people, actions


def test_coordinator_can_send_the_update_now(session_with_actions, coordinator_client):
    session, people, actions = session_with_actions
    coordinator_client.post(
        f"/coordinator/actions/{actions[0].pk}/change/",
        {
            "title": actions[0].title,
            "status": "done",
            "outcome": "All <b>done</b>",
        },
    )
    page = coordinator_client.get(f"/coordinator/sessions/{session.pk}/record/").content.decode()
    assert "An update email goes to the 2 people" in page

    response = coordinator_client.post(f"/coordinator/sessions/{session.pk}/record/send-update/")
    run_tasks()

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert "All <b>done</b>" in mail.outbox[0].body  # plain text stays as typed
    assert "All &lt;b&gt;done&lt;/b&gt;" in mail.outbox[0].alternatives[0][0]  # HTML escapes it
