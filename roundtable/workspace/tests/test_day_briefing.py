import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.briefing import briefing_counts
from roundtable.bookings.models import AccessArrangement, AccessNeed, Booking
from roundtable.bookings.services import AccessNeedsAnswer, booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.workspace.tests.day_factories import crowd

pytestmark = pytest.mark.django_db


def _needs(*needs, details="", prefer_not_to_say=False):
    return AccessNeedsAnswer(needs=list(needs), details=details, prefer_not_to_say=prefer_not_to_say, consent=True)


@pytest.fixture
def session():
    return make_session(title="Planning the Centre")


@pytest.fixture
def answered(session):
    """Four people coming with different answers, one cancelled and one waiting (not counted)."""
    signup(session, name="Ama Owusu", access_needs=_needs(AccessNeed.STEP_FREE, AccessNeed.BSL), dietary_needs="Halal")
    signup(
        session,
        name="Bo Chen",
        pronouns="he/him",
        access_needs=_needs(AccessNeed.STEP_FREE, details="I get tired after an hour"),
    )
    signup(session, name="Cat <b>Bold</b>", access_needs=_needs(details="<script>alert(1)</script> please"))
    signup(session, name="Dee Private", access_needs=_needs(prefer_not_to_say=True))
    gone = signup(session, name="Ed Cancelled", access_needs=_needs(AccessNeed.HEARING_LOOP)).booking
    booking_cancel(booking_id=gone.pk)
    session.capacity = 4
    session.save()
    signup(session, name="Fay Waiting", access_needs=_needs(AccessNeed.LARGE_PRINT))
    return session


def test_briefing_counts_only_people_coming_by_need(answered):
    briefing = briefing_counts(answered)
    counts = {row.need: row.count for row in briefing.rows}
    assert briefing.people_counted == 4
    assert counts == {"step_free": 2, "bsl": 1, "other": 2, "dietary": 1}
    assert "hearing_loop" not in counts and "large_print" not in counts  # cancelled and waiting
    assert briefing.prefer_not_to_say == 1
    assert briefing.still_to_do == 4


def test_people_already_signed_in_still_count_but_no_shows_do_not(session):
    attended = signup(session, name="Gil", access_needs=_needs(AccessNeed.CAPTIONS)).booking
    absent = signup(session, name="Hal", access_needs=_needs(AccessNeed.CAPTIONS)).booking
    Booking.objects.filter(pk=attended.pk).update(status=Booking.Status.ATTENDED)
    Booking.objects.filter(pk=absent.pk).update(status=Booking.Status.NO_SHOW)
    assert {row.need: row.count for row in briefing_counts(session).rows} == {"captions": 1}


