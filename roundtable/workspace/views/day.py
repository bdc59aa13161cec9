"""The day itself: the access briefing, the sign-in (check-in) page for a tablet, the facilitator's
agenda, and the printables (badges, sign-in sheet, agenda handout, the venue's access briefing).

Facilitators may open everything here except the coordinators' briefing with names and the
arrangement forms. Every look at access needs, in any form, is written to the audit log.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from roundtable.accounts.permissions import coordinator_required, is_coordinator, team_required
from roundtable.bookings import briefing, printables
from roundtable.bookings.errors import BookingStateError
from roundtable.bookings.models import AccessArrangement, Booking
from roundtable.bookings.selectors import get_booking_for_user
from roundtable.bookings.services import booking_mark_attendance, booking_walk_in
from roundtable.cocreation.models import Session
from roundtable.cocreation.selectors import get_session_for_user
from roundtable.core import audit
from roundtable.core.pdf import pdf_response

CHECK_IN_LIST = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
SEARCH_MAX = 100


WITH_VENUE = Session.objects.select_related("venue")


# --- Access briefing ----------------------------------------------------------------------------


def _render_briefing(request, session: Session, forms_by_need: dict | None = None, *, status: int = 200):
    counts = briefing.briefing_counts(session)
    forms_by_need = forms_by_need or {}
    rows = []
    for row in counts.rows:
        form = forms_by_need.get(row.need) or briefing.ArrangementForm(
            need=row.need, initial={"status": row.status, "note": row.note}
        )
        rows.append((row, form))
    failed = next((form for form in forms_by_need.values() if form.errors), None)
    audit.log(request.user, "access_needs.viewed", session, version="with names")
    return render(
        request,
        "day/access_briefing.html",
        {
            "session": session,
            "briefing": counts,
            "venue_conflicts": briefing.briefing_venue_conflicts(counts),
            "rows": rows,
            "answers": briefing.briefing_answers(session),
            "form": failed,  # so the page <title> starts with "Error:" when a row's form failed
            "failed_form": failed,
            "can_edit": is_coordinator(request.user),
        },
        status=status,
    )


@require_GET
@team_required(hide=True)
def access_briefing(request, session_id: int):
    """Coordinators: counts, arrangements and each person's answers. Facilitators get the version
    without names instead."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    if not is_coordinator(request.user) and not session.share_access_details:
        return redirect("day:access_summary", session_id=session.pk)
    return _render_briefing(request, session)


@require_POST
@coordinator_required(hide=True)
def arrangement_update(request, session_id: int, need: str):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    if not briefing.is_known_need(need):
        return render(request, "errors/404.html", status=404)
    form = briefing.ArrangementForm(request.POST, need=need)
    if not form.is_valid():
        return _render_briefing(request, session, {need: form}, status=400)
    briefing.arrangement_update(
        session=session,
        need=need,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        actor=request.user,
    )
    label = briefing.NEED_LABELS[need]
    messages.success(
        request, f"Saved: {label} – {dict(AccessArrangement.Status.choices)[form.cleaned_data['status']]}."
    )
    return HttpResponseRedirect(reverse("day:access_briefing", args=[session.pk]) + f"#need-{need}")


@require_GET
@team_required(hide=True)
def access_summary(request, session_id: int):
    """For the venue and the facilitator: counts and arrangements, no names, no free text."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    counts = briefing.briefing_counts(session)
    audit.log(request.user, "access_needs.viewed", session, version="without names")
    context = {"session": session, "briefing": counts, "venue_conflicts": briefing.briefing_venue_conflicts(counts)}
    return render(request, "day/access_summary.html", context)


@require_GET
@team_required(hide=True)
def access_summary_pdf(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    counts = briefing.briefing_counts(session)
    audit.log(request.user, "access_needs.exported", session, version="without names", format="pdf")
    return pdf_response(
        "day/pdf/access_summary.html",
        {"session": session, "briefing": counts, "printed_at": timezone.localtime()},
        filename=f"access-briefing-{session.pk}",
        request=request,
    )


# --- Sign-in (check-in) -------------------------------------------------------------------------


class WalkInForm(forms.Form):
    name = forms.CharField(
        label="Name they want to be called",
        max_length=100,
        error_messages={
            "required": "Enter the name they want to be called",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        max_length=254,
        help_text="So we can send them what happens next. Leave empty if they would rather not say.",
        error_messages={"invalid": "Enter an email address like name@example.org, or leave it empty"},
    )
    pronouns = forms.CharField(
        label="Pronouns (optional)",
        required=False,
        max_length=40,
        error_messages={"max_length": "Pronouns must be 40 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="walk-in", **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["pronouns"].widget.attrs.update(autocomplete="off", **{"class": "govuk-input--width-10"})


def _search(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", request.POST.get("q", "")).split())[:SEARCH_MAX]


def _check_in_url(session: Session, query: str = "", anchor: str = "") -> str:
    url = reverse("day:check_in", args=[session.pk])
    if query:
        url += "?" + urlencode({"q": query})
    return url + (f"#{anchor}" if anchor else "")


def _render_check_in(request, session: Session, walk_in: WalkInForm | None = None, *, status: int = 200):
    query = _search(request)
    people = Booking.objects.filter(session=session, status__in=CHECK_IN_LIST)
    totals = people.aggregate(
        everyone=Count("pk"),
        signed_in=Count("pk", filter=Q(status=Booking.Status.ATTENDED)),
        no_show=Count("pk", filter=Q(status=Booking.Status.NO_SHOW)),
    )
    totals["to_come"] = totals["everyone"] - totals["signed_in"] - totals["no_show"]
    shown = people.select_related("person").only("status", "person__name", "person__pronouns")
    if query:
        shown = shown.filter(person__name__icontains=query)
    rows = sorted(shown.order_by(Lower("person__name"), "pk"), key=lambda b: (b.person.name.casefold(), b.pk))
    groups: list[tuple[str, list[Booking]]] = []
    for booking in rows:
        letter = booking.person.name[:1].upper()
        letter = letter if letter.isalpha() else "#"
        if not groups or groups[-1][0] != letter:
            groups.append((letter, []))
        groups[-1][1].append(booking)
    return render(
        request,
        "day/check_in.html",
        {
            "session": session,
            "groups": groups,
            "shown_count": len(rows),
            "totals": totals,
            "query": query,
            "walk_in": walk_in or WalkInForm(),
            "form": walk_in,
            "has_started": session.starts_at <= timezone.now(),
        },
        status=status,
    )


@require_GET
@team_required(hide=True)
def check_in(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    return _render_check_in(request, session)


ACTIONS = {"attended": True, "no_show": False, "undo": None}


@require_POST
@team_required(hide=True)
def check_in_mark(request, session_id: int, booking_id: int):
    """One tap: signed in, did not come, or undo. Back to the same row of the same list."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    booking = get_booking_for_user(
        request.user,
        booking_id,
        queryset=Booking.objects.select_related("person").filter(session=session, status__in=CHECK_IN_LIST),
    )
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, "That button did not work. Try again.")
        return redirect(_check_in_url(session, _search(request), f"booking-{booking.pk}"))
    try:
        booking = booking_mark_attendance(booking_id=booking.pk, attended=ACTIONS[action], actor=request.user)
    except BookingStateError as error:
        messages.error(request, error.message)
    else:
        name = booking.person.name
        messages.success(
            request,
            {
                "attended": f"{name} is signed in.",
                "no_show": f"{name} is marked as did not come.",
                "undo": f"{name} is back on the list as not signed in yet.",
            }[action],
        )
    return redirect(_check_in_url(session, _search(request), f"booking-{booking.pk}"))


