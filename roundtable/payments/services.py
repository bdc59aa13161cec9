"""Every write to payments: the rate card, a session's offer, the person's choice, and the moves
offered → accepted/declined → due → approved → paid or rejected.

Each move locks the payment's row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE
transaction already holds the only write lock) and checks the state it finds under the lock, so
two coordinators approving at once approve it once and the second is told it is already
approved. Each move is audited with who, from and to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.models import AuditEntry
from roundtable.payments.benefits import INCOME_CHOICES, OverBenefitLimit, benefit_check, profile_for, route_for
from roundtable.payments.models import Offer, Payment, PaymentProfile, Rate, TravelRequest, pounds, times
from roundtable.payments.receipts import UploadRefused, check_receipt, delete_receipts, store_receipt

HAS_PLACE = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED)
MAX_QUANTITY = Decimal(100)


class PaymentStateError(Exception):
    """A move the payment's state does not allow (the API answers 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PaymentNotAllowed(Exception):
    """A coordinator may not make this move (approving what they created, in a team of two or more)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _log(actor: Any, payment: Payment, old: str, *, verb: str, **data: Any) -> None:
    label = "" if getattr(actor, "is_authenticated", False) else "participant"
    audit.log(actor, verb, payment, actor_label=label, from_status=old, to_status=payment.status, **data)


def _lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


# The rate card ------------------------------------------------------------------------------


@transaction.atomic
def rate_create(
    *, name: str, unit: str, amount_pence: int, effective_from: date, effective_to: date | None, actor: User
) -> Rate:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter a name for the rate"
    if unit not in Rate.Unit.values:
        errors["unit"] = "Choose what the rate is for: an hour, a half day, a day or a mile"
    if amount_pence <= 0:
        errors["amount"] = "Enter an amount of at least 1p"
    if effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = "The last day must be on or after the first day"
    if errors:
        raise ValidationError(errors)
    rate = Rate.objects.create(
        name=name.strip(),
        unit=unit,
        amount_pence=amount_pence,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    audit.log(actor, "payment_rate.created", rate, amount_pence=amount_pence, unit=unit)
    return rate


# A session's offer --------------------------------------------------------------------------


def _quantity(value: Any, field: str, errors: dict[str, str], *, required: bool) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = "Enter a number, like 3 or 2.5"
        return Decimal(0)
    if not number.is_finite() or number < 0 or number > MAX_QUANTITY or number != number.quantize(Decimal("0.01")):
        errors[field] = "Enter a number from 0 to 100, with at most two decimal places"
    elif required and number == 0:
        errors[field] = "Enter how many, more than 0"
    return number


@transaction.atomic
def offer_set(
    *, session: Session, rate: Rate, quantity: Any, preparation_quantity: Any = 0, repays: str = "", actor: User
) -> Offer:
    """Set or change what a session pays. Everyone with a place gets an offered fee; a fee nobody
    has answered yet follows the new amount, one already chosen keeps what was agreed."""
    errors: dict[str, str] = {}
    qty = _quantity(quantity, "quantity", errors, required=True)
    prep = _quantity(preparation_quantity, "preparation_quantity", errors, required=False)
    day = timezone.localdate(session.starts_at)
    if rate.unit == Rate.Unit.MILE:
        errors["rate"] = "Choose a rate for time (per hour, half day or day), not mileage"
    elif not Rate.objects.in_effect(day).filter(pk=rate.pk).exists():
        errors["rate"] = f"That rate is not in effect on the day of the session ({day:%-d %B %Y})"
    if len(repays) > 200:
        errors["repays"] = "Say what is repaid in 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    Session.objects.locked(session.pk)
    offer, created = Offer.objects.update_or_create(
        session=session,
        defaults={"rate": rate, "quantity": qty, "preparation_quantity": prep, "repays": repays.strip()},
        create_defaults={
            "rate": rate,
            "quantity": qty,
            "preparation_quantity": prep,
            "repays": repays.strip(),
            "created_by": actor,
        },
    )
    offer.rate = rate
    # The public session page says what is paid; its cache key moves with the session's updated_at.
    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now())
    audit.log(actor, "payment_offer.set", offer, session_id=session.pk, fee_pence=offer.fee_pence)
    offer_sync(offer=offer, actor=actor)
    return offer


def offer_sync(*, offer: Offer, actor: User | None) -> int:
    """An offered fee for everyone with a place who has none yet; unanswered fees follow the offer.
    Returns how many fees were added."""
    fee = offer.fee_pence
    Payment.objects.filter(session_id=offer.session_id, kind=Payment.Kind.FEE, status=Payment.Status.OFFERED).update(
        offered_pence=fee, amount_pence=fee, updated_at=timezone.now()
    )
    have = set(
        Payment.objects.filter(session_id=offer.session_id, kind=Payment.Kind.FEE).values_list("person_id", flat=True)
    )
    bookings = list(
        Booking.objects.filter(session_id=offer.session_id, status__in=HAS_PLACE).exclude(person_id__in=have)
    )
    profiles = {p.person_id: p for p in PaymentProfile.objects.filter(person_id__in=[b.person_id for b in bookings])}
    added = [
        Payment(
            person_id=b.person_id,
            session_id=offer.session_id,
            booking=b,
            kind=Payment.Kind.FEE,
            offered_pence=fee,
            amount_pence=fee,
            created_by=offer.created_by or actor,
            **_first_route(profiles.get(b.person_id)),
        )
        for b in bookings
    ]
    Payment.objects.bulk_create(added)
    return len(added)


def _first_route(profile: PaymentProfile | None) -> dict[str, Any]:
    """A new fee for someone who has answered the employment questions starts on its route; one
    that is not payable starts declined, with the reason they see."""
    if profile is None:
        return {}
    route, reason = route_for(profile)
    fields: dict[str, Any] = {"route": route, "route_reason": reason}
    if route == Payment.Route.NOT_PAYABLE:
        fields.update(status=Payment.Status.DECLINED, choice=Payment.Choice.DECLINE)
    return fields


def fee_for_booking(booking: Booking) -> Payment | None:
    """The booking's fee, made now if the session has an offer and the booking a place but no fee
    yet (someone who signed up after the offer was set)."""
    fee = Payment.objects.filter(session_id=booking.session_id, person_id=booking.person_id, kind="fee").first()
    if fee is not None or booking.status not in HAS_PLACE:
        return fee
    offer = Offer.objects.select_related("rate").filter(session_id=booking.session_id).first()
    if offer is None:
        return None
    with transaction.atomic():
        fee, _ = Payment.objects.get_or_create(
            session_id=booking.session_id,
            person_id=booking.person_id,
            kind=Payment.Kind.FEE,
            defaults={
                "booking": booking,
                "offered_pence": offer.fee_pence,
                "amount_pence": offer.fee_pence,
                "created_by": offer.created_by,
                **_first_route(profile_for(booking.person_id)),
            },
        )
    return fee


# The person's choice -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceAnswer:
    choice: str
    amount_pence: int | None = None  # for "less"
    donate_to: str = ""  # for "donate"
    pay_after: date | None = None  # benefit-safe "spread": pay it on or after this day
    understood_over_limit: bool = False  # benefit-safe: they said they understand it goes over


@transaction.atomic
def payment_choose(*, payment_id: int, answer: ChoiceAnswer, actor: Any = None) -> Payment:
    """The person accepts, asks for less, takes a voucher, donates or declines. They may change
    their mind until it is paid; a change after approval needs approving again."""
    payment = _lock(payment_id)
    if payment.status not in Payment.CHANGEABLE:
        raise PaymentStateError(
            "This payment has been paid, so it can no longer be changed."
            if payment.status == Payment.Status.PAID
            else "This payment was not made, so it can no longer be changed."
        )
    errors: dict[str, str] = {}
    amount = payment.offered_pence
    if answer.choice not in Payment.Choice.values:
        errors["choice"] = "Choose what you would like to do with the payment"
    elif answer.choice == Payment.Choice.LESS:
        if answer.amount_pence is None:
            errors["amount"] = "Enter the amount you would like, in pounds, like 20 or 12.50"
        elif not 0 < answer.amount_pence < payment.offered_pence:
            errors["amount"] = f"Enter an amount more than £0 and less than {pounds(payment.offered_pence)}"
        else:
            amount = answer.amount_pence
    elif answer.choice == Payment.Choice.DONATE:
        if not answer.donate_to.strip():
            errors["donate_to"] = "Enter the name of the charity"
        elif len(answer.donate_to) > 200:
            errors["donate_to"] = "Enter the charity's name in 200 characters or fewer"
    route, route_reason = route_for(profile_for(payment.person_id))
    if not errors and route == Payment.Route.NOT_PAYABLE and answer.choice in INCOME_CHOICES:
        errors["choice"] = f"{route_reason} Choose expenses only or decline the payment."
    session_day = timezone.localdate(payment.session.starts_at)
    if not errors and answer.pay_after is not None and answer.pay_after <= session_day:
        errors["pay_after"] = "Enter a date after the day of the session"
    if not errors and answer.choice in INCOME_CHOICES and not answer.understood_over_limit:
        check = benefit_check(payment=payment, amount_pence=amount, day=answer.pay_after or session_day)
        if check is not None and check.over:
            raise OverBenefitLimit(check)
    if errors:
        raise ValidationError(errors)
    old = payment.status
    payment.route, payment.route_reason = route, route_reason
    payment.pay_after = answer.pay_after if answer.choice in INCOME_CHOICES else None
    payment.choice = answer.choice
    payment.donate_to = answer.donate_to.strip() if answer.choice == Payment.Choice.DONATE else ""
    payment.amount_pence = amount
    if answer.choice in (Payment.Choice.DECLINE, Payment.Choice.EXPENSES_ONLY):
        payment.status = Payment.Status.DECLINED
    elif payment.booking_id and Booking.objects.filter(pk=payment.booking_id, status=Booking.Status.ATTENDED).exists():
        payment.status = Payment.Status.DUE
    else:
        payment.status = Payment.Status.ACCEPTED
    payment.approved_by = None
    payment.save()
    _log(
        actor,
        payment,
        old,
        verb="payment.chosen",
        choice=answer.choice,
        amount_pence=amount,
        route=route,
        **({"pay_after": payment.pay_after.isoformat()} if payment.pay_after else {}),
        **({"understood_over_limit": True} if answer.understood_over_limit else {}),
    )
    return payment


# Attendance ----------------------------------------------------------------------------------


def attendance_changed(*, booking: Booking, new: str, actor: User | None) -> None:
    """Marking someone attended makes their accepted fee and expense claims due; taking it back
    (undo or did not come) returns what is due to accepted, except a fee a coordinator made due
    anyway (fee_due_anyway: they came for part, or we pay anyway). Approved or paid items are left
    alone."""
    came = new == Booking.Status.ATTENDED
    theirs = Payment.objects.select_for_update().filter(
        session_id=booking.session_id,
        person_id=booking.person_id,
        status=Payment.Status.ACCEPTED if came else Payment.Status.DUE,
    )
    paid_anyway: set[str] = set()
    if not came:
        # A coordinator's "pay them anyway" (fee_due_anyway) stands when attendance is taken back.
        paid_anyway = set(
            AuditEntry.objects.filter(
                verb="payment.due_anyway",
                target_type=Payment._meta.label_lower,
                target_id__in=[str(pk) for pk in theirs.values_list("pk", flat=True)],
            ).values_list("target_id", flat=True)
        )
    for payment in theirs.order_by("id"):
        if str(payment.pk) in paid_anyway:
            continue
        old = payment.status
        payment.status = Payment.Status.DUE if came else Payment.Status.ACCEPTED
        payment.save(update_fields=["status", "updated_at"])
        _log(actor, payment, old, verb="payment.due" if came else "payment.not_due")


# Changing a fee: the hours, or due anyway for someone who did not come ------------------------

CHANGE_HOURS_FROM = (Payment.Status.ACCEPTED, Payment.Status.DUE)


def _change_reason(reason: str, errors: dict[str, str]) -> str:
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Say why (the person will see this)"
    elif len(reason) > 1000:
        errors["reason"] = "The reason must be 1,000 characters or fewer"
    return reason


def _fee_rate_pence(payment: Payment) -> int:
    offer = Offer.objects.select_related("rate").filter(session_id=payment.session_id).first()
    if offer is None:
        raise PaymentStateError("This session has no offer, so there is no rate to work the fee out from.")
    return offer.rate.amount_pence


@transaction.atomic
def fee_change_hours(*, payment_id: int, hours: Any, reason: str, actor: User) -> Payment:
    """Pay a fee for a different number of hours (or half days, or days: the offer's unit) than
    offered: the amount becomes the rate times the new number, the reason is shown to the person
    ("changed because …") and the audit keeps from, to and why. Only an accepted or due fee."""
    errors: dict[str, str] = {}
    quantity = _quantity(hours, "hours", errors, required=True)
    reason = _change_reason(reason, errors)
    if errors:
        raise ValidationError(errors)
    payment = _lock(payment_id)
    if payment.kind != Payment.Kind.FEE:
        raise PaymentStateError("Only a fee for time is worked out from hours; an expense is what was spent.")
    if payment.status not in CHANGE_HOURS_FROM:
        raise PaymentStateError(
            f"Only an accepted or due fee can be changed; this one is {payment.get_status_display().lower()}."
        )
    old_amount = payment.amount_pence
    new = times(_fee_rate_pence(payment), quantity)
    # Someone who asked for less keeps asking for less, unless the new fee is lower still.
    asked_less = payment.choice == Payment.Choice.LESS and payment.amount_pence < payment.offered_pence
    payment.offered_pence = new
    payment.amount_pence = min(payment.amount_pence, new) if asked_less else new
    payment.reason = reason
    payment.save(update_fields=["offered_pence", "amount_pence", "reason", "updated_at"])
    _log(
        actor,
        payment,
        payment.status,
        verb="payment.fee_changed",
        from_pence=old_amount,
        to_pence=payment.amount_pence,
        quantity=str(quantity),
        reason=reason,
    )
    return payment


@transaction.atomic
def fee_due_anyway(*, payment_id: int, reason: str, hours: Any = None, actor: User) -> Payment:
    """Someone marked as not coming (or not marked at all) is paid anyway: they came for part, or
    the session was cancelled on the day. Their accepted fee becomes due, for the hours given if
    any (the rate times them), with the reason shown to them and audited."""
    errors: dict[str, str] = {}
    quantity = None
    if hours not in (None, ""):
        quantity = _quantity(hours, "hours", errors, required=True)
    reason = _change_reason(reason, errors)
    if errors:
        raise ValidationError(errors)
    payment = _lock(payment_id)
    if payment.kind != Payment.Kind.FEE or payment.status != Payment.Status.ACCEPTED:
        raise PaymentStateError(
            f"Only an accepted fee can be made due; this one is {payment.get_status_display().lower()}."
        )
    if payment.booking_id and Booking.objects.filter(pk=payment.booking_id, status=Booking.Status.ATTENDED).exists():
        raise PaymentStateError("They are marked as having come, so their fee is due already.")
    if Session.objects.filter(pk=payment.session_id, starts_at__gt=timezone.now()).exists():
        raise PaymentStateError("The session has not started yet, so nothing can be due for it.")
    old_amount = payment.amount_pence
    if quantity is not None:
        new = times(_fee_rate_pence(payment), quantity)
        payment.offered_pence = new
        payment.amount_pence = min(payment.amount_pence, new) if payment.choice == Payment.Choice.LESS else new
    payment.status = Payment.Status.DUE
    payment.reason = reason
    payment.save(update_fields=["offered_pence", "amount_pence", "status", "reason", "updated_at"])
    _log(
        actor,
        payment,
        Payment.Status.ACCEPTED,
        verb="payment.due_anyway",
        from_pence=old_amount,
        to_pence=payment.amount_pence,
        quantity="" if quantity is None else str(quantity),
        reason=reason,
    )
    return payment


# Approving and paying ------------------------------------------------------------------------


def team_needs_second_pair_of_eyes() -> bool:
    return User.objects.filter(role=User.Role.COORDINATOR, is_active=True).count() >= 2


@transaction.atomic
def payment_approve(*, payment_id: int, actor: User) -> Payment:
    payment = _lock(payment_id)
    if payment.status != Payment.Status.DUE:
        raise PaymentStateError(
            f"Only a payment that is due can be approved; this one is {payment.get_status_display().lower()}."
        )
    if payment.created_by_id == actor.pk and team_needs_second_pair_of_eyes():
        raise PaymentNotAllowed("You set up this payment, so another coordinator needs to approve it.")
    old = payment.status
    payment.status = Payment.Status.APPROVED
    payment.approved_by = actor
    payment.save(update_fields=["status", "approved_by", "updated_at"])
    _log(actor, payment, old, verb="payment.approved")
    return payment


@transaction.atomic
def payment_mark_paid(*, payment_id: int, method: str, paid_on: date | None, reference: str, actor: User) -> Payment:
    errors: dict[str, str] = {}
    if method not in Payment.Method.values:
        errors["method"] = "Choose how it was paid: bank transfer, voucher or payroll"
    if paid_on is None:
        errors["paid_on"] = "Enter the date it was paid"
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "The date it was paid must be today or in the past"
    if len(reference) > 100:
        errors["reference"] = "The reference must be 100 characters or fewer"
    if errors:
        raise ValidationError(errors)
    payment = _lock(payment_id)
    if payment.status != Payment.Status.APPROVED:
        raise PaymentStateError(
            f"Only an approved payment can be marked as paid; this one is {payment.get_status_display().lower()}."
        )
    if paid_on is not None and payment.pay_after is not None and paid_on < payment.pay_after:
        # Benefit-safe "spread": paying it sooner could take them over a benefit limit.
        raise ValidationError(
            {
                "paid_on": f"They asked for this to be paid on or after {payment.pay_after:%-d %B %Y}, to stay within a benefit limit"
            }
        )
    old = payment.status
    payment.status = Payment.Status.PAID
    payment.method = method
    payment.paid_on = paid_on
    payment.reference = reference.strip()
    payment.paid_at = timezone.now()
    payment.save(update_fields=["status", "method", "paid_on", "reference", "paid_at", "updated_at"])
    _log(actor, payment, old, verb="payment.paid", method=method)
    return payment


@transaction.atomic
def payment_reject(*, payment_id: int, reason: str, actor: User) -> Payment:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why it will not be paid (the person will see this)"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "The reason must be 1,000 characters or fewer"})
    payment = _lock(payment_id)
    if payment.status not in (Payment.Status.ACCEPTED, Payment.Status.DUE, Payment.Status.APPROVED):
        raise PaymentStateError(
            f"Only an accepted, due or approved payment can be rejected; this one is "
            f"{payment.get_status_display().lower()}."
        )
    old = payment.status
    payment.status = Payment.Status.REJECTED
    payment.reason = reason
    payment.save(update_fields=["status", "reason", "updated_at"])
    _log(actor, payment, old, verb="payment.rejected")
    return payment


@transaction.atomic
def expense_add(
    *,
    booking: Booking,
    expense_kind: str,
    amount_pence: int | None = None,
    miles: Any = None,
    description: str = "",
    receipt: str = "",
    receipt_type: str = "",
    actor: Any = None,
) -> Payment:
    """One expense line for a booking: an amount, or for travel by car a number of miles at the
    rate card's mileage rate on the day of the session. Expenses are due once the person came."""
    errors: dict[str, str] = {}
    if expense_kind not in Payment.ExpenseKind.values:
        errors["expense_kind"] = "Choose what the expense was for"
    if miles is not None:
        distance = _quantity(miles, "miles", errors, required=True)
        day = timezone.localdate(booking.session.starts_at)
        rate = Rate.objects.in_effect(day).filter(unit=Rate.Unit.MILE).order_by("-effective_from").first()
        if rate is None:
            errors["miles"] = "The rate card has no mileage rate for the day of the session"
        else:
            amount_pence = times(rate.amount_pence, distance)
    if amount_pence is None or amount_pence <= 0:
        errors.setdefault("amount", "Enter an amount of at least 1p")
    if errors:
        raise ValidationError(errors)
    assert amount_pence is not None
    came = booking.status == Booking.Status.ATTENDED
    payment = Payment.objects.create(
        person_id=booking.person_id,
        session_id=booking.session_id,
        booking=booking,
        kind=Payment.Kind.EXPENSE,
        expense_kind=expense_kind,
        offered_pence=amount_pence,
        amount_pence=amount_pence,
        status=Payment.Status.DUE if came else Payment.Status.ACCEPTED,
        choice=Payment.Choice.ACCEPT,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        description=description.strip(),
        miles=distance if miles is not None else None,
        receipt=receipt,
        receipt_type=receipt_type,
    )
    _log(actor, payment, "", verb="payment.expense_added", amount_pence=amount_pence)
    return payment


# Claims from the person (their private link) --------------------------------------------------

CLAIMABLE = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED)
WITHDRAWABLE = (Payment.Status.ACCEPTED, Payment.Status.DUE)


