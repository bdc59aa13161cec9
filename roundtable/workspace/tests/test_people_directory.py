"""People, for coordinators: the directory (search, filters, pages, what to do when it is empty)
and each person's page (details without job titles, involvement, no health information)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session, make_venue
from roundtable.evaluation.models import FeedbackRequest, FeedbackResponse
from roundtable.people.models import Person
from roundtable.people.services import person_forget
from roundtable.records.models import Output

pytestmark = pytest.mark.django_db

PEOPLE = reverse("directory:people")


def person_url(person) -> str:
    return reverse("directory:person", args=[person.pk])


def came_to(person, *, days_ago: int, title: str = "A past session", status: str = Booking.Status.ATTENDED):
    session = make_session(days_ahead=-days_ago, title=title)
    return Booking.objects.create(session=session, person=person, status=status)


def names(response) -> list[str]:
    return [person.name for person in response.context["page"].object_list]


@pytest.fixture
def people():
    """Ama came twice (lately), Bo once a year and a half ago, Cy has only booked."""
    ama = Person.objects.create(email="ama@example.org", name="Ama Owusu", perspectives=["carer", "researcher"])
    bo = Person.objects.create(email="bo.baker@example.net", name="Bo Baker", perspectives=["lived_experience"])
    cy = Person.objects.create(email="cy@example.org", name="Cy Chen")
    came_to(ama, days_ago=20)
    came_to(ama, days_ago=120)
    came_to(bo, days_ago=540)
    Booking.objects.create(session=make_session(), person=cy, status=Booking.Status.CONFIRMED)
    return {"ama": ama, "bo": bo, "cy": cy}


def test_the_directory_lists_everyone_in_name_order_with_sessions_came_to(coordinator_client, people):
    response = coordinator_client.get(PEOPLE)
    assert response.status_code == 200
    assert names(response) == ["Ama Owusu", "Bo Baker", "Cy Chen"]
    rows = {p.name: (p.sessions_attended, p.last_seen is not None) for p in response.context["page"].object_list}
    assert rows == {"Ama Owusu": (2, True), "Bo Baker": (1, True), "Cy Chen": (0, False)}
    assert "3 people" in response.content.decode()


def test_search_finds_people_by_part_of_their_name_or_email(coordinator_client, people):
    assert names(coordinator_client.get(PEOPLE, {"q": "owu"})) == ["Ama Owusu"]
    assert names(coordinator_client.get(PEOPLE, {"q": "EXAMPLE.NET"})) == ["Bo Baker"]
    assert names(coordinator_client.get(PEOPLE, {"q": "cy chen"})) == ["Cy Chen"]


def test_filters_by_perspective_newcomer_or_returning_and_when_they_last_came(coordinator_client, people):
    assert names(coordinator_client.get(PEOPLE, {"perspective": "researcher"})) == ["Ama Owusu"]
    assert names(coordinator_client.get(PEOPLE, {"perspective": "student"})) == []
    assert names(coordinator_client.get(PEOPLE, {"came": "returning"})) == ["Ama Owusu"]
    assert names(coordinator_client.get(PEOPLE, {"came": "newcomer"})) == ["Bo Baker", "Cy Chen"]
    assert names(coordinator_client.get(PEOPLE, {"last_seen": "3"})) == ["Ama Owusu"]
    assert names(coordinator_client.get(PEOPLE, {"last_seen": "12"})) == ["Ama Owusu"]
    assert names(coordinator_client.get(PEOPLE, {"last_seen": "longer"})) == ["Bo Baker"]
    assert names(coordinator_client.get(PEOPLE, {"last_seen": "never"})) == ["Cy Chen"]


def test_a_perspective_filter_matches_whole_perspectives_only(coordinator_client):
    Person.objects.create(email="o@example.org", name="Oli", perspectives=["other"])
    Person.objects.create(email="c@example.org", name="Cam", perspectives=["community_member"])
    assert names(coordinator_client.get(PEOPLE, {"perspective": "other"})) == ["Oli"]


def test_a_filter_value_not_on_the_list_is_a_400_with_the_message_by_the_field(coordinator_client, people):
    response = coordinator_client.get(PEOPLE, {"perspective": "job_title", "last_seen": "999"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a perspective from the list" in html and "Choose when they last came from the list" in html
    assert names(response) == []


def test_nobody_yet_says_how_people_get_here_and_no_match_says_what_to_try(coordinator_client):
    html = coordinator_client.get(PEOPLE).content.decode()
    assert "No one has taken part yet" in html and "Publish a session" in html
    Person.objects.create(email="a@example.org", name="Ada")
    html = coordinator_client.get(PEOPLE, {"q": "zzz"}).content.decode()
    assert "No one matches" in html and "clear the filters" in html


def test_forgotten_people_are_not_in_the_directory_and_their_page_is_gone(coordinator_client, people):
    person_forget(person=people["bo"], actor=None)
    assert "Bo Baker" not in names(coordinator_client.get(PEOPLE))
    assert len(names(coordinator_client.get(PEOPLE))) == 2
    assert coordinator_client.get(person_url(people["bo"])).status_code == 404


def test_the_directory_is_paged_fifty_at_a_time(coordinator_client):
    Person.objects.bulk_create([Person(email=f"p{n:03}@example.org", name=f"Person {n:03}") for n in range(120)])
    response = coordinator_client.get(PEOPLE, {"page": "3"})
    assert names(response) == [f"Person {n:03}" for n in range(100, 120)]
    assert "showing 101 to 120" in response.content.decode()
    assert names(coordinator_client.get(PEOPLE, {"page": "nonsense"}))[0] == "Person 000"


def _bulk_people(n: int, session, prefix: str) -> None:
    people = Person.objects.bulk_create(
        [
            Person(email=f"{prefix}{i}@example.org", name=f"{prefix.title()} {i}", perspectives=["carer"])
            for i in range(n)
        ]
    )
    Booking.objects.bulk_create([Booking(session=session, person=p, status=Booking.Status.ATTENDED) for p in people])


def test_the_directory_costs_the_same_queries_with_10_or_10000_people(coordinator_client, django_assert_num_queries):
    small, large = make_session(days_ahead=-10), make_session(days_ahead=-20)
    _bulk_people(10, small, "small")
    coordinator_client.get(PEOPLE)
    filters = {"q": "example", "perspective": "carer", "came": "newcomer", "last_seen": "3"}
    # The session and the user (2), the count, the page of rows.
    with django_assert_num_queries(4):
        few = coordinator_client.get(PEOPLE, filters)
    _bulk_people(10_000, large, "large")
    with django_assert_num_queries(4):
        many = coordinator_client.get(PEOPLE, filters)
    assert few.status_code == many.status_code == 200
    assert few.context["page"].paginator.count == 10
    assert many.context["page"].paginator.count == 10_010
    assert len(many.context["page"].object_list) == 50


def test_only_coordinators_open_the_directory_and_person_pages(client, people):
    assert client.get(PEOPLE).status_code == 302
    assert client.get(person_url(people["ama"])).status_code == 404
    client.force_login(make_facilitator())
    assert client.get(PEOPLE).status_code == 403
    assert client.get(person_url(people["ama"])).status_code == 403


# --- A person's page ------------------------------------------------------------------------------


def test_a_persons_page_shows_their_details_and_every_session_with_what_happened(coordinator_client):
    person = Person.objects.create(
        email="dee@example.org",
        name="Dee Dawson",
        pronouns="she/her",
        interests="Gardens, maps",
        perspectives=["carer"],
    )
    came_to(person, days_ago=30, title="Spring planning")
    came_to(person, days_ago=60, title="Winter review", status=Booking.Status.NO_SHOW)
    came_to(person, days_ago=90, title="Autumn talk", status=Booking.Status.CANCELLED)
    html = coordinator_client.get(person_url(person)).content.decode()
    for text in ("Dee Dawson", "she/her", "Gardens, maps", "Carer", "Spring planning", "Winter review", "Autumn talk"):
        assert text in html
    assert "Attended: 1 session" in html and "Did not come: 1 session" in html and "Cancelled: 1 session" in html
    assert html.index("Spring planning") < html.index("Winter review") < html.index("Autumn talk")
    assert "job title" not in html.lower()


def test_outputs_credited_to_them_count_only_from_sessions_they_came_to(coordinator_client):
    person = Person.objects.create(email="eve@example.org", name="Eve Evans")
    theirs = came_to(person, days_ago=10, title="Making things").session
    elsewhere = make_session(days_ahead=-5, title="Someone else's day")
    for session, caption in ((theirs, "A clay model"), (elsewhere, "A namesake's poem")):
        Output.objects.create(session=session, kind="text", caption=caption, body="Words", credit="eve evans",
                              consent="everyone_agreed")  # fmt: skip
    html = coordinator_client.get(person_url(person)).content.decode()
    assert "Outputs credited to them: 1" in html and "A clay model" in html
    assert "namesake" not in html


def test_feedback_is_counted_but_never_linked_to_what_they_said(coordinator_client):
    person = Person.objects.create(email="fin@example.org", name="Fin")
    booking = came_to(person, days_ago=10)
    FeedbackRequest.objects.create(booking=booking, session=booking.session, sent_at=timezone.now(), answered=True)
    FeedbackResponse.objects.create(session=booking.session, person=None, voice_heard=5,
                                    went_well="The secret garden idea", submitted_on=timezone.localdate())  # fmt: skip
    html = coordinator_client.get(person_url(person)).content.decode()
    assert "Feedback forms they sent back: 1" in html
    assert "secret garden" not in html


def test_the_page_links_to_access_needs_for_upcoming_sessions_but_never_shows_them(coordinator_client):
    session = make_session(title="Next month", venue=make_venue())
    booking = signup(
        session,
        name="Gil",
        email="gil@example.org",
        access_needs=AccessNeedsAnswer(needs=["hearing_loop"], details="I lip-read", consent=True),
    ).booking
    came_to(booking.person, days_ago=40, title="Long ago")
    html = coordinator_client.get(person_url(booking.person)).content.decode()
    access = reverse("coordinator:session_access_needs", args=[session.pk])
    assert html.count(access) == 1
    assert "lip-read" not in html and "hearing" not in html.lower()


def test_an_unknown_person_is_a_404(coordinator_client):
    assert coordinator_client.get(reverse("directory:person", args=[999999])).status_code == 404


def test_last_seen_is_the_start_of_the_last_session_they_came_to(coordinator_client, people):
    response = coordinator_client.get(PEOPLE, {"q": "ama"})
    (ama,) = response.context["page"].object_list
    assert abs(ama.last_seen - (timezone.now() - timedelta(days=20))) < timedelta(days=1)
