"""A person's own pages, reached through their private link (no account, no password)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.bookings.forms import AccessNeedsFields, DietaryFields
from roundtable.bookings.models import Booking, ManageLink
from roundtable.core import audit, ratelimit
from roundtable.core.forms import PoundsField
from roundtable.core.pdf import pdf_response
from roundtable.core.privatelinks import private_link_view
from roundtable.core.templatetags.govuk import error_anchor
from roundtable.involvement.datafile import data_file_current, data_file_request
from roundtable.involvement.forms import (
    CorrectionForm,
    DetailsDietaryForm,
    DetailsForm,
    GetLinkForm,
    KeptAccessNeedsForm,
    smaller_amount_field,
)
from roundtable.involvement.models import DataFile, DataRequest, PersonLink
from roundtable.involvement.selectors import consents_held, involvement_for, kept_access_needs, upcoming_bookings
from roundtable.involvement.services import (
    PARTICIPANT,
    WITHDRAWALS,
    DietaryAnswer,
    consent_withdraw,
    correction_request_send,
    involvement_link_request,
    person_data_download,
    person_details_update,
    person_forget_me,
    person_needs_update,
)
from roundtable.payments.benefits import OverBenefitLimit
from roundtable.payments.models import Payment, TravelRequest
from roundtable.payments.services import (
    CLAIMABLE,
    WITHDRAWABLE,
    ChoiceAnswer,
    ExpenseClaim,
    PaymentStateError,
    expense_claim,
    expense_withdraw,
    payment_choose,
    travel_request,
    travel_request_withdraw,
)
from roundtable.people.models import Person
from roundtable.records.recognition import recognition_for


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
@require_GET
def letter(request, person: Person, token: str):
    """Their letter of involvement (PDF): the same builder and template as the one a coordinator
    downloads from the person's page, so both say the same. Audited as the person."""
    recognition = recognition_for(person)
    if not recognition.sessions:
        # The home page only offers the letter once they have come to a session.
        return redirect("involvement:home", token=token)
    audit.log(None, "person.recognition_letter", person, actor_label=PARTICIPANT, count=len(recognition.sessions))
    return pdf_response(
        "records/recognition.pdf.html",
        {"letter": recognition},
        filename=f"letter-of-involvement-{person.name}",
        request=request,
    )


@private_link
@require_http_methods(["GET", "POST"])
def correction(request, person: Person, token: str):
    """ "Ask us to correct something": recorded as a correction request, due in one month."""
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            data_request = correction_request_send(person=person, **form.cleaned_data)
            return redirect("involvement:correction_sent", token=token, request_id=data_request.pk)
        http_status = 400
    else:
        form = CorrectionForm()
        http_status = 200
    context = {"person": person, "token": token, "form": form, "errors": _error_summary(form)}
    return render(request, "involvement/correction.html", context, status=http_status)


@private_link
@require_GET
def correction_sent(request, person: Person, token: str, request_id: int):
    data_request = DataRequest.objects.filter(
        pk=request_id, person=person, kind=DataRequest.Kind.CORRECTION, from_person=True
    ).first()
    if data_request is None:
        raise Http404("No such request")
    context = {"person": person, "token": token, "data_request": data_request}
    return render(request, "involvement/correction_sent.html", context)


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


class TravelForm(forms.Form):
    details = forms.CharField(
        label="Where will you travel from, and anything we should know? (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "Say it in 500 characters or fewer"},
    )


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
    amount = smaller_amount_field("If you would like a smaller amount, how much? (in pounds)")
    donate_to = forms.CharField(
        label="If you would like to donate it, which charity?",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter the charity's name in 200 characters or fewer"},
    )


@dataclass
class SessionPayments:
    """One session on the Payments page: its fee and expense lines, and what they can do."""

    session: Any
    booking: Booking | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    travel: TravelRequest | None = None
    travel_form: TravelForm | None = None

    @property
    def can_ask_travel(self) -> bool:
        return self.can_claim and self.session.starts_at > timezone.now()

    @property
    def has_expenses(self) -> bool:
        return any(row["payment"].kind == Payment.Kind.EXPENSE for row in self.rows)

    @property
    def can_claim(self) -> bool:
        return self.booking is not None and self.booking.status in CLAIMABLE


