"""Dietary needs on the public sign-up form and from the private link: common kinds as
checkboxes (counted for the venue), the details in the person's own words."""

from __future__ import annotations

import pytest

from roundtable.bookings.models import Booking, ManageLink
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def error_next_to(page: str, field_id: str) -> str:
    """The error message inside the form group of the field (GOV.UK: the message sits by the field)."""
    group = page.split(f'id="{field_id}-error"', 1)
    assert len(group) == 2, f"no error message for {field_id}"
    return group[1].split("</p>", 1)[0]


def test_sign_up_saves_the_dietary_kinds_ticked_and_the_details(client):
    session = make_session()
    response = client.post(
        f"/sessions/{session.pk}/sign-up/",
        {
            "name": "Ruth",
            "email": "ruth@example.org",
            "dietary_kinds": ["gluten_free", "vegetarian"],
            "dietary_needs": "Coeliac, so no shared toaster",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.dietary_kinds == ["vegetarian", "gluten_free"]  # in the order of the list
    assert booking.dietary_needs == "Coeliac, so no shared toaster"
    confirmation = html(client.get(response.url))
    assert "Vegetarian, Gluten-free" in confirmation and "Coeliac, so no shared toaster" in confirmation


def test_the_sign_up_form_offers_the_kinds_as_checkboxes_with_a_hint(client):
    page = html(client.get(f"/sessions/{make_session().pk}/sign-up/"))
    assert "Do you have any dietary needs? (optional)" in page
    assert 'id="dietary_kinds-hint"' in page and "never who" in page
    for value in ("vegetarian", "vegan", "halal", "kosher", "gluten_free", "nut_allergy", "dairy_free", "other"):
        assert f'name="dietary_kinds" type="checkbox" value="{value}"' in page
    assert "Details of your dietary needs (optional)" in page


def test_an_unknown_kind_is_refused_next_to_the_checkboxes(client):
    session = make_session()
    response = client.post(
        f"/sessions/{session.pk}/sign-up/", {"name": "Ruth", "email": "ruth@example.org", "dietary_kinds": ["paleo"]}
    )
    assert response.status_code == 400
    page = html(response)
    assert "Choose dietary needs from the list" in error_next_to(page, "dietary_kinds")
    assert 'href="#id_dietary_kinds_0"' in page  # the error summary links to the first box
    assert not Booking.objects.exists()


def test_other_needs_the_details_saying_what_it_is(client):
    session = make_session()
    response = client.post(
        f"/sessions/{session.pk}/sign-up/", {"name": "Ruth", "email": "ruth@example.org", "dietary_kinds": ["other"]}
    )
    assert response.status_code == 400
    assert "Tell us what your other dietary need is" in error_next_to(html(response), "id_dietary_needs")
    assert 'value="other" checked' in html(response)  # what they ticked is kept
    assert not Booking.objects.exists()


def test_changing_dietary_needs_from_the_private_link(client):
    booking = signup(make_session(), 1, dietary_kinds=["vegan"], dietary_needs="No honey").booking
    token = ManageLink.mint(booking=booking)
    page = html(client.get(f"/booking/{token}/"))
    assert 'value="vegan" checked' in page and "No honey" in page

    saved = client.post(
        f"/booking/{token}/dietary-needs/", {"dietary_kinds": ["halal", "dairy_free"], "dietary_needs": ""}
    )
    assert saved.status_code == 302 and saved.url == f"/booking/{token}/?updated=dietary"
    booking.refresh_from_db()
    assert (booking.dietary_kinds, booking.dietary_needs) == (["halal", "dairy_free"], "")
    assert "We have saved your dietary needs." in html(client.get(saved.url))
    assert AuditEntry.objects.filter(verb="dietary_needs.updated", target_id=str(booking.pk)).exists()


def test_a_mistake_on_the_private_link_form_is_shown_by_the_field_and_changes_nothing(client):
    booking = signup(make_session(), 1, dietary_kinds=["vegan"]).booking
    token = ManageLink.mint(booking=booking)
    response = client.post(f"/booking/{token}/dietary-needs/", {"dietary_kinds": ["other"]})
    assert response.status_code == 400
    assert "Tell us what your other dietary need is" in error_next_to(html(response), "id_dietary_needs")
    booking.refresh_from_db()
    assert booking.dietary_kinds == ["vegan"]


def test_a_revoked_link_cannot_change_dietary_needs(client):
    booking = signup(make_session(), 1, dietary_kinds=["vegan"]).booking
    token = ManageLink.mint(booking=booking)
    ManageLink.revoke_all(booking=booking)
    response = client.post(f"/booking/{token}/dietary-needs/", {"dietary_kinds": ["halal"]})
    assert response.status_code in (404, 410)
    booking.refresh_from_db()
    assert booking.dietary_kinds == ["vegan"]
