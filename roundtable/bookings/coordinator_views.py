"""The coordinator's view of one session's bookings, cancelling on someone's behalf, and the
separate, audited page of access needs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.accounts.permissions import coordinator_required
from roundtable.bookings.models import AccessNeed, Booking
from roundtable.bookings.services import booking_cancel
from roundtable.cocreation.models import Session
from roundtable.core import audit


def _get_session_for_user(request: HttpRequest, session_id: int) -> Session:
    return get_object_or_404(Session.objects.select_related("venue"), pk=session_id)


def _get_booking_for_user(request: HttpRequest, booking_id: int) -> Booking:
    return get_object_or_404(Booking.objects.select_related("session", "person"), pk=booking_id)


@dataclass
class BookingGroups:
    """A session's bookings sorted into the lists the page shows. Built from one ordered query,
    so the page costs the same number of queries with 10 bookings or 10,000."""

    confirmed: list[Booking] = field(default_factory=list)
    attended: list[Booking] = field(default_factory=list)
    no_show: list[Booking] = field(default_factory=list)
    waiting: list[Booking] = field(default_factory=list)
    cancelled: list[Booking] = field(default_factory=list)

    @property
    def places_taken(self) -> int:
        return len(self.confirmed) + len(self.attended) + len(self.no_show)


def _matches(booking: Booking, query: str) -> bool:
    return query in booking.person.name.casefold() or query in booking.person.email


def group_bookings(session: Session, query: str = "") -> tuple[BookingGroups, BookingGroups]:
    """(every booking, the ones matching the search). Waiting-list positions count everyone
    waiting, so a search still shows each person's real place in the queue."""
    everyone, shown = BookingGroups(), BookingGroups()
    query = " ".join(query.split()).casefold()
    position = 0
    bookings = Booking.objects.filter(session=session).select_related("person").order_by("waitlisted_at", "id")
    for booking in bookings:
        if booking.status == Booking.Status.WAITLISTED:
            position += 1
            booking.position = position
        group = {
            Booking.Status.CONFIRMED: "confirmed",
            Booking.Status.ATTENDED: "attended",
            Booking.Status.NO_SHOW: "no_show",
            Booking.Status.WAITLISTED: "waiting",
            Booking.Status.CANCELLED: "cancelled",
        }[booking.status]
        getattr(everyone, group).append(booking)
        if not query or _matches(booking, query):
            getattr(shown, group).append(booking)
    for groups in (everyone, shown):
        for name in ("confirmed", "attended", "no_show"):
            getattr(groups, name).sort(key=lambda b: (b.person.name.casefold(), b.pk))
        groups.cancelled.sort(key=lambda b: (b.cancelled_at is None, b.cancelled_at), reverse=True)
    return everyone, shown


@require_GET
@coordinator_required(hide=True)
def session_bookings(request, session_id: int):
    session = _get_session_for_user(request, session_id)
    query = request.GET.get("q", "")[:200].strip()
    everyone, shown = group_bookings(session, query)
    return render(
        request,
        "coordinator/bookings.html",
        {"session": session, "everyone": everyone, "shown": shown, "query": query},
    )


class CancelBookingForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="We include this in the email telling them their booking is cancelled.",
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def booking_cancel_view(request, booking_id: int):
    booking = _get_booking_for_user(request, booking_id)
    back = redirect("coordinator:session_bookings", session_id=booking.session_id)
    if booking.status == Booking.Status.CANCELLED:
        messages.info(request, f"{booking.person.name}’s booking was already cancelled.")
        return back
    form = CancelBookingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            _, promoted = booking_cancel(booking_id=booking.pk, actor=request.user, reason=form.cleaned_data["reason"])
            text = f"{booking.person.name}’s booking is cancelled and they have been emailed."
            if promoted:
                names = ", ".join(b.person.name for b in promoted)
                verb = "has" if len(promoted) == 1 else "have"
                text += f" {names} moved up from the waiting list, now {verb} a place and {verb} been emailed."
            messages.success(request, text)
            return back
        return render(request, "coordinator/booking_cancel.html", {"booking": booking, "form": form}, status=400)
    return render(request, "coordinator/booking_cancel.html", {"booking": booking, "form": form})


@require_GET
@coordinator_required(hide=True)
def session_access_needs(request, session_id: int):
    """Health information: coordinators only, and every look is written to the audit log."""
    session = _get_session_for_user(request, session_id)
    bookings = list(
        Booking.objects.filter(session=session)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("person", "access_needs")
        .order_by("person__name", "id")
    )
    with_needs, counts = [], Counter()
    for booking in bookings:
        needs = getattr(booking, "access_needs", None)
        if (needs is not None and not needs.is_empty) or booking.dietary_needs:
            with_needs.append(booking)
        if needs is not None:
            counts.update(needs.needs)
    labels = dict(AccessNeed.choices)
    summary = [(labels[code], counts[code]) for code, _ in AccessNeed.choices if counts[code]]
    dietary = sum(1 for b in bookings if b.dietary_needs)
    audit.log(request.user, "access_needs.viewed", session, people=len(with_needs))
    return render(
        request,
        "coordinator/access_needs.html",
        {"session": session, "bookings": with_needs, "summary": summary, "dietary_count": dietary},
    )
