"""A person's payment answers, from their private link: benefit-safe mode and employment status,
the warning step before a fee would take them over their limits, the letter for a benefits adviser
or work coach, and the yearly statement. Every page works without JavaScript: the warning is a
page of its own (POST, redirect, GET)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.core import audit
from roundtable.core.forms import GovukDateField, PoundsField
from roundtable.core.pdf import pdf_response
from roundtable.involvement.forms import smaller_amount_field
from roundtable.involvement.services import PARTICIPANT
from roundtable.involvement.views import _error_summary, private_link
from roundtable.payments.benefits import (
    INCOME_CHOICES,
    BenefitCheck,
    OverBenefitLimit,
    ProfileAnswer,
    benefit_check,
    payment_profile_update,
    profile_for,
    spread_day,
)
from roundtable.payments.models import Payment, pounds
from roundtable.payments.services import ChoiceAnswer, PaymentStateError, payment_choose
from roundtable.payments.statements import (
    benefit_letter_for,
    default_tax_year,
    statement_for,
    tax_year_label,
    tax_years_offered,
)
from roundtable.people.models import Person

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _pence(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def _yes_no_question(label: str, help_text: str = "") -> forms.ChoiceField:
    """An optional yes-or-no question (the employment questions): unanswered stays unanswered."""
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose yes or no"},
    )


def _money_field(label: str, help_text: str) -> forms.DecimalField:
    return PoundsField(
        label=label,
        help_text=help_text,
        required=False,
        example="86.67",
        least=Decimal(0),
        most=100_000,
        error_messages={"invalid": "Enter an amount in pounds, like 20 or 86.67"},
    )


class PaymentProfileForm(forms.Form):
    benefit_safe = forms.ChoiceField(
        label="Would you like benefit-safe mode?",
        help_text="We will warn you before a payment you accept would take you over your weekly or monthly limit.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose yes or no for benefit-safe mode",
            "invalid_choice": "Choose yes or no for benefit-safe mode",
        },
    )
    weekly_limit = _money_field("Your weekly limit, in pounds (optional)", "")
    monthly_limit = _money_field("Your monthly limit, in pounds (optional)", "")
    paid_job = _yes_no_question(
        "Is this part of your paid job?",
        "For example, you take part as a researcher or for a charity that employs you.",
    )
    public_work_time = _yes_no_question(
        "Are you employed by the NHS or another public body and doing this in your work time?"
    )
    wants_payroll = _yes_no_question(
        "Would you like to be paid through payroll?",
        "If you take part often, we can pay you through our payroll, with tax taken off at source.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        weekly = pounds(settings.PAYMENTS_BENEFIT_WEEKLY_LIMIT_PENCE)
        monthly = pounds(settings.PAYMENTS_BENEFIT_MONTHLY_LIMIT_PENCE)
        self.fields[
            "weekly_limit"
        ].help_text = f"Leave it empty to use ours: {weekly} a week. Your adviser can tell you yours."
        self.fields["monthly_limit"].help_text = f"Leave it empty to use ours: {monthly} a month."
        if not settings.PAYMENTS_PAYROLL_OFFERED:
            del self.fields["wants_payroll"]

    def answer(self) -> ProfileAnswer:
        data = self.cleaned_data
        return ProfileAnswer(
            benefit_safe=data["benefit_safe"] == "yes",
            weekly_limit_pence=_pence(data["weekly_limit"]),
            monthly_limit_pence=_pence(data["monthly_limit"]),
            paid_job=_bool(data["paid_job"]),
            public_work_time=_bool(data["public_work_time"]),
            wants_payroll=_bool(data.get("wants_payroll", "")),
        )


@private_link
@require_http_methods(["GET", "POST"])
def payment_profile(request, person: Person, token: str):
    """Benefit-safe mode and the employment questions. The person reading their own answers is
    logged like access needs."""
    profile = profile_for(person)
    http_status = 200
    if request.method == "POST":
        form = PaymentProfileForm(request.POST)
        if form.is_valid():
            try:
                payment_profile_update(person=person, answer=form.answer())
            except ValidationError as error:
                for name, messages_ in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages_)
            else:
                return redirect(reverse("involvement:payment_profile", args=[token]) + "?saved=1")
        http_status = 400
    else:
        initial: dict[str, Any] = {}
        if profile is not None:
            initial = {
                "benefit_safe": _yes_no(profile.benefit_safe),
                "weekly_limit": Decimal(profile.weekly_limit_pence) / 100
                if profile.weekly_limit_pence is not None
                else None,
                "monthly_limit": Decimal(profile.monthly_limit_pence) / 100
                if profile.monthly_limit_pence is not None
                else None,
                "paid_job": _yes_no(profile.paid_job),
                "public_work_time": _yes_no(profile.public_work_time),
                "wants_payroll": _yes_no(profile.wants_payroll),
            }
            audit.log(None, "benefit_safe.viewed", person, actor_label=PARTICIPANT)
        form = PaymentProfileForm(initial=initial)
    context = {
        "person": person,
        "token": token,
        "form": form,
        "errors": _error_summary(form),
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "involvement/payment_profile.html", context, status=http_status)


# The warning step ----------------------------------------------------------------------------


OPTIONS = [
    ("less", "Take less, so I stay within my limits"),
    ("spread", "Spread it: ask the team to pay it in a later week"),
    ("donate", "Donate it to a charity"),
    ("expenses_only", "I only want my expenses repaid"),
    ("anyway", "Accept it anyway"),
]


class BenefitOptionForm(forms.Form):
    option = forms.ChoiceField(
        label="What would you like to do?",
        choices=OPTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you would like to do",
            "invalid_choice": "Choose what you would like to do",
        },
    )
    amount = smaller_amount_field("If you take less, how much? (in pounds)")
    pay_after = GovukDateField(
        label="If you spread it, pay it on or after",
        what="The date to pay it on or after",
        help_text="For example, 18 1 2027",
        required=False,
    )
    donate_to = forms.CharField(
        label="If you donate it, which charity?",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter the charity's name in 200 characters or fewer"},
    )
    understood = forms.BooleanField(
        label="I understand this may take me over my limit and could affect my benefits",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        option = data.get("option")
        if option == "less" and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", "Enter the amount you would like, in pounds, like 20 or 12.50")
        if option == "spread" and data.get("pay_after") is None and "pay_after" not in self.errors:
            self.add_error("pay_after", "Enter the date to pay it on or after, like 18 1 2027")
        if option == "anyway" and not data.get("understood"):
            self.add_error("understood", "Tick to say you understand, or choose another option")
        return data


def _wanted(request, payment: Payment) -> tuple[str, int]:
    """The choice and amount the person made on the Payments page (from the query string)."""
    choice = request.GET.get("choice", Payment.Choice.ACCEPT)
    if choice not in INCOME_CHOICES:
        choice = Payment.Choice.ACCEPT
    try:
        amount = int(request.GET.get("amount", payment.offered_pence))
    except ValueError:
        amount = payment.offered_pence
    if not 0 < amount <= payment.offered_pence:
        amount = payment.offered_pence
    return choice, amount


@private_link
@require_http_methods(["GET", "POST"])
def benefit_check_view(request, person: Person, token: str, payment_id: int):
    payment = (
        Payment.objects.select_related("session")
        .filter(pk=payment_id, person=person, kind=Payment.Kind.FEE, status__in=Payment.CHANGEABLE)
        .first()
    )
    if payment is None:
        raise Http404("No such payment")
    choice, amount = _wanted(request, payment)
    check = benefit_check(payment=payment, amount_pence=amount, day=timezone.localdate(payment.session.starts_at))
    if check is None:  # not in benefit-safe mode (any more): nothing to warn about
        return redirect("involvement:payments", token=token)
    if check.keeps_under_pence == 0:
        suggestion = None
    else:
        suggestion = (Decimal(min(check.keeps_under_pence, payment.offered_pence - 1)) / 100).quantize(Decimal("0.01"))
    spread = spread_day(payment=payment, amount_pence=amount)
    http_status = 200
    if request.method == "POST":
        form = BenefitOptionForm(request.POST)
    else:
        form = BenefitOptionForm(initial={"amount": suggestion, "pay_after": spread})
    # Before validating: a bound field copies its help text when it is first made.
    if suggestion:
        form.fields["amount"].help_text = f"{pounds(int(suggestion * 100))} or less keeps you within your limits."
    if spread:
        form.fields["pay_after"].help_text = f"The first day it fits within your limits is {spread:%-d %B %Y}."
    if request.method == "POST":
        if form.is_valid():
            try:
                payment_choose(payment_id=payment.pk, answer=_answer(form, choice, amount))
            except OverBenefitLimit as over:
                field = "amount" if form.cleaned_data["option"] == "less" else "pay_after"
                form.add_error(field, _still_over(over.check))
            except ValidationError as error:
                for name, messages_ in error.message_dict.items():
                    form.add_error(name if name in form.fields else "option", messages_)
            except PaymentStateError as error:
                form.add_error("option", error.message)
            else:
                return redirect(reverse("involvement:payments", args=[token]) + "?saved=1")
        http_status = 400
    context = {
        "person": person,
        "token": token,
        "payment": payment,
        "check": check,
        "choice": choice,
        "amount": pounds(amount),
        "suggestion": pounds(int(suggestion * 100)) if suggestion else "",
        "spread": spread,
        "form": form,
        "errors": _error_summary(form),
        "action": request.get_full_path(),
    }
    return render(request, "involvement/benefit_check.html", context, status=http_status)


def _answer(form: BenefitOptionForm, choice: str, amount: int) -> ChoiceAnswer:
    data = form.cleaned_data
    option = data["option"]
    if option == "less":
        return ChoiceAnswer(choice=Payment.Choice.LESS, amount_pence=_pence(data["amount"]))
    if option == "spread":
        return ChoiceAnswer(
            choice=choice, amount_pence=amount if choice == "less" else None, pay_after=data["pay_after"]
        )
    if option == "donate":
        return ChoiceAnswer(choice=Payment.Choice.DONATE, donate_to=data["donate_to"])
    if option == "expenses_only":
        return ChoiceAnswer(choice=Payment.Choice.EXPENSES_ONLY)
    return ChoiceAnswer(choice=choice, amount_pence=amount if choice == "less" else None, understood_over_limit=True)


def _still_over(check: BenefitCheck) -> str:
    return (
        f"That would still take you over your limit ({check.week_total} in the week, "
        f"{check.month_total} in the month). The most that keeps you within it is "
        f"{pounds(check.keeps_under_pence)}."
    )


# The papers ----------------------------------------------------------------------------------


@private_link
@require_GET
def benefit_letter(request, person: Person, token: str) -> HttpResponse:
    """A letter for a benefits adviser or work coach (PDF). Audited: it is about their money."""
    letter = benefit_letter_for(person)
    audit.log(None, "payment_letter.downloaded", person, actor_label=PARTICIPANT, count=len(letter.sessions))
    return pdf_response(
        "payments/benefit_letter.pdf.html",
        {"letter": letter},
        filename="letter-about-my-involvement",
        request=request,
    )


class StatementForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Which tax year?",
        coerce=int,
        error_messages={"required": "Choose a tax year", "invalid_choice": "Choose a tax year from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, tax_year_label(year)) for year in tax_years_offered()]  # type: ignore[attr-defined]


@private_link
@require_GET
def payment_statement(request, person: Person, token: str) -> HttpResponse:
    """Choose a tax year; with one chosen, the statement (PDF) of everything paid in it."""
    if "year" in request.GET:
        form = StatementForm(request.GET)
        if form.is_valid():
            statement = statement_for(person, form.cleaned_data["year"])
            audit.log(None, "payment_statement.downloaded", person, actor_label=PARTICIPANT, year=statement.year)
            return pdf_response(
                "payments/statement.pdf.html",
                {"statement": statement},
                filename=f"payments-statement-{statement.year}-{statement.year + 1}",
                request=request,
            )
        http_status = 400
    else:
        form = StatementForm(initial={"year": default_tax_year(person)})
        http_status = 200
    context = {"person": person, "token": token, "form": form, "errors": _error_summary(form)}
    return render(request, "involvement/payment_statement.html", context, status=http_status)
