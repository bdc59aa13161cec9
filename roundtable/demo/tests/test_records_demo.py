"""The demo's records: everything the issue asks the demo to show, made twice without duplicates."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from roundtable.core.models import OutboundEmail
from roundtable.demo.records import seed_records
from roundtable.records.models import Action, Decision, Output, UpdateBatch

pytestmark = pytest.mark.django_db


def _check_demo():
    sessions = {o.session_id for o in Output.objects.all()}
    assert len(sessions) >= 2
    assert len({d.session.programme_id for d in Decision.objects.select_related("session")}) == 1
    assert set(Action.objects.values_list("status", flat=True)) == {"planned", "in_progress", "done", "not_doing"}
    assert set(Output.objects.values_list("consent", flat=True)) == {
        "no_one_identifiable",
        "everyone_agreed",
        "private",
    }
    assert set(Output.objects.values_list("kind", flat=True)) == {"image", "text", "audio"}
    assert Action.objects.overdue().exists()
    for output in Output.objects.filter(kind="image"):
        with default_storage.open(output.thumb.name, "rb") as handle:
            assert Image.open(io.BytesIO(handle.read())).format in {"JPEG", "PNG", "WEBP"}
    # Seeding tells nobody anything.
    assert not UpdateBatch.objects.exists()
    assert not OutboundEmail.objects.filter(template="records_update").exists()


def test_seed_records_on_its_own_is_complete_and_idempotent():
    first = seed_records()
    _check_demo()
    second = seed_records()
    assert first == second == {"outputs": 7, "decisions": 4, "actions": 7}
    _check_demo()


def test_seed_records_after_the_demo_sessions_uses_their_past_sessions():
    call_command("seed_demo", verbosity=0)
    seed_records()
    _check_demo()
    sessions = {o.session for o in Output.objects.select_related("session")}
    assert all(s.bookings.filter(status="attended").exists() for s in sessions)
    assert {s.title for s in sessions} <= {
        "Getting to know each other",
        "What does co-production mean to us?",
        "Agreeing our shared values",
        "The story so far",
    }
