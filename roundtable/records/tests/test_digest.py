"""People who came and asked to hear back get one email per change batch, once, however the
worker stops and starts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks
from roundtable.records import digest, services
from roundtable.records.models import UpdateBatch, UpdateDelivery
from roundtable.records.tests.factories import add_action, add_decision, attend, past_session

pytestmark = pytest.mark.django_db(transaction=True)


def _update(action, actor, status, **extra):
    extra.setdefault("not_doing_reason", "The funder says no" if status == "not_doing" else "")
    return services.action_update(
        action=action,
        actor=actor,
        title=action.title,
        owner=action.owner,
        due_on=action.due_on,
        status=status,
        outcome=extra.pop("outcome", ""),
        **extra,
    )


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


def _digests():
    return OutboundEmail.objects.filter(template="records_update")


def test_several_actions_finished_in_one_sitting_make_one_email_per_person(session_with_actions, coordinator):
    session, people, actions = session_with_actions
    _update(actions[0], coordinator, "done", outcome="Five buddies found")
    _update(actions[1], coordinator, "not_doing")
    _update(actions[2], coordinator, "in_progress")  # not a change people hear about

    assert digest.send_due_batches() == 0  # still inside the quiet period
    sent = digest.send_due_batches(now=timezone.now() + timedelta(hours=1))
    run_tasks()

    assert sent == 2
    assert sorted(e.to for e in _digests()) == sorted([people["keen"].email, people["keen_too"].email])
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == [people["keen"].email])
    assert message.subject == 'What happened after "Planning the welcome pack"'
    assert "Step 0" in message.body and "Five buddies found" in message.body
    assert "Step 1" in message.body and "The funder says no" in message.body
    assert "Step 2" not in message.body
    html = message.alternatives[0][0]
    assert "Five buddies found" in html and "Newcomers get a buddy" in html
    assert UpdateBatch.objects.get().state == "sent"


def test_digest_goes_once_per_person_even_when_the_worker_restarts_half_way(
    session_with_actions, coordinator, monkeypatch
):
    session, people, actions = session_with_actions
    _update(actions[0], coordinator, "done")
    batch = UpdateBatch.objects.get()
    real_queue = digest.queue_email
    calls = {"n": 0}

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("the worker was stopped")
        return real_queue(**kwargs)

    monkeypatch.setattr(digest, "queue_email", crash_on_second)
    with pytest.raises(SystemExit):
        digest.send_batch(batch.pk)
    assert _digests().count() == 1 and UpdateDelivery.objects.count() == 1  # the crash left both or neither
    batch.refresh_from_db()
    assert batch.state == "sending"

    monkeypatch.setattr(digest, "queue_email", real_queue)
    digest.send_due_batches()  # the restarted worker's periodic run picks the half-sent batch up
    digest.send_due_batches()  # and a second run (or a second worker) adds nothing
    digest.send_batch(batch.pk)
    run_tasks()

    assert sorted(e.to for e in _digests()) == sorted([people["keen"].email, people["keen_too"].email])
    assert len(mail.outbox) == 2
    assert UpdateDelivery.objects.filter(batch=batch).count() == 2


def test_an_action_moved_back_before_sending_is_not_announced(session_with_actions, coordinator):
    _session, _people, actions = session_with_actions
    _update(actions[0], coordinator, "done")
    _update(actions[0], coordinator, "in_progress")

    assert digest.send_due_batches(now=timezone.now() + timedelta(hours=1)) == 0
    assert _digests().count() == 0
    assert UpdateBatch.objects.get().state == "nothing"


def test_a_later_change_starts_a_new_batch_and_a_new_email(session_with_actions, coordinator):
    _session, people, actions = session_with_actions
    _update(actions[0], coordinator, "done")
    digest.send_due_batches(now=timezone.now() + timedelta(hours=1))
    _update(actions[1], coordinator, "done")
    digest.send_due_batches(now=timezone.now() + timedelta(hours=1))
    run_tasks()

    assert UpdateBatch.objects.filter(state="sent").count() == 2
    keen = [m for m in mail.outbox if m.to == [people["keen"].email]]
    assert len(keen) == 2
    assert "Step 0" in keen[0].body and "Step 1" not in keen[0].body
    assert "Step 1" in keen[1].body and "Step 0" not in keen[1].body


def test_someone_who_stops_wanting_updates_before_sending_gets_nothing(session_with_actions, coordinator):
    _session, people, actions = session_with_actions
    _update(actions[0], coordinator, "done")
    digest.send_due_batches(now=timezone.now() + timedelta(hours=1))
    people["keen"].wants_updates = False
    people["keen"].save()
    run_tasks()

    assert [m.to for m in mail.outbox] == [[people["keen_too"].email]]
    assert _digests().get(to=people["keen"].email).state == "failed"
