from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.bookings.services import AccessNeedsAnswer, booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db


def bookings_url(session) -> str:
    return reverse("coordinator:session_bookings", args=[session.pk])


def section(html: str, anchor: str) -> str:
    """One list on the bookings page (confirmed, waiting, attended, no-show, cancelled)."""
    start = html.index(f'<section class="rt-booking-list" id="{anchor}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def full_session():
    """Two places, both taken; three waiting (Cara, Dev, Eli in that order); one cancelled."""
    session = make_session(title="Full session", capacity=2)
    for n, name in enumerate(["Ada", "Ben", "Cara", "Dev", "Eli", "Fay"]):
        signup(session, n, name=name, email=f"{name.lower()}@example.org")
    fay = Booking.objects.get(person__name="Fay")
    booking_cancel(booking_id=fay.pk)  # Fay was waiting, so nobody moves up
    return session


def test_bookings_page_shows_counts_and_the_waiting_list_in_order(coordinator_client, full_session):
    html = coordinator_client.get(bookings_url(full_session)).content.decode()
    assert '<span class="rt-counts__number">2</span> of 2 places taken' in html
    assert '<span class="rt-counts__number">3</span> waiting' in html
    assert '<span class="rt-counts__number">1</span> cancelled' in html
    waiting = section(html, "waiting")
    assert "Waiting list, in order (3)" in waiting
    assert waiting.index("Cara") < waiting.index("Dev") < waiting.index("Eli")
    assert 'data-label="Position">1</td>' in waiting and 'data-label="Position">3</td>' in waiting
    assert "Fay" in section(html, "cancelled")


def test_search_finds_people_by_name_or_email_and_keeps_their_real_position(coordinator_client, full_session):
    html = coordinator_client.get(bookings_url(full_session), {"q": "ELI@example"}).content.decode()
    waiting = section(html, "waiting")
    assert "Eli" in waiting and "Cara" not in waiting
    assert 'data-label="Position">3</td>' in waiting
    assert "Ada" not in section(html, "confirmed")
    html = coordinator_client.get(bookings_url(full_session), {"q": "ben"}).content.decode()
    assert "Ben" in section(html, "confirmed")


def test_bookings_page_never_shows_access_needs(coordinator_client):
    session = make_session()
    signup(session, 1, name="Ada", access_needs=AccessNeedsAnswer(details="Uses a wheelchair", consent=True))
    html = coordinator_client.get(bookings_url(session)).content.decode()
    assert "Ada" in html and "Uses a wheelchair" not in html
    assert reverse("coordinator:session_access_needs", args=[session.pk]) in html
    assert not AuditEntry.objects.filter(verb="access_needs.viewed").exists()


def test_cancelling_from_the_page_promotes_the_first_waiting_and_says_who(
    coordinator_client, coordinator, full_session
):
    ada = Booking.objects.get(person__name="Ada")
    url = reverse("coordinator:booking_cancel", args=[ada.pk])
    confirm = coordinator_client.get(url).content.decode()
    assert "Cancel Ada’s booking?" in confirm
    assert Booking.objects.get(pk=ada.pk).status == "confirmed"  # asking is not doing

    response = coordinator_client.post(url, {"reason": "Asked us by phone"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == bookings_url(full_session)
    assert "Ada’s booking is cancelled and they have been emailed." in html
    assert "Cara moved up from the waiting list, now has a place and has been emailed." in html
    assert Booking.objects.get(pk=ada.pk).status == "cancelled"
    assert Booking.objects.get(person__name="Cara").status == "confirmed"
    entry = AuditEntry.objects.get(verb="booking.cancelled", target_id=str(ada.pk))
    assert entry.actor == coordinator and entry.data["reason"] == "Asked us by phone"
    assert OutboundEmail.objects.filter(template="booking_promoted", to="cara@example.org").exists()
    assert OutboundEmail.objects.filter(template="booking_cancelled", to="ada@example.org").exists()


def test_cancelling_twice_does_not_promote_twice(coordinator_client, full_session):
    ada = Booking.objects.get(person__name="Ada")
    url = reverse("coordinator:booking_cancel", args=[ada.pk])
    coordinator_client.post(url)
    response = coordinator_client.post(url, follow=True)
    assert "Ada’s booking was already cancelled." in response.content.decode()
    assert Booking.objects.filter(session=full_session, status="confirmed").count() == 2
    assert Booking.objects.get(person__name="Dev").status == "waitlisted"


def test_a_reason_that_is_too_long_is_refused(coordinator_client, full_session):
    ada = Booking.objects.get(person__name="Ada")
    response = coordinator_client.post(reverse("coordinator:booking_cancel", args=[ada.pk]), {"reason": "x" * 1001})
    assert response.status_code == 400
    assert "The reason must be 1,000 characters or fewer" in response.content.decode()
    assert Booking.objects.get(pk=ada.pk).status == "confirmed"


def test_html_typed_at_sign_up_is_escaped_on_the_coordinator_pages(coordinator_client):
    session = make_session()
    signup(session, 1, name="<b>Bold</b> & <script>x()</script>", dietary_needs="<i>vegan</i>",
           access_needs=AccessNeedsAnswer(details="<script>y()</script>", consent=True))  # fmt: skip
    for url in (bookings_url(session), reverse("coordinator:session_access_needs", args=[session.pk])):
        html = coordinator_client.get(url).content.decode()
        assert "<script>x()" not in html and "<script>y()" not in html and "<i>vegan" not in html
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" in html


def test_access_needs_page_lists_each_person_and_logs_every_view(coordinator_client, coordinator):
    session = make_session()
    signup(session, 1, name="Ada", access_needs=AccessNeedsAnswer(needs=["step_free", "bsl"], consent=True))
    signup(session, 2, name="Ben", access_needs=AccessNeedsAnswer(details="A seat near the door", consent=True))
    signup(session, 3, name="Cara", dietary_needs="Vegan")
    signup(session, 4, name="Dev")
    url = reverse("coordinator:session_access_needs", args=[session.pk])
    html = coordinator_client.get(url).content.decode()
    assert "Step-free access or a wheelchair space: 1" in html
    assert "A British Sign Language (BSL) interpreter" in html and "A seat near the door" in html
    assert "Dietary needs for the refreshments: 1" in html and "Vegan" in html
    assert "Dev" not in html
    coordinator_client.get(url)
    entries = AuditEntry.objects.filter(verb="access_needs.viewed", session_id=session.pk)
    assert entries.count() == 2
    assert all(e.actor == coordinator for e in entries)


def _bulk_bookings(session, count: int) -> None:
    """Many bookings quickly (the services are tested elsewhere): a full house, the rest waiting."""
    people = Person.objects.bulk_create(
        Person(email=f"bulk{session.pk}-{n}@example.org", name=f"Bulk person {n}") for n in range(count)
    )
    now = timezone.now()
    Booking.objects.bulk_create(
        Booking(
            session=session,
            person=person,
            status="confirmed" if n < session.capacity else ("cancelled" if n % 10 == 0 else "waitlisted"),
            waitlisted_at=None if n < session.capacity or n % 10 == 0 else now + timedelta(seconds=n),
        )
        for n, person in enumerate(people)
    )


def test_bookings_page_costs_the_same_queries_with_10_or_1000_bookings(coordinator_client, django_assert_num_queries):
    small, large = make_session(capacity=5), make_session(capacity=30)
    _bulk_bookings(small, 10)
    _bulk_bookings(large, 1000)
    coordinator_client.get(bookings_url(small))
    # Sign-in (2), the session, its bookings, who has come before, its held places.
    with django_assert_num_queries(6):
        small_page = coordinator_client.get(bookings_url(small))
    with django_assert_num_queries(6):
        large_page = coordinator_client.get(bookings_url(large))
    assert small_page.status_code == large_page.status_code == 200
    html = large_page.content.decode()
    assert '<span class="rt-counts__number">30</span> of 30 places taken' in html
    assert 'data-label="Position">873</td>' in html  # 970 after the 30 confirmed, less every tenth cancelled


def test_access_needs_page_costs_the_same_queries_with_more_people(coordinator_client, django_assert_num_queries):
    small, large = make_session(capacity=5), make_session(capacity=30)
    _bulk_bookings(small, 10)
    _bulk_bookings(large, 300)
    coordinator_client.get(reverse("coordinator:session_access_needs", args=[small.pk]))
    with django_assert_num_queries(5):
        coordinator_client.get(reverse("coordinator:session_access_needs", args=[small.pk]))
    with django_assert_num_queries(5):
        coordinator_client.get(reverse("coordinator:session_access_needs", args=[large.pk]))