@dataclass(frozen=True)
class ExpenseClaim:
    expense_kind: str
    amount_pence: int | None = None  # or, for travel by car:
    miles: Decimal | None = None
    description: str = ""


def mileage_rate_for(booking: Booking) -> Rate | None:
    day = timezone.localdate(booking.session.starts_at)
    return Rate.objects.in_effect(day).filter(unit=Rate.Unit.MILE).order_by("-effective_from").first()


def expense_claim(*, booking: Booking, claim: ExpenseClaim, receipt: Any = None, actor: Any = None) -> Payment:
    """A person claims an expense for a session they have a place at: an amount with a receipt,
    or for travel by car the miles (receipt optional). Every check runs before anything is
    written; the receipt is stored, then the row made in one transaction, and a stored receipt is
    deleted again if the row is not made, so nothing is ever half-written."""
    errors: dict[str, str] = {}
    if booking.status not in CLAIMABLE:
        errors["expense_kind"] = "You can claim expenses only for a session you have a place at"
    if claim.expense_kind not in Payment.ExpenseKind.values:
        errors["expense_kind"] = "Choose what the expense was for"
    if claim.miles is not None and claim.amount_pence is not None:
        errors["amount"] = "Enter an amount or the miles you drove, not both"
    elif claim.miles is not None:
        if claim.expense_kind and claim.expense_kind != Payment.ExpenseKind.TRAVEL:
            errors["miles"] = "Miles are only for travel by car; enter an amount for anything else"
        elif mileage_rate_for(booking) is None:
            errors["miles"] = "We cannot pay mileage for this session; enter what the journey cost instead"
    elif claim.amount_pence is None:
        errors["amount"] = "Enter how much it cost, or for travel by car the miles you drove"
    elif claim.amount_pence <= 0:
        errors["amount"] = "Enter an amount of at least 1p"
    description = claim.description.strip()
    if not description:
        errors["description"] = "Say briefly what it was, for example: bus fare there and back"
    elif len(description) > 200:
        errors["description"] = "Describe it in 200 characters or fewer"
    if receipt is None:
        if claim.miles is None:
            errors["receipt"] = "Add a photo or PDF of the receipt"
    else:
        try:
            check_receipt(receipt)
        except UploadRefused as refused:
            errors["receipt"] = str(refused)
    if errors:
        raise ValidationError(errors)
    name, content_type = "", ""
    if receipt is not None:
        try:
            name, content_type = store_receipt(receipt)
        except UploadRefused as refused:
            raise ValidationError({"receipt": str(refused)}) from None
    try:
        return expense_add(
            booking=booking,
            expense_kind=claim.expense_kind,
            amount_pence=claim.amount_pence,
            miles=claim.miles,
            description=description,
            receipt=name,
            receipt_type=content_type,
            actor=actor,
        )
    except BaseException:
        delete_receipts([name])
        raise


