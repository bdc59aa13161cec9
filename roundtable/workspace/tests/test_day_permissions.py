"""Every on-the-day URL, walked as a stranger, a participant holding a private manage link, a
facilitator and a coordinator."""

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import AccessArrangement, AccessNeed, Booking, ManageLink
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SECRET = "Needs a ramp at the side door"


@pytest.fixture
def session():
    session = make_session()
    signup(
        session,
        name="Pat Participant",
        access_needs=AccessNeedsAnswer(needs=[AccessNeed.STEP_FREE], details=SECRET, consent=True),
    )
    return session


def _urls(session):
    booking = Booking.objects.get(session=session)
    s = session.pk
    reads = [
        reverse("day:access_briefing", args=[s]),
        reverse("day:access_summary", args=[s]),
        reverse("day:access_summary_pdf", args=[s]),
        reverse("day:check_in", args=[s]),
        reverse("day:agenda", args=[s]),
        reverse("day:agenda_pdf", args=[s]),
        reverse("day:printables", args=[s]),
        reverse("day:badges_pdf", args=[s]),
        reverse("day:sign_in_sheet_pdf", args=[s]),
    ]
    writes = [
        (reverse("day:arrangement_update", args=[s, "step_free"]), {"need-step_free-status": "arranged"}),
        (reverse("day:check_in_mark", args=[s, booking.pk]), {"action": "attended"}),
        (reverse("day:check_in_no_shows", args=[s]), {}),
        (reverse("day:walk_in", args=[s]), {"walk-in-name": "Intruder"}),
    ]
    return reads, writes


def _nothing_changed(session):
    assert list(Booking.objects.values_list("status", flat=True)) == ["confirmed"]
    assert not AccessArrangement.objects.exists()
    assert not AuditEntry.objects.filter(verb__startswith="access_needs.").exists()


def test_a_stranger_is_told_nothing_exists(client, session):
    reads, writes = _urls(session)
    for url in reads:
        assert client.get(url).status_code == 404, url
    for url, data in writes:
        assert client.post(url, data).status_code == 404, url
    _nothing_changed(session)


def test_a_missing_session_is_not_found_even_for_a_coordinator(coordinator_client, session):
    for url in _urls(session)[0]:
        missing = url.replace(f"/sessions/{session.pk}/", "/sessions/999999/")
        assert coordinator_client.get(missing).status_code == 404, missing


def test_a_participants_manage_link_opens_none_of_these(client, session):
    booking = Booking.objects.get(session=session)
    token = ManageLink.mint(booking=booking)
    manage = client.get(reverse("bookings:manage", args=[token]))
    assert manage.status_code == 200  # the link works for what it is for
    entries_before = AuditEntry.objects.count()
    reads, writes = _urls(session)
    for url in reads:
        for attempt in (url, f"{url}?token={token}"):
            response = client.get(attempt)
            assert response.status_code == 404, attempt
            assert SECRET.encode() not in response.content
    for url, data in writes:
        assert client.post(url, {**data, "token": token}).status_code == 404, url
    assert AuditEntry.objects.count() == entries_before
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert not AccessArrangement.objects.exists()


def test_a_facilitator_runs_the_day_but_never_sees_names_or_what_people_wrote(client, session):
    client.force_login(make_facilitator())
    reads, _ = _urls(session)
    for url in reads:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert SECRET.encode() not in response.content, url
    briefing = client.get(reverse("day:access_briefing", args=[session.pk]))
    assert briefing.status_code == 302 and briefing["Location"] == reverse("day:access_summary", args=[session.pk])
    arrangement = client.post(
        reverse("day:arrangement_update", args=[session.pk, "step_free"]), {"need-step_free-status": "arranged"}
    )
    assert arrangement.status_code == 403
    assert not AccessArrangement.objects.exists()


def test_a_facilitator_can_sign_people_in_and_add_walk_ins(client, session):
    client.force_login(make_facilitator())
    booking = Booking.objects.get(session=session)
    client.post(reverse("day:check_in_mark", args=[session.pk, booking.pk]), {"action": "attended"})
    client.post(reverse("day:walk_in", args=[session.pk]), {"walk-in-name": "Wes"})
    assert dict(Booking.objects.values_list("person__name", "status")) == {
        "Pat Participant": "attended",
        "Wes": "attended",
    }


def test_an_inactive_coordinator_is_treated_as_a_stranger(client, coordinator, session):
    coordinator.is_active = False
    coordinator.save()
    client.force_login(coordinator)
    assert client.get(reverse("day:access_briefing", args=[session.pk])).status_code == 404
    _nothing_changed(session)
