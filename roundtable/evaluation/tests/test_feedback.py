"""Feedback after a session, end to end: the day-after email from the scheduled job, a private link
that works once, anonymity that really stores no person, one reminder and never two, and what
bad input gets back."""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.core.logfilter import RedactPrivateLinks
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.schedule import enqueue_due_jobs
from roundtable.core.testing import run_tasks
from roundtable.evaluation import feedback
from roundtable.evaluation.models import FeedbackLink, FeedbackRequest, FeedbackResponse
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_ANSWERS = {
    "voice_heard": "5",
    "ways_to_contribute": "4",
    "things_that_matter": "5",
    "led_to_change": "3",
    "listened": "4",
    "feeling": "4",
    "went_well": "The Play-Doh!",
    "could_be_better": "More breaks",
    "access_met": "partly",
    "access_comment": "The hearing loop was off",
    "anonymous": "no",
}


def _yesterday_session(**extra):
    local_yesterday = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(local_yesterday, time(13, 30)))
    return make_session(starts_at=start, title=extra.pop("title", "Planning the Centre's evaluation"), **extra)


def _person(name: str, email: str = "") -> Person:
    return Person.objects.create(name=name, email=email or f"{name.lower()}@example.org")


def _book(session, person, status="attended"):
    extra = {"waitlisted_at": timezone.now()} if status == "waitlisted" else {}
    return Booking.objects.create(session=session, person=person, status=status, **extra)


@pytest.fixture
def session_that_happened():
    session = _yesterday_session()
    people = {
        "ann": _book(session, _person("Ann")),
        "ben": _book(session, _person("Ben")),
        "walk_in": _book(session, _person("Walk In", "walk-in-20260101@walk-in.invalid")),
        "no_show": _book(session, _person("Nadia")),
        "cancelled": _book(session, _person("Cal")),
        "waiting": _book(session, _person("Wes")),
    }
    Booking.objects.filter(pk=people["no_show"].pk).update(status="no_show")
    Booking.objects.filter(pk=people["cancelled"].pk).update(status="cancelled")
    Booking.objects.filter(pk=people["waiting"].pk).update(status="waitlisted", waitlisted_at=timezone.now())
    return session, people


def _link(message) -> str:
    match = re.search(r"http://[^\s\"<>]+/evaluation/feedback/give/[^\s\"<>/]+/", message.body)
    assert match, message.body
    return match.group(0).split("//", 1)[1].split("/", 1)[1].join(["/", ""])


def _ask_now(session) -> None:
    """Run the asking as the scheduler would the day after, at ten in the morning."""
    ten = timezone.make_aware(
        datetime.combine(
            session.ends_at.astimezone(timezone.get_current_timezone()).date() + timedelta(days=1), time(10)
        )
    )
    feedback.send_due_requests(now=ten)
    run_tasks()


def test_the_day_after_everyone_who_came_is_emailed_a_link_by_the_scheduled_job(session_that_happened, monkeypatch):
    session, people = session_that_happened
    # The job waits until 9am; whatever time this test runs, let it be "after nine".
    monkeypatch.setattr(feedback, "SEND_FROM_HOUR", 0)
    enqueued = enqueue_due_jobs()
    assert "roundtable.evaluation.tasks.ask_for_feedback" in enqueued
    run_tasks()

    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "ben@example.org"]
    message = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    assert message.subject == 'Tell us how "Planning the Centre\'s evaluation" went: it takes 3 minutes'
    assert "Hello Ann" in message.body and "/evaluation/feedback/give/" in message.body
    html = message.alternatives[0][0]
    assert "Give your feedback</a>" in html and "/evaluation/feedback/give/" in html
    # The link in the email is a live token; the outbox only ever stored the request's id.
    assert not OutboundEmail.objects.filter(context__has_key="token").exists()
    assert FeedbackLink.objects.count() == 2
    assert FeedbackRequest.objects.filter(session=session).count() == 2

    # Running the job again asks nobody twice.
    mail.outbox.clear()
    assert feedback.send_due_requests() == 0
    run_tasks()
    assert mail.outbox == []


