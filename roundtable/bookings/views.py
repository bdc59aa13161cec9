"""The participant's journey: sign up, see the confirmation, and manage the booking from the
private link in their email. No account, no password; every write goes through the services."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.bookings import venue_fit
from roundtable.bookings.errors import BookingError, SignupClosed
from roundtable.bookings.extensions import manage_page_parts, session_page_notes
from roundtable.bookings.forms import (
    AccessNeedsFields,
    AccessNeedsForm,
    DietaryFields,
    DietaryForm,
    SendLinkForm,
    SignupForm,
)
from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking, DietaryKind, ManageLink, dietary_kinds_in_order
from roundtable.bookings.selectors import how_places_are_allocated, public_session_page_key
from roundtable.bookings.services import (
    CLOSED_MESSAGES,
    access_needs_update,
    booking_cancel,
    booking_create,
    booking_send_link,
    dietary_needs_update,
)
from roundtable.cocreation.selectors import public_session, signup_status
from roundtable.core import audit, ratelimit
from roundtable.core.pagecache import shared_page
from roundtable.core.privatelinks import hash_token, private_link_view, private_page
from roundtable.core.ratelimit import signup_allowed

# The cancellation page takes a signed, short-lived reference rather than a booking id, so nobody
# can read another person's booking by changing a number, and a shared computer's history soon
# stops showing anything. The confirmation page takes a random reference to what the sign-up was
# told, kept for REFERENCE_MAX_AGE (see signed_up).
SIGNED_UP_CACHE_PREFIX = "bookings.signed-up:"
CANCELLED_SALT = "bookings.cancelled"
REFERENCE_MAX_AGE = 30 * 60

CLOSED_HEADINGS = {
    "cancelled": "This session has been cancelled",
    "not_yet_open": "Sign-up has not opened yet",
    "closed": "Sign-up has closed",
    "past": "This session has already happened",
}


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
            # The page shows what the sign-up was told and what this form said, never the booking:
            # a repeat sign-up looks exactly like a fresh one, whoever typed the address.
            reference = secrets.token_urlsafe(24)
            cache.set(
                SIGNED_UP_CACHE_PREFIX + hash_token(reference),
                {
                    "s": session.pk,
                    "status": result.told_status,
                    "position": result.told_position,
                    "email": result.booking.person.email,
                    "dietary_kinds": [
                        DietaryKind(kind).label
                        for kind in dietary_kinds_in_order(form.cleaned_data.get("dietary_kinds") or [])
                    ],
                    "dietary_needs": form.cleaned_data.get("dietary_needs", "").strip(),
                    # Which of the listed needs this form told us (kept only with consent), so the
                    # page can say it back and be honest about what the venue lacks.
                    "access_needs": _told_needs(form),
                    "heard_about": form.cleaned_data.get("heard_about", "").strip(),
                },
                timeout=REFERENCE_MAX_AGE,
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


def _told_needs(form: SignupForm) -> list[str]:
    answer = form.access_needs_answer()
    if not answer.consent or answer.prefer_not_to_say:
        return []
    return [need for need in dict.fromkeys(answer.needs) if need in AccessNeed.values]


def _expired(request, what: str):
    return render(request, "bookings/reference_expired.html", {"what": what}, status=404)


@private_page
@require_http_methods(["GET"])
def signed_up(request, session_id: int, reference: str):
    """ "You have a place" (or the waiting list), as the sign-up was told it. Only what this sign-up
    itself set is shown: for a repeat sign-up the booking's own details (an earlier answer, a name)
    belong to whoever made it, and the answer is what a fresh sign-up would have had."""
    data = cache.get(SIGNED_UP_CACHE_PREFIX + hash_token(reference)) if len(reference) <= 64 else None
    if not isinstance(data, dict) or data.get("s") != session_id:
        return _expired(request, "confirmation")
    session = public_session(session_id)
    told_needs = [need for need in data.get("access_needs", []) if need in AccessNeed.values]
    context = {
        "session": session,
        "told": data,
        "told_needs": [AccessNeed(need).label for need in told_needs],
        "venue_conflicts": venue_fit.conflicts(told_needs, session.venue),
        "next_step": venue_fit.NEXT_STEP_WAITING
        if data.get("status") == Booking.Status.WAITLISTED
        else venue_fit.NEXT_STEP,
    }
    return render(request, "bookings/signed_up.html", context)


@require_http_methods(["GET", "POST"])
def send_link(request, session_id: int):
    """ "Send my link again", for someone who lost the email or whose link no longer arrives. The
    answer is the same whether or not the address has a booking."""
    session = public_session(session_id)
    http_status = 200
    if request.method == "POST":
        if not ratelimit.allow("send-link:" + ratelimit.client_key(request), settings.SEND_LINK_RATE_LIMIT):
            return render(request, "bookings/send_link_too_many.html", {"session": session}, status=429)
        form = SendLinkForm(request.POST)
        if form.is_valid():
            booking_send_link(session_id=session.pk, email=form.cleaned_data["email"])
            return redirect("bookings:link_sent", session_id=session.pk)
        http_status = 400
    else:
        form = SendLinkForm()
    return render(request, "bookings/send_link.html", {"session": session, "form": form}, status=http_status)


@require_GET
def link_sent(request, session_id: int):
    return render(request, "bookings/link_sent.html", {"session": public_session(session_id)})


# --- The private link ------------------------------------------------------------------------


# Load the booking from the link (or explain why the link no longer works); the page is private
# whatever the outcome.
private_link = private_link_view(ManageLink.booking_for, not_found_template="bookings/link_not_working.html")


def _needs_for(booking: Booking) -> AccessNeeds | None:
    needs = AccessNeeds.objects.filter(booking=booking).first()
    if needs is not None:
        # The person themself is reading their own health information, but every view is logged.
        audit.log(None, "access_needs.viewed", booking, actor_label="participant (private link)")
    return needs


def _render_manage(
    request, booking: Booking, token: str, *, form=None, dietary_form=None, updated: str = "", http_status: int = 200
):
    needs = _needs_for(booking)
    form = form or AccessNeedsForm(initial=AccessNeedsFields.initial_from(needs))
    dietary_form = dietary_form or DietaryForm(initial=DietaryFields.dietary_initial_from(booking))
    errors = _error_summary(form) + _error_summary(dietary_form)
    conflicts = venue_fit.conflicts(needs.needs, booking.session.venue) if needs is not None else []
    waiting = booking.status == Booking.Status.WAITLISTED
    context = {
        "venue_conflicts": conflicts,
        "next_step": venue_fit.NEXT_STEP_WAITING if waiting else venue_fit.NEXT_STEP,
        "booking": booking,
        "session": booking.session,
        "person": booking.person,
        "position": booking.waiting_list_position(),
        "token": token,
        "form": form,
        "dietary_form": dietary_form,
        "errors": errors,
        "updated": updated,
        "parts": manage_page_parts(booking, token),
    }
    return render(request, "bookings/manage.html", context, status=http_status)


UPDATED = {"1": "We have saved your answers about access needs.", "dietary": "We have saved your dietary needs."}


@private_link  # outermost, so every answer (a refusal too) is private
@require_http_methods(["GET", "POST"])
def manage(request, booking: Booking, token: str):
    if request.method == "POST":
        form = AccessNeedsForm(request.POST)
        if form.is_valid():
            access_needs_update(booking=booking, answer=form.access_needs_answer(), source=Booking.Source.WEB)
            return redirect(reverse("bookings:manage", args=[token]) + "?updated=1")
        return _render_manage(request, booking, token, form=form, http_status=400)
    return _render_manage(request, booking, token, updated=UPDATED.get(request.GET.get("updated", ""), ""))


@private_link  # outermost, so every answer (a refusal too) is private
@require_http_methods(["POST"])
def manage_dietary(request, booking: Booking, token: str):
    """The dietary needs part of the manage page: its own form, so saving one never needs the other."""
    dietary_form = DietaryForm(request.POST)
    if dietary_form.is_valid():
        fields = dietary_form.dietary_fields()
        dietary_needs_update(booking=booking, kinds=fields["dietary_kinds"], details=fields["dietary_needs"])
        return redirect(reverse("bookings:manage", args=[token]) + "?updated=dietary")
    return _render_manage(request, booking, token, dietary_form=dietary_form, http_status=400)


@private_link  # outermost, so every answer (a refusal too) is private
@require_http_methods(["GET", "POST"])
def cancel(request, booking: Booking, token: str):
    if request.method == "POST":
        booking_cancel(booking_id=booking.pk)
        reference = signing.dumps({"b": booking.pk}, salt=CANCELLED_SALT)
        return redirect("bookings:cancelled", reference=reference)
    return render(request, "bookings/cancel.html", {"booking": booking, "session": booking.session, "token": token})


@private_page
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
    return render(request, "bookings/cancelled.html", {"session": booking.session})


# --- The public session page, where people see the places and sign up -----------------------


@require_GET
def session_detail(request, session_id: int):
    def render_page():
        session = public_session(session_id)
        signup = signup_status(session)
        # How places are shared out only matters while people can still sign up or wait for a place.
        allocation = how_places_are_allocated(session) if signup.state in ("open", "not_yet_open", "closed") else []
        facts = session.venue.facts()
        return render(
            request,
            "bookings/session_detail.html",
            {
                "session": session,
                "signup": signup,
                "facts": facts,
                "key_facts": [fact for fact in facts if fact["key"] in venue_fit.FACTS],
                "allocation": allocation,
                "notes": session_page_notes(session),
            },
        )

    return shared_page(request, public_session_page_key(session_id), render_page)