def _payments_page(
    request,
    person: Person,
    token: str,
    *,
    bound: tuple[int, PaymentChoiceForm] | None = None,
    travel_bound: tuple[int, TravelForm] | None = None,
    status=200,
):
    """Read only: fees are made when a booking gains a place (payments/receivers.py). Queries: the
    link, then bookings, payments and travel requests, one each, however many there are."""
    groups: dict[int, SessionPayments] = {}
    bookings = (
        Booking.objects.filter(person=person, status__in=CLAIMABLE)
        .select_related("session")
        .order_by("-session__starts_at")
    )
    for booking in bookings:
        groups[booking.session_id] = SessionPayments(session=booking.session, booking=booking)
    payments = Payment.objects.filter(person=person).select_related("session").order_by("-kind", "id")
    for payment in payments:
        group = groups.setdefault(payment.session_id, SessionPayments(session=payment.session))
        form = None
        if payment.kind == Payment.Kind.FEE:
            form = (
                bound[1]
                if bound and bound[0] == payment.pk
                else PaymentChoiceForm(prefix=f"p{payment.pk}", initial={"choice": payment.choice})
            )
        group.rows.append(
            {
                "payment": payment,
                "form": form,
                "changeable": payment.status in Payment.CHANGEABLE,
                "withdrawable": payment.kind == Payment.Kind.EXPENSE and payment.status in WITHDRAWABLE,
            }
        )
    for travel in TravelRequest.objects.filter(person=person):
        asked = groups.get(travel.session_id)
        if asked is not None and asked.booking is not None:
            asked.travel = travel
    for group in groups.values():
        if group.booking is not None:
            group.travel_form = (
                travel_bound[1]
                if travel_bound and travel_bound[0] == group.booking.pk
                else TravelForm(prefix=f"t{group.booking.pk}")
            )
    ordered = sorted(groups.values(), key=lambda g: g.session.starts_at, reverse=True)
    errors = _error_summary(bound[1]) if bound else []
    if travel_bound:
        errors += _error_summary(travel_bound[1])
    context = {
        "person": person,
        "token": token,
        "groups": ordered,
        "errors": errors,
        "saved": SAVED.get(request.GET.get("saved", ""), ""),
    }
    return render(request, "involvement/payments.html", context, status=status)


SAVED = {
    "1": "We have saved your choice. You can change it until the payment is made.",
    "claim": "We have your expense claim. It shows below with where it is.",
    "withdrawn": "Your claim is withdrawn.",
    "travel": "We will book your travel and get in touch with the details.",
    "travel_withdrawn": "You have withdrawn your request: we will not book your travel.",
}


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


def _own_booking(person: Person, booking_id: int) -> Booking:
    booking = Booking.objects.select_related("session").filter(pk=booking_id, person=person).first()
    if booking is None:
        raise Http404("No such booking")
    return booking


class ExpenseClaimForm(forms.Form):
    expense_kind = forms.ChoiceField(
        label="What was it for?",
        choices=Payment.ExpenseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the expense was for", "invalid_choice": "Choose what it was for"},
    )
    amount = PoundsField(
        label="How much did it cost? (in pounds)",
        help_text="For example, 4.50. Leave this empty if you drove and are claiming miles.",
        required=False,
        example="4.50",
    )
    miles = forms.DecimalField(
        label="Or, if you drove, how many miles? (there and back)",
        help_text="We pay mileage at the centre's rate per mile. You do not need a receipt for miles.",
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages={
            "invalid": "Enter the miles as a number, like 12 or 7.5",
            "min_value": "Enter the miles you drove, more than 0",
            "max_value": "Enter 100 miles or fewer; for a longer journey, email us",
            "max_decimal_places": "Enter the miles with at most two decimal places",
        },
    )
    description = forms.CharField(
        label="What was it?",
        help_text="For example: bus fare there and back",
        required=False,
        max_length=200,
        error_messages={"max_length": "Describe it in 200 characters or fewer"},
    )
    receipt = forms.FileField(
        label="Photo or PDF of the receipt",
        help_text=(
            "A JPG, PNG or WebP photo, or a PDF. Needed for everything except miles driven. "
            "We remove the photo's location and camera details."
        ),
        required=False,
        # A phone offers its camera and photos for these; the type is still checked from the bytes.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
        error_messages={"empty": "The selected file is empty", "invalid": "Choose a photo or PDF of the receipt"},
    )


