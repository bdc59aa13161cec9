"""Paying people for their time: the rate card, a session's offer, and payment items.

Money is whole pence (integers) end to end: amounts are stored, added and exported as pence, and
turned into pounds only when shown (`pounds()`). A fee is worked out once, when it is offered, as
the rate's pence times the quantity offered (hours, half days or days), rounded half up to a whole
penny; after that it is only ever added, never multiplied again, so totals equal the sum of their
lines.

Privacy: a payment says who is paid and how much, never bank details (finance pays; the export
says whom). What a person chose (ask for less, donate) is theirs and shown only to them and the
coordinating team. Every change of state is in the audit log (core/audit) with who, when, from
and to.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from roundtable.core.money import pounds as pounds  # the views and tests know it as payments.models.pounds


def times(amount_pence: int, quantity: Decimal) -> int:
    """A rate times a quantity (7.5 hours, 3 miles), rounded half up to a whole penny."""
    return int((Decimal(amount_pence) * Decimal(quantity)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class RateQuerySet(models.QuerySet["Rate"]):
    def in_effect(self, on: date) -> RateQuerySet:
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on)


class Rate(models.Model):
    """One line of the centre's rate card: how much per hour, half day, day or mile, from when
    until when (rates change; an old session keeps the rate it was offered at)."""

    class Unit(models.TextChoices):
        HOUR = "hour", "per hour"
        HALF_DAY = "half_day", "per half day"
        DAY = "day", "per day"
        MILE = "mile", "per mile"

    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    amount_pence = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rate_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {pounds(self.amount_pence)} {self.get_unit_display()}"


class Offer(models.Model):
    """What a session pays each person with a place: the rate, how many of its units for the
    session and for preparation, and what is repaid on top (said on the public session page)."""

    session = models.OneToOneField("cocreation.Session", on_delete=models.PROTECT, related_name="payment_offer")
    rate = models.ForeignKey(Rate, on_delete=models.PROTECT, related_name="offers")
    quantity = models.DecimalField(max_digits=5, decimal_places=2)
    preparation_quantity = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    repays = models.CharField("what is repaid", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Offer for session {self.session_id}"

    @property
    def fee_pence(self) -> int:
        return times(self.rate.amount_pence, self.quantity + self.preparation_quantity)

    @property
    def fee(self) -> str:
        return pounds(self.fee_pence)


class PaymentQuerySet(models.QuerySet["Payment"]):
    def unpaid(self) -> PaymentQuerySet:
        return self.filter(status__in=Payment.UNPAID)


class Payment(models.Model):
    """One thing owed to one person for one session: their fee, or one expense.

    offered → accepted or declined (the person's choice, changeable until paid) → due (they came)
    → approved (by another coordinator when the team has two or more) → paid, or rejected with a
    reason the person sees. The moves are in services.py, each under a row lock."""

    class Kind(models.TextChoices):
        FEE = "fee", "Fee for time"
        EXPENSE = "expense", "Expense"

    class ExpenseKind(models.TextChoices):
        TRAVEL = "travel", "Travel"
        CARER = "carer", "Carer or personal assistant"
        CHILDCARE = "childcare", "Childcare"
        SUPPORT_WORKER = "support_worker", "Support worker"
        SUBSISTENCE = "subsistence", "Food and drink"
        ACCOMMODATION = "accommodation", "Accommodation"

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DUE = "due", "Due"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"
        REJECTED = "rejected", "Not paid"

    class Choice(models.TextChoices):
        ACCEPT = "accept", "Accept the payment"
        LESS = "less", "Accept a smaller amount"
        VOUCHER = "voucher", "Take a voucher instead"
        DONATE = "donate", "Donate it to a charity"
        DECLINE = "decline", "Decline the payment"
        EXPENSES_ONLY = "expenses_only", "I only want my expenses repaid"

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        VOUCHER = "voucher", "Voucher"
        PAYROLL = "payroll", "Payroll"

    class Route(models.TextChoices):
        """How a fee is paid, from the person's answers about their employment (payment profile)."""

        NON_PAYROLL = "non_payroll", "Involvement payment (not through payroll)"
        PAYROLL = "payroll", "Through payroll"
        NOT_PAYABLE = "not_payable", "Not payable"

    UNPAID = (Status.ACCEPTED, Status.DUE, Status.APPROVED)
    CHANGEABLE = (Status.OFFERED, Status.ACCEPTED, Status.DECLINED, Status.DUE, Status.APPROVED)

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="payments")
    session = models.ForeignKey("cocreation.Session", on_delete=models.PROTECT, related_name="payments")
    booking = models.ForeignKey("bookings.Booking", on_delete=models.SET_NULL, null=True, related_name="payments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEE)
    expense_kind = models.CharField(max_length=20, choices=ExpenseKind.choices, blank=True)
    offered_pence = models.PositiveIntegerField(default=0)
    amount_pence = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="GBP")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    choice = models.CharField(max_length=20, choices=Choice.choices, blank=True)
    donate_to = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    paid_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    # An expense claim: what it was for in the person's words, the miles for travel by car (the
    # amount is the miles at the rate card's mileage rate), and the receipt's storage name (random,
    # never derived from the upload) with its checked type. Served only through receipt views.
    description = models.CharField(max_length=200, blank=True)
    miles = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    receipt = models.CharField(max_length=255, blank=True)
    receipt_type = models.CharField(max_length=50, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    route_reason = models.CharField(max_length=300, blank=True)
    # Benefit-safe "spread": the person asked the team to pay this fee on or after this date.
    pay_after = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "id"]
        indexes = [
            # The team's list filters by status and shows the newest first (bench: payments list).
            models.Index(fields=["status", "-id"], name="payment_status_newest"),
        ]
        constraints = [
            # One fee per person per session: setting the offer again, or a choice made twice, updates it.
            models.UniqueConstraint(
                fields=["session", "person"], condition=Q(kind="fee"), name="one_fee_per_person_per_session"
            ),
            models.CheckConstraint(condition=Q(currency="GBP"), name="payment_in_pounds"),
        ]

    def __str__(self) -> str:
        what = self.get_expense_kind_display() if self.kind == self.Kind.EXPENSE else "Fee"
        return f"{what} {pounds(self.amount_pence)} (payment {self.pk})"

    @property
    def amount(self) -> str:
        return pounds(self.amount_pence)

    @property
    def offered(self) -> str:
        return pounds(self.offered_pence)


