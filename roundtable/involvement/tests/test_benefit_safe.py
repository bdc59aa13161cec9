"""The person's benefit-safe pages from their private link: their answers, the warning step
(without JavaScript: a page of its own), the adviser letter and the yearly statement (PDFs);
and the team's side: the route on the payment page and in the export, and audited looks."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.involvement.models import PersonLink
from roundtable.payments import services
from roundtable.payments.benefits import ProfileAnswer, payment_profile_update
from roundtable.payments.models import Payment, PaymentProfile
from roundtable.payments.statements import benefit_letter_for, statement_for
from roundtable.payments.testing import make_offer

pytestmark = pytest.mark.django_db


def _fee(coordinator, day: date, *, email: str = "ade@example.org", title: str = "Planning the garden") -> Payment:
    session = make_session(title=title, starts_at=timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0)))
    booking = signup(session, name="Ade Bello", email=email).booking
    make_offer(session, actor=coordinator, quantity="3")  # £82.50
    return Payment.objects.get(booking=booking, kind="fee")


@pytest.fixture
def world():
    coordinator = make_coordinator("sam@example.org")
    first = _fee(coordinator, date(2027, 1, 11), title="Planning the garden")
    second = _fee(coordinator, date(2027, 1, 13), title="Choosing the questions")
    person = first.person
    Payment.objects.filter(pk=first.pk).update(status="accepted", choice="accept")
    payment_profile_update(
        person=person, answer=ProfileAnswer(benefit_safe=True, weekly_limit_pence=10000, monthly_limit_pence=50000)
    )
    token = PersonLink.mint(person=person)
    return {"coordinator": coordinator, "person": person, "first": first, "second": second, "token": token}


def _choose(client, world, **data):
    fee = world["second"]
    url = reverse("involvement:payment_choice", args=[world["token"], fee.pk])
    return client.post(url, {f"p{fee.pk}-{k}": v for k, v in data.items()})


def _check_url(world, query="?choice=accept"):
    return reverse("involvement:benefit_check", args=[world["token"], world["second"].pk]) + query


# The settings page ----------------------------------------------------------------------------


def test_someone_turns_on_benefit_safe_mode_and_answers_the_work_questions(client):
    coordinator = make_coordinator("sam@example.org")
    fee = _fee(coordinator, date(2027, 1, 11))
    token = PersonLink.mint(person=fee.person)
    url = reverse("involvement:payment_profile", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Is this part of your paid job?" in page.content.decode()
    assert "Would you like to be paid through payroll?" not in page.content.decode()  # the centre has no payroll
    assert not AuditEntry.objects.filter(verb="benefit_safe.viewed").exists()  # nothing held yet

    response = client.post(url, {"benefit_safe": "yes", "weekly_limit": "20", "monthly_limit": "", "paid_job": "no"})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    profile = PaymentProfile.objects.get()
    assert (profile.benefit_safe, profile.weekly_limit_pence, profile.monthly_limit_pence, profile.paid_job) == (
        True,
        2000,
        None,
        False,
    )
    page = client.get(url + "?saved=1")
    assert "We have saved your answers." in page.content.decode()
    entry = AuditEntry.objects.get(verb="benefit_safe.viewed")
    assert entry.actor_label.startswith("participant")


def test_the_payroll_question_appears_when_the_centre_pays_through_payroll(client, world, settings):
    settings.PAYMENTS_PAYROLL_OFFERED = True
    url = reverse("involvement:payment_profile", args=[world["token"]])
    assert "Would you like to be paid through payroll?" in client.get(url).content.decode()
    client.post(url, {"benefit_safe": "no", "wants_payroll": "yes"})
    assert Payment.objects.get(pk=world["second"].pk).route == "payroll"


def test_bad_answers_are_400_with_the_message_by_the_field_and_nothing_saved(client, world):
    url = reverse("involvement:payment_profile", args=[world["token"]])
    response = client.post(url, {"benefit_safe": "maybe", "weekly_limit": "twenty", "paid_job": "no"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#id_weekly_limit"' in text and "Enter an amount in pounds, like 20 or 86.67" in text
    assert "Choose yes or no for benefit-safe mode" in text
    assert PaymentProfile.objects.get().weekly_limit_pence == 10000


def test_a_forged_link_opens_nothing(client, world):
    assert client.get(reverse("involvement:payment_profile", args=["not-a-token"])).status_code == 404


# The warning step ------------------------------------------------------------------------------


def test_accepting_over_the_limit_shows_the_warning_step_with_the_totals_and_saves_nothing(client, world):
    response = _choose(client, world, choice="accept")
    assert response.status_code == 302 and response["Location"] == _check_url(world)
    assert Payment.objects.get(pk=world["second"].pk).status == "offered"

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "This payment would take you over your limit" in text
    assert "£165.00 with this payment, over your limit of £100.00" in text  # the week
    assert "£165.00 with this payment, within your limit of £500.00" in text  # the month
    assert 'value="17.50"' in text  # take less: pre-filled with what keeps them under
    assert "The first day it fits within your limits is 18 January 2027." in text  # spread
    assert 'name="pay_after_day" value="18"' in text


def test_accepting_anyway_needs_the_i_understand_box(client, world):
    url = _check_url(world)
    response = client.post(url, {"option": "anyway"})
    assert response.status_code == 400
    assert 'href="#id_understood"' in response.content.decode()
    assert "£17.50 or less keeps you within your limits." in response.content.decode()  # still there
    assert Payment.objects.get(pk=world["second"].pk).status == "offered"
    response = client.post(url, {"option": "anyway", "understood": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    assert Payment.objects.get(pk=world["second"].pk).status == "accepted"


def test_taking_less_than_the_limit_allows_is_saved_and_more_is_refused_by_the_amount(client, world):
    url = _check_url(world)
    response = client.post(url, {"option": "less", "amount": "17.51"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#id_amount"' in text and "The most that keeps you within it is £17.50" in text
    assert client.post(url, {"option": "less", "amount": "17.50"}).status_code == 302
    fee = Payment.objects.get(pk=world["second"].pk)
    assert (fee.choice, fee.amount_pence) == ("less", 1750)


def test_spreading_records_the_pay_after_date_and_the_team_sees_it(client, world):
    url = _check_url(world)
    response = client.post(
        url, {"option": "spread", "pay_after_day": "32", "pay_after_month": "1", "pay_after_year": "2027"}
    )
    assert response.status_code == 400
    assert 'href="#id_pay_after_0">The date to pay it on or after must be a real date' in response.content.decode()
    response = client.post(
        url, {"option": "spread", "pay_after_day": "18", "pay_after_month": "1", "pay_after_year": "2027"}
    )
    assert response.status_code == 302
    fee = Payment.objects.get(pk=world["second"].pk)
    assert fee.pay_after == date(2027, 1, 18) and fee.status == "accepted"
    assert "Pay it on or after" in client.get(reverse("involvement:payments", args=[world["token"]])).content.decode()

    client.force_login(world["coordinator"])
    page = client.get(reverse("payments:detail", args=[fee.pk])).content.decode()
    assert "18 January 2027" in page and "Benefit-safe mode" in page
    assert AuditEntry.objects.filter(verb="benefit_safe.viewed", actor=world["coordinator"]).count() == 1


def test_expenses_only_and_donating_from_the_warning_step(client, world):
    url = _check_url(world)
    response = client.post(url, {"option": "donate"})
    assert response.status_code == 400 and 'href="#id_donate_to"' in response.content.decode()
    assert client.post(url, {"option": "expenses_only"}).status_code == 302
    fee = Payment.objects.get(pk=world["second"].pk)
    assert (fee.status, fee.choice) == ("declined", "expenses_only")


def test_no_option_chosen_is_400_by_the_options(client, world):
    response = client.post(_check_url(world), {})
    assert response.status_code == 400 and 'href="#id_option' in response.content.decode()


def test_someone_elses_payment_has_no_warning_step(client, world):
    other = _fee(world["coordinator"], date(2027, 1, 13), email="bo@example.org", title="Choosing the questions")
    other = Payment.objects.filter(person__email="bo@example.org").get()
    url = reverse("involvement:benefit_check", args=[world["token"], other.pk]) + "?choice=accept"
    assert client.get(url).status_code == 404
    assert client.post(url, {"option": "anyway", "understood": "on"}).status_code == 404
    assert Payment.objects.get(pk=other.pk).status == "offered"


def test_without_benefit_safe_mode_the_choice_is_saved_straight_away(client, world):
    PaymentProfile.objects.update(benefit_safe=False)
    response = _choose(client, world, choice="accept")
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    assert client.get(_check_url(world)).status_code == 302  # nothing to warn about: back to payments


# The letter and the statement -----------------------------------------------------------------


def _pdf_text(response) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return " ".join(text.split())  # table cells wrap


def _paid(world):
    first = world["first"]
    booking_mark_attendance(booking_id=first.booking_id, attended=True, actor=world["coordinator"])
    first.refresh_from_db()
    expense = services.expense_add(booking=first.booking, expense_kind="travel", amount_pence=1233)
    Payment.objects.filter(pk__in=[first.pk, expense.pk]).update(
        status="paid", paid_on=date(2027, 1, 20), method="bank_transfer"
    )


def test_the_adviser_letter_describes_the_involvement_and_is_audited(client, world):
    _paid(world)
    response = client.get(reverse("involvement:benefit_letter", args=[world["token"]]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    text = _pdf_text(response)
    assert "Ade Bello" in text and "voluntary involvement" in text
    assert "Planning the garden" in text and "£82.50, paid 20 January 2027" in text
    assert "repayments, not income" in text and "£12.33" in text
    assert "Choosing the questions" not in text  # not attended
    entry = AuditEntry.objects.get(verb="payment_letter.downloaded")
    assert entry.actor_label.startswith("participant")


def test_the_statement_for_a_tax_year_lists_the_payments_and_totals_them_apart(client, world):
    _paid(world)
    url = reverse("involvement:payment_statement", args=[world["token"]])
    page = client.get(url)
    assert page.status_code == 200
    assert '<option value="2026" selected>6 April 2026 to 5 April 2027</option>' in page.content.decode()
    response = client.get(url, {"year": "2026"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert "6 April 2026 to 5 April 2027" in text
    assert "Payments for time (income) £82.50" in text
    assert "Expenses repaid (repayments, not income) £12.33" in text
    assert "Everything paid £94.83" in text
    assert AuditEntry.objects.get(verb="payment_statement.downloaded").data["year"] == 2026


def test_a_year_not_offered_is_400_by_the_field(client, world):
    url = reverse("involvement:payment_statement", args=[world["token"]])
    response = client.get(url, {"year": "1999"})
    assert response.status_code == 400 and 'href="#id_year"' in response.content.decode()
    assert client.get(url, {"year": "x"}).status_code == 400


# The team's side ------------------------------------------------------------------------------


def test_the_route_shows_on_the_payment_page_and_in_the_finance_export(client, world):
    payment_profile_update(person=world["person"], answer=ProfileAnswer(benefit_safe=False, public_work_time=True))
    other = make_coordinator("ola@example.org", name="Ola")
    client.force_login(other)
    fee = Payment.objects.get(pk=world["second"].pk)
    page = client.get(reverse("payments:detail", args=[fee.pk])).content.decode()
    assert "Not payable" in page and "in your work time" in page
    assert not AuditEntry.objects.filter(verb="benefit_safe.viewed").exists()  # mode is off: nothing private shown

    first = world["first"]
    Payment.objects.filter(pk=first.pk).update(status="approved", route="non_payroll")
    day = timezone.localdate(first.session.starts_at)
    response = client.get(reverse("payments:export"), {"start": day.isoformat(), "end": day.isoformat()})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-1] == "Route"
    assert rows[1][-1] == "Involvement payment (not through payroll)"
    assert len(rows[-1]) == len(rows[0])


def test_a_coordinator_downloads_the_adviser_letter_from_the_persons_page_and_it_is_audited(client, world):
    _paid(world)
    coordinator = world["coordinator"]
    client.force_login(coordinator)
    person = world["person"]
    page = client.get(reverse("directory:person", args=[person.pk])).content.decode()
    url = reverse("directory:benefit_letter", args=[person.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "£82.50, paid 20 January 2027" in _pdf_text(response)
    assert AuditEntry.objects.get(verb="payment_letter.downloaded").actor == coordinator
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_asking_for_less_that_still_goes_over_carries_the_amount_to_the_warning_step(client, world):
    response = _choose(client, world, choice="less", amount="50")
    assert response.status_code == 302 and response["Location"] == _check_url(world, "?choice=less&amount=5000")
    text = client.get(response["Location"]).content.decode()
    assert "£132.50 with this payment, over your limit of £100.00" in text
    response = client.post(response["Location"], {"option": "anyway", "understood": "on"})
    assert response.status_code == 302
    fee = Payment.objects.get(pk=world["second"].pk)
    assert (fee.choice, fee.amount_pence, fee.status) == ("less", 5000, "accepted")


def test_the_papers_cost_the_same_queries_with_one_payment_or_thirty(client, world, django_assert_num_queries):
    _paid(world)
    person = world["person"]
    with django_assert_num_queries(2):
        assert len(benefit_letter_for(person).sessions) == 1
    with django_assert_num_queries(1):
        assert len(statement_for(person, 2026).lines) == 2
    first = world["first"]
    for _ in range(30):
        Payment.objects.create(
            person=person,
            session_id=first.session_id,
            booking_id=first.booking_id,
            kind="expense",
            expense_kind="travel",
            amount_pence=33,
            status="paid",
            paid_on=date(2027, 1, 21),
        )
    with django_assert_num_queries(2):
        letter = benefit_letter_for(person)
    assert letter.expenses_paid_pence == 1233 + 30 * 33
    with django_assert_num_queries(1):
        statement = statement_for(person, 2026)
    assert statement.expenses_pence == 1233 + 30 * 33 and statement.fees_pence == 8250
