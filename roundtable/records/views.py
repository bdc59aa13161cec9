"""Public pages of the record: what happened at a session, "you said, we did", a programme's
timeline, the story so far. They only ever show consented outputs."""

from __future__ import annotations

import base64
from typing import Any

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from roundtable.accounts.permissions import request_is_coordinator
from roundtable.cocreation.models import Session
from roundtable.records import selectors
from roundtable.records.files import VARIANTS
from roundtable.records.models import ActionStatus, Output

STATUS_FILTERS = [("", "All")] + [(value, label) for value, label in ActionStatus.choices]
PER_PAGE = 25


def _get_output_for_user(request: HttpRequest, output_id: int) -> Output:
    """Consented outputs of published sessions are anyone's; the rest are the team's. Anyone else
    gets the same 404 as for an id that does not exist, so probing reveals nothing."""
    output = Output.objects.select_related("session").filter(pk=output_id).first()
    if output is None:
        raise Http404("No such output")
    if not (output.is_public and output.session.status == Session.Status.PUBLISHED) and not request_is_coordinator(
        request
    ):
        raise Http404("No such output")
    return output


@require_GET
def output_file(request: HttpRequest, output_id: int, variant: str) -> FileResponse:
    if variant not in VARIANTS:
        raise Http404("No such file")
    output = _get_output_for_user(request, output_id)
    name = getattr(output, variant).name
    if not name:
        raise Http404("No such file")
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such file") from None
    extension = name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=output.content_type, filename=f"output-{output.pk}-{variant}.{extension}"
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if output.is_public and output.session.status == Session.Status.PUBLISHED:
        # Short, so withdrawing consent takes effect soon even in shared caches.
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


def session_record(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.public_past_session(session_id)
    record = selectors.session_record(session, include_private=False)
    return render(
        request,
        "records/session_record.html",
        {
            "session": session,
            "record": record,
            "attendance": selectors.attendance_summary(session),
            "images": [o for o in record.outputs if o.kind == Output.Kind.IMAGE],
        },
    )


def output_detail(request: HttpRequest, session_id: int, output_id: int) -> HttpResponse:
    session = selectors.public_past_session(session_id)
    outputs = list(Output.objects.public().filter(session=session))
    output = next((o for o in outputs if o.pk == output_id), None)
    if output is None:
        raise Http404("No such output")
    previous, following = selectors.neighbours(outputs, output)
    return render(
        request,
        "records/output_detail.html",
        {
            "session": session,
            "output": output,
            "previous": previous,
            "next": following,
            "number": outputs.index(output) + 1,
            "total": len(outputs),
        },
    )


def you_said_we_did(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.public_programme(slug)
    status = request.GET.get("status", "")
    if status not in ActionStatus.values:
        status = ""
    page = Paginator(selectors.you_said_we_did(programme, status=status), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "records/you_said_we_did.html",
        {
            "programme": programme,
            "page": page,
            "decisions": list(page.object_list),
            "status": status,
            "status_filters": STATUS_FILTERS,
            "status_label": dict(ActionStatus.choices).get(status, ""),
        },
    )


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.public_programme(slug)
    sessions = selectors.programme_timeline(programme)
    counts = selectors.action_counts(selectors.action_list(programme=programme, public=True))
    now = timezone.now()
    return render(
        request,
        "records/programme.html",
        {
            "programme": programme,
            "past": [s for s in sessions if s.ends_at < now],
            "upcoming": [s for s in sessions if s.ends_at >= now],
            "counts": counts,
            "actions_total": sum(counts.values()),
            "share_done": selectors.share_done(counts),
            "status_rows": [(label, counts[value]) for value, label in ActionStatus.choices],
        },
    )


def _story_context(session: Session) -> dict:
    story = selectors.story_so_far(session)
    return {
        "session": session,
        "story": story,
        "status_rows": [(value, label, story.counts[value]) for value, label in ActionStatus.choices],
    }


def story(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.upcoming_public_session(session_id)
    return render(request, "records/story.html", _story_context(session))


# How much of a decision's actions one slide shows before the rest go on to the next slide: the
# presentation's script shrinks the type of a long slide to fit the screen, and this keeps that
# shrinking small enough to read from the back of a room.
ACTIONS_PER_SLIDE = 3
ACTION_TEXT_PER_SLIDE = 600


def _action_pages(actions: list) -> list[list]:
    """Split a decision's actions into slides: at most ACTIONS_PER_SLIDE each, and a new slide once the
    words pass ACTION_TEXT_PER_SLIDE. Every slide has at least one action; none has none."""
    pages: list[list] = [[]]
    length = 0
    for action in actions:
        size = len(action.title) + len(action.outcome or "") + len(action.not_doing_reason or "")
        if pages[-1] and (len(pages[-1]) == ACTIONS_PER_SLIDE or length + size > ACTION_TEXT_PER_SLIDE):
            pages.append([])
            length = 0
        pages[-1].append(action)
        length += size
    return pages


def story_present(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.upcoming_public_session(session_id)
    context = _story_context(session)
    slides: list[dict[str, Any]] = [{"kind": "start"}]
    if context["story"].earlier:
        slides.append({"kind": "sessions"})
    for decision in context["story"].decisions:
        for page, actions in enumerate(_action_pages(list(decision.actions.all()))):
            slides.append({"kind": "decision", "decision": decision, "actions": actions, "continued": page > 0})
    if context["story"].actions_total:
        slides.append({"kind": "progress"})
    if context["story"].outputs:
        slides.append({"kind": "outputs"})
    slides.append({"kind": "today"})
    context["slides"] = [{"number": n, **slide} for n, slide in enumerate(slides, start=1)]
    context["slide_count"] = len(slides)
    return render(request, "records/story_present.html", context)


def _data_uri(output: Output) -> str:
    """The handout embeds its photos: the PDF renderer fetches nothing, wherever files are stored."""
    name = (output.large or output.file).name
    if not name:
        return ""
    with default_storage.open(name, "rb") as handle:
        return f"data:{output.content_type};base64,{base64.b64encode(handle.read()).decode()}"


def story_handout(request: HttpRequest, session_id: int) -> HttpResponse:
    from roundtable.core.pdf import pdf_response

    session = selectors.upcoming_public_session(session_id)
    context = _story_context(session)
    for output in context["story"].outputs:
        output.data_uri = _data_uri(output) if output.kind == Output.Kind.IMAGE else ""
    return pdf_response(
        "records/story_handout.pdf.html", context, filename=f"story-so-far-{session.pk}", request=request, inline=True
    )
