from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roundtable.bookings.selectors import how_places_are_allocated
from roundtable.cocreation.calendar import session_ics
from roundtable.cocreation.selectors import (
    public_session,
    public_session_list,
    public_session_page_key,
    signup_status,
)
from roundtable.core.pagecache import shared_page


@require_GET
def session_list(request):
    return render(request, "cocreation/session_list.html", {"sessions": public_session_list()})


@require_GET
def past_sessions(request):
    return render(request, "cocreation/past_sessions.html", {"sessions": public_session_list(when="past")})


@require_GET
def session_detail(request, session_id: int):
    def render_page():
        session = public_session(session_id)
        signup = signup_status(session)
        # How places are shared out only matters while people can still sign up or wait for a place.
        allocation = how_places_are_allocated(session) if signup.state in ("open", "not_yet_open", "closed") else []
        return render(
            request,
            "cocreation/session_detail.html",
            {"session": session, "signup": signup, "facts": session.venue.facts(), "allocation": allocation},
        )

    return shared_page(request, public_session_page_key(session_id), render_page)


@require_GET
def session_calendar(request, session_id: int):
    session = public_session(session_id)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response
