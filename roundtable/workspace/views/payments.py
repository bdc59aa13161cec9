"""The team's payments pages. Every write goes through payments.services; a refused move (the
state does not allow it, or you set it up yourself) is said on the page, bad input next to its
field with a 400."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from roundtable.accounts.models import User
from roundtable.accounts.permissions import coordinator_required
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.forms import PoundsField
from roundtable.payments import services
from roundtable.payments.benefits import profile_for
from roundtable.payments.models import Offer, Payment, Rate, TravelRequest, pounds
from roundtable.payments.selectors import budget_by_programme, budget_by_session, budget_total, payment_list

PAGE_SIZE = 50


class FilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any")] + Payment.Status.choices)


class MarkPaidForm(forms.Form):
    method = forms.ChoiceField(
        label="How it was paid",
        choices=Payment.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it was paid", "invalid_choice": "Choose how it was paid"},
    )
    paid_on = forms.DateField(
        label="Date it was paid",
        help_text="For example, 30/4/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the date it was paid", "invalid": "Enter a date like 30/4/2026"},
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=100,
        error_messages={"max_length": "The reference must be 100 characters or fewer"},
    )

    def clean_paid_on(self) -> date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError("The date it was paid must be today or in the past")
        return paid_on


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why it will not be paid",
        help_text="The person sees this.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why it will not be paid",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )


class ChangeHoursForm(forms.Form):
    """Checked again by the service (payments.services.fee_change_hours), which says what is wrong by the field."""

    hours = forms.CharField(label="How many", max_length=20, required=False)
    reason = forms.CharField(
        label="Why it is changing",
        help_text="The person sees this, for example: came for the morning only.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DueAnywayForm(forms.Form):
    """For someone who did not come (or is not marked): pay their fee anyway, with a reason."""

    reason = forms.CharField(
        label="Why we pay it anyway",
        help_text="The person sees this, for example: came for part of it, or: cancelled on the day, we pay anyway.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hours = forms.CharField(label="How many (optional)", max_length=20, required=False)


UNIT_WORDS: dict[str, str] = {Rate.Unit.HOUR: "hours", Rate.Unit.HALF_DAY: "half days", Rate.Unit.DAY: "days"}


class ExportForm(forms.Form):
    start = forms.DateField(
        label="From",
        help_text="For example, 6/4/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the first day", "invalid": "Enter a date like 6/4/2026"},
    )
    end = forms.DateField(
        label="To",
        help_text="For example, 5/4/2027",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the last day", "invalid": "Enter a date like 5/4/2027"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The last day must be on or after the first day")
        return data


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@require_http_methods(["GET"])
@coordinator_required
def payment_list_view(request: HttpRequest) -> HttpResponse:
    """Newest first, 50 a page. Queries: the count, the page with its person and session (joined),
    whatever the number of payments (pinned in tests)."""
    form = FilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = payment_list(status=status).select_related("person", "session")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for payment in page:
        payment.days_since = (today - timezone.localdate(payment.session.starts_at)).days  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "status": status, "unpaid": Payment.UNPAID}
    return render(request, "payments/list.html", context, status=200 if form.is_valid() or not request.GET else 400)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.select_related("person", "session", "approved_by", "booking"), pk=payment_id
    )
    move = request.POST.get("move", "")
    paid_form = MarkPaidForm(request.POST if move == "mark_paid" else None, prefix="paid")
    reject_form = RejectForm(request.POST if move == "reject" else None, prefix="reject")
    hours_form = ChangeHoursForm(request.POST if move == "change_hours" else None, prefix="hours")
    anyway_form = DueAnywayForm(request.POST if move == "due_anyway" else None, prefix="anyway")
    # The labels say the offer's unit; set before validating (bound fields copy their label).
    is_fee = payment.kind == Payment.Kind.FEE
    offer = Offer.objects.select_related("rate").filter(session_id=payment.session_id).first() if is_fee else None
    unit = UNIT_WORDS.get(offer.rate.unit, "hours") if offer else "hours"
    hours_form.fields["hours"].label = f"How many {unit}"
    hours_form.fields["hours"].help_text = f"{offer.rate} (the fee is worked out from this)" if offer else ""
    anyway_form.fields["hours"].label = f"How many {unit} (optional)"
    anyway_form.fields["hours"].help_text = "Leave empty to pay what was offered"
    forms_by_move: dict[str, forms.Form] = {
        "mark_paid": paid_form,
        "reject": reject_form,
        "change_hours": hours_form,
        "due_anyway": anyway_form,
    }
    status = 200
    if request.method == "POST":
        try:
            if move == "change_hours" and hours_form.is_valid():
                services.fee_change_hours(payment_id=payment.pk, actor=_actor(request), **hours_form.cleaned_data)
                messages.success(request, "The fee is changed. The person will see why.")
                return redirect("payments:detail", payment.pk)
            if move == "due_anyway" and anyway_form.is_valid():
                services.fee_due_anyway(payment_id=payment.pk, actor=_actor(request), **anyway_form.cleaned_data)
                messages.success(request, "The fee is due. The person will see why.")
                return redirect("payments:detail", payment.pk)
            if move == "approve":
                services.payment_approve(payment_id=payment.pk, actor=_actor(request))
                messages.success(request, "Payment approved.")
                return redirect("payments:detail", payment.pk)
            if move == "mark_paid" and paid_form.is_valid():
                services.payment_mark_paid(payment_id=payment.pk, actor=_actor(request), **paid_form.cleaned_data)
                messages.success(request, "Payment marked as paid.")
                return redirect("payments:detail", payment.pk)
            if move == "reject" and reject_form.is_valid():
                services.payment_reject(payment_id=payment.pk, actor=_actor(request), **reject_form.cleaned_data)
                messages.success(request, "Payment rejected. The person will see the reason.")
                return redirect("payments:detail", payment.pk)
            if move != "approve" and move not in forms_by_move:
                messages.error(request, "Choose approve, mark as paid or reject.")
        except ValidationError as error:
            form = forms_by_move.get(move, reject_form)
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except (services.PaymentStateError, services.PaymentNotAllowed) as error:
            messages.error(request, error.message)
            status = 409
        status = 400 if status == 200 else status
    days = (timezone.localdate() - timezone.localdate(payment.session.starts_at)).days
    # Benefit-safe mode is private like access needs: every look by the team is audited.
    benefit_profile = profile_for(payment.person_id)
    if benefit_profile is not None and benefit_profile.benefit_safe:
        audit.log(_actor(request), "benefit_safe.viewed", payment.person, payment_id=payment.pk)
    came = payment.booking is not None and payment.booking.status == Booking.Status.ATTENDED
    form_with_errors = next((f for f in forms_by_move.values() if f.errors), None)
    context = {
        "benefit_profile": benefit_profile,
        "benefit_limits": (
            (pounds(benefit_profile.weekly_limit), pounds(benefit_profile.monthly_limit)) if benefit_profile else None
        ),
        "payment": payment,
        "paid_form": paid_form,
        "reject_form": reject_form,
        "hours_form": hours_form,
        "anyway_form": anyway_form,
        "form_with_errors": form_with_errors,
        "offer": offer,
        "unit": unit,
        "can_change_hours": offer is not None and payment.status in services.CHANGE_HOURS_FROM,
        "can_pay_anyway": is_fee
        and payment.status == Payment.Status.ACCEPTED
        and not came
        and payment.session.starts_at <= timezone.now(),
        "booking_status": payment.booking.get_status_display() if payment.booking else "",
        "days_since": days,
        "unpaid": payment.status in Payment.UNPAID,
        "offered": pounds(payment.offered_pence),
    }
    return render(request, "payments/detail.html", context, status=status)


@require_http_methods(["GET"])
@coordinator_required(hide=True)
def payment_receipt(request: HttpRequest, payment_id: int) -> HttpResponseBase:
    """The receipt for an expense claim. A receipt can show health or benefit details (a carer, a
    support worker), so every look is audited."""
    payment = get_object_or_404(Payment.objects.exclude(receipt=""), pk=payment_id)
    try:
        handle = default_storage.open(payment.receipt, "rb")
    except FileNotFoundError:
        raise Http404("No such receipt") from None
    audit.log(_actor(request), "payment.receipt_viewed", payment)
    response = FileResponse(handle, content_type=payment.receipt_type or "application/octet-stream")
    suffix = "." + payment.receipt.rsplit(".", 1)[-1] if "." in payment.receipt else ""
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.pk}{suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    add_never_cache_headers(response)
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_HEADER = [
    "Person",
    "What for",
    "Session",
    "Session date",
    "Kind",
    "Status",
    "Amount (£)",
    "Method",
    "Paid on",
    "Reference",
    "Route",
]


def _export_rows(start: date, end: date) -> Iterator[list[str]]:
    """Approved and paid items for sessions in the period, one query read in chunks; the total
    line is the sum of the pence on the lines above it."""
    rows = (
        Payment.objects.filter(
            status__in=(Payment.Status.APPROVED, Payment.Status.PAID),
            session__starts_at__date__gte=start,
            session__starts_at__date__lte=end,
        )
        .select_related("person", "session")
        .order_by("session__starts_at", "id")
    )
    total = 0
    yield EXPORT_HEADER
    for p in rows.iterator(chunk_size=2000):
        total += p.amount_pence
        what = p.get_expense_kind_display() if p.kind == Payment.Kind.EXPENSE else "Time"
        yield [
            p.person.name,
            what,
            p.session.title,
            f"{timezone.localdate(p.session.starts_at):%Y-%m-%d}",
            p.kind,
            p.status,
            pounds(p.amount_pence).replace("£", "").replace(",", ""),
            p.get_method_display() if p.method else "",
            f"{p.paid_on:%Y-%m-%d}" if p.paid_on else "",
            p.reference,
            p.get_route_display() if p.route else "",
        ]
    yield ["Total", "", "", "", "", "", pounds(total).replace("£", "").replace(",", ""), "", "", "", ""]


def _safe(cell: str) -> str:
    # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") and cell != "-" else cell


@require_http_methods(["GET"])
@coordinator_required
def export_view(request: HttpRequest) -> HttpResponseBase:
    """The form, or with dates the CSV, streamed (never built in memory) and audited."""
    if not request.GET:
        return render(request, "payments/export.html", {"form": ExportForm()})
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "payments/export.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if request.GET.get("format") == "xlsx":
        audit.log(_actor(request), "payments.exported", start=start.isoformat(), end=end.isoformat(), format="xlsx")
        return _xlsx_response(start, end)
    audit.log(_actor(request), "payments.exported", start=start.isoformat(), end=end.isoformat())
    writer = csv.writer(_Echo())
    lines = (writer.writerow([_safe(cell) for cell in row]) for row in _export_rows(start, end))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payments-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    return response


def _pence(cell: str) -> int:
    """The export's "12.50" back to 1250 pence, exactly (it was written from pence by pounds())."""
    return int(Decimal(cell) * 100)


