from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from roundtable.accounts.testing import make_coordinator
from roundtable.cocreation.models import Session
from roundtable.cocreation.services import session_create
from roundtable.cocreation.testing import make_venue
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db
START = datetime(2030, 12, 13, 13, 30, tzinfo=ZoneInfo("Europe/London"))


def test_session_create_publishes_and_audits_by_default():
    coordinator = make_coordinator()
    session = session_create(
        title=" Planning ",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        capacity=30,
        venue=make_venue(),
        created_by=coordinator,
        goals=["One", "  ", "Two\nlines"],
    )
    assert session.status == "published" and session.title == "Planning"
    assert session.goal_list == ["One", "Two lines"]
    entry = AuditEntry.objects.get(verb="session.created")
    assert entry.actor == coordinator and entry.session_id == session.pk


def test_session_create_can_leave_a_draft():
    session = session_create(
        title="Later",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        capacity=5,
        venue=make_venue(),
        created_by=None,
        publish=False,
    )
    assert session.status == "draft"


def test_session_create_refuses_nonsense_before_writing_anything():
    with pytest.raises(ValidationError) as error:
        session_create(title="", starts_at=START, ends_at=START, capacity=0, venue=make_venue(), created_by=None)
    assert set(error.value.message_dict) == {"title", "ends_at", "capacity"}
    with pytest.raises(ValidationError) as naive:
        session_create(
            title="x",
            starts_at=START.replace(tzinfo=None),
            ends_at=START + timedelta(hours=1),
            capacity=3,
            venue=make_venue(),
            created_by=None,
        )
    assert "starts_at" in naive.value.message_dict
    assert not Session.objects.exists() and not AuditEntry.objects.exists()
