"""Demo data for the coordinator's day-to-day tools (issue 3) and a call into each app's own demo
seed. Every step is idempotent: running the demo twice adds nothing twice."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from roundtable.bookings.models import AccessArrangement, AccessNeeds, Booking
from roundtable.cocreation.models import Programme, ReservedPlaces, Session
from roundtable.core.models import OutboundEmail


def seed_team_tools(programme: Programme) -> None:
    upcoming = list(Session.objects.filter(programme=programme).published().upcoming())
    if not upcoming:
        return
    # Balanced places on the roomiest upcoming session that is still open.
    roomy = max(upcoming, key=lambda s: (s.signup_state() == "open", s.capacity - s.places_left))
    if not ReservedPlaces.objects.filter(session=roomy).exists():
        ReservedPlaces.objects.create(
            session=roomy,
            places=8,
            perspectives=["lived_experience"],
            release_at=roomy.starts_at - timedelta(days=7),
        )
        ReservedPlaces.objects.create(
            session=roomy,
            places=4,
            for_newcomers=True,
            release_at=roomy.starts_at - timedelta(days=3),
        )
    # Arrangements in each state for the next session with access needs.
    with_needs = (
        AccessNeeds.objects.filter(booking__session__in=upcoming, booking__status="confirmed")
        .select_related("booking__session")
        .order_by("booking__session__starts_at")
        .first()
    )
    if with_needs is not None:
        session = with_needs.booking.session
        for need, status, note in (
            ("step_free", "arranged", "Ramp and lift checked with the venue on Monday."),
            ("bsl", "todo", "Ask the interpreting service for two interpreters."),
            ("large_print", "arranged", "Agenda and handouts printed at 18 point."),
            ("quiet_space", "cant", "The venue's quiet room is booked that afternoon; we will use a screened corner."),
        ):
            AccessArrangement.objects.get_or_create(
                session=session, need=need, defaults={"status": status, "note": note}
            )
    # A little outbox history, so the outbox page has something to show (nothing is sent).
    if not OutboundEmail.objects.filter(template="booking_reminder").exists():
        now = timezone.now()
        bookings = list(Booking.objects.filter(session__in=upcoming, status="confirmed").select_related("person")[:6])
        for n, booking in enumerate(bookings):
            failed = n == len(bookings) - 1
            OutboundEmail.objects.create(
                to=booking.person.email,
                template="booking_reminder",
                context={"booking_id": booking.pk, "days": 7},
                session_id=booking.session_id,
                booking_id=booking.pk,
                subject=f"Reminder: {booking.session.title}",
                state=OutboundEmail.State.FAILED if failed else OutboundEmail.State.SENT,
                attempts=8 if failed else 1,
                last_error="Mailbox unavailable: the address does not exist (550)" if failed else "",
                sent_at=None if failed else now - timedelta(hours=n + 1),
            )


def seed_other_parts() -> None:
    """The blog, newsletter, session records, live boards, evaluation and payments each own their demo data."""
    from roundtable.demo.blog import seed_blog
    from roundtable.demo.board import seed_boards
    from roundtable.demo.evaluation import seed_evaluation
    from roundtable.demo.evaluation_reports import seed_reports
    from roundtable.demo.newsletter import seed_newsletter
    from roundtable.demo.payments import seed_payments
    from roundtable.demo.payments_benefits import seed_benefit_safe
    from roundtable.demo.records import seed_records

    seed_records()
    seed_boards()
    seed_evaluation()
    seed_reports()
    seed_blog()
    seed_newsletter()
    seed_payments()
    seed_benefit_safe()
