"""The participant's journey: sign up, see the confirmation, and manage the booking from the
private link in their email. No account, no password; every write goes through the services."""

from __future__ import annotations

from functools import wraps

from django.core import signing
from django.http import Http404, HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from roundtable.bookings.forms import AccessNeedsFields, AccessNeedsForm, SignupForm
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.services import (
    CLOSED_MESSAGES,
    BookingError,
    SignupClosed,
    access_needs_update,
    booking_cancel,
    booking_create,
)
from roundtable.cocreation.selectors import public_session, signup_status
from roundtable.core import audit
from roundtable.core.ratelimit import signup_allowed

# The confirmation pages take a signed, short-lived reference rather than a booking id, so nobody
# can read another person's booking by changing a number, and a shared computer's history soon
# stops showing anything.
SIGNED_UP_SALT = "bookings.signed-up"
CANCELLED_SALT = "bookings.cancelled"
REFERENCE_MAX_AGE = 30 * 60

CLOSED_HEADINGS = {
    "cancelled": "This session has been cancelled",
    "not_yet_open": "Sign-up has not opened yet",
    "closed": "Sign-up has closed",
    "past": "This session has already happened",
}


def _private(response):
    """Pages reached through a private link or a signed reference: never cached, never leaked
    to another site through the Referer header."""
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


def _error_summary(form) -> list[tuple[str, str]]:
    """The GOV.UK error summary: each message links to its field (first box of a group)."""
    errors = []
    for field in form:
        if not field.errors:
            continue
        if field.name == "access_prefer_not_to_say":
            anchor = field.auto_id
        elif hasattr(field.field, "choices"):
            anchor = f"{field.auto_id}_0"
        else:
            anchor = field.auto_id
        errors.append((anchor, field.errors[0]))
    return errors


def _closed_message(status) -> str:
    if status.state == "not_yet_open" and status.opens_at:
        opens = timezone.localtime(status.opens_at)
        return f"Sign-up for this session opens on {opens:%A} {opens.day} {opens:%B %Y} at {opens:%H:%M}."
    return CLOSED_MESSAGES.get(status.state, "This session is not taking sign-ups.")


def _render_closed(request, session, status, *, http_status: int):
    return render(
        request,
        "bookings/signup_closed.html",
        {
            "session": session,
            "status": status,
            "heading": CLOSED_HEADINGS.get(status.state, "This session is not taking sign-ups"),
            "message": _closed_message(status),
        },
        status=http_status,
    )


@require_http_methods(["GET", "POST"])
def signup(request, session_id: int):
    session = public_session(session_id)
    status = signup_status(session)
    if not status.can_sign_up:
        return _render_closed(request, session, status, http_status=200 if request.method == "GET" else 409)
    http_status = 200
    if request.method == "POST":
        if not signup_allowed(request):
            return render(request, "bookings/too_many_attempts.html", {"session": session}, status=429)
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                result = booking_create(session_id=session.pk, source=Booking.Source.WEB, **form.booking_fields())
            except SignupClosed:
                # The window closed (or the session was cancelled) while they were filling in the form.
                session = public_session(session_id)
                return _render_closed(request, session, signup_status(session), http_status=409)
            except BookingError as exc:
                raise Http404(exc.message) from None
            # An existing booking is only ever described as "we have sent you an email", so typing
            # someone else's address reveals nothing about their place.
            reference = signing.dumps(
                {"b": result.booking.pk, "s": session.pk, "new": result.created}, salt=SIGNED_UP_SALT
            )
            return redirect("bookings:signed_up", session_id=session.pk, reference=reference)
        http_status = 400
    else:
        form = SignupForm()
    return render(
        request,
        "bookings/signup.html",
        {"session": session, "status": status, "form": form, "errors": _error_summary(form)},
        status=http_status,
    )


def _expired(request, what: str):
    return _private(render(request, "bookings/reference_expired.html", {"what": what}, status=404))


