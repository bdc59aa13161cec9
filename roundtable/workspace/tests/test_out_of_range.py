"""Numbers no row or date can have are a 4xx with a message by the field, never a 500: PostgreSQL
raises on a bigint overflow and SQLite cannot bind a Python int past 2**63, so these run on both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.cocreation.models import Session, Venue
from roundtable.cocreation.testing import make_venue
from roundtable.core.forms import MAX_ID, parse_id
from roundtable.core.models import OutboundEmail
from roundtable.evaluation.models import Aim, Evidence
from roundtable.workspace.tests.test_coordinator_sessions import CREATE, form_data
from roundtable.workspace.tests.test_coordinator_venues import venue_data

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999999", "100000000000000000000", "-100000000000000000000", str(MAX_ID + 1), "-1", "0"]


def test_parse_id_takes_only_ids_a_row_can_have():
    assert parse_id("12") == 12 and parse_id(" 7 ") == 7 and parse_id(MAX_ID) == MAX_ID
    for bad in [*HUGE, "", "abc", "1e3", "NaN", "1.0", "²", "١", None, True, 2**70]:
        assert parse_id(bad) is None, bad


@pytest.mark.parametrize(
    "overrides",
    [
        {"date_day": "99999999999999999999"},
        {"date_month": "99999999999999999999"},
        {"date_year": "99999999999999999999"},
        {"date_day": "²", "date_month": "3"},
        {"date_day": "-1"},
        {"signup_opens_date_day": "9" * 30, "signup_opens_date_month": "1", "signup_opens_date_year": "2027"},
    ],
)
def test_huge_or_strange_date_parts_are_a_message_by_the_field(coordinator_client, overrides):
    response = coordinator_client.post(CREATE, form_data(make_venue(), **overrides))
    assert response.status_code == 400
    assert "must be a real date, like 27 3 2027" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("value", HUGE + ["abc", "1.5"])
def test_facilitator_and_venue_ids_out_of_range_are_not_among_the_choices(coordinator_client, value):
    venue = make_venue()
    make_facilitator()
    response = coordinator_client.post(CREATE, form_data(venue, facilitators=[value]))
    assert response.status_code == 400
    assert "Choose facilitators from the list" in response.content.decode()
    response = coordinator_client.post(CREATE, form_data(venue, venue=value))
    assert response.status_code == 400
    assert "Choose a venue from the list" in response.content.decode()
    response = coordinator_client.post(CREATE, form_data(venue, programme=value))
    assert response.status_code == 400
    assert "Choose a programme from the list" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("value", HUGE)
def test_aim_ids_out_of_range_are_not_among_the_choices(coordinator_client, coordinator, value):
    aim = Aim.objects.create(title="Everyone's voice counts", success_looks_like="Heard", created_by=coordinator)
    data = {"title": "A quote", "body": "I was heard", "level": "individual", "kind": "story"}
    response = coordinator_client.post("/evaluation/evidence/add/story/", {**data, "aims": [str(aim.pk), value]})
    assert response.status_code == 400
    assert "Choose aims from the list" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("bad_next", ["-1", "NaN", "nan", "outbox", "https://evil.example/", "//evil.example/", ""])
def test_send_again_with_a_next_that_is_not_a_path_goes_back_to_the_outbox(coordinator_client, bad_next):
    email = OutboundEmail.objects.create(to="ama@example.org", template="booking_confirmation", state="sent")
    response = coordinator_client.post(reverse("team:outbox_send_again", args=[email.pk]), {"next": bad_next})
    assert response.status_code == 302 and response["Location"] == reverse("team:outbox")
    assert OutboundEmail.objects.count() == 2


def test_send_again_still_goes_back_to_the_page_it_came_from(coordinator_client):
    email = OutboundEmail.objects.create(to="ama@example.org", template="booking_confirmation", state="sent")
    back = reverse("team:outbox") + "?state=sent"
    response = coordinator_client.post(reverse("team:outbox_send_again", args=[email.pk]), {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("bad_next", ["-1", "NaN", "https://evil.example/x", "//evil.example/"])
def test_new_venue_with_a_next_that_is_not_a_path_goes_to_the_venue_list(coordinator_client, bad_next):
    url = reverse("coordinator:venue_create") + f"?next={bad_next}"
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, venue_data())
    assert response.status_code == 302 and response["Location"] == reverse("coordinator:venue_list")
    assert Venue.objects.count() == 1
