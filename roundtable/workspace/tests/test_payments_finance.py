"""The finance side of payments: the XLSX export, the budget, overdue items on the home page,
changing a fee (hours, or due anyway for someone who did not come) and costs in the reports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_mark_attendance
from roundtable.cocreation.testing import make_programme, make_session
from roundtable.core.models import AuditEntry
from roundtable.evaluation import reports_funder, reports_gripp2
from roundtable.evaluation.models import Gripp2Report
from roundtable.payments import services
from roundtable.payments.models import Payment
from roundtable.payments.services import ChoiceAnswer
from roundtable.payments.testing import make_offer
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db


def _booked(session, name="Priya Shah"):
    person = Person.objects.create(name=name, email=f"{name.split()[0].lower()}@example.org")
    return Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED)


@pytest.fixture
def team(client):
    creator = make_coordinator("creator@example.org")
    other = make_coordinator("other@example.org", name="Ola")
    client.force_login(other)
    return {"creator": creator, "other": other}


def _accepted_fee(session, team, *, name="Priya Shah", hours="7"):
    booking = _booked(session, name)
    if not hasattr(session, "payment_offer"):
        make_offer(session, actor=team["creator"], quantity=hours)
    services.offer_sync(offer=session.payment_offer, actor=team["creator"])
    fee = Payment.objects.get(booking=booking)
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    return booking, Payment.objects.get(pk=fee.pk)


# --- The XLSX export --------------------------------------------------------------------------


def _xlsx(client, day, **extra):
    response = client.get(reverse("payments:export"), {"start": day, "end": day, "format": "xlsx", **extra})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="payments-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(body), read_only=True)["Payments"].iter_rows(values_only=True))


def test_the_xlsx_totals_exactly_seven_hours_at_27_50_and_three_times_33p(client, team):
    session = make_session(days_ahead=-3)
    booking, fee = _accepted_fee(session, team, hours="7")
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=team["creator"])
    services.payment_approve(payment_id=fee.pk, actor=team["other"])
    person = Person.objects.create(name="=HYPERLINK(1)", email="x@example.org")
    for _ in range(3):
        Payment.objects.create(
            person=person, session=session, kind="expense", expense_kind="travel", amount_pence=33, status="paid"
        )
    Payment.objects.create(  # due, not approved: not in the export
        person=person, session=session, kind="expense", expense_kind="travel", amount_pence=999, status="due"
    )
    rows = _xlsx(client, timezone.localdate(session.starts_at).isoformat())
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    at = header.index("Amount (£)")
    assert header[0] == "Person" and len(lines) == 4
    assert all(isinstance(row[at], (int, float)) for row in lines)
    pence = [round(row[at] * 100) for row in lines]
    assert sorted(pence) == [33, 33, 33, 19250]
    assert total[0] == "Total" and round(total[at] * 100) == sum(pence) == 19349
    # Never a formula: the name is text, made safe like the CSV's.
    names = [row[0] for row in lines]
    assert "'=HYPERLINK(1)" in names and not any(str(n).startswith("=") for n in names)
    entry = AuditEntry.objects.get(verb="payments.exported")
    assert entry.data["format"] == "xlsx"


def test_the_xlsx_amount_cells_are_numbers_with_two_decimal_places(client, team):
    session = make_session(days_ahead=-3)
    Payment.objects.create(
        person=Person.objects.create(name="Sam", email="sam@example.org"),
        session=session,
        kind="expense",
        expense_kind="childcare",
        amount_pence=1000,
        status="paid",
    )
    response = client.get(
        reverse("payments:export"),
        {
            "start": timezone.localdate(session.starts_at),
            "end": timezone.localdate(session.starts_at),
            "format": "xlsx",
        },
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Payments"]
    amount = sheet.cell(row=2, column=7)
    assert amount.value == 10 and amount.number_format == "#,##0.00"
    assert sheet.cell(row=3, column=1).value == "Total" and sheet.cell(row=3, column=7).value == 10


def test_a_bad_period_for_the_xlsx_is_400_and_not_audited(client, team):
    response = client.get(reverse("payments:export"), {"start": "nope", "end": "6/4/2026", "format": "xlsx"})
    assert response.status_code == 400
    assert "Enter a date like 6/4/2026" in response.content.decode()
    assert not AuditEntry.objects.filter(verb="payments.exported").exists()


# --- The budget -------------------------------------------------------------------------------


def _sessions_with_payments(n, programme):
    person = Person.objects.create(name=f"Budget {n}", email=f"budget{n}@example.org")
    for i in range(n):
        session = make_session(days_ahead=-i - 1, programme=programme, title=f"Budget session {i}")
        for status, pence in (("offered", 100), ("accepted", 200), ("due", 300), ("approved", 400), ("paid", 500)):
            Payment.objects.create(
                person=person,
                session=session,
                kind="expense",
                expense_kind="travel",
                offered_pence=pence,
                amount_pence=pence,
                status=status,
            )
        Payment.objects.create(person=person, session=session, kind="fee", offered_pence=700, amount_pence=700,
                               status="declined")  # fmt: skip


@pytest.mark.parametrize("sessions", [2, 20])
def test_the_budget_costs_the_same_queries_at_2_or_20_sessions(client, team, sessions, django_assert_num_queries):
    _sessions_with_payments(sessions, make_programme(name="Healthy homes"))
    # session and user, messages, programmes (grouped), count of sessions, page of sessions (grouped)
    with django_assert_num_queries(5):
        response = client.get(reverse("payments:budget"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Healthy homes" in text and "Budget session 0" in text


def test_the_budget_adds_up_per_programme_and_session(client, team):
    _sessions_with_payments(3, make_programme(name="Healthy homes"))
    text = client.get(reverse("payments:budget")).content.decode()
    # Offered: 3 × (100+200+300+400+500+700) = £66.00; paid 3 × £5 = £15.00; declined 3 × £7.
    assert 'data-label="Offered">£66.00<' in text
    assert 'data-label="Paid">£15.00<' in text
    assert 'data-label="Declined">£21.00<' in text
    assert 'data-label="Offered">£22.00<' in text  # one session's line
    assert "Still to pay (accepted, due or approved): <strong>£27.00</strong>" in text


def test_the_budget_with_no_payments_says_so(client, team):
    assert "No payments yet" in client.get(reverse("payments:budget")).content.decode()


def test_a_sessions_payments_page_shows_its_budget(client, team):
    session = make_session(days_ahead=-3)
    _accepted_fee(session, team, hours="7")
    text = client.get(reverse("payments:session", args=[session.pk])).content.decode()
    assert "Budget for this session" in text
    assert 'data-label="Accepted">£192.50<' in text and 'data-label="Paid">£0.00<' in text


# --- Overdue on the home page -----------------------------------------------------------------


def test_home_lists_unpaid_items_older_than_the_target_oldest_first(client, team, settings):
    settings.PAYMENTS_TARGET_DAYS = 28
    old = make_session(days_ahead=-40, title="Long ago")
    older = make_session(days_ahead=-60, title="Longer ago")
    recent = make_session(days_ahead=-10, title="Lately")
    _accepted_fee(old, team, name="Ann Old")
    _accepted_fee(older, team, name="Bea Older")
    _accepted_fee(recent, team, name="Cal Recent")
    _, paid = _accepted_fee(make_session(days_ahead=-50, title="Paid one"), team, name="Dee Paid")
    Payment.objects.filter(pk=paid.pk).update(status="paid")
    text = client.get(reverse("coordinator:home")).content.decode()
    assert "2 payments are still not paid more than 28 days after their session." in text
    assert text.index("Bea Older") < text.index("Ann Old")
    assert "Cal Recent" not in text and "Dee Paid" not in text
    assert "60 days since “Longer ago”" in text
    fee = Payment.objects.get(person__name="Bea Older")
    assert reverse("payments:detail", args=[fee.pk]) in text


def test_home_says_nothing_is_overdue_and_the_target_is_a_setting(client, team, settings):
    _accepted_fee(make_session(days_ahead=-10), team)
    settings.PAYMENTS_TARGET_DAYS = 28
    assert "Nothing is overdue" in client.get(reverse("coordinator:home")).content.decode()
    settings.PAYMENTS_TARGET_DAYS = 5
    assert "1 payment is still not paid more than 5 days" in client.get(reverse("coordinator:home")).content.decode()


# --- Changing a fee ---------------------------------------------------------------------------


def test_changing_the_hours_of_a_due_fee_recomputes_it_audits_and_tells_the_person(client, team):
    session = make_session(days_ahead=-3)
    booking, fee = _accepted_fee(session, team, hours="7")
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=team["creator"])
    url = reverse("payments:detail", args=[fee.pk])
    response = client.post(url, {"move": "change_hours", "hours-hours": "3.5", "hours-reason": "Came for the morning"})
    assert response.status_code == 302
    fee.refresh_from_db()
    assert fee.amount_pence == 9625 and fee.offered_pence == 9625 and fee.status == "due"  # 3.5 × £27.50
    entry = AuditEntry.objects.get(verb="payment.fee_changed")
    assert entry.data["from_pence"] == 19250 and entry.data["to_pence"] == 9625
    assert entry.data["reason"] == "Came for the morning"
    # The person's side ("Changed because …") is in involvement/tests/test_payments.py.


@pytest.mark.parametrize(
    ("hours", "reason", "field", "message"),
    [
        ("", "Came late", "hours", "Enter a number, like 3 or 2.5"),
        ("abc", "Came late", "hours", "Enter a number, like 3 or 2.5"),
        ("0", "Came late", "hours", "Enter how many, more than 0"),
        ("2.555", "Came late", "hours", "at most two decimal places"),
        ("3", "", "reason", "Say why (the person will see this)"),
    ],
)
def test_changing_a_fee_with_bad_input_is_400_by_the_field_and_changes_nothing(client, team, hours, reason, field,
                                                                                 message):  # fmt: skip
    _, fee = _accepted_fee(make_session(days_ahead=-3), team)
    response = client.post(
        reverse("payments:detail", args=[fee.pk]),
        {"move": "change_hours", "hours-hours": hours, "hours-reason": reason},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert f'id="id_hours-{field}-error"' in text and message in text
    assert "How many hours" in text and "Pay for more or fewer hours than offered" in text
    assert Payment.objects.get(pk=fee.pk).amount_pence == 19250
    assert not AuditEntry.objects.filter(verb="payment.fee_changed").exists()


def test_changing_a_paid_fee_is_409(client, team):
    _, fee = _accepted_fee(make_session(days_ahead=-3), team)
    Payment.objects.filter(pk=fee.pk).update(status="paid")
    response = client.post(
        reverse("payments:detail", args=[fee.pk]), {"move": "change_hours", "hours-hours": "2", "hours-reason": "x"}
    )
    assert response.status_code == 409
    assert "Only an accepted or due fee can be changed" in response.content.decode()
    assert Payment.objects.get(pk=fee.pk).amount_pence == 19250


def test_a_no_show_can_be_made_due_anyway_with_a_reason(client, team):
    session = make_session(days_ahead=-3)
    booking, fee = _accepted_fee(session, team, hours="7")
    booking_mark_attendance(booking_id=booking.pk, attended=False, actor=team["creator"])
    url = reverse("payments:detail", args=[fee.pk])
    page = client.get(url).content.decode()
    assert "Did not come" in page and "Pay it anyway" in page
    bad = client.post(url, {"move": "due_anyway", "anyway-reason": ""})
    assert bad.status_code == 400 and 'id="id_anyway-reason-error"' in bad.content.decode()
    assert Payment.objects.get(pk=fee.pk).status == "accepted"
    good = client.post(url, {"move": "due_anyway", "anyway-reason": "Cancelled on the day, we pay anyway"})
    assert good.status_code == 302
    fee.refresh_from_db()
    assert fee.status == "due" and fee.amount_pence == 19250
    entry = AuditEntry.objects.get(verb="payment.due_anyway")
    assert entry.data["from_status"] == "accepted" and entry.data["to_status"] == "due"
    again = client.post(url, {"move": "due_anyway", "anyway-reason": "Twice"})
    assert again.status_code == 409


def test_due_anyway_for_part_of_the_session_pays_the_hours_given(team):
    session = make_session(days_ahead=-3)
    booking, fee = _accepted_fee(session, team, hours="7")
    booking_mark_attendance(booking_id=booking.pk, attended=False, actor=team["creator"])
    services.fee_due_anyway(payment_id=fee.pk, reason="Came for part", hours=Decimal("2"), actor=team["other"])
    fee.refresh_from_db()
    assert fee.status == "due" and fee.amount_pence == 5500


def test_paying_anyway_stands_when_attendance_is_marked_again(team):
    session = make_session(days_ahead=-3)
    booking, fee = _accepted_fee(session, team, hours="7")
    booking_mark_attendance(booking_id=booking.pk, attended=False, actor=team["creator"])
    services.fee_due_anyway(payment_id=fee.pk, reason="Came for part", hours=Decimal("2"), actor=team["other"])
    # Marking them as come and then "did not come" again leaves the team's decision alone.
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=team["creator"])
    booking_mark_attendance(booking_id=booking.pk, attended=False, actor=team["creator"])
    fee.refresh_from_db()
    assert fee.status == "due" and fee.amount_pence == 5500
    # Someone else's due fee on the same session still follows attendance.
    other_booking, other_fee = _accepted_fee(session, team, name="Tom Rees")
    booking_mark_attendance(booking_id=other_booking.pk, attended=True, actor=team["creator"])
    assert Payment.objects.get(pk=other_fee.pk).status == "due"
    booking_mark_attendance(booking_id=other_booking.pk, attended=False, actor=team["creator"])
    assert Payment.objects.get(pk=other_fee.pk).status == "accepted"


# --- Costs in the reports ---------------------------------------------------------------------


def _costed_period(team):
    programme = make_programme(name="Healthy homes")
    session = make_session(days_ahead=-3, programme=programme)
    person = Person.objects.create(name="Cost", email="cost@example.org")
    rows = [("fee", "", 19250, "paid"), ("expense", "travel", 33, "approved"), ("expense", "travel", 33, "paid"),
            ("expense", "childcare", 1201, "paid"), ("expense", "travel", 5000, "due")]  # fmt: skip
    other = Person.objects.create(name="Cost Two", email="cost2@example.org")
    for n, (kind, expense_kind, pence, status) in enumerate(rows):
        Payment.objects.create(person=person if n else other, session=session, kind=kind, expense_kind=expense_kind,
                               amount_pence=pence, offered_pence=pence, status=status)  # fmt: skip
    day = timezone.localdate(session.starts_at)
    return programme, day


def test_the_funder_report_has_the_costs_as_the_sum_of_the_lines(team):
    programme, day = _costed_period(team)
    context = reports_funder.report_context(start=day, end=day, programme=programme, evidence_ids=set())
    costs = context["costs"]
    assert costs.total_pence == 19250 + 33 + 33 + 1201 == sum(line.pence for line in costs.lines)
    assert costs.fees_pence == 19250 and costs.expenses_pence == 1267 and costs.people == 2
    assert costs.paid_pence == 19250 + 33 + 1201
    assert [(line.label, line.pence, line.items) for line in costs.lines] == [
        ("Fees for time", 19250, 1),
        ("Expenses: childcare", 1201, 1),
        ("Expenses: travel", 66, 2),
    ]
    other = reports_funder.report_context(start=day, end=day, programme=make_programme(), evidence_ids=set())
    assert other["costs"].total_pence == 0


def test_the_funder_pdf_template_says_the_costs(team, client):
    programme, day = _costed_period(team)
    from django.template.loader import render_to_string

    context = reports_funder.report_context(start=day, end=day, programme=programme, evidence_ids=set())
    html = render_to_string("evaluation/reports/funder.pdf.html", context)
    assert "Costs of involvement" in html and "£205.17" in html and "£192.50" in html


def test_the_gripp2_report_has_a_costs_section(team, client):
    programme, day = _costed_period(team)
    report = Gripp2Report.objects.create(title="Spring", period_start=day, period_end=day, programme=programme)
    markdown = reports_gripp2.to_markdown(report, centre_name="The Centre")
    assert "## 6. Costs" in markdown
    assert "came to £205.17 for 2 people: £192.50 in fees for their time and £12.67 in expenses repaid" in markdown
    assert "- Expenses: travel: £0.66 (2 items)" in markdown
    page = client.get(reverse("evaluation:gripp2_edit", args=[report.pk])).content.decode()
    assert 'id="gripp2-costs"' in page and "£205.17" in page


def test_a_period_with_no_payments_says_so_in_the_gripp2_costs(team):
    today = date.today() - timedelta(days=400)
    report = Gripp2Report.objects.create(title="Quiet", period_start=today, period_end=today)
    assert "No payments to public contributors were approved or paid" in reports_gripp2.to_markdown(
        report, centre_name="The Centre"
    )


def test_the_xlsx_has_the_same_columns_and_rows_as_the_csv(client, team):
    session = make_session(days_ahead=-3)
    person = Person.objects.create(name="+Plus Person", email="plus@example.org")
    for pence, status, method in ((1999, "paid", "voucher"), (123456, "approved", ""), (7, "paid", "payroll")):
        Payment.objects.create(person=person, session=session, kind="expense", expense_kind="carer",
                               amount_pence=pence, status=status, method=method, reference="-ref")  # fmt: skip
    day = timezone.localdate(session.starts_at).isoformat()
    response = client.get(reverse("payments:export"), {"start": day, "end": day})
    from_csv = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    from_xlsx = _xlsx(client, day)
    assert len(from_xlsx) == len(from_csv) == 5
    at = from_csv[0].index("Amount (£)")
    for csv_row, xlsx_row in zip(from_csv, from_xlsx, strict=True):
        assert len(xlsx_row) == len(csv_row)
        for n, (a, b) in enumerate(zip(csv_row, xlsx_row, strict=True)):
            if n == at and a != "Amount (£)":
                assert round(b * 100) == round(Decimal(a) * 100)
            else:
                assert (b or "") == a


def test_a_fee_for_a_session_still_to_come_cannot_be_made_due(client, team):
    _, fee = _accepted_fee(make_session(days_ahead=5), team)
    url = reverse("payments:detail", args=[fee.pk])
    assert "Pay it anyway" not in client.get(url).content.decode()
    response = client.post(url, {"move": "due_anyway", "anyway-reason": "Early"})
    assert response.status_code == 409 and "has not started yet" in response.content.decode()
    assert Payment.objects.get(pk=fee.pk).status == "accepted"
