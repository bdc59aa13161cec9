"""A person's own pages, reached through their private link (no account, no password)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.bookings.forms import AccessNeedsFields, DietaryFields
from roundtable.bookings.models import Booking, ManageLink
from roundtable.core import audit, ratelimit
from roundtable.core.privatelinks import private_link_view
from roundtable.core.templatetags.govuk import error_anchor
from roundtable.involvement.datafile import data_file_current, data_file_request
from roundtable.involvement.forms import DetailsDietaryForm, DetailsForm, GetLinkForm, KeptAccessNeedsForm
from roundtable.involvement.models import DataFile, PersonLink
from roundtable.involvement.selectors import consents_held, involvement_for, kept_access_needs, upcoming_bookings
from roundtable.involvement.services import (
    PARTICIPANT,
    WITHDRAWALS,
    DietaryAnswer,
    consent_withdraw,
    involvement_link_request,
    person_data_download,
    person_details_update,
    person_forget_me,
    person_needs_update,
)
from roundtable.payments.benefits import OverBenefitLimit
from roundtable.payments.models import Payment
from roundtable.payments.services import HAS_PLACE, ChoiceAnswer, PaymentStateError, fee_for_booking, payment_choose
from roundtable.people.models import Person


def _error_summary(form) -> list[tuple[str, str]]:
    """Each message links to its field (the first box of a group of checkboxes)."""
    return [(error_anchor(form[name]), error) for name, errors in form.errors.items() for error in errors]


@require_http_methods(["GET", "POST"])
def get_link(request):
    """ "Get my link": the same answer, status and work whether or not the address is known."""
    http_status = 200
    if request.method == "POST":
        form = GetLinkForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            # Per client here; per address in the service (mailcap), counting what the outbox holds.
            if not ratelimit.allow(
                "involvement-link:" + ratelimit.client_key(request), settings.INVOLVEMENT_LINK_RATE_LIMIT
            ):
                return render(request, "involvement/get_link_too_many.html", status=429)
            involvement_link_request(email=email)
            return redirect("involvement:link_sent")
        http_status = 400
    else:
        form = GetLinkForm()
    return render(
        request, "involvement/get_link.html", {"form": form, "errors": _error_summary(form)}, status=http_status
    )


@require_GET
def link_sent(request):
    return render(request, "involvement/link_sent.html")


@require_GET
def forgotten(request):
    return render(request, "involvement/forgotten.html")


private_link = private_link_view(PersonLink.person_for, not_found_template="involvement/link_not_working.html")


@private_link
@require_GET
def home(request, person: Person, token: str):
    return render(
        request,
        "involvement/home.html",
        {"involvement": involvement_for(person=person), "person": person, "token": token},
    )


@private_link
@require_POST
def manage_booking(request, person: Person, token: str, booking_id: int):
    """Open one upcoming booking's own page: a new manage link, minted as the booking emails do."""
    booking = Booking.objects.filter(pk=booking_id, person=person).exclude(status=Booking.Status.CANCELLED).first()
    if booking is None:
        raise Http404("No such booking")
    return redirect(reverse("bookings:manage", args=[ManageLink.mint(booking=booking)]), permanent=False)


@private_link
@require_http_methods(["GET", "POST"])
def details(request, person: Person, token: str):
    """Name, pronouns and the rest; dietary needs for upcoming sessions; and, for someone who asked
    us to keep them on file, their access needs. Nothing is saved unless every part is right."""
    http_status = 200
    upcoming = upcoming_bookings(person=person)
    kept = kept_access_needs(person=person)
    if request.method == "POST":
        form = DetailsForm(request.POST, instance=Person(pk=person.pk, email=person.email))
        dietary_form = DetailsDietaryForm(request.POST) if upcoming else None
        access_form = KeptAccessNeedsForm(request.POST) if kept is not None else None
        if all(f.is_valid() for f in (form, dietary_form, access_form) if f is not None):
            with transaction.atomic():
                person_details_update(person=person, **{f: form.cleaned_data[f] for f in DetailsForm.Meta.fields})
                person_needs_update(
                    person=person,
                    dietary=DietaryAnswer(**_dietary(dietary_form)) if dietary_form is not None else None,
                    access=access_form.answer() if access_form is not None else None,
                )
            return redirect(reverse("involvement:details", args=[token]) + "?saved=1")
        http_status = 400
    else:
        form = DetailsForm(instance=person)
        dietary_form = DetailsDietaryForm(initial=DietaryFields.dietary_initial_from(upcoming[0])) if upcoming else None
        access_form = KeptAccessNeedsForm(initial=AccessNeedsFields.initial_from(kept)) if kept is not None else None
        if kept is not None:
            # The person is reading their own health information, but every view is logged.
            audit.log(None, "access_needs.viewed", person, actor_label=PARTICIPANT)
    context = {
        "person": person,
        "token": token,
        "form": form,
        "dietary_form": dietary_form,
        "access_form": access_form,
        "upcoming": upcoming,
        "errors": [error for f in (form, dietary_form, access_form) if f is not None for error in _error_summary(f)],
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "involvement/details.html", context, status=http_status)


def _dietary(form: DetailsDietaryForm) -> dict[str, Any]:
    fields = form.dietary_fields()
    return {"kinds": fields["dietary_kinds"], "details": fields["dietary_needs"]}


