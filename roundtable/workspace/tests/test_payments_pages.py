from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_mark_attendance
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.payments import services
from roundtable.payments.models import Payment, Rate
from roundtable.payments.services import ChoiceAnswer
from roundtable.payments.testing import make_offer
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(client):
    creator = make_coordinator("creator@example.org")
    other = make_coordinator("other@example.org", name="Ola")
    session = make_session(days_ahead=-3)
    booking = _booked(session)
    make_offer(session, actor=creator, quantity="7")
    fee = Payment.objects.get(booking=booking)
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=creator)
    client.force_login(other)
    return {"fee": fee, "creator": creator, "other": other, "session": session, "booking": booking}


def _booked(session):
    person = Person.objects.create(name="Priya Shah", email="priya@example.org")
    return Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED)


def test_the_list_shows_days_since_the_session_for_unpaid_items(client, due):
    response = client.get(reverse("payments:list"), {"status": "due"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Priya Shah" in text and "£192.50" in text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Days since the session">3</td>' in text


def test_a_bad_filter_is_400_with_the_message_by_the_field(client, due):
    response = client.get(reverse("payments:list"), {"status": "lost"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def _many(session, n):
    person = Person.objects.create(name="Many", email="many@example.org")
    Payment.objects.bulk_create(
        Payment(
            person=person,
            session=session,
            kind="expense",
            expense_kind="travel",
            amount_pence=100,
            offered_pence=100,
            status="due",
        )
        for _ in range(n)
    )


@pytest.mark.parametrize("rows", [10, 10_000])
def test_the_list_costs_the_same_queries_with_10_or_10000_payments(client, due, rows, django_assert_num_queries):
    _many(due["session"], rows - 1)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("payments:list"))
    assert response.status_code == 200


# The session and user (signed in), messages, the count and the page with person and session joined.
QUERIES = 4


def test_approve_then_mark_paid_from_the_page_with_errors_next_to_the_fields(client, due):
    url = reverse("payments:detail", args=[due["fee"].pk])
    assert client.post(url, {"move": "approve"}).status_code == 302
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    bad = client.post(url, {"move": "mark_paid", "paid-method": "cash", "paid-paid_on": tomorrow})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Choose how it was paid" in text
    assert 'id="id_paid-paid_on-error"' in text or "must be today or in the past" in text
    good = client.post(
        url, {"move": "mark_paid", "paid-method": "voucher", "paid-paid_on": date.today().strftime("%d/%m/%Y")}
    )
    assert good.status_code == 302
    assert Payment.objects.get(pk=due["fee"].pk).status == "paid"


def test_approving_what_you_set_up_is_refused_on_the_page(client, due):
    client.force_login(due["creator"])
    response = client.post(reverse("payments:detail", args=[due["fee"].pk]), {"move": "approve"})
    assert response.status_code == 409
    assert "another coordinator" in response.content.decode()
    assert Payment.objects.get(pk=due["fee"].pk).status == "due"


def test_rejecting_needs_a_reason(client, due):
    url = reverse("payments:detail", args=[due["fee"].pk])
    response = client.post(url, {"move": "reject", "reject-reason": ""})
    assert response.status_code == 400
    assert "Say why it will not be paid" in response.content.decode()
    assert client.post(url, {"move": "reject", "reject-reason": "Paid by your employer"}).status_code == 302
    assert Payment.objects.get(pk=due["fee"].pk).status == "rejected"


def test_the_finance_export_streams_approved_and_paid_lines_and_the_total_is_their_sum(client, due):
    services.payment_approve(payment_id=due["fee"].pk, actor=due["other"])
    session = due["session"]
    person = Person.objects.create(name="=HYPERLINK(1)", email="x@example.org")
    for pence in (33, 33, 33, 1):
        Payment.objects.create(
            person=person, session=session, kind="expense", expense_kind="travel", amount_pence=pence, status="paid"
        )
    Payment.objects.create(
        person=person, session=session, kind="expense", expense_kind="travel", amount_pence=999, status="due"
    )
    day = timezone.localdate(session.starts_at)
    response = client.get(reverse("payments:export"), {"start": day.isoformat(), "end": day.isoformat()})
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    lines, total = rows[1:-1], rows[-1]
    assert len(lines) == 5
    assert total[0] == "Total" and total[6] == "193.50"
    assert sum(round(float(r[6]) * 100) for r in lines) == 19350
    assert all(not r[0].startswith("=") for r in lines)
    assert AuditEntry.objects.filter(verb="payments.exported").count() == 1


def test_the_export_form_says_what_is_wrong(client, due):
    response = client.get(reverse("payments:export"), {"start": "5/4/2027", "end": "6/4/2026"})
    assert response.status_code == 400
    assert "The last day must be on or after the first day" in response.content.decode()
    assert not AuditEntry.objects.filter(verb="payments.exported").exists()


def test_setting_a_sessions_offer_from_its_payments_page(client):
    coordinator = make_coordinator("solo@example.org")
    client.force_login(coordinator)
    session = make_session()
    booking = _booked(session)
    url = reverse("payments:rates")
    bad = client.post(url, {"name": "", "unit": "hour", "amount": "27.555", "effective_from": "1/4/2020"})
    assert bad.status_code == 400
    assert "Enter a name for the rate" in bad.content.decode()
    assert (
        client.post(url, {"name": "Time", "unit": "hour", "amount": "27.50", "effective_from": "1/4/2020"}).status_code
        == 302
    )
    rate = Rate.objects.get()
    assert rate.amount_pence == 2750
    page = reverse("payments:session", args=[session.pk])
    assert client.get(page).status_code == 200
    wrong = client.post(page, {"rate": rate.pk, "quantity": "abc"})
    assert wrong.status_code == 400 and "Enter a number, like 3 or 2.5" in wrong.content.decode()
    saved = client.post(page, {"rate": rate.pk, "quantity": "7", "repays": "travel and care costs"})
    assert saved.status_code == 302
    assert Payment.objects.get(booking=booking).amount_pence == 19250
    assert "£192.50" in client.get(page).content.decode()