@private_link
@require_http_methods(["GET", "POST"])
def expense_claim_view(request, person: Person, token: str, booking_id: int):
    """Claim one expense for one session: a question page that works on a phone, without JavaScript."""
    booking = _own_booking(person, booking_id)
    if booking.status not in CLAIMABLE:
        raise Http404("No place at this session")
    http_status = 200
    if request.method == "POST":
        form = ExpenseClaimForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            amount = data["amount"]
            try:
                expense_claim(
                    booking=booking,
                    claim=ExpenseClaim(
                        expense_kind=data["expense_kind"],
                        amount_pence=int(amount * 100) if amount is not None else None,
                        miles=data["miles"],
                        description=data["description"],
                    ),
                    receipt=data["receipt"] or None,
                )
            except ValidationError as error:
                for name, messages_ in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages_)
            else:
                return redirect(reverse("involvement:payments", args=[token]) + "?saved=claim")
        http_status = 400
    else:
        form = ExpenseClaimForm()
    context = {"person": person, "token": token, "booking": booking, "form": form, "errors": _error_summary(form)}
    return render(request, "involvement/expense_claim.html", context, status=http_status)


@private_link
@require_POST
def expense_withdraw_view(request, person: Person, token: str, payment_id: int):
    try:
        expense_withdraw(payment_id=payment_id, person_id=person.pk)
    except Payment.DoesNotExist:
        raise Http404("No such claim") from None
    except PaymentStateError:
        return redirect(reverse("involvement:payments", args=[token]))
    return redirect(reverse("involvement:payments", args=[token]) + "?saved=withdrawn")


@private_link
@require_GET
def expense_receipt(request, person: Person, token: str, payment_id: int):
    """Their own receipt, and nobody else's."""
    payment = Payment.objects.filter(pk=payment_id, person=person).exclude(receipt="").first()
    if payment is None:
        raise Http404("No such receipt")
    try:
        handle = default_storage.open(payment.receipt, "rb")
    except FileNotFoundError:
        raise Http404("No such receipt") from None
    response = FileResponse(handle, content_type=payment.receipt_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.pk}{_suffix(payment.receipt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    add_never_cache_headers(response)
    return response


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


@private_link
@require_POST
def travel_request_view(request, person: Person, token: str, booking_id: int):
    """Ask the centre to book travel, or take the request back (the button says which)."""
    booking = _own_booking(person, booking_id)
    if request.POST.get("action") == "withdraw":
        travel_request_withdraw(booking=booking)
        return redirect(reverse("involvement:payments", args=[token]) + "?saved=travel_withdrawn")
    if booking.status not in CLAIMABLE:
        raise Http404("No place at this session")
    form = TravelForm(request.POST, prefix=f"t{booking.pk}")
    if form.is_valid():
        try:
            travel_request(booking=booking, details=form.cleaned_data["details"])
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages_)
        else:
            return redirect(reverse("involvement:payments", args=[token]) + "?saved=travel")
    return _payments_page(request, person, token, travel_bound=(booking.pk, form), status=400)


@private_link_view(ManageLink.booking_for, not_found_template="bookings/link_not_working.html")
@require_POST
def booking_payments(request, booking: Booking, token: str):
    """From a booking's own page to the person's Payments page (or the claim page for this
    session): a new involvement link, minted as the involvement emails do."""
    person_token = PersonLink.mint(person=booking.person)
    if request.POST.get("next") == "claim" and booking.status in CLAIMABLE:
        return redirect("involvement:expense_claim", token=person_token, booking_id=booking.pk)
    return redirect("involvement:payments", token=person_token)


def benefit_warning_url(token: str, payment: Payment, data: dict[str, Any]) -> str:
    query = {"choice": data["choice"]}
    if data.get("amount") is not None and data["choice"] == Payment.Choice.LESS:
        query["amount"] = str(int(data["amount"] * 100))
    return reverse("involvement:benefit_check", args=[token, payment.pk]) + "?" + urlencode(query)
