from datetime import date

import pytest
from django.urls import reverse

from roundtable.cocreation.models import Venue
from roundtable.cocreation.testing import make_session, make_venue
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def venue_data(**overrides) -> dict:
    data = {
        "name": "Riverside Library",
        "address": "2 River Road\nLeeds",
        "postcode": "LS1 1AA",
        "step_free": "yes",
        "step_free_note": "Ramp at the side door",
        "accessible_toilet": "partly",
        "accessible_toilet_note": "On the ground floor, no hoist",
        "hearing_loop": "no",
        "quiet_space": "yes",
        "quiet_space_note": "The reading room",
        "seating": "Chairs with arms",
        "lighting": "Natural light, can be dimmed",
        "nearest_station": "Leeds, 10 minutes on the flat",
        "nearest_bus": "Number 4 stops outside",
        "parking": "Two Blue Badge spaces",
        "food_and_drink": "Tea, coffee and lunch; tell us about dietary needs",
        "other_notes": "",
        "last_checked_day": "4",
        "last_checked_month": "11",
        "last_checked_year": "2026",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_venue_with_all_its_accessibility_facts(coordinator_client, coordinator):
    response = coordinator_client.post(reverse("coordinator:venue_create"), venue_data(), follow=True)
    venue = Venue.objects.get()
    assert "“Riverside Library” is added to your venues." in response.content.decode()
    assert (venue.step_free, venue.accessible_toilet, venue.hearing_loop, venue.quiet_space) == (
        "yes", "partly", "no", "yes",
    )  # fmt: skip
    assert venue.accessible_toilet_note == "On the ground floor, no hoist"
    assert venue.last_checked == date(2026, 11, 4)
    assert AuditEntry.objects.filter(verb="venue.created", actor=coordinator, target_id=str(venue.pk)).exists()


def test_venue_list_shows_facts_and_when_they_were_last_checked(coordinator_client):
    make_venue(name="Checked Hall", last_checked=date(2026, 10, 1))
    make_venue(name="Unchecked Hall")
    html = coordinator_client.get(reverse("coordinator:venue_list")).content.decode()
    assert "Checked Hall" in html and "1 October 2026" in html
    assert "Never</strong>" in html


def test_venue_list_costs_the_same_queries_with_more_venues(coordinator_client, django_assert_num_queries):
    for n in range(2):
        make_session(venue=make_venue(name=f"Hall {n}"))
    coordinator_client.get(reverse("coordinator:venue_list"))
    with django_assert_num_queries(3) as few:
        coordinator_client.get(reverse("coordinator:venue_list"))
    for n in range(20):
        make_venue(name=f"More {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        coordinator_client.get(reverse("coordinator:venue_list"))


def test_editing_a_venue_changes_only_what_changed(coordinator_client, coordinator):
    venue = make_venue(name="Community Hall", hearing_loop="no")
    data = venue_data(name="Community Hall", hearing_loop="yes")
    response = coordinator_client.post(reverse("coordinator:venue_edit", args=[venue.pk]), data)
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.hearing_loop == "yes" and venue.postcode == "LS1 1AA"
    entry = AuditEntry.objects.get(verb="venue.updated")
    assert "hearing_loop" in entry.data["changed"] and "name" not in entry.data["changed"]


def test_edit_form_shows_the_current_facts(coordinator_client):
    venue = make_venue(name="Community Hall", quiet_space="partly", last_checked=date(2026, 9, 30))
    html = coordinator_client.get(reverse("coordinator:venue_edit", args=[venue.pk])).content.decode()
    assert 'value="Community Hall"' in html
    assert 'name="quiet_space" type="radio" value="partly" checked' in html
    assert 'name="last_checked_day" value="30"' in html


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"name": ""}, "id_name", "Enter the name"),
        ({"address": ""}, "id_address", "Enter the address"),
        (
            {"step_free": "sometimes"},
            "id_step_free_0",
            "Choose an answer for “Is there a step-free route in?” from the list",
        ),
        ({"last_checked_month": "13"}, "id_last_checked_0", "must be a real date"),
        ({"parking": "p" * 301}, "id_parking", "Parking must be 300 characters or fewer"),
    ],
)
def test_venue_mistakes_are_shown_next_to_the_field(coordinator_client, overrides, anchor, message):
    response = coordinator_client.post(reverse("coordinator:venue_create"), venue_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Add a venue" in html
    assert f'href="#{anchor}"' in html and message in html
    assert not Venue.objects.exists()


def test_adding_a_venue_from_the_session_form_comes_back_with_it_chosen(coordinator_client):
    response = coordinator_client.post(
        reverse("coordinator:venue_create") + "?next=/coordinator/sessions/new/", venue_data()
    )
    venue = Venue.objects.get()
    assert response["Location"] == f"/coordinator/sessions/new/?venue={venue.pk}"
    html = coordinator_client.get(response["Location"]).content.decode()
    assert f'<option value="{venue.pk}" selected>' in html


def test_venue_form_never_sends_you_to_another_site(coordinator_client):
    response = coordinator_client.post(
        reverse("coordinator:venue_create") + "?next=https://evil.example/", venue_data()
    )
    assert response["Location"] == reverse("coordinator:venue_list")


def test_html_in_venue_facts_is_shown_escaped(coordinator_client):
    coordinator_client.post(reverse("coordinator:venue_create"), venue_data(name="<img src=x onerror=alert(1)>"))
    html = coordinator_client.get(reverse("coordinator:venue_list")).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
