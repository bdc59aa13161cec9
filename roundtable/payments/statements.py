"""What a person's paper says about their payments: the letter for a benefits adviser or work
coach, and the yearly statement of everything paid in a UK tax year (6 April to 5 April).

Totals are sums of the whole pence on the lines, so they always equal the lines added up.
Fees are income; repaid expenses are not, so the two are always totalled apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.payments.models import Payment, pounds
from roundtable.people.models import Person

# Payment rows carry no session hours; hours are the session's own length (start to end).


def tax_year_of(day: date) -> int:
    """The tax year a day falls in, named by the year it starts: 5 April 2026 is in 2025."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def tax_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 6), date(year + 1, 4, 5)


def tax_year_label(year: int) -> str:
    return f"6 April {year} to 5 April {year + 1}"


def default_tax_year(person: Person, today: date | None = None) -> int:
    """The current tax year if anything was paid in it yet, else the last complete one."""
    today = today or timezone.localdate()
    current = tax_year_of(today)
    start, end = tax_year_bounds(current)
    if Payment.objects.filter(person=person, status=Payment.Status.PAID, paid_on__range=(start, end)).exists():
        return current
    return current - 1


def tax_years_offered(today: date | None = None) -> list[int]:
    """This tax year and the six before it (records are kept six years)."""
    current = tax_year_of(today or timezone.localdate())
    return list(range(current, current - 7, -1))


@dataclass
class Statement:
    person: Person
    year: int
    lines: list[Payment]
    written_on: date
    fees_pence: int = 0
    expenses_pence: int = 0

    @property
    def label(self) -> str:
        return tax_year_label(self.year)

    @property
    def fees(self) -> str:
        return pounds(self.fees_pence)

    @property
    def expenses(self) -> str:
        return pounds(self.expenses_pence)

    @property
    def total(self) -> str:
        return pounds(self.fees_pence + self.expenses_pence)


def statement_for(person: Person, year: int) -> Statement:
    """Every payment made to them (status paid) with a paid date in the tax year, oldest first."""
    start, end = tax_year_bounds(year)
    lines = list(
        Payment.objects.filter(person=person, status=Payment.Status.PAID, paid_on__range=(start, end))
        .select_related("session")
        .order_by("paid_on", "id")
    )
    statement = Statement(person=person, year=year, lines=lines, written_on=timezone.localdate())
    for line in lines:
        if line.kind == Payment.Kind.FEE:
            statement.fees_pence += line.amount_pence
        else:
            statement.expenses_pence += line.amount_pence
    return statement


@dataclass
class LetterSession:
    session: Session
    hours: Decimal
    fee: Payment | None
    expenses: list[Payment] = field(default_factory=list)


@dataclass
class BenefitLetter:
    person: Person
    sessions: list[LetterSession]
    written_on: date
    fees_paid_pence: int = 0
    expenses_paid_pence: int = 0

    @property
    def hours(self) -> Decimal:
        return sum((s.hours for s in self.sessions), Decimal(0))

    @property
    def fees_paid(self) -> str:
        return pounds(self.fees_paid_pence)

    @property
    def expenses_paid(self) -> str:
        return pounds(self.expenses_paid_pence)


def _hours(session: Session) -> Decimal:
    seconds = Decimal((session.ends_at - session.starts_at).total_seconds())
    return (seconds / Decimal(3600)).quantize(Decimal("0.01")).normalize()


def benefit_letter_for(person: Person) -> BenefitLetter:
    """The sessions they came to (oldest first), how long each was, their fee for it and the
    expenses repaid. Two queries: the attended bookings, and their payments."""
    bookings = list(
        Booking.objects.filter(person=person, status=Booking.Status.ATTENDED)
        .select_related("session")
        .order_by("session__starts_at", "id")
    )
    payments = list(Payment.objects.filter(person=person).order_by("id"))
    letter = BenefitLetter(person=person, sessions=[], written_on=timezone.localdate())
    for booking in bookings:
        mine = [p for p in payments if p.session_id == booking.session_id]
        fee = next((p for p in mine if p.kind == Payment.Kind.FEE), None)
        expenses = [p for p in mine if p.kind == Payment.Kind.EXPENSE and p.status == Payment.Status.PAID]
        letter.sessions.append(
            LetterSession(session=booking.session, hours=_hours(booking.session), fee=fee, expenses=expenses)
        )
        if fee is not None and fee.status == Payment.Status.PAID:
            letter.fees_paid_pence += fee.amount_pence
        letter.expenses_paid_pence += sum(p.amount_pence for p in expenses)
    return letter
