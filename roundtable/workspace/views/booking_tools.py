"""The coordinator's tools for a session's people: a booking taken by phone or email, a message to
everyone booked or waiting, and the bookings download."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from roundtable.accounts.permissions import coordinator_required
from roundtable.bookings.errors import BookingError
from roundtable.bookings.exports import as_csv, as_xlsx, bookings_export
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_create
from roundtable.bookings.session_changes import message_attendees
from roundtable.cocreation.models import Session
from roundtable.cocreation.selectors import get_session_for_user
from roundtable.core import audit
from roundtable.people.services import HEALTH_DATA_WORDING
from roundtable.workspace.forms.bookings import BookingOnBehalfForm, ExportForm, MessageForm
from roundtable.workspace.views.bookings import WITH_VENUE

# --- A booking on someone's behalf ----------------------------------------------------------------


def _place_counts(session: Session) -> dict[str, int]:
    counts = Booking.objects.filter(session=session).aggregate(
        taken=Count("id", filter=Q(status__in=Booking.HOLDING_PLACE)),
        waiting=Count("id", filter=Q(status=Booking.Status.WAITLISTED)),
    )
    return {"taken": counts["taken"], "waiting": counts["waiting"], "free": max(session.capacity - counts["taken"], 0)}


def _booked_text(result) -> str:
    booking, name = result.booking, result.booking.person.name
    if not result.created:
        where = (f"is on the waiting list (number {result.waiting_list_position})"
                 if result.waiting_list_position else f"already has a booking ({booking.get_status_display().lower()})")  # fmt: skip
        return (
            f"{name} {where}, so nothing was changed. We have emailed them their confirmation and private link again."
        )
    if booking.status == Booking.Status.WAITLISTED:
        return (f"There was no place free for {name}, so they are on the waiting list at number "
                f"{result.waiting_list_position}. We have emailed to tell them, with their private link.")  # fmt: skip
    return f"{name} has a place, taken by you. We have emailed their confirmation and private link."


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def booking_add(request, session_id: int):
    """For people who phone or email in: the sign-up questions, asked by a coordinator. Works when
    the session is full (they join the waiting list) and before sign-up opens to the public."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    state = session.signup_state()
    if state in ("draft", "cancelled", "past"):
        why = {
            "draft": "This session is a draft. Publish it first, then you can add bookings.",
            "cancelled": "This session is cancelled, so nobody can be booked on it.",
            "past": "This session has already happened. To record someone who came, use the sign-in list.",
        }[state]
        messages.error(request, why)
        return redirect("coordinator:session_bookings", session_id=session.pk)
    form = BookingOnBehalfForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = booking_create(
                session_id=session.pk, source=Booking.Source.COORDINATOR, taken_by=request.user,
                **form.booking_fields(),
            )  # fmt: skip
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _booked_text(result))
            return redirect("coordinator:session_bookings", session_id=session.pk)
    context = {
        "session": session, "form": form, "state": state, "places": _place_counts(session),
        "consent_wording": HEALTH_DATA_WORDING,
    }  # fmt: skip
    return render(request, "coordinator/booking_add.html", context, status=400 if form.errors else 200)


# --- Message the people on a session --------------------------------------------------------------


def _audience_counts(session: Session) -> dict[str, int]:
    counts = Booking.objects.filter(session=session).aggregate(
        confirmed=Count("id", filter=Q(status=Booking.Status.CONFIRMED)),
        waiting=Count("id", filter=Q(status=Booking.Status.WAITLISTED)),
    )
    return {**counts, "everyone": counts["confirmed"] + counts["waiting"]}


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def session_message(request, session_id: int):
    """Write, preview, then send. Nothing is queued until the coordinator has seen the preview."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    if session.status == Session.Status.CANCELLED:
        messages.error(request, "This session is cancelled: everyone booked or waiting was told when it was.")
        return redirect("coordinator:session_detail", session_id=session.pk)
    counts = _audience_counts(session)
    action = request.POST.get("action", "preview")
    form = MessageForm(request.POST if request.method == "POST" else None, counts=counts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if action == "send":
            sent = message_attendees(
                session=session, audience=data["audience"], subject=data["subject"], body=data["body"],
                actor=request.user,
            )  # fmt: skip
            messages.success(
                request,
                f"Your message “{data['subject']}” is being sent to {sent} {'person' if sent == 1 else 'people'}.",
            )
            return redirect("coordinator:session_detail", session_id=session.pk)
        if action == "preview":
            return render(request, "coordinator/message_preview.html",
                          {"session": session, "form": form, "recipients": counts[data["audience"]]})  # fmt: skip
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "coordinator/message_form.html", {"session": session, "form": form}, status=status)


# --- Download the bookings ------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def bookings_export_view(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        file_format = form.cleaned_data["file_format"]
        with_needs = form.cleaned_data["include_access_needs"]
        export = bookings_export(session, include_access_needs=with_needs)
        body = as_csv(export) if file_format == "csv" else as_xlsx(export)
        audit.log(request.user, "bookings.exported", session, file_format=file_format, rows=len(export.rows),
                  with_access_needs=with_needs)  # fmt: skip
        if with_needs:
            audit.log(request.user, "access_needs.exported", session, file_format=file_format, rows=len(export.rows))
        response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{export.filename}.{file_format}"'
        # Personal (and perhaps health) information: never kept by a browser or proxy cache.
        response["Cache-Control"] = "no-store"
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "coordinator/bookings_export.html", {"session": session, "form": form}, status=status)