@require_POST
@team_required(hide=True)
def check_in_no_shows(request, session_id: int):
    """After the session has started: everyone still not signed in is marked as did not come.
    Each can still be signed in afterwards if they turn up late."""
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    if session.starts_at > timezone.now():
        messages.error(request, "You can mark people as did not come once the session has started.")
        return redirect(_check_in_url(session))
    waiting_for = list(
        Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for booking_id in waiting_for:
            booking_mark_attendance(booking_id=booking_id, attended=False, actor=request.user)
    count = len(waiting_for)
    if count:
        messages.success(
            request,
            f"{count} {'person is' if count == 1 else 'people are'} marked as did not come. "
            "If someone arrives late, you can still sign them in.",
        )
    else:
        messages.info(request, "Everyone on the list was already signed in or marked.")
    return redirect(_check_in_url(session))


@require_POST
@team_required(hide=True)
def walk_in(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return _render_check_in(request, session, form, status=400)
    booking = booking_walk_in(
        session_id=session.pk,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        pronouns=form.cleaned_data["pronouns"],
        actor=request.user,
    )
    messages.success(request, f"{booking.person.name} is added and signed in.")
    return redirect(_check_in_url(session, anchor=f"booking-{booking.pk}"))


# --- Agenda and printables ----------------------------------------------------------------------


@require_GET
@team_required(hide=True)
def agenda(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    return render(request, "day/agenda.html", {"session": session, "rows": printables.agenda_rows(session)})


@require_GET
@team_required(hide=True)
def agenda_pdf(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    return pdf_response(
        "day/pdf/agenda.html",
        {"session": session, "rows": printables.agenda_rows(session)},
        filename=f"agenda-{session.pk}",
        request=request,
    )


class BadgeForm(forms.Form):
    size = forms.ChoiceField(
        label="Badge size",
        choices=[(layout.key, layout.label) for layout in printables.BADGE_LAYOUTS.values()],
        widget=forms.RadioSelect,
        initial="standard",
        error_messages={"required": "Choose a badge size", "invalid_choice": "Choose standard or large print badges"},
    )


def _render_printables(request, session: Session, badge_form: BadgeForm, *, status: int = 200):
    on_list = printables.people_on_the_list(session).count()
    return render(
        request,
        "day/printables.html",
        {"session": session, "badge_form": badge_form, "form": badge_form, "on_list": on_list},
        status=status,
    )


@require_GET
@team_required(hide=True)
def printables_page(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    return _render_printables(request, session, BadgeForm())


@require_GET
@team_required(hide=True)
def badges_pdf(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    form = BadgeForm(request.GET or {"size": "standard"})
    if not form.is_valid():
        return _render_printables(request, session, form, status=400)
    layout = printables.BADGE_LAYOUTS[form.cleaned_data["size"]]
    badges = printables.badges_for(session)
    return pdf_response(
        "day/pdf/badges.html",
        {
            "session": session,
            "session_line": printables.badge_session_line(session),
            "layout": layout,
            "sheets": printables.sheets(badges, layout.per_page),
        },
        filename=f"badges-{layout.key}-{session.pk}",
        request=request,
    )


@require_GET
@team_required(hide=True)
def sign_in_sheet_pdf(request, session_id: int):
    session = get_session_for_user(request.user, session_id, queryset=WITH_VENUE)
    people = sorted(printables.people_on_the_list(session), key=lambda b: (b.person.name.casefold(), b.pk))
    return pdf_response(
        "day/pdf/sign_in_sheet.html",
        {"session": session, "people": people, "blank_rows": range(8)},
        filename=f"sign-in-sheet-{session.pk}",
        request=request,
    )
