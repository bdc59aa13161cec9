"""Forgetting a person who has touched every part of Roundtable leaves their name and email
nowhere: every text field of every model is searched afterwards. (Imports every app, so it lives
here rather than in an app's tests.)"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from roundtable.accounts.testing import make_coordinator
from roundtable.blog.models import Comment
from roundtable.blog.services import comment_submit, post_create
from roundtable.board import services as board_services
from roundtable.board.models import BoardParticipant, Idea
from roundtable.board.testing import join as board_join
from roundtable.board.testing import make_board
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core import audit
from roundtable.core.email import queue_email, send_queued
from roundtable.core.forgetting import FORGOTTEN_EMAIL
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.retention import apply_retention
from roundtable.core.testing import run_tasks
from roundtable.evaluation.feedback import session_feedback
from roundtable.evaluation.indicators import indicator_series
from roundtable.evaluation.models import Aim, FeedbackLink, FeedbackRequest, FeedbackResponse, Indicator
from roundtable.involvement.datafile import PART_TITLES
from roundtable.involvement.models import DataFile, PersonLink
from roundtable.newsletter.models import ConfirmationLink, Delivery, Issue, Subscriber, SubscriptionConsent
from roundtable.newsletter.services import subscriber_confirm, subscriber_signup
from roundtable.payments.benefits import ProfileAnswer, payment_profile_update
from roundtable.payments.models import Payment
from roundtable.payments.services import ChoiceAnswer, payment_choose
from roundtable.payments.testing import make_offer
from roundtable.people.models import ConsentRecord, Person, PersonNote
from roundtable.people.services import note_add, person_forget
from roundtable.records.models import Output
from roundtable.records.services import output_create

pytestmark = pytest.mark.django_db

NAME = "Zebedee Quillfeather"
EMAIL = "zebedee.quillfeather@example.org"
# The surname alone is distinctive enough that any trace of either would contain it.
TRACES = [NAME.lower(), EMAIL.lower(), "quillfeather"]


def _text_fields(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.EmailField, models.JSONField))
    ]


def _traces_left() -> list[str]:
    """Every model, every text field (JSON rendered to text): where the person still appears."""
    found = []
    for model in apps.get_models():
        fields = _text_fields(model)
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            pk, values = row[0], row[1:]
            for field, value in zip(fields, values, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                if any(trace in (text or "").lower() for trace in TRACES):
                    found.append(f"{model._meta.label}#{pk}.{field}: {text[:120]}")
    return found


def _attendance(start, end) -> list:
    aim = Aim.objects.create(title="People come back", success_looks_like="They do")
    indicator = Indicator.objects.create(aim=aim, title="Attendance", kind="computed", metric="attendance")
    series = indicator_series([indicator], start=start, end=end)[indicator.pk]
    return [point.value for point in series.points]


@pytest.fixture
def everywhere():
    """Zebedee has touched every part of the product."""
    coordinator = make_coordinator()
    # An upcoming session, with access needs (kept on file) and dietary needs; someone waits behind them.
    upcoming = make_session(capacity=1, title="Planning the garden")
    place = signup(
        upcoming,
        name=NAME,
        email=EMAIL,
        phone="07700 900123",
        dietary_kinds=["nut_allergy", "vegetarian"],
        dietary_needs=f"No nuts please ({NAME})",
        heard_about=f"A friend told {NAME}",
        access_needs=AccessNeedsAnswer(
            needs=["hearing_loop"], details=f"{NAME} lip-reads", consent=True, keep_on_file=True
        ),
    ).booking
    next_in_line = signup(upcoming, name="Next In Line", email="next@example.org").booking
    # On the waiting list of another.
    full = make_session(capacity=1, title="A popular one")
    signup(full, name="Already In", email="in@example.org")
    waiting = signup(full, name=NAME, email=EMAIL).booking
    person = place.person
    # Came to a past session, was asked for feedback (with a private link) and gave it.
    past = make_session(days_ahead=-3, title="What we did in spring")
    attended = Booking.objects.create(
        session=past, person=person, status=Booking.Status.ATTENDED, dietary_kinds=["halal"], dietary_needs="Halal"
    )
    request = FeedbackRequest.objects.create(booking=attended, session=past, sent_at=timezone.now())
    FeedbackLink.mint(request=request)
    queue_email(to=EMAIL, template="feedback_request", context={"request_id": request.pk}, session_id=past.pk)
    FeedbackResponse.objects.create(
        session=past, person=person, voice_heard=4, went_well=f"I'm {NAME} and I was heard", submitted_on=past.starts_at
    )
    ManageLink.mint(booking=attended)
    # In the audit log, with free text.
    audit.log(coordinator, "person.phoned", person, note=f"Rang {NAME} on {EMAIL}")
    # The outbox: everything so far is sent, then one more is queued.
    send_queued(limit=100)
    queue_email(to=EMAIL.upper(), template="booking_confirmation", context={"booking_id": place.pk, "name": NAME})
    # ... and one a mailer claimed and then died holding: due again once its lease is over.
    held = queue_email(to=EMAIL, template="booking_confirmation", context={"booking_id": place.pk})
    OutboundEmail.objects.filter(pk=held.pk).update(
        state=OutboundEmail.State.SENDING, claimed_at=timezone.now(), lease_until=timezone.now()
    )
    # The newsletter: confirmed, with a delivery of an issue.
    subscriber = subscriber_signup(email=EMAIL, name=NAME, source="page", wording="We will email you")
    ConfirmationLink.mint(subscriber=subscriber)
    subscriber_confirm(link=ConfirmationLink.objects.get(subscriber=subscriber))
    issue = Issue.objects.create(subject="News", status=Issue.Status.SENT)
    Delivery.objects.create(issue=issue, subscriber=subscriber, status=Delivery.Status.SENT, sent_at=timezone.now())
    bounced = Issue.objects.create(subject="More news", status=Issue.Status.SENT)
    Delivery.objects.create(
        issue=bounced, subscriber=subscriber, status=Delivery.Status.FAILED, error=f"550 <{EMAIL}>: mailbox full"
    )
    # A reply on the blog, and another reader's reply that names them.
    post = post_create(
        author=coordinator,
        status="published",
        title="What we learned",
        summary="A summary.",
        body_markdown="We met.",
        tags=[],
    )
    comment_submit(post=post, name=NAME, email=EMAIL, body="Lovely to be there.")
    comment_submit(post=post, name="A Friend", email="friend@example.org", body=f"Agree with {NAME}!")
    # Credited on an output of the past session.
    output_create(
        session=past,
        actor=coordinator,
        kind="text",
        caption="What one person said",
        consent="everyone_agreed",
        credit=NAME,
        body="Make the garden step-free.",
    )
    # On a live board: showed their name, and someone else's idea names them.
    board = make_board(session=past, actor=coordinator, show_names=True)
    them, _ = board_join(board, display_name=NAME)
    board_services.add_idea(board=board, participant=them, text="A step-free garden")
    board_services.add_idea(board=board, participant=None, text=f"What {NAME} said about ramps")
    # The team's notes: one about them, and one about someone else that names them.
    note_add(person=person, author=coordinator, text=f"{NAME} prefers a phone call")
    note_add(person=next_in_line.person, author=coordinator, text=f"Came with {NAME} ({EMAIL})")
    # Paid for their time at the past session; the reference names them.
    make_offer(past, actor=coordinator)
    fee = Payment.objects.get(session=past, person=person)
    payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("donate", donate_to=f"Friends of {NAME}"))
    Payment.objects.filter(pk=fee.pk).update(reference=f"BACS {NAME}")
    # Their own payment answers: benefit-safe mode and whether this is part of a paid job.
    payment_profile_update(person=person, answer=ProfileAnswer(benefit_safe=True, paid_job=False))
    return {
        "coordinator": coordinator,
        "person": person,
        "upcoming": upcoming,
        "place": place,
        "next_in_line": next_in_line,
        "waiting": waiting,
        "past": past,
        "subscriber": subscriber,
        "issue": issue,
    }


def test_forgetting_leaves_their_name_and_email_in_no_text_field_of_any_model(everywhere):
    assert _traces_left(), "the scan must see the person before they are forgotten"
    past = everywhere["past"]
    today = timezone.localdate()
    period = (today - timedelta(days=40), today)
    attendance_before = _attendance(*period)
    feedback_before = session_feedback(past)
    mail.outbox.clear()

    person_forget(person=everywhere["person"], actor=everywhere["coordinator"])

    assert _traces_left() == []
    # Nothing queued for them goes out, now or later.
    send_queued(limit=100)
    assert not [m for m in mail.outbox if any(EMAIL in to.lower() for to in m.to)]
    assert not OutboundEmail.objects.filter(to__iexact=EMAIL).exists()
    theirs = OutboundEmail.objects.filter(to=FORGOTTEN_EMAIL)
    assert theirs.exists() and set(theirs.values_list("state", flat=True)) <= {"sent", "failed"}
    assert {json.dumps(e.context) for e in theirs} == {"{}"}  # not even the ids their emails were built from
    # Reports keep counting what they took part in.
    assert _attendance(*period) == attendance_before
    assert sum(v or 0 for v in attendance_before) >= 1
    feedback_after = session_feedback(past)
    assert (feedback_after.responses, feedback_after.questions) == (
        feedback_before.responses,
        feedback_before.questions,
    )
    assert Booking.objects.filter(session=past, status=Booking.Status.ATTENDED).count() == 1
    # Their upcoming place went to the next person on the waiting list; their waiting place is gone.
    everywhere["next_in_line"].refresh_from_db()
    assert everywhere["next_in_line"].status == Booking.Status.CONFIRMED
    assert Booking.objects.get(pk=everywhere["waiting"].pk).status == Booking.Status.CANCELLED
    # What must go, went; what counts, stayed.
    person = Person.objects.get(pk=everywhere["person"].pk)
    assert person.email == f"forgotten-{person.pk}@forgotten.invalid"
    assert not AccessNeeds.objects.filter(booking__person=person).exists()
    # Dietary needs can say as much as access needs (an allergy, a religion): the kinds go too.
    assert list(Booking.objects.filter(person=person).values_list("dietary_kinds", "dietary_needs")) == [
        ([], ""),
        ([], ""),
        ([], ""),
    ]
    assert not ManageLink.objects.filter(booking__person=person).exists()
    assert not FeedbackRequest.objects.filter(booking__person=person).exists()
    assert not ConsentRecord.objects.filter(person=person).exists()
    assert not PersonNote.objects.filter(person=person).exists()
    assert PersonNote.objects.count() == 1
    assert FeedbackResponse.objects.filter(session=past, person=None).count() == 1
    subscriber = Subscriber.objects.get(pk=everywhere["subscriber"].pk)
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert not SubscriptionConsent.objects.filter(subscriber=subscriber).exists()
    assert Delivery.objects.filter(issue=everywhere["issue"], status=Delivery.Status.SENT).count() == 1
    assert Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.FAILED).count() == 1
    assert Comment.objects.filter(name="Someone who asked to be forgotten").count() == 1
    assert Output.objects.get(session=past).credit == ""
    assert BoardParticipant.objects.get(board__session=past).display_name == ""
    assert Idea.objects.filter(board__session=past).count() == 2


def test_forgetting_from_the_involvement_page_leaves_no_trace_and_says_goodbye(
    everywhere, client, django_capture_on_commit_callbacks
):
    token = PersonLink.mint(person=everywhere["person"])
    client.post(
        reverse("involvement:details", args=[token]),
        {"name": NAME, "pronouns": "they/them", "interests": f"Gardens, says {NAME}", "phone": ""},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("involvement:forget_me", args=[token]))
    assert response["Location"] == reverse("involvement:forgotten")
    assert _traces_left() == []
    assert client.get(reverse("involvement:home", args=[token])).status_code == 404
    assert not PersonLink.objects.filter(person=everywhere["person"]).exists()
    goodbye = [m for m in mail.outbox if "removed your details" in m.subject]
    assert [m.to for m in goodbye] == [[EMAIL]]
    assert "last email" in goodbye[0].body


def test_download_my_data_gives_back_every_part_they_touched(everywhere, client):
    token = PersonLink.mint(person=everywhere["person"])
    response = client.get(reverse("involvement:download", args=[token]))
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert response["Referrer-Policy"] == "no-referrer"
    data = response.json()
    parts = (
        "people",
        "bookings",
        "evaluation",
        "newsletter",
        "blog",
        "records",
        "board",
        "core",
        "involvement",
        "payments",
        "payment_profile",
    )
    assert set(data) == set(parts)
    assert [part for part in parts if not data[part]] == []
    assert data["people"]["email"] == EMAIL
    assert [n["text"] for n in data["people"]["notes_by_the_team"]] == [f"{NAME} prefers a phone call"]
    assert any(b["access_needs"] for b in data["bookings"])
    assert data["evaluation"]["feedback_given"][0]["went_well"] == f"I'm {NAME} and I was heard"
    assert AuditEntry.objects.filter(verb="person.data_downloaded").count() == 1


@pytest.mark.django_db(transaction=True)  # the real worker runs the task
def test_the_readable_download_gives_back_every_part_they_touched_and_is_kept_briefly(everywhere, client, settings):
    person = everywhere["person"]
    token = PersonLink.mint(person=person)
    page = reverse("involvement:download_readable", args=[token])
    assert "Prepare my file" in client.get(page).content.decode()
    assert client.post(page)["Location"] == page
    waiting = client.get(page)
    assert "We are preparing your file" in waiting.content.decode()
    assert "data_file.mjs" in waiting.content.decode() and f'href="{page}"' in waiting.content.decode()
    assert client.get(reverse("involvement:download_readable_file", args=[token])).status_code == 404
    run_tasks()
    ready = client.get(page).content.decode()
    assert "Your file is ready" in ready and "data_file.mjs" not in ready
    response = client.get(reverse("involvement:download_readable_file", args=[token]))
    assert response["Content-Disposition"] == 'attachment; filename="my-data.pdf"'
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title in PART_TITLES.values():
        assert title in text
    assert "Nothing held" not in text  # every part has something in it
    assert EMAIL in text and f"I'm {NAME} and I was heard" in text
    entry = AuditEntry.objects.filter(verb="person.data_downloaded").get()
    assert entry.data == {"format": "pdf"}
    # Kept for DATA_FILE_KEEP_HOURS, then the retention rule deletes the row and the file.
    stored = DataFile.objects.get(person=person).file.name
    assert default_storage.exists(stored)
    assert apply_retention(only="readable data files") == {"readable data files": 0}
    later = timezone.now() + timedelta(hours=settings.DATA_FILE_KEEP_HOURS, minutes=1)
    assert apply_retention(now=later, only="readable data files") == {"readable data files": 1}
    assert not DataFile.objects.exists() and not default_storage.exists(stored)


def test_the_forget_person_command_reports_every_part_it_forgot(everywhere, capsys):
    call_command("forget_person", EMAIL, "--yes")
    out = capsys.readouterr().out
    for part in (
        "bookings",
        "feedback",
        "session records",
        "live boards",
        "blog replies",
        "newsletter",
        "emails and audit log",
    ):
        assert part in out
    assert _traces_left() == []