def test_nobody_is_asked_on_the_day_before_nine_or_about_old_sessions(session_that_happened):
    session, _ = session_that_happened
    local_end = timezone.localtime(session.ends_at)
    same_evening = local_end + timedelta(hours=3)
    next_morning_early = timezone.make_aware(datetime.combine(local_end.date() + timedelta(days=1), time(8, 30)))
    assert feedback.send_due_requests(now=same_evening) == 0
    assert feedback.send_due_requests(now=next_morning_early) == 0
    assert feedback.send_due_requests(now=local_end + timedelta(days=9)) == 0
    assert feedback.send_due_requests(now=next_morning_early + timedelta(hours=1)) == 2


def test_the_link_works_once(client, session_that_happened):
    session, people = session_that_happened
    _ask_now(session)
    url = _link(next(m for m in mail.outbox if m.to == ["ann@example.org"]))

    page = client.get(url)
    assert page.status_code == 200
    assert b"Was your voice heard?" in page.content and b"Completely" in page.content
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]

    response = client.post(url, GOOD_ANSWERS)
    assert response.status_code == 302 and response["Location"] == "/evaluation/feedback/thank-you/"
    answer = FeedbackResponse.objects.get()
    assert answer.person == people["ann"].person and not answer.anonymous
    assert (answer.voice_heard, answer.feeling, answer.access_met) == (5, 4, "partly")
    assert answer.source == "online"

    again = client.get(url)
    assert again.status_code == 200 and b"already given your feedback" in again.content
    client.post(url, GOOD_ANSWERS | {"voice_heard": "1"})
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackResponse.objects.get().voice_heard == 5


def test_anonymous_feedback_stores_nothing_that_points_back_to_the_person(client, session_that_happened):
    session, people = session_that_happened
    _ask_now(session)
    url = _link(next(m for m in mail.outbox if m.to == ["ben@example.org"]))
    audit_before = AuditEntry.objects.count()

    client.post(url, GOOD_ANSWERS | {"anonymous": "yes"})

    answer = FeedbackResponse.objects.get()
    assert answer.person is None and answer.anonymous
    assert answer.went_well == "The Play-Doh!"
    request = FeedbackRequest.objects.get(booking=people["ben"])
    assert request.answered
    # The request learns only "answered"; nothing was logged about who answered when.
    assert {f.name for f in FeedbackRequest._meta.fields} & {"answered_at", "response"} == set()
    assert AuditEntry.objects.count() == audit_before
    assert not hasattr(answer, "created_at")


def test_one_reminder_after_three_days_and_never_more(client, session_that_happened):
    session, people = session_that_happened
    _ask_now(session)
    first_links = {m.to[0]: _link(m) for m in mail.outbox}
    client.post(first_links["ann@example.org"], GOOD_ANSWERS)  # Ann answers; Ben does not
    mail.outbox.clear()
    sent_at = FeedbackRequest.objects.first().sent_at

    assert feedback.send_due_reminders(now=sent_at + timedelta(days=2, hours=23)) == 0
    assert feedback.send_due_reminders(now=sent_at + timedelta(days=3)) == 1
    assert feedback.send_due_reminders(now=sent_at + timedelta(days=4)) == 0
    assert feedback.send_due_reminders(now=sent_at + timedelta(days=30)) == 0
    run_tasks()

    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    reminder = mail.outbox[0]
    assert reminder.subject.startswith("Reminder: tell us how")
    assert "only reminder" in reminder.body and "only reminder" in reminder.alternatives[0][0]
    # Both of Ben's links work, and only once between them.
    assert client.get(_link(reminder)).status_code == 200
    client.post(_link(reminder), GOOD_ANSWERS | {"anonymous": "yes"})
    assert b"already given" in client.get(first_links["ben@example.org"]).content