class TravelRequest(models.Model):
    """ "Please book my travel for me": the centre books the person's travel to a session instead
    of them claiming it back. One per booking; withdrawing it deletes it."""

    booking = models.OneToOneField("bookings.Booking", on_delete=models.CASCADE, related_name="travel_request")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="travel_requests")
    session = models.ForeignKey("cocreation.Session", on_delete=models.CASCADE, related_name="travel_requests")
    details = models.CharField("where from and anything we should know", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session_id", "id"]

    def __str__(self) -> str:
        return f"Travel to book for booking {self.booking_id}"


class PaymentProfile(models.Model):
    """A person's own answers about being paid: benefit-safe mode with their weekly and monthly
    limits (blank: the centre's figures, settings PAYMENTS_BENEFIT_*_LIMIT_PENCE), and the
    employment questions that route a fee to payroll, non-payroll or not payable.

    Private like access needs: shown to the person and to coordinators only, every coordinator
    look audited (benefit_safe.viewed), deleted when they are forgotten, in their data download,
    and moved when two records are merged."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="payment_profile")
    benefit_safe = models.BooleanField(default=False)
    weekly_limit_pence = models.PositiveIntegerField(null=True, blank=True)
    monthly_limit_pence = models.PositiveIntegerField(null=True, blank=True)
    # None: not answered.
    paid_job = models.BooleanField(null=True, blank=True)
    public_work_time = models.BooleanField(null=True, blank=True)
    wants_payroll = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Payment profile of person {self.person_id}"

    @property
    def weekly_limit(self) -> int:
        if self.weekly_limit_pence is not None:
            return self.weekly_limit_pence
        return int(settings.PAYMENTS_BENEFIT_WEEKLY_LIMIT_PENCE)

    @property
    def monthly_limit(self) -> int:
        if self.monthly_limit_pence is not None:
            return self.monthly_limit_pence
        return int(settings.PAYMENTS_BENEFIT_MONTHLY_LIMIT_PENCE)