@private_link
@require_GET
def consents(request, person: Person, token: str):
    context = {
        "person": person,
        "token": token,
        "held": [(c, WITHDRAWALS[c.key]) for c in consents_held(person=person)],
        "withdrawn": request.GET.get("withdrawn", ""),
        "withdrawn_effect": WITHDRAWALS.get(request.GET.get("withdrawn", ""), ""),
    }
    return render(request, "involvement/consents.html", context)


@private_link
@require_POST
def withdraw(request, person: Person, token: str, kind: str):
    if kind not in WITHDRAWALS:
        raise Http404("No such consent")
    withdrawn = consent_withdraw(person=person, kind=kind)
    return redirect(reverse("involvement:consents", args=[token]) + ("?withdrawn=" + kind if withdrawn else ""))


@private_link
@require_GET
def download(request, person: Person, token: str):
    """Everything we hold about the person, as one JSON file."""
    data = person_data_download(person=person)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@private_link
@require_http_methods(["GET", "POST"])
def download_readable(request, person: Person, token: str):
    """The readable copy: POST asks the worker for it; GET says how it is going (refreshing by
    itself, with a link for anyone whose browser does not) and then offers the file."""
    if request.method == "POST":
        data_file_request(person=person)
        return redirect("involvement:download_readable", token=token)
    data_file = data_file_current(person=person)
    response = render(
        request, "involvement/download_readable.html", {"person": person, "token": token, "data_file": data_file}
    )
    add_never_cache_headers(response)
    return response


@private_link
@require_GET
def download_readable_file(request, person: Person, token: str):
    data_file = data_file_current(person=person)
    if data_file is None or data_file.state != DataFile.State.READY or not data_file.file:
        raise Http404("No file ready")
    audit.log(None, "person.data_downloaded", person, actor_label=PARTICIPANT, format="pdf")
    response = FileResponse(data_file.file.open("rb"), content_type="application/pdf", as_attachment=True)
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    add_never_cache_headers(response)
    return response


@private_link
@require_http_methods(["GET", "POST"])
def forget_me(request, person: Person, token: str):
    if request.method == "POST":
        person_forget_me(person=person)
        return redirect("involvement:forgotten")
    involvement = involvement_for(person=person)
    return render(request, "involvement/forget_me.html", {"person": person, "token": token, "involvement": involvement})


class PaymentChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label="What would you like to do?",
        choices=Payment.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you would like to do with the payment",
            "invalid_choice": "Choose what you would like to do with the payment",
        },
    )
    amount = forms.DecimalField(
        label="If you would like a smaller amount, how much? (in pounds)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        decimal_places=2,
        error_messages={
            "invalid": "Enter an amount in pounds, like 20 or 12.50",
            "min_value": "Enter an amount more than £0",
            "max_value": "Enter an amount less than the payment offered",
            "max_decimal_places": "Enter pounds and pence, like 12.50",
        },
    )
    donate_to = forms.CharField(
        label="If you would like to donate it, which charity?",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter the charity's name in 200 characters or fewer"},
    )


def _payments_page(
    request, person: Person, token: str, *, bound: tuple[int, PaymentChoiceForm] | None = None, status=200
):
    bookings = Booking.objects.filter(person=person, status__in=HAS_PLACE, session__payment_offer__isnull=False)
    for booking in bookings:
        fee_for_booking(booking)
    payments = list(
        Payment.objects.filter(person=person).select_related("session").order_by("-session__starts_at", "id")
    )
    rows = []
    for payment in payments:
        form = (
            bound[1]
            if bound and bound[0] == payment.pk
            else PaymentChoiceForm(prefix=f"p{payment.pk}", initial={"choice": payment.choice})
        )
        rows.append({"payment": payment, "form": form, "changeable": payment.status in Payment.CHANGEABLE})
    errors = _error_summary(bound[1]) if bound else []
    context = {"person": person, "token": token, "rows": rows, "errors": errors}
    return render(request, "involvement/payments.html", context, status=status)


@private_link
@require_GET
def payments(request, person: Person, token: str):
    """What they are offered, what they chose, what is due, paid or not paid and why."""
    return _payments_page(request, person, token)


@private_link
@require_POST
def payment_choice(request, person: Person, token: str, payment_id: int):
    payment = Payment.objects.filter(pk=payment_id, person=person, kind=Payment.Kind.FEE).first()
    if payment is None:
        raise Http404("No such payment")
    form = PaymentChoiceForm(request.POST, prefix=f"p{payment.pk}")
    if form.is_valid():
        amount = form.cleaned_data["amount"]
        try:
            payment_choose(
                payment_id=payment.pk,
                answer=ChoiceAnswer(
                    choice=form.cleaned_data["choice"],
                    amount_pence=int(amount * 100) if amount is not None else None,
                    donate_to=form.cleaned_data["donate_to"],
                ),
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        except PaymentStateError as error:
            form.add_error("choice", error.message)
        except OverBenefitLimit:
            # Benefit-safe mode: the warning step (involvement/benefit_views.py) before saving.
            return redirect(benefit_warning_url(token, payment, form.cleaned_data))
        else:
            return redirect(reverse("involvement:payments", args=[token]) + "?saved=1")
    return _payments_page(request, person, token, bound=(payment.pk, form), status=400)


def benefit_warning_url(token: str, payment: Payment, data: dict[str, Any]) -> str:
    query = {"choice": data["choice"]}
    if data.get("amount") is not None and data["choice"] == Payment.Choice.LESS:
        query["amount"] = str(int(data["amount"] * 100))
    return reverse("involvement:benefit_check", args=[token, payment.pk]) + "?" + urlencode(query)
