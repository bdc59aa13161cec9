"""The coordinator's view of one session's bookings, the actions on each row (cancel, move to the
waiting list, give a place, mark who came), and the separate, audited page of access needs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import coordinator_required
from roundtable.bookings.errors import BookingStateError
from roundtable.bookings.models import AccessNeed, Booking, DietaryKind, counted_dietary_kinds
from roundtable.bookings.selectors import get_booking_for_user
from roundtable.bookings.services import booking_cancel, booking_mark_attendance
from roundtable.bookings.waiting_list import booking_move_to_waiting_list, booking_promote
from roundtable.cocreation.models import ReservedPlaces, Session
from roundtable.cocreation.selectors import get_session_for_user
from roundtable.core import audit
from roundtable.people.models import Perspective

WITH_VENUE = Session.objects.select_related("venue")


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
        group_of: dict[str, str] = {
            Booking.Status.CONFIRMED: "confirmed",
            Booking.Status.ATTENDED: "attended",
            Booking.Status.NO_SHOW: "no_show",
            Booking.Status.WAITLISTED: "waiting",
            Booking.Status.CANCELLED: "cancelled",
        }
        group = group_of[booking.status]
        getattr(everyone, group).append(booking)
        if not query or _matches(booking, query):
            getattr(shown, group).append(booking)
    for groups in (everyone, shown):
        for name in ("confirmed", "attended", "no_show"):
            getattr(groups, name).sort(key=lambda b: (b.person.name.casefold(), b.pk))
        groups.cancelled.sort(key=lambda b: (b.cancelled_at is None, b.cancelled_at), reverse=True)
    return everyone, shown


@dataclass
class Mix:
    """Who has a place, as counts only: never next to a name."""

    newcomers: int
    returning: int
    perspectives: list[tuple[str, int]]
    not_said: int


def _mix(session: Session, groups: BookingGroups) -> Mix:
    """A newcomer has no attended booking on an earlier session. One query, whatever the numbers."""
    with_place = groups.confirmed + groups.attended + groups.no_show
    returning_ids = set(
        Booking.objects.filter(
            status=Booking.Status.ATTENDED,
            session__starts_at__lt=session.starts_at,
            person_id__in=Booking.objects.filter(session=session).values("person_id"),
        ).values_list("person_id", flat=True)
    )
    counts = Counter(p for b in with_place for p in dict.fromkeys(b.person.perspectives))
    labels = dict(Perspective.choices)
    returning = sum(1 for b in with_place if b.person_id in returning_ids)
    return Mix(
        newcomers=len(with_place) - returning,
        returning=returning,
        perspectives=[(labels[code], counts[code]) for code, _ in Perspective.choices if counts[code]],
        not_said=sum(1 for b in with_place if not b.person.perspectives),
    )


@require_GET
@coordinator_required(hide=True)
def session_bookings(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    query = request.GET.get("q", "")[:200].strip()
    everyone, shown = group_bookings(session, query)
    pools = list(ReservedPlaces.objects.filter(session=session).order_by("id"))
    used = Counter(b.reserved_place_id for b in everyone.confirmed + everyone.attended + everyone.no_show)
    held = [(pool, used[pool.pk]) for pool in pools]
    on_the_day = timezone.localdate() >= timezone.localtime(session.starts_at).date()
    return render(
        request,
        "coordinator/bookings.html",
        {
            "session": session, "everyone": everyone, "shown": shown, "query": query, "mix": _mix(session, everyone),
            "held": held, "on_the_day": on_the_day, "here": request.get_full_path(),
            "can_change": session.status != Session.Status.CANCELLED,
        },
    )  # fmt: skip


# --- Actions on one booking (POST only, each says what happened and goes back where it came from)


def _back_to_bookings(request, booking: Booking):
    """Back to the list the coordinator was looking at (with their search), never anywhere else."""
    target = request.POST.get("next", "")
    bookings_url = reverse("coordinator:session_bookings", args=[booking.session_id])
    if target == bookings_url or target.startswith(bookings_url + "?"):
        return redirect(target)
    return redirect(bookings_url)


def _refuse_if_cancelled(request, booking: Booking) -> bool:
    if booking.session.status == Session.Status.CANCELLED:
        messages.error(request, "This session is cancelled, so its bookings cannot be changed.")
        return True
    return False


def _promoted_text(promoted: list[Booking]) -> str:
    if not promoted:
        return ""
    names = ", ".join(b.person.name for b in promoted)
    verb = "has" if len(promoted) == 1 else "have"
    return f" {names} moved up from the waiting list, now {verb} a place and {verb} been emailed."


@require_POST
@coordinator_required(hide=True)
def booking_move_view(request, booking_id: int):
    booking = get_booking_for_user(request.user, booking_id)
    if _refuse_if_cancelled(request, booking):
        return _back_to_bookings(request, booking)
    try:
        moved, promoted = booking_move_to_waiting_list(booking_id=booking.pk, actor=request.user)
    except BookingStateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{moved.person.name} is now at the end of the waiting list (number {moved.waiting_list_position()}). "
            "We have not emailed them about this, so let them know." + _promoted_text(promoted),
        )
    return _back_to_bookings(request, booking)


@require_POST
@coordinator_required(hide=True)
def booking_promote_view(request, booking_id: int):
    booking = get_booking_for_user(request.user, booking_id)
    if _refuse_if_cancelled(request, booking):
        return _back_to_bookings(request, booking)
    try:
        promoted = booking_promote(booking_id=booking.pk, actor=request.user)
    except BookingStateError as error:
        messages.error(request, f"{booking.person.name} is still on the waiting list. {error.message}")
    else:
        messages.success(request, f"{promoted.person.name} now has a place and has been emailed.")
    return _back_to_bookings(request, booking)


ATTENDANCE = {"attended": True, "no_show": False, "undo": None}
ATTENDANCE_TEXT = {
    True: "{name} is marked as came.",
    False: "{name} is marked as did not come.",
    None: "{name} is back to booked, not marked either way.",
}


@require_POST
@coordinator_required(hide=True)
def booking_attendance_view(request, booking_id: int):
    booking = get_booking_for_user(request.user, booking_id)
    choice = request.POST.get("attendance", "")
    if choice not in ATTENDANCE:
        messages.error(request, "Choose whether they came, did not come, or undo.")
        return _back_to_bookings(request, booking)
    try:
        marked = booking_mark_attendance(booking_id=booking.pk, attended=ATTENDANCE[choice], actor=request.user)
    except BookingStateError as error:
        messages.error(request, error.message)
    else:
        text = ATTENDANCE_TEXT[ATTENDANCE[choice]].format(name=marked.person.name)
        if choice != "undo":
            text += " If that was a mistake, use Undo next to their name."
        messages.success(request, text)
    return _back_to_bookings(request, booking)


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
    booking = get_booking_for_user(request.user, booking_id)
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
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    bookings = list(
        Booking.objects.filter(session=session)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("person", "access_needs")
        .order_by("person__name", "id")
    )
    with_needs: list[Booking] = []
    counts: Counter[str] = Counter()
    dietary: Counter[str] = Counter()
    for booking in bookings:
        needs = getattr(booking, "access_needs", None)
        if (needs is not None and not needs.is_empty) or booking.dietary_needs or booking.dietary_kinds:
            with_needs.append(booking)
        dietary.update(counted_dietary_kinds(booking.dietary_kinds, booking.dietary_needs))
        if needs is not None:
            counts.update(needs.needs)
    labels = dict(AccessNeed.choices)
    summary = [(labels[code], counts[code]) for code, _ in AccessNeed.choices if counts[code]]
    dietary_count = sum(1 for b in bookings if counted_dietary_kinds(b.dietary_kinds, b.dietary_needs))
    dietary_summary = [(label, dietary[kind]) for kind, label in DietaryKind.choices if dietary[kind]]
    audit.log(request.user, "access_needs.viewed", session, people=len(with_needs))
    return render(
        request,
        "coordinator/access_needs.html",
        {
            "session": session,
            "bookings": with_needs,
            "summary": summary,
            "dietary_count": dietary_count,
            "dietary_summary": dietary_summary,
        },
    )