@transaction.atomic
def expense_withdraw(*, payment_id: int, person_id: int) -> None:
    """The person takes back a claim that is not yet approved: the line and its receipt go."""
    payment = _lock(payment_id)
    if payment.person_id != person_id or payment.kind != Payment.Kind.EXPENSE:
        raise Payment.DoesNotExist
    if payment.status not in WITHDRAWABLE:
        raise PaymentStateError("This claim has been approved or settled, so it can no longer be withdrawn.")
    audit.log(
        None,
        "payment.expense_withdrawn",
        payment,
        actor_label="participant",
        from_status=payment.status,
        amount_pence=payment.amount_pence,
    )
    name = payment.receipt
    payment.delete()
    transaction.on_commit(lambda: delete_receipts([name]))


@transaction.atomic
def travel_request(*, booking: Booking, details: str = "") -> TravelRequest:
    """ "Please book my travel for me": asked once per booking (asking again keeps the first)."""
    details = details.strip()
    if len(details) > 500:
        raise ValidationError({"details": "Say it in 500 characters or fewer"})
    if booking.status not in CLAIMABLE:
        raise ValidationError({"details": "We can book travel only for a session you have a place at"})
    if booking.session.starts_at <= timezone.now():
        raise ValidationError({"details": "This session has started, so we can no longer book travel for it"})
    request, created = TravelRequest.objects.get_or_create(
        booking=booking,
        defaults={"person_id": booking.person_id, "session_id": booking.session_id, "details": details},
    )
    if created:
        audit.log(None, "travel_request.made", booking, actor_label="participant")
    return request


@transaction.atomic
def travel_request_withdraw(*, booking: Booking) -> bool:
    deleted, _ = TravelRequest.objects.filter(booking=booking).delete()
    if deleted:
        audit.log(None, "travel_request.withdrawn", booking, actor_label="participant")
    return bool(deleted)
