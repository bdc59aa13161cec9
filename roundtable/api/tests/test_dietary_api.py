"""Dietary needs through the API: the kinds go in with a sign-up and come back in the
coordinators' list; an unknown kind is a 422 naming the field."""

from __future__ import annotations

import pytest

from roundtable.api.tests.helpers import booking_body, coordinator_token, post_json
from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return f"/api/sessions/{session.pk}/bookings"


def test_dietary_kinds_go_in_with_a_sign_up_and_come_back_in_the_coordinators_list(client):
    session = make_session()
    body = booking_body(1, dietary_kinds=["nut_allergy", "vegan", "vegan"], dietary_needs="Peanuts, badly")
    assert post_json(client, url(session), body).status_code == 201
    booking = Booking.objects.get()
    assert (booking.dietary_kinds, booking.dietary_needs) == (["vegan", "nut_allergy"], "Peanuts, badly")

    listed = client.get(f"/api/sessions/{session.pk}/bookings", **coordinator_token())
    assert listed.status_code == 200
    (row,) = listed.json()["items"]
    assert row["dietary_kinds"] == ["vegan", "nut_allergy"]
    assert "Peanuts" not in listed.content.decode()  # their own words stay on the coordinator pages
    entry = AuditEntry.objects.get(verb="dietary_needs.viewed")
    assert (entry.session_id, entry.data) == (session.pk, {"via": "api", "people": 1})


def test_a_sign_up_without_dietary_kinds_has_none(client):
    session = make_session()
    assert post_json(client, url(session), booking_body(1)).status_code == 201
    assert Booking.objects.get().dietary_kinds == []
    listed = client.get(f"/api/sessions/{session.pk}/bookings", **coordinator_token())
    assert listed.json()["items"][0]["dietary_kinds"] == []
    assert not AuditEntry.objects.filter(verb="dietary_needs.viewed").exists()


@pytest.mark.parametrize("kinds", [["vegan", "paleo"], "vegan", [7]])
def test_an_unknown_dietary_kind_is_a_422_naming_the_field(client, kinds):
    session = make_session()
    response = post_json(client, url(session), booking_body(1, dietary_kinds=kinds))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    detail = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert list(detail) == ["dietary_kinds"]
    assert detail["dietary_kinds"].startswith("Dietary needs must be")
    assert not Booking.objects.exists()


def test_the_openapi_document_lists_the_dietary_kinds(client):
    schema = client.get("/api/openapi.json").json()
    text = str(schema)
    assert "dietary_kinds" in text and "gluten_free" in text
