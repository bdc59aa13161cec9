"""The team's side of feedback: who may see it, paper forms, the session summary with unmet access
needs beside the arrangements, and exports where anonymous answers stay anonymous."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import AccessArrangement, Booking, ManageLink
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.evaluation import feedback
from roundtable.evaluation.exports import safe_cell
from roundtable.evaluation.models import FeedbackLink, FeedbackRequest, FeedbackResponse
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def past():
    session = make_session(days_ahead=-3, title="Evidence in the broadest sense")
    ann = Person.objects.create(name="Ann Example", email="ann@example.org")
    ben = Person.objects.create(name="Ben Example", email="ben@example.org")
    booking = Booking.objects.create(session=session, person=ann, status="attended")
    Booking.objects.create(session=session, person=ben, status="attended")
    FeedbackResponse.objects.create(
        session=session,
        person=ann,
        voice_heard=5,
        feeling=4,
        access_met="yes",
        went_well="Being listened to",
        submitted_on=timezone.localdate(),
    )
    FeedbackResponse.objects.create(
        session=session,
        anonymous=True,
        voice_heard=2,
        feeling=2,
        access_met="no",
        access_comment='=HYPERLINK("http://evil") no ramp <b>at all</b>',
        could_be_better="@SUM(A1) <script>x</script>",
        submitted_on=timezone.localdate(),
    )
    AccessArrangement.objects.create(session=session, need="step_free", status="arranged", note="Ramp booked")
    return session, booking


def _urls(session, response):
    return [
        "/evaluation/feedback/",
        "/evaluation/feedback/export.csv",
        f"/evaluation/feedback/export.csv?session={session.pk}",
        f"/evaluation/feedback/sessions/{session.pk}/",
        f"/evaluation/feedback/sessions/{session.pk}/paper/",
        f"/evaluation/feedback/paper/{response.pk}/delete/",
    ]


def test_feedback_pages_are_for_coordinators_only(coordinator_client, past):
    session, booking = past
    paper = FeedbackResponse.objects.create(
        session=session, source="paper", voice_heard=3, submitted_on=timezone.localdate()
    )
    facilitator = Client()
    facilitator.force_login(make_facilitator())
    stranger = Client()
    # Someone holding a private manage link (and a feedback link) is still a stranger here.
    holder = Client()
    raw = ManageLink.mint(booking=booking)
    assert holder.get(f"/booking/{raw}/").status_code == 200
    request = FeedbackRequest.objects.create(booking=booking, session=session, sent_at=timezone.now())
    assert holder.get(f"/evaluation/feedback/give/{FeedbackLink.mint(request=request)}/").status_code == 200

    for url in _urls(session, paper):
        assert coordinator_client.get(url).status_code == 200, url
        assert facilitator.get(url).status_code == 403, url
        for outsider in (stranger, holder):
            got = outsider.get(url)
            assert got.status_code in (302, 404), url
            if got.status_code == 302:
                assert got["Location"].startswith("/accounts/"), url
    # Object URLs tell a stranger nothing; writes by outsiders change nothing.
    assert stranger.get(f"/evaluation/feedback/sessions/{session.pk}/").status_code == 404
    holder.post(f"/evaluation/feedback/paper/{paper.pk}/delete/")
    facilitator.post(f"/evaluation/feedback/sessions/{session.pk}/paper/", {"voice_heard": "1"})
    assert FeedbackResponse.objects.count() == 3
    assert coordinator_client.get("/evaluation/feedback/sessions/999999/").status_code == 404
    assert coordinator_client.get("/evaluation/feedback/export.csv?session=abc").status_code == 404


def test_a_paper_form_is_typed_in_and_marked_as_paper(coordinator_client, coordinator, past):
    session, _ = past
    url = f"/evaluation/feedback/sessions/{session.pk}/paper/"
    response = coordinator_client.post(url, {"voice_heard": "4", "went_well": "Lovely <em>lunch</em>", "another": "1"})
    assert response.status_code == 302 and response["Location"] == url
    paper = FeedbackResponse.objects.get(source="paper")
    assert paper.person is None and paper.entered_by == coordinator and paper.voice_heard == 4
    assert paper.feeling is None  # left blank on the paper
    assert AuditEntry.objects.filter(verb="feedback.paper_entered", session_id=session.pk).exists()
    summary = coordinator_client.get(f"/evaluation/feedback/sessions/{session.pk}/").content.decode()
    assert "Lovely &lt;em&gt;lunch&lt;/em&gt;" in summary and "<em>lunch" not in summary
    assert "on paper" in summary


def test_an_empty_paper_form_is_refused_at_the_top(coordinator_client, past):
    session, _ = past
    response = coordinator_client.post(f"/evaluation/feedback/sessions/{session.pk}/paper/", {"voice_heard": ""})
    assert response.status_code == 400
    assert b"Answer at least one question" in response.content and b"<title>Error: " in response.content
    assert not FeedbackResponse.objects.filter(source="paper").exists()


def test_only_paper_forms_can_be_deleted(coordinator_client, past):
    session, _ = past
    online = FeedbackResponse.objects.filter(source="online").first()
    assert coordinator_client.post(f"/evaluation/feedback/paper/{online.pk}/delete/").status_code == 404
    paper = FeedbackResponse.objects.create(
        session=session, source="paper", feeling=5, submitted_on=timezone.localdate()
    )
    assert coordinator_client.post(f"/evaluation/feedback/paper/{paper.pk}/delete/").status_code == 302
    assert not FeedbackResponse.objects.filter(pk=paper.pk).exists()
    assert FeedbackResponse.objects.filter(pk=online.pk).exists()


def test_summary_shows_unmet_access_needs_beside_the_arrangements_and_logs_the_look(coordinator_client, past):
    session, _ = past
    page = coordinator_client.get(f"/evaluation/feedback/sessions/{session.pk}/").content.decode()
    assert "What people said in feedback" in page and "What the team arranged" in page
    assert "no ramp &lt;b&gt;at all&lt;/b&gt;" in page
    assert "Step-free access or a wheelchair space" in page and "Ramp booked" in page
    assert "Being listened to" in page
    assert "Average 3.5 out of 5" in page  # voice heard: 5 and 2
    assert AuditEntry.objects.filter(verb="access_feedback.viewed", session_id=session.pk).count() == 1
    # The selector other pages can show: concerns per session, with no names.
    concerns = feedback.access_concerns([session.pk])[session.pk]
    assert [(c.answer, c.source) for c in concerns] == [("No", "Online form")]


def test_summary_and_list_cost_the_same_queries_with_more_feedback(coordinator_client, past, django_assert_num_queries):
    session, _ = past
    other = make_session(days_ahead=-10)

    def grow():
        for n in range(15):
            FeedbackResponse.objects.create(
                session=session,
                voice_heard=1 + n % 5,
                feeling=3,
                access_met="partly",
                went_well=f"Thing {n}",
                submitted_on=timezone.localdate(),
            )
            FeedbackResponse.objects.create(session=other, source="paper", feeling=2, submitted_on=timezone.localdate())
        AccessArrangement.objects.create(session=session, need="hearing_loop", status="todo")

    # auth session + user, then: session, requests, responses, audit insert, concerns, arrangements.
    with django_assert_num_queries(8):
        coordinator_client.get(f"/evaluation/feedback/sessions/{session.pk}/")
    with django_assert_num_queries(3):
        coordinator_client.get("/evaluation/feedback/")
    grow()
    with django_assert_num_queries(8):
        coordinator_client.get(f"/evaluation/feedback/sessions/{session.pk}/")
    with django_assert_num_queries(3):
        listing = coordinator_client.get("/evaluation/feedback/")
    assert b"Evidence in the broadest sense" in listing.content


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_feedback_export_keeps_anonymous_answers_anonymous_and_is_formula_safe(coordinator_client, past):
    session, _ = past
    response = coordinator_client.get(f"/evaluation/feedback/export.csv?session={session.pk}")
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert not any(word in " ".join(header).lower() for word in ("name", "email", "person"))
    flat = "\n".join(",".join(r) for r in rows)
    assert "Ann Example" not in flat and "ann@example.org" not in flat
    given_as = sorted(r[header.index("Given as")] for r in body)
    assert given_as == ["Online, anonymously", "Online, with their name"]
    anonymous = next(r for r in body if r[header.index("Given as")] == "Online, anonymously")
    assert anonymous[header.index("About access needs")].startswith("'=HYPERLINK")
    assert anonymous[header.index("What could be better?")].startswith("'@SUM")
    assert anonymous[header.index("Was your voice heard?")] == "A little"
    assert AuditEntry.objects.filter(verb="feedback.exported").count() == 1


def test_safe_cell_defuses_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "1+1").startswith("'")
    assert safe_cell("Plain words") == "Plain words"
    assert safe_cell(None) == ""


def test_walk_ins_and_people_asked_long_ago_are_never_emailed(past):
    session, _ = past
    walk_in = Person.objects.create(name="Walk-in", email="walk-in-1@walk-in.invalid")
    Booking.objects.create(session=session, person=walk_in, status="attended")
    morning = timezone.localtime(session.ends_at).replace(hour=10) + timedelta(days=1)
    assert feedback.send_due_requests(now=morning) == 2  # Ann and Ben, not the walk-in
    assert not FeedbackRequest.objects.filter(booking__person=walk_in).exists()
