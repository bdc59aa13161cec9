from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roundtable.cocreation.calendar import session_ics
from roundtable.cocreation.selectors import public_session, public_session_list


@require_GET
def session_list(request):
    return render(request, "cocreation/session_list.html", {"sessions": public_session_list()})


@require_GET
def past_sessions(request):
    return render(request, "cocreation/past_sessions.html", {"sessions": public_session_list(when="past")})


@require_GET
def session_calendar(request, session_id: int):
    session = public_session(session_id)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response