def test_scheduled_reminder_job_is_registered_and_answering_first_cancels_it(client, session_that_happened):
    session, _ = session_that_happened
    _ask_now(session)
    links = {m.to[0]: _link(m) for m in mail.outbox}
    mail.outbox.clear()
    FeedbackRequest.objects.update(sent_at=timezone.now() - timedelta(days=4))
    assert "roundtable.evaluation.tasks.remind_about_feedback" in enqueue_due_jobs()
    run_tasks()  # the job queues both reminders...
    assert OutboundEmail.objects.filter(template="feedback_reminder").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "ben@example.org"]

    # ...and a reminder queued for someone who answers before the worker sends it is dropped.
    mail.outbox.clear()
    FeedbackRequest.objects.update(reminded_at=None)
    assert feedback.send_due_reminders() == 2
    client.post(links["ann@example.org"], GOOD_ANSWERS)
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert OutboundEmail.objects.filter(template="feedback_reminder", state="failed").count() == 1


def test_missing_answers_are_shown_next_to_each_question(client, session_that_happened):
    session, _ = session_that_happened
    _ask_now(session)
    url = _link(mail.outbox[0])
    response = client.post(url, {"went_well": "<script>alert(1)</script>"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "<title>Error: " in text
    assert 'class="govuk-error-summary"' in text
    assert 'href="#id_voice_heard_0"' in text
    assert 'id="id_voice_heard-error"' in text and "Choose how much your voice was heard" in text
    assert "Choose whether to give this feedback anonymously" in text
    # What was typed comes back, escaped, and nothing was saved.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    assert FeedbackResponse.objects.count() == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"voice_heard": "9"},
        {"voice_heard": "abc"},
        {"feeling": "0"},
        {"access_met": "maybe"},
        {"anonymous": "perhaps"},
        {"went_well": "x" * 5001},
    ],
)
def test_hostile_input_is_refused_with_a_message_never_a_500(client, session_that_happened, bad):
    session, _ = session_that_happened
    _ask_now(session)
    response = client.post(_link(mail.outbox[0]), GOOD_ANSWERS | bad)
    assert response.status_code == 400
    assert b"govuk-error-message" in response.content
    assert FeedbackResponse.objects.count() == 0


def test_a_wrong_link_explains_itself_and_stays_out_of_the_logs(client):
    response = client.get("/evaluation/feedback/give/not-a-real-token/")
    assert response.status_code == 404 and b"This link does not work" in response.content
    assert client.get("/evaluation/feedback/give/" + "x" * 300 + "/").status_code == 404
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/evaluation/feedback/give/SECRET123/",), None
    )
    RedactPrivateLinks().filter(record)
    assert "SECRET123" not in record.getMessage()


def test_forgetting_a_person_cancels_their_pending_feedback_request(session_that_happened, coordinator):
    from roundtable.people.services import person_forget

    session, people = session_that_happened
    _ask_now(session)
    person_forget(person=people["ben"].person, actor=coordinator)
    assert not FeedbackRequest.objects.filter(booking=people["ben"]).exists()
    assert feedback.send_due_reminders(now=timezone.now() + timedelta(days=5)) == 1  # Ann only


def test_the_form_needs_its_csrf_token_and_accepts_the_null_origin_browsers_send(session_that_happened):
    from django.test import Client

    session, _ = session_that_happened
    _ask_now(session)
    url = _link(mail.outbox[0])
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(url, GOOD_ANSWERS, HTTP_ORIGIN="null").status_code == 403
    assert FeedbackResponse.objects.count() == 0
    sent = browser.post(url, GOOD_ANSWERS | {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert sent.status_code == 302 and FeedbackResponse.objects.count() == 1


def test_each_question_asks_one_thing_and_how_you_feel_is_optional(client, session_that_happened):
    """ "Did the facilitators listen, and will it lead to change?" asked two things at once."""
    session, people = session_that_happened
    _ask_now(session)
    url = _link(next(m for m in mail.outbox if m.to == ["ann@example.org"]))
    page = client.get(url).content.decode()
    assert "Did the facilitators listen to you?" in page
    assert "Do you think today will lead to change?" in page
    assert ", and will" not in page
    assert "How do you feel after today? (optional)" in page
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "feeling"}
    assert client.post(url, answers).status_code == 302
    response = FeedbackResponse.objects.get()
    assert response.feeling is None and response.listened == 4
