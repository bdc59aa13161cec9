"""The coordinator's pages for sessions and venues. Thin: load through a _get_ helper, check the
form, call a service, say what happened."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import coordinator_required, team_required
from roundtable.bookings import briefing, session_changes
from roundtable.bookings.session_changes import session_cancel
from roundtable.cocreation import programmes as programme_services
from roundtable.cocreation import services
from roundtable.cocreation.models import AgendaItem, Programme, ReservedPlaces, Session, Venue
from roundtable.cocreation.selectors import get_session_for_user
from roundtable.core import audit
from roundtable.payments.selectors import overdue_payments
from roundtable.workspace.forms.session_tools import CancelSessionForm, DuplicateSessionForm, ProgrammeForm
from roundtable.workspace.forms.sessions import SessionForm
from roundtable.workspace.forms.venues import VenueForm
from roundtable.workspace.views.common import form_page, safe_next


def _get_venue_for_user(request: HttpRequest, venue_id: int) -> Venue:
    return get_object_or_404(Venue, pk=venue_id)


def _get_programme_for_user(request: HttpRequest, programme_id: int) -> Programme:
    return get_object_or_404(Programme, pk=programme_id)


WITH_PLACES = Session.objects.select_related("venue", "programme").with_place_counts()


def _invalid(request, template: str, context: dict):
    # A form with mistakes is a 400, so scripts and tests can tell it from a page that worked.
    return render(request, template, context, status=400)


# --- Home ---------------------------------------------------------------------------------------


def _venue_conflicts(request: HttpRequest, sessions: list[Session]) -> list[tuple[Session, list]]:
    """Needs people told us about that the venue may not meet, as counts, until the team records
    an arrangement. Counts of access needs are still access needs: each session shown is audited."""
    found = briefing.venue_conflicts_by_session(sessions)
    shown = [(session, found[session.pk]) for session in sessions if session.pk in found]
    for session, gaps in shown:
        audit.log(request.user, "access_needs.viewed", session, version="venue gaps, counts only",
                  needs=[gap.need for gap in gaps])  # fmt: skip
    return shown


@require_GET
@team_required
def home(request):
    sessions = Session.objects.select_related("venue", "programme").with_place_counts()
    if request.user.is_coordinator:
        upcoming = list(sessions.upcoming())
    else:
        # A facilitator sees the sessions they run (or that nobody in particular runs).
        upcoming = [s for s in sessions.upcoming().prefetch_related("facilitators") if s.is_run_by(request.user)]
    context = {
        "upcoming": upcoming,
        "venue_conflicts": _venue_conflicts(request, upcoming) if request.user.is_coordinator else [],
        "past": list(sessions.past()[:20]),
        "past_count": Session.objects.past().count(),
        "has_venues": Venue.objects.exists(),
        "overdue_payments": overdue_payments() if request.user.is_coordinator else ([], 0),
        "payments_target_days": settings.PAYMENTS_TARGET_DAYS,
    }
    template = "coordinator/home.html" if request.user.is_coordinator else "coordinator/home_facilitator.html"
    return render(request, template, context)


# --- Sessions -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@coordinator_required
def session_create(request):
    initial = {}
    if (venue_id := request.GET.get("venue", "")).isdigit():
        initial["venue"] = venue_id
    form = SessionForm(request.POST if request.method == "POST" else None, initial=initial)

    def save() -> HttpResponse:
        publish = request.POST.get("action") == "publish"
        session = services.session_create_with_agenda(
            agenda=form.cleaned_data["agenda"], created_by=request.user, publish=publish, **form.service_fields()
        )
        if publish:
            messages.success(request, f"“{session.title}” is published. It is on the public list and open for sign-up.")
        else:
            messages.success(
                request, f"“{session.title}” is saved as a draft. Nobody else can see it until you publish it."
            )
        return redirect("coordinator:session_detail", session_id=session.pk)

    context = {"has_venues": Venue.objects.exists()}
    return form_page(request, form=form, template="coordinator/session_form.html", save=save, context=context)


@require_GET
@coordinator_required(hide=True)
def session_detail(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_PLACES)
    agenda = AgendaItem.objects.filter(session=session).order_by("starts_at", "id")
    held = ReservedPlaces.objects.filter(session=session).order_by("id")
    context = {
        "session": session,
        "agenda": agenda,
        "held": held,
        "session_is_over": session.ends_at <= timezone.now(),
        "venue_conflicts": [] if session.ends_at <= timezone.now() else _venue_conflicts(request, [session]),
    }
    return render(request, "coordinator/session_detail.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def session_edit(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    form = SessionForm(request.POST if request.method == "POST" else None, session=session)

    def save() -> HttpResponse:
        changed = session_changes.session_update(
            session=session, actor=request.user, agenda=form.cleaned_data["agenda"], **form.service_fields()
        )
        if not changed:
            messages.info(request, "Nothing was changed.")
        elif session.status == Session.Status.PUBLISHED and {"starts_at", "ends_at", "venue"} & set(changed):
            messages.success(request, "Changes saved. Everyone booked or waiting is being emailed the new details.")
        else:
            messages.success(request, "Changes saved.")
        return redirect("coordinator:session_detail", session_id=session.pk)

    context = {"session": session, "has_venues": True}
    return form_page(request, form=form, template="coordinator/session_form.html", save=save, context=context)


@require_POST
@coordinator_required(hide=True)
def session_publish(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    try:
        services.session_publish(session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{session.title}” is published. It is on the public list and open for sign-up.")
    return redirect("coordinator:session_detail", session_id=session.pk)


@require_POST
@coordinator_required(hide=True)
def session_unpublish(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    try:
        services.session_unpublish(session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{session.title}” is back to draft. It is no longer on the public list.")
    return redirect("coordinator:session_detail", session_id=session.pk)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def session_duplicate(request, session_id: int):
    """Run this again: the coordinator picks the new date; the copy starts as a draft."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_PLACES)
    form = DuplicateSessionForm(request.POST if request.method == "POST" else None, initial={"title": session.title})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.session_duplicate(
                session=session, starts_on=form.cleaned_data["starts_on"], title=form.cleaned_data["title"],
                actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            for message in error.message_dict.get("starts_on", error.messages):
                form.add_error("starts_on", message)
        else:
            messages.success(
                request,
                f"“{copy.title}” is saved as a draft with the same agenda, places and held places. "
                "Check the details, then publish it.",
            )
            return redirect("coordinator:session_detail", session_id=copy.pk)
    context = {"form": form, "session": session}
    if request.method == "POST":
        return _invalid(request, "coordinator/session_duplicate.html", context)
    return render(request, "coordinator/session_duplicate.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def session_cancel_view(request, session_id: int):
    """Asks first, with the reason everyone will be sent; cancelling cannot be undone."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_PLACES)
    back = redirect("coordinator:session_detail", session_id=session.pk)
    if session.status == Session.Status.CANCELLED:
        messages.info(request, f"“{session.title}” was already cancelled.")
        return back
    if session.ends_at <= timezone.now():
        messages.error(request, f"“{session.title}” has already happened, so it cannot be cancelled.")
        return back
    form = CancelSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        told = session_cancel(session_id=session.pk, reason=form.cleaned_data["reason"], actor=request.user)
        if told:
            people = "person who was" if told == 1 else "people who were"
            messages.success(request, f"“{session.title}” is cancelled. We are emailing the {told} {people} "
                                      "booked or waiting, with your reason.")  # fmt: skip
        else:
            messages.success(request, f"“{session.title}” is cancelled. Nobody was booked or waiting, "
                                      "so nobody needed to be told.")  # fmt: skip
        return back
    context = {"form": form, "session": session}
    if request.method == "POST":
        return _invalid(request, "coordinator/session_cancel.html", context)
    return render(request, "coordinator/session_cancel.html", context)


# --- Programmes ---------------------------------------------------------------------------------


@require_GET
@coordinator_required
def programme_list(request):
    programmes = Programme.objects.annotate(session_count=Count("sessions")).order_by("name", "id")
    return render(request, "coordinator/programme_list.html", {"programmes": programmes})


@require_http_methods(["GET", "POST"])
@coordinator_required
def programme_create(request):
    form = ProgrammeForm(request.POST if request.method == "POST" else None)

    def save() -> HttpResponse:
        programme = programme_services.programme_create(actor=request.user, **form.service_fields())
        messages.success(request, f"“{programme.name}” is added to your programmes.")
        return redirect("coordinator:programme_list")

    return form_page(request, form=form, template="coordinator/programme_form.html", save=save)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def programme_edit(request, programme_id: int):
    programme = _get_programme_for_user(request, programme_id)
    form = ProgrammeForm(request.POST if request.method == "POST" else None, instance=programme)

    def save() -> HttpResponse:
        try:
            changed = programme_services.programme_update(
                programme=programme, actor=request.user, **form.service_fields()
            )
        except ValidationError:
            programme.refresh_from_db()
            raise
        messages.success(request, f"“{programme.name}” is updated." if changed else "Nothing was changed.")
        return redirect("coordinator:programme_list")

    context = {"programme": programme}
    return form_page(request, form=form, template="coordinator/programme_form.html", save=save, context=context)


# --- Venues -------------------------------------------------------------------------------------


@require_GET
@coordinator_required
def venue_list(request):
    venues = Venue.objects.annotate(session_count=Count("sessions")).order_by("name", "id")
    return render(request, "coordinator/venue_list.html", {"venues": venues})


def _safe_next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


@require_http_methods(["GET", "POST"])
@coordinator_required
def venue_create(request):
    form = VenueForm(request.POST if request.method == "POST" else None)
    next_url = _safe_next(request)

    def save() -> HttpResponse:
        venue = services.venue_create(actor=request.user, **form.service_fields())
        messages.success(request, f"“{venue.name}” is added to your venues.")
        if next_url:
            # Back to the session form that sent us here, with the new venue chosen.
            joiner = "&" if "?" in next_url else "?"
            return redirect(f"{next_url}{joiner}venue={venue.pk}")
        return redirect("coordinator:venue_list")

    context = {"next_url": next_url}
    return form_page(request, form=form, template="coordinator/venue_form.html", save=save, context=context)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def venue_edit(request, venue_id: int):
    venue = _get_venue_for_user(request, venue_id)
    form = VenueForm(request.POST if request.method == "POST" else None, instance=venue)

    def save() -> HttpResponse:
        changed = services.venue_update(venue=venue, actor=request.user, **form.service_fields())
        messages.success(request, f"“{venue.name}” is updated." if changed else "Nothing was changed.")
        return redirect("coordinator:venue_list")

    context = {"venue": venue, "next_url": ""}
    return form_page(request, form=form, template="coordinator/venue_form.html", save=save, context=context)
