"""Dietary needs on the briefings: the venue gets a count per kind and never a name or anyone's own
words; coordinators see the same counts and who said what."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from roundtable.bookings.briefing import briefing_counts
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db

PRIVATE = ("Ama Owusu", "Bo Chen", "Cat Day", "Dee Eze", "Eve Fox", "Coeliac", "No mushrooms", "No pork")


@pytest.fixture
def fed():
    """Five people coming with dietary needs, one waiting (not counted)."""
    session = make_session(title="Planning the menu", capacity=6)
    signup(session, name="Ama Owusu", dietary_kinds=["vegetarian", "gluten_free"], dietary_needs="Coeliac")
    signup(session, name="Bo Chen", dietary_kinds=["vegetarian"])
    signup(session, name="Cat Day", dietary_kinds=["vegetarian"])
    signup(session, name="Dee Eze", dietary_kinds=["other"], dietary_needs="No mushrooms")
    signup(session, name="Eve Fox", dietary_needs="No pork")  # written, nothing ticked: counted as other
    signup(session, name="Gus Nofood")
    signup(session, name="Fay Waiting", dietary_kinds=["vegan"])
    return session


def dietary_table(html: str) -> list[tuple[str, str]]:
    table = html.split('id="dietary-counts"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*>(\d+)</td>', table)


def test_briefing_counts_people_coming_per_dietary_kind(fed):
    briefing = briefing_counts(fed)
    assert [(row.label, row.count) for row in briefing.dietary] == [("Vegetarian", 3), ("Gluten-free", 1), ("Other", 2)]
    assert briefing.dietary_other == 2
    assert {row.need: row.count for row in briefing.rows}["dietary"] == 5


def test_the_version_without_names_shows_a_count_per_kind_and_nothing_anyone_wrote(coordinator_client, fed):
    html = coordinator_client.get(reverse("day:access_summary", args=[fed.pk])).content.decode()
    assert dietary_table(html) == [("Vegetarian", "3"), ("Gluten-free", "1"), ("Other", "2")]
    assert "the coordinating team will tell you what to prepare" in html
    for private in (*PRIVATE, "Fay Waiting", "Vegan"):
        assert private not in html


def test_the_venue_pdf_shows_a_count_per_kind_and_no_names(coordinator_client, fed):
    from roundtable.workspace.tests.test_day_printables import pdf_text

    text = pdf_text(coordinator_client.get(reverse("day:access_summary_pdf", args=[fed.pk])).content)
    assert "Vegetarian" in text and "Gluten-free" in text and "Food and drink" in text
    for private in PRIVATE:
        assert private not in text


def test_the_coordinators_briefing_shows_the_counts_and_who_said_what(coordinator_client, fed):
    html = coordinator_client.get(reverse("day:access_briefing", args=[fed.pk])).content.decode()
    assert dietary_table(html) == [("Vegetarian", "3"), ("Gluten-free", "1"), ("Other", "2")]
    assert "Vegetarian, Gluten-free<br>Coeliac" in html and "No mushrooms" in html and "Bo Chen" in html


def test_the_coordinators_access_needs_page_counts_each_kind(coordinator_client, fed):
    html = coordinator_client.get(reverse("coordinator:session_access_needs", args=[fed.pk])).content.decode()
    assert "Dietary needs for the refreshments: 6" in html  # the waiting list is on this page too
    assert dietary_table(html) == [("Vegetarian", "3"), ("Vegan", "1"), ("Gluten-free", "1"), ("Other", "2")]
    assert "Vegetarian, Gluten-free<br>Coeliac" in html and "Fay Waiting" in html