def test_coordinator_sees_names_and_their_words_escaped_and_the_look_is_audited(
    coordinator_client, coordinator, answered
):
    response = coordinator_client.get(reverse("day:access_briefing", args=[answered.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ama Owusu" in html and "I get tired after an hour" in html and "Halal" in html
    assert "Cat &lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "Fay Waiting" not in html and "Ed Cancelled" not in html
    entry = AuditEntry.objects.get(verb="access_needs.viewed")
    assert (entry.actor, entry.session_id, entry.data["version"]) == (coordinator, answered.pk, "with names")


def test_venue_version_has_counts_but_no_names_or_free_text(coordinator_client, answered):
    response = coordinator_client.get(reverse("day:access_summary", args=[answered.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A British Sign Language (BSL) interpreter" in html and "Other needs people described" in html
    for private in ("Ama Owusu", "Bo Chen", "I get tired", "Halal", "alert(1)", "Dee Private"):
        assert private not in html
    assert AuditEntry.objects.filter(verb="access_needs.viewed", data__version="without names").count() == 1


def test_facilitator_asking_for_the_named_briefing_gets_the_version_without_names(client, answered):
    client.force_login(make_facilitator())
    response = client.get(reverse("day:access_briefing", args=[answered.pk]), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("day:access_summary", args=[answered.pk])
    assert "Ama Owusu" not in html and "I get tired" not in html
    assert not AuditEntry.objects.filter(verb="access_needs.viewed", data__version="with names").exists()
    assert AuditEntry.objects.filter(verb="access_needs.viewed", data__version="without names").exists()


def test_facilitator_cannot_change_an_arrangement(client, answered):
    client.force_login(make_facilitator())
    url = reverse("day:arrangement_update", args=[answered.pk, "bsl"])
    response = client.post(url, {"need-bsl-status": "arranged"})
    assert response.status_code == 403
    assert not AccessArrangement.objects.exists()


def test_coordinator_marks_a_need_arranged_with_a_note_and_it_reaches_the_venue_version(
    coordinator_client, coordinator, answered
):
    url = reverse("day:arrangement_update", args=[answered.pk, "bsl"])
    response = coordinator_client.post(
        url, {"need-bsl-status": "arranged", "need-bsl-note": "Interpreter booked for 13:00"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("day:access_briefing", args=[answered.pk]) + "#need-bsl")
    arrangement = AccessArrangement.objects.get(session=answered, need="bsl")
    assert (arrangement.status, arrangement.note, arrangement.updated_by) == (
        "arranged",
        "Interpreter booked for 13:00",
        coordinator,
    )
    assert AuditEntry.objects.filter(
        verb="access_arrangement.updated", session_id=answered.pk, actor=coordinator
    ).exists()
    summary = coordinator_client.get(reverse("day:access_summary", args=[answered.pk])).content.decode()
    assert "Interpreter booked for 13:00" in summary and "Arranged" in summary
    assert briefing_counts(answered).still_to_do == 3


def test_cant_arrange_is_shown_as_such(coordinator_client, answered):
    coordinator_client.post(
        reverse("day:arrangement_update", args=[answered.pk, "step_free"]),
        {"need-step_free-status": "cant", "need-step_free-note": "Lift out of order; we are moving rooms"},
    )
    row = next(r for r in briefing_counts(answered).rows if r.need == "step_free")
    assert (row.status_label, row.note) == ("Can't arrange", "Lift out of order; we are moving rooms")


def test_a_bad_arrangement_answer_shows_an_error_next_to_the_field_and_saves_nothing(coordinator_client, answered):
    url = reverse("day:arrangement_update", args=[answered.pk, "bsl"])
    response = coordinator_client.post(url, {"need-bsl-status": "maybe", "need-bsl-note": "x" * 1001})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert 'href="#id_need-bsl-status_0"' in html and "Choose to do, arranged or can&#x27;t arrange" in html
    assert 'id="id_need-bsl-note-error"' in html and "1000 characters or fewer" in html
    assert not AccessArrangement.objects.exists()


def test_an_unknown_need_is_not_found(coordinator_client, answered):
    response = coordinator_client.post(
        reverse("day:arrangement_update", args=[answered.pk, "teleporter"]), {"need-teleporter-status": "arranged"}
    )
    assert response.status_code == 404
    assert not AccessArrangement.objects.exists()


def test_the_venue_pdf_has_counts_no_names_and_is_audited_as_an_export(coordinator_client, coordinator, answered):
    from roundtable.workspace.tests.test_day_printables import pdf_text

    response = coordinator_client.get(reverse("day:access_summary_pdf", args=[answered.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Step-free access" in text and "Planning the Centre" in text
    for private in ("Ama Owusu", "Bo Chen", "I get tired", "Halal"):
        assert private not in text
    entry = AuditEntry.objects.get(verb="access_needs.exported")
    assert (entry.actor, entry.session_id, entry.data["format"]) == (coordinator, answered.pk, "pdf")


@pytest.mark.parametrize("name", ["access_briefing", "access_summary"])
def test_briefing_pages_cost_the_same_queries_with_10_or_500_bookings(coordinator_client, name):
    small, large = make_session(), make_session()
    crowd(small, 10)
    crowd(large, 500)
    counts = []
    for session in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(reverse(f"day:{name}", args=[session.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # sign-in session + user, the session, needs, head count, arrangements, the audit entry;
    # and, with names, one more for each person's answers.
    assert counts == ([8, 8] if name == "access_briefing" else [7, 7])


def test_a_session_with_facilitators_assigned_is_hidden_from_other_facilitators(client):
    from roundtable.accounts.testing import make_facilitator

    session = make_session()
    runner = make_facilitator("runner@example.org")
    other = make_facilitator("other@example.org")
    session.facilitators.add(runner)
    client.force_login(other)
    assert client.get(reverse("day:check_in", args=[session.pk])).status_code == 404
    client.force_login(runner)
    assert client.get(reverse("day:check_in", args=[session.pk])).status_code == 200


def test_facilitators_read_access_details_only_when_a_coordinator_shares_them(client, answered):
    from roundtable.accounts.testing import make_facilitator
    from roundtable.core.models import AuditEntry

    facilitator = make_facilitator("runner@example.org")
    answered.facilitators.add(facilitator)
    client.force_login(facilitator)
    url = reverse("day:access_briefing", args=[answered.pk])
    assert client.get(url).status_code == 302
    answered.share_access_details = True
    answered.save()
    response = client.get(url)
    assert response.status_code == 200 and "What people told us" in response.content.decode()
    assert reverse("day:arrangement_update", args=[answered.pk, "step_free"]) not in response.content.decode()
    assert AuditEntry.objects.filter(verb="access_needs.viewed", actor=facilitator).exists()
