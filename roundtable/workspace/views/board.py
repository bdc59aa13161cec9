"""Running a live board from the workspace: open one for a session, move it through its stages,
hide ideas, make groups, put ideas in groups and merge duplicates (checkboxes, a list and a button:
no dragging, WCAG 2.5.7), and record the result as a decision in the session's record.

Coordinators run any session's boards; a facilitator only those of sessions they may open
(`get_session_for_user`). Every board is loaded through its session, so a board id on another
session's address is simply not found.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from roundtable.accounts.models import User
from roundtable.accounts.permissions import is_coordinator, team_required
from roundtable.board import services
from roundtable.board.forms import BoardForm
from roundtable.board.models import STAGE_ORDER, Board, Idea, IdeaGroup, Stage
from roundtable.board.selectors import idea_photo
from roundtable.cocreation.models import Session
from roundtable.cocreation.selectors import get_session_for_user


def _actor(request: HttpRequest) -> User:
    # Every view here is behind @team_required, so the user is a signed-in member of the team.
    return cast(User, request.user)


def _board_for_user(request: HttpRequest, session_id: int, board_id: int) -> tuple[Session, Board]:
    session = get_session_for_user(request.user, session_id)
    board = get_object_or_404(Board.objects.select_related("session", "decision"), pk=board_id, session=session)
    return session, board


def _control_url(board: Board) -> str:
    return reverse("boards:control", args=[board.session_id, board.pk])


@require_http_methods(["GET", "POST"])
@team_required(hide=True)
def session_boards(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's boards, and the form to open a new one."""
    session = get_session_for_user(request.user, session_id)
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.create_board(session=session, actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Board opened. People join with the code {board.code}.")
            return redirect(_control_url(board))
    boards = Board.objects.filter(session=session).order_by("-created_at", "-id")
    context = {"session": session, "boards": boards, "form": form, "is_coordinator": is_coordinator(request.user)}
    return render(request, "boards/session_boards.html", context, status=400 if form.errors else 200)


TYPED_ANCHORS = {"text": "typed-idea", "photo": "typed-photo", "photo_alt": "typed-photo-alt"}


def _render_control(
    request: HttpRequest,
    session: Session,
    board: Board,
    *,
    errors=None,
    status: int = 200,
    typed: str = "",
    typed_alt: str = "",
):
    shown = list(
        Idea.objects.filter(board=board, hidden_at__isnull=True, merged_into__isnull=True)
        .select_related("group")
        .order_by("group__order", "group_id", "id")
    )
    for idea in shown:
        idea.photo_view = idea_photo(board, idea)  # type: ignore[attr-defined]
    hidden = Idea.objects.filter(board=board, hidden_at__isnull=False).order_by("id")
    merged = Idea.objects.filter(board=board, merged_into__isnull=False).select_related("merged_into").order_by("id")
    groups = list(IdeaGroup.objects.filter(board=board))
    results = services.results(board) if board.stage == Stage.CLOSED else []
    most = max([n for _, n in results] or [0]) or 1
    index = STAGE_ORDER.index(Stage(board.stage))
    context = {
        "session": session,
        "board": board,
        "shown": shown,
        "hidden": hidden,
        "merged": merged,
        "groups": groups,
        "results": [{"text": i.text, "votes": n, "percent": round(100 * n / most)} for i, n in results],
        "next_stages": [s for s in STAGE_ORDER[index + 1 :]],
        "previous_stage": STAGE_ORDER[index - 1] if index and not board.decision_id else None,
        "can_group": board.stage in (Stage.COLLECTING, Stage.GROUPING),
        "can_hide": board.stage != Stage.CLOSED,
        "participants": board.participants.count(),
        "errors": errors or [],
        "typed": typed,
        "typed_alt": typed_alt,
        "typed_error": next((message for anchor, message in errors or [] if anchor == "typed-idea"), ""),
        "photo_error": next((message for anchor, message in errors or [] if anchor == "typed-photo"), ""),
        "alt_error": next((message for anchor, message in errors or [] if anchor == "typed-photo-alt"), ""),
        "stage": Stage,
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "boards/control.html", context, status=status)


@require_http_methods(["GET"])
@team_required(hide=True)
def control(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    session, board = _board_for_user(request, session_id, board_id)
    return _render_control(request, session, board)


def _act(request: HttpRequest, session: Session, board: Board, do, done: str, anchor: str) -> HttpResponse:
    """Run a service: a refusal is said at the top of the page, a mistake in what was sent goes in
    the error summary next to the part of the page it is about."""
    try:
        do()
    except services.BoardRefused as exc:
        messages.error(request, exc.message)
        return redirect(_control_url(board))
    except ValidationError as exc:
        board.refresh_from_db()
        return _render_control(request, session, board, errors=[(anchor, m) for m in exc.messages], status=400)
    messages.success(request, done)
    return redirect(_control_url(board))


@require_POST
@team_required(hide=True)
def stage(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    session, board = _board_for_user(request, session_id, board_id)
    chosen = request.POST.get("stage", "")
    label = dict(Stage.choices).get(chosen, "")
    return _act(
        request,
        session,
        board,
        lambda: services.set_stage(board=board, actor=_actor(request), stage=chosen),
        f"The board is now at “{label}”.",
        "stage-heading",
    )


def _chosen_ideas(request: HttpRequest, board: Board) -> list[Idea]:
    ids = [int(v) for v in request.POST.getlist("ideas") if v.isdigit() and len(v) < 10]
    return list(Idea.objects.filter(board=board, pk__in=ids).order_by("id"))


@require_POST
@team_required(hide=True)
def arrange(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    """The grouping form: the ideas ticked go into the group chosen, or are merged into the idea
    chosen as the one to keep."""
    session, board = _board_for_user(request, session_id, board_id)
    chosen = _chosen_ideas(request, board)
    if request.POST.get("action") == "merge":
        keep = Idea.objects.filter(board=board, pk=_int(request.POST.get("keep"))).first()
        duplicates = [idea for idea in chosen if keep is None or idea.pk != keep.pk]

        def merge() -> None:
            if keep is None:
                raise ValidationError("Choose the idea to keep")
            if not duplicates:
                raise ValidationError("Tick the ideas that say the same as the one you keep")
            for duplicate in duplicates:
                services.merge_ideas(keep=keep, duplicate=duplicate, actor=_actor(request))

        n = len(duplicates)
        return _act(
            request, session, board, merge, f"Merged {n} {'idea' if n == 1 else 'ideas'} into “{keep}”.", "keep"
        )
    raw_group = request.POST.get("group", "")
    group = IdeaGroup.objects.filter(board=board, pk=_int(raw_group)).first() if raw_group != "none" else None

    def put() -> None:
        if not chosen:
            raise ValidationError("Tick at least one idea to put in a group")
        if raw_group != "none" and group is None:
            raise ValidationError("Choose a group")
        for idea in chosen:
            services.put_in_group(idea=idea, group=group, actor=_actor(request))

    where = f"“{group.name}”" if group else "no group"
    n = len(chosen)
    return _act(request, session, board, put, f"Put {n} {'idea' if n == 1 else 'ideas'} in {where}.", "group")


def _int(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else 0


@require_POST
@team_required(hide=True)
def groups(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    """Make a group, or rename one."""
    session, board = _board_for_user(request, session_id, board_id)
    name = request.POST.get("name", "")
    raw = request.POST.get("rename", "")
    if raw:
        group = IdeaGroup.objects.filter(board=board, pk=_int(raw)).first()

        def rename() -> None:
            if group is None:
                raise ValidationError("Choose the group to rename")
            services.rename_group(group=group, actor=_actor(request), name=name)

        return _act(request, session, board, rename, "Group renamed.", "rename-name")
    return _act(
        request,
        session,
        board,
        lambda: services.create_group(board=board, actor=_actor(request), name=name),
        "Group made.",
        "group-name",
    )


@require_POST
@team_required(hide=True)
def type_up(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    """A facilitator types up an idea said aloud or written on paper: it joins the board with no
    participant, like any other idea."""
    session, board = _board_for_user(request, session_id, board_id)
    text = request.POST.get("text", "")
    photo_alt = request.POST.get("photo_alt", "")
    try:
        services.add_idea(
            board=board, participant=None, text=text, photo=request.FILES.get("photo"), photo_alt=photo_alt
        )
    except services.BoardRefused as exc:
        messages.error(request, exc.message)
        return redirect(_control_url(board))
    except ValidationError as exc:
        board.refresh_from_db()
        errors = [
            (TYPED_ANCHORS.get(field, "typed-idea"), message)
            for field, messages_ in exc.message_dict.items()
            for message in messages_
        ]
        return _render_control(request, session, board, errors=errors, status=400, typed=text, typed_alt=photo_alt)
    messages.success(request, "Idea added to the board. Everyone sees it on their screen.")
    return redirect(_control_url(board) + "#ideas-heading")


@require_POST
@team_required(hide=True)
def hide(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    session, board = _board_for_user(request, session_id, board_id)
    idea = Idea.objects.filter(board=board, pk=_int(request.POST.get("idea"))).first()

    def do() -> None:
        if idea is None:
            raise ValidationError("Choose the idea to hide")
        services.hide_idea(idea=idea, actor=_actor(request), reason=request.POST.get("reason", ""))

    return _act(request, session, board, do, "Idea hidden. It stays in the record with your reason.", "hide-idea")


@require_POST
@team_required(hide=True)
def record(request: HttpRequest, session_id: int, board_id: int) -> HttpResponse:
    """ "Record as a decision": the closed board's result goes into the session's record."""
    session, board = _board_for_user(request, session_id, board_id)
    try:
        services.record_decision(board=board, actor=_actor(request))
    except services.BoardRefused as exc:
        messages.error(request, exc.message)
        return redirect(_control_url(board))
    messages.success(request, "The result is in the session's record as a decision, with the ideas kept as outputs.")
    return redirect(_control_url(board))