def write_xlsx(rows: Iterator[list[str]], out: IO[bytes]) -> None:
    """The finance export's rows (header first, total last) as a workbook written row by row
    (openpyxl's write-only mode keeps only the current row in memory). Amounts become numbers in
    pounds with two decimal places; the total is re-added here from the lines' pence, so it is
    the sum of the lines whatever a spreadsheet does with binary fractions. Text is made safe
    like the CSV's (never a formula) and stored as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Payments")
    header = next(rows)
    amount_at = header.index("Amount (£)")
    sheet.append([_text_cell(sheet, cell, bold=True) for cell in header])
    total = 0
    for row in rows:
        is_total = row[0] == "Total" and not any(row[1:amount_at])
        pence = total if is_total else _pence(row[amount_at])
        if not is_total:
            total += pence
        cells: list[Any] = []
        for at, cell in enumerate(row):
            if at == amount_at:
                number = WriteOnlyCell(sheet, value=cast(Any, Decimal(pence) / 100))  # exact; openpyxl writes Decimals
                number.number_format = "#,##0.00"
                if is_total:
                    number.font = Font(bold=True)
                cells.append(number)
            else:
                cells.append(_text_cell(sheet, cell, bold=is_total))
        sheet.append(cells)
    book.save(out)  # type: ignore[arg-type]


def _text_cell(sheet: Any, value: str, *, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=_safe(value))
    cell.data_type = "s"  # never a formula, whatever it starts with
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xlsx_response(start: date, end: date) -> FileResponse:
    """Written to a temporary file (bounded memory), then streamed from it; the file goes when
    the response is closed."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(_export_rows(start, end), out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"payments-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class RateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter a name for the rate"})
    unit = forms.ChoiceField(
        label="What it pays for",
        choices=Rate.Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the rate pays for", "invalid_choice": "Choose what the rate pays for"},
    )
    amount = PoundsField(
        label="Amount in pounds",
        help_text="For example, 27.50",
        example="27.50",
        error_messages={"required": "Enter the amount in pounds"},
    )
    effective_from = forms.DateField(
        label="First day it applies",
        help_text="For example, 6/4/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the first day it applies", "invalid": "Enter a date like 6/4/2026"},
    )
    effective_to = forms.DateField(
        label="Last day it applies (optional)",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter a date like 5/4/2027"},
    )


