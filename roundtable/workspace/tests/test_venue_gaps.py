"""When someone needs what the venue lacks, the team sees it at the top of its pages, as a count,
until somebody records what is arranged for that need."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.briefing import venue_conflicts_by_session
from roundtable.bookings.models import AccessNeed
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session, make_venue
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db

GAP = "1 person needs a step-free route; the venue has none"


def _needs(*needs):
    return AccessNeedsAnswer(needs=list(needs), consent=True)


@pytest.fixture
def upstairs():
    venue = make_venue(name="Upstairs Room", step_free="no", step_free_note="Two flights of stairs and no lift")
    session = make_session(title="Planning the Centre", venue=venue)
    signup(session, name="Ama Owusu", access_needs=_needs(AccessNeed.STEP_FREE, AccessNeed.BSL))
    signup(session, name="Bo Chen", access_needs=_needs(AccessNeed.HEARING_LOOP))  # the venue has one
    return session


def _page(client, name, session) -> str:
    response = client.get(reverse(name, args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _record(client, session, need="step_free", status="arranged"):
    url = reverse("day:arrangement_update", args=[session.pk, need])
    response = client.post(url, {f"need-{need}-status": status, f"need-{need}-note": "Ground floor room booked"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "first_thing_after"),
    [("day:access_briefing", "govuk-warning-text"), ("coordinator:session_detail", "govuk-summary-list")],
)
def test_the_gap_shows_at_the_top_until_an_arrangement_is_recorded(
    coordinator_client, upstairs, name, first_thing_after
):
    page = _page(coordinator_client, name, upstairs)
    top = page.split(first_thing_after)[0]
    assert GAP in top
    assert f'{reverse("day:access_briefing", args=[upstairs.pk])}#need-step_free">record an arrangement' in top
    assert "hearing loop" not in top
    _record(coordinator_client, upstairs, status="todo")  # "to do" is not an answer yet
    assert GAP in _page(coordinator_client, name, upstairs)
    _record(coordinator_client, upstairs)
    assert GAP not in _page(coordinator_client, name, upstairs)


def test_the_coordinators_home_lists_the_gap_with_the_session_until_it_is_arranged(coordinator_client, upstairs):
    make_session(title="All on one level")  # a session without a gap stays out of it
    page = coordinator_client.get(reverse("coordinator:home")).content.decode()
    top = page.split("<h1")[0]
    assert "Planning the Centre" in top and GAP in top and "All on one level" not in top
    assert "Ama Owusu" not in page
    _record(coordinator_client, upstairs, status="cant")
    assert GAP not in coordinator_client.get(reverse("coordinator:home")).content.decode()


def test_looking_at_the_gap_is_audited_as_a_look_at_access_needs(coordinator_client, coordinator, upstairs):
    coordinator_client.get(reverse("coordinator:home"))
    coordinator_client.get(reverse("coordinator:session_detail", args=[upstairs.pk]))
    entries = AuditEntry.objects.filter(verb="access_needs.viewed", data__version="venue gaps, counts only")
    assert [(e.actor, e.session_id, e.data["needs"]) for e in entries] == [
        (coordinator, upstairs.pk, ["step_free"])
    ] * 2


def test_nothing_is_audited_on_the_home_page_when_there_is_no_gap_to_show(coordinator_client):
    session = make_session()
    signup(session, access_needs=_needs(AccessNeed.STEP_FREE))  # the usual venue is step-free
    assert GAP not in coordinator_client.get(reverse("coordinator:home")).content.decode()
    assert not AuditEntry.objects.filter(verb="access_needs.viewed").exists()


def test_the_version_without_names_has_the_count_but_no_names_and_no_form(client, upstairs):
    client.force_login(make_facilitator())
    page = _page(client, "day:access_summary", upstairs)
    assert GAP in page.split("What the ")[0]
    assert "record an arrangement" not in page and "Ama Owusu" not in page


def test_gaps_for_many_sessions_cost_two_queries():
    sessions = [make_session(venue=make_venue(step_free="no")) for _ in range(3)]
    for session in sessions:
        signup(session, access_needs=_needs(AccessNeed.STEP_FREE))
    with CaptureQueriesContext(connection) as queries:
        found = venue_conflicts_by_session(sessions)
    assert len(queries) == 2
    assert {pk: [gap.for_team for gap in gaps] for pk, gaps in found.items()} == {s.pk: [GAP] for s in sessions}