@require_http_methods(["GET"])
def signed_up(request, session_id: int, reference: str):
    try:
        data = signing.loads(reference, salt=SIGNED_UP_SALT, max_age=REFERENCE_MAX_AGE)
    except signing.BadSignature:
        return _expired(request, "confirmation")
    if not isinstance(data, dict) or data.get("s") != session_id:
        return _expired(request, "confirmation")
    booking = (
        Booking.objects.select_related("session__venue", "person")
        .filter(pk=data.get("b", 0), session_id=session_id)
        .first()
    )
    if booking is None:
        return _expired(request, "confirmation")
    context = {
        "session": booking.session,
        "booking": booking,
        "person": booking.person,
        # A repeat sign-up, or a booking cancelled since, gets only "check your email".
        "show_booking": bool(data.get("new")) and booking.status != Booking.Status.CANCELLED,
        "position": booking.waiting_list_position(),
    }
    return _private(render(request, "bookings/signed_up.html", context))


# --- The private link ------------------------------------------------------------------------


def _get_booking_for_link(token: str) -> Booking | None:
    """The booking a private link belongs to, or None once it is cancelled or the link revoked."""
    return ManageLink.booking_for(token)


class _PrivatePageCsrf(CsrfViewMiddleware):
    """The usual CSRF token check, accepting "Origin: null": browsers send that for every form
    posted from a page with Referrer-Policy: no-referrer. The token check still applies, and the
    secret in the URL is something a forging site cannot know either."""

    def _origin_verified(self, request: HttpRequest) -> bool:
        # django-stubs leave out this private method of CsrfViewMiddleware.
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)  # type: ignore[misc]


_private_page_csrf = decorator_from_middleware(_PrivatePageCsrf)


def private_link(view):
    """Load the booking from the link (or explain why the link no longer works); mark the page
    private whatever the outcome."""

    @_private_page_csrf
    def load(request, token: str, *args, **kwargs):
        booking = _get_booking_for_link(token)
        if booking is None:
            return render(request, "bookings/link_not_working.html", status=404)
        return view(request, booking, token, *args, **kwargs)

    @csrf_exempt  # exempt from the site-wide check only because _PrivatePageCsrf runs instead
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Outermost, so even a refused (403) response is private.
        return _private(load(request, *args, **kwargs))

    return wrapper


def _needs_for(booking: Booking) -> AccessNeeds | None:
    needs = AccessNeeds.objects.filter(booking=booking).first()
    if needs is not None:
        # The person themself is reading their own health information, but every view is logged.
        audit.log(None, "access_needs.viewed", booking, actor_label="participant (private link)")
    return needs


@require_http_methods(["GET", "POST"])
@private_link
def manage(request, booking: Booking, token: str):
    http_status = 200
    if request.method == "POST":
        form = AccessNeedsForm(request.POST)
        if form.is_valid():
            access_needs_update(booking=booking, answer=form.access_needs_answer(), source=Booking.Source.WEB)
            return redirect(reverse("bookings:manage", args=[token]) + "?updated=1")
        http_status = 400
    else:
        form = AccessNeedsForm(initial=AccessNeedsFields.initial_from(_needs_for(booking)))
    context = {
        "booking": booking,
        "session": booking.session,
        "person": booking.person,
        "position": booking.waiting_list_position(),
        "token": token,
        "form": form,
        "errors": _error_summary(form),
        "updated": request.GET.get("updated") == "1" and request.method == "GET",
    }
    return render(request, "bookings/manage.html", context, status=http_status)


@require_http_methods(["GET", "POST"])
@private_link
def cancel(request, booking: Booking, token: str):
    if request.method == "POST":
        booking_cancel(booking_id=booking.pk)
        reference = signing.dumps({"b": booking.pk}, salt=CANCELLED_SALT)
        return redirect("bookings:cancelled", reference=reference)
    return render(request, "bookings/cancel.html", {"booking": booking, "session": booking.session, "token": token})


@require_http_methods(["GET"])
def cancelled(request, reference: str):
    try:
        data = signing.loads(reference, salt=CANCELLED_SALT, max_age=REFERENCE_MAX_AGE)
    except signing.BadSignature:
        return _expired(request, "cancellation")
    booking = (
        Booking.objects.select_related("session").filter(pk=data.get("b", 0) if isinstance(data, dict) else 0).first()
    )
    if booking is None or booking.status != Booking.Status.CANCELLED:
        return _expired(request, "cancellation")
    return _private(render(request, "bookings/cancelled.html", {"session": booking.session}))