@require_http_methods(["GET", "POST"])
@coordinator_required
def rate_card(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rate_create(
                name=data["name"],
                unit=data["unit"],
                amount_pence=int(data["amount"] * 100),
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                actor=_actor(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Rate added to the rate card.")
            return redirect("payments:rates")
    rates = Rate.objects.order_by("name", "-effective_from")
    return render(request, "payments/rates.html", {"form": form, "rates": rates}, status=400 if form.errors else 200)


class OfferForm(forms.Form):
    rate = forms.ModelChoiceField(
        label="Rate",
        queryset=Rate.objects.exclude(unit=Rate.Unit.MILE),
        error_messages={"required": "Choose a rate", "invalid_choice": "Choose a rate from the rate card"},
    )
    quantity = forms.DecimalField(
        label="How many for the session",
        help_text="Hours, half days or days, as the rate says. For example, 3 or 2.5",
        min_value=Decimal("0.25"),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages={
            "required": "Enter how many",
            "invalid": "Enter a number, like 3 or 2.5",
            "min_value": "Enter at least 0.25",
            "max_value": "Enter 100 or fewer",
            "max_decimal_places": "Enter a number with at most two decimal places",
        },
    )
    preparation_quantity = forms.DecimalField(
        label="How many for preparation (optional)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages={
            "invalid": "Enter a number, like 1 or 0.5",
            "min_value": "Enter 0 or more",
            "max_value": "Enter 100 or fewer",
            "max_decimal_places": "Enter a number with at most two decimal places",
        },
    )
    repays = forms.CharField(
        label="What is repaid",
        required=False,
        max_length=200,
        help_text="Shown on the session page, for example: travel and care costs",
        error_messages={"max_length": "Say what is repaid in 200 characters or fewer"},
    )


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def session_payments(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's offer (set or change it) and every payment for it, with days since the session."""
    session = get_object_or_404(Session, pk=session_id)
    offer = Offer.objects.select_related("rate").filter(session=session).first()
    initial = (
        {
            "rate": offer.rate_id,
            "quantity": offer.quantity,
            "preparation_quantity": offer.preparation_quantity,
            "repays": offer.repays,
        }
        if offer
        else {}
    )
    form = OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.offer_set(
                session=session,
                rate=data["rate"],
                quantity=data["quantity"],
                preparation_quantity=data["preparation_quantity"] or 0,
                repays=data["repays"],
                actor=_actor(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "The offer is saved. Everyone with a place can see it and choose.")
            return redirect("payments:session", session.pk)
    rows = list(Payment.objects.filter(session=session).select_related("person").order_by("person__name", "id"))
    # Only people who still have a place: a cancelled booking's request is not travel to book.
    travel = list(
        TravelRequest.objects.filter(session=session, booking__status__in=services.HAS_PLACE)
        .select_related("person")
        .order_by("person__name")
    )
    budget = [_money_row(row) for row in budget_by_session(session_id=session.pk)]
    days = (timezone.localdate() - timezone.localdate(session.starts_at)).days
    context = {
        "session": session,
        "offer": offer,
        "form": form,
        "payments": rows,
        "travel_requests": travel,
        "days_since": days,
        "unpaid": Payment.UNPAID,
        "total": pounds(sum(p.amount_pence for p in rows if p.status not in ("declined", "rejected"))),
        "budget": budget[0] if budget else None,
    }
    return render(request, "payments/session.html", context, status=400 if form.errors else 200)


# The budget ----------------------------------------------------------------------------------

MONEY_KEYS = ("offered", "accepted", "due", "approved", "paid", "declined", "rejected")


def _money_row(row: dict[str, Any]) -> dict[str, Any]:
    """A budget row with each pence column also as pounds (key_shown)."""
    return {**row, **{f"{key}_shown": pounds(int(row[key])) for key in MONEY_KEYS if key in row}}


@require_http_methods(["GET"])
@coordinator_required
def budget_view(request: HttpRequest) -> HttpResponse:
    """Totals offered, accepted, due, approved, paid and declined per programme and per session.
    Queries: the programmes (one grouped query), the count of sessions with payments and a page
    of them (one grouped query), whatever the number of sessions (pinned in tests)."""
    programmes = budget_by_programme()
    sessions = Paginator(budget_by_session(), PAGE_SIZE).get_page(request.GET.get("page"))
    total = budget_total(programmes)
    context = {
        "programmes": [_money_row(row) for row in programmes],
        "sessions": sessions,
        "session_rows": [_money_row(row) for row in sessions],
        "total": _money_row(total),
        "unpaid_shown": pounds(total["accepted"] + total["due"] + total["approved"]),
    }
    return render(request, "payments/budget.html", context)
