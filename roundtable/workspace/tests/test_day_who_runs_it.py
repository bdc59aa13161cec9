"""Which sessions a facilitator may open on the day: those assigned to them, and published
sessions still to come that nobody was given. Never a draft, cancelled or past session that
nobody gave them. Coordinators open every session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db

DAY_PAGES = ("day:check_in", "day:agenda", "day:access_summary", "day:printables")


def opens(client, session: Session) -> set[int]:
    return {client.get(reverse(name, args=[session.pk])).status_code for name in DAY_PAGES}


@pytest.fixture
def sessions():
    return {
        "upcoming": make_session(),
        "draft": make_session(status=Session.Status.DRAFT),
        "cancelled": make_session(status=Session.Status.CANCELLED),
        "past": make_session(days_ahead=-10),
    }


def test_a_facilitator_opens_only_shared_sessions_still_to_come(client, sessions):
    me = make_facilitator()
    client.force_login(me)
    assert opens(client, sessions["upcoming"]) == {200}
    for name in ("draft", "cancelled", "past"):
        assert opens(client, sessions[name]) == {404}, name
    visible = set(Session.objects.visible_to(me).values_list("pk", flat=True))
    assert visible == {sessions["upcoming"].pk}
    page = client.get(reverse("coordinator:home")).content.decode()
    assert sessions["upcoming"].title in page


def test_a_facilitator_opens_every_session_assigned_to_them_and_none_given_to_someone_else(client, sessions):
    me, other = make_facilitator(), make_facilitator("other@example.org")
    for session in sessions.values():
        session.facilitators.add(me)
    theirs = make_session()
    theirs.facilitators.add(other)
    client.force_login(me)
    for name, session in sessions.items():
        assert opens(client, session) == {200}, name
    assert opens(client, theirs) == {404}
    assert not sessions["upcoming"].is_run_by(other) and theirs.is_run_by(other)


def test_a_coordinator_opens_every_session(client, sessions):
    client.force_login(make_coordinator())
    for name, session in sessions.items():
        assert opens(client, session) == {200}, name
