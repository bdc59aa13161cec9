"""Demo payments: a rate card, and the latest past session paying its contributors with a fee in
every state (offered, accepted by someone who then did not come, declined, due, approved, paid, not
paid) and expenses beside them (a childcare claim with a photo of its receipt); the next session
says up front what it pays, and two people have accepted already. Everything goes through the
payments services, so the audit log shows each move as it would in use. Idempotent: a session that
has an offer is left alone.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from roundtable.accounts.models import User
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Programme, Session
from roundtable.payments import services
from roundtable.payments.models import Offer, Payment, Rate

PROGRAMME_SLUG = "building-the-centre-together"
COORDINATOR_EMAIL = "coordinator@example.org"
RATES = [
    # (name, unit, pence) — the centre's own figures, checked each April.
    ("Involvement (hourly)", Rate.Unit.HOUR, 2750),
    ("Involvement (half day)", Rate.Unit.HALF_DAY, 9000),
    ("Involvement (day)", Rate.Unit.DAY, 17500),
    ("Mileage by car", Rate.Unit.MILE, 45),
]
REPAYS = "travel, care and childcare costs"


def _coordinator() -> User | None:
    return (
        User.objects.filter(email=COORDINATOR_EMAIL).first() or User.objects.filter(role=User.Role.COORDINATOR).first()
    )


def _rates(actor: User) -> dict[str, Rate]:
    start = date(timezone.localdate().year - 2, 4, 6)
    rates: dict[str, Rate] = {}
    for name, unit, pence in RATES:
        rate = Rate.objects.filter(name=name).first()
        if rate is None:
            rate = services.rate_create(
                name=name, unit=unit, amount_pence=pence, effective_from=start, effective_to=None, actor=actor
            )
        rates[unit] = rate
    return rates


@transaction.atomic
def seed_payments() -> dict[str, int]:
    """Returns how many of the demo's payments are in each state ({} without a past session)."""
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    actor = _coordinator()
    if programme is None or actor is None:
        return {}
    rates = _rates(actor)
    sessions = Session.objects.filter(programme=programme)
    past = sessions.filter(ends_at__lt=timezone.now(), bookings__status=Booking.Status.ATTENDED).distinct()
    paying = past.order_by("-starts_at").first()
    coming = sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if coming is not None and not Offer.objects.filter(session=coming).exists():
        services.offer_set(session=coming, rate=rates[Rate.Unit.HOUR], quantity=Decimal(3), repays=REPAYS, actor=actor)
        # Two people have said yes ahead of the day; their fees fall due when they are marked as come.
        for fee in Payment.objects.filter(session=coming, kind=Payment.Kind.FEE).order_by("id")[:2]:
            services.payment_choose(payment_id=fee.pk, answer=services.ChoiceAnswer(choice="accept"), actor=None)
    if paying is None:
        return {}
    demo_sessions = [s for s in (paying, coming) if s is not None]
    if not Offer.objects.filter(session=paying).exists():
        services.offer_set(
            session=paying,
            rate=rates[Rate.Unit.HOUR],
            quantity=Decimal(3),
            preparation_quantity=Decimal(1),
            repays=REPAYS,
            actor=actor,
        )
        _every_state(paying, actor)
    counts: dict[str, int] = {}
    for status in Payment.objects.filter(session__in=demo_sessions).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _every_state(session: Session, actor: User) -> None:
    fees = list(
        Payment.objects.filter(session=session, kind=Payment.Kind.FEE)
        .select_related("booking")
        .order_by("person__name", "id")
    )
    came = [f for f in fees if f.booking and f.booking.status == Booking.Status.ATTENDED]
    other = [f for f in fees if f not in came]
    paid_on = timezone.localdate(session.ends_at) + timedelta(days=10)
    if paid_on > timezone.localdate():
        paid_on = timezone.localdate()
    # Who came: paid by bank transfer, paid as a voucher, approved, due, one asked for less,
    # one donated, one rejected with a reason they see; anyone left has not answered yet.
    plan = [
        ("accept", "paid", Payment.Method.BANK_TRANSFER),
        ("voucher", "paid", Payment.Method.VOUCHER),
        ("accept", "approved", None),
        ("accept", "due", None),
        ("less", "due", None),
        ("donate", "paid", Payment.Method.BANK_TRANSFER),
        ("accept", "rejected", None),
        ("decline", "", None),
    ]
    for fee, (choice, end, method) in zip(came, plan, strict=False):
        answer = services.ChoiceAnswer(
            choice=choice,
            amount_pence=fee.offered_pence // 2 if choice == "less" else None,
            donate_to="Carers Trust" if choice == "donate" else "",
        )
        services.payment_choose(payment_id=fee.pk, answer=answer, actor=None)
        if end in ("approved", "paid"):
            services.payment_approve(payment_id=fee.pk, actor=actor)
        if end == "paid":
            assert method is not None
            services.payment_mark_paid(
                payment_id=fee.pk, method=method, paid_on=paid_on, reference=f"RT-{fee.pk:05d}", actor=actor
            )
        if end == "rejected":
            services.payment_reject(
                payment_id=fee.pk,
                reason="You told us you came in your NHS work time, so your employer pays you for it.",
                actor=actor,
            )
    # Someone with a place who has not been marked yet: their acceptance waits for attendance.
    for fee in other[:1]:
        services.payment_choose(payment_id=fee.pk, answer=services.ChoiceAnswer(choice="accept"), actor=None)
    # Someone who accepted before the day and then did not come: nothing is due unless the team
    # says so (the payment's page offers "pay it anyway"). Their fee was made while they had a
    # place; the demo's history is written directly, as seed_demo writes past bookings.
    no_show = (
        Booking.objects.filter(session=session, status=Booking.Status.NO_SHOW)
        .exclude(person__payments__session=session)
        .order_by("id")
        .first()
    )
    if no_show is not None and fees:
        Payment.objects.create(
            person_id=no_show.person_id,
            session=session,
            booking=no_show,
            kind=Payment.Kind.FEE,
            offered_pence=fees[0].offered_pence,
            amount_pence=fees[0].offered_pence,
            status=Payment.Status.ACCEPTED,
            choice=Payment.Choice.ACCEPT,
            created_by=actor,
        )
    # Expenses beside the fees: mileage from the rate card, and a childcare cost.
    for fee in came[:2]:
        assert fee.booking is not None
        services.expense_add(booking=fee.booking, expense_kind="travel", miles=Decimal("12.4"), actor=actor)
    if len(came) > 3:
        booking = came[3].booking
        assert booking is not None
        # Claimed by the person from their Payments page, with a photo of the childminder's receipt.
        services.expense_claim(
            booking=booking,
            claim=services.ExpenseClaim(
                expense_kind="childcare", amount_pence=2400, description="Childminder for the afternoon"
            ),
            receipt=_receipt_photo("Childminder: afternoon care, £24.00"),
        )


def _receipt_photo(text: str) -> SimpleUploadedFile:
    """A plain picture of a receipt, stored as a real claim's photo would be (re-encoded, no EXIF)."""
    image = Image.new("RGB", (480, 240), "white")
    ImageDraw.Draw(image).text((24, 100), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("receipt.png", out.getvalue(), content_type="image/png")
