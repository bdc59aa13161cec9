"""The board's pages for the people in the room (no account) and the projector.

A participant's key lives in a signed, HttpOnly cookie scoped to the board's own path, so it is
sent only to this board's pages and no script can read it. Every page works without JavaScript:
plain forms, POST-redirect-GET, and a "Refresh" link. `static/board/board.mjs` only adds polling
of the public `GET /api/boards/{code}` to keep the ideas list current.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from roundtable.accounts.permissions import is_team_member
from roundtable.board import services
from roundtable.board.forms import CodeForm, IdeaForm, JoinForm
from roundtable.board.models import CODE_ALPHABET, CODE_LENGTH, Board, BoardParticipant, Idea, Stage
from roundtable.board.qr import qr_svg
from roundtable.board.selectors import board_state

COOKIE_SALT = "roundtable.board.participant"
COOKIE_MAX_AGE = 12 * 60 * 60  # a day in the room, not longer


def cookie_name(board: Board) -> str:
    return f"board-{board.code}"


def board_path(board: Board) -> str:
    return reverse("board:board", args=[board.code])


def join_url(board: Board) -> str:
    return settings.SITE_URL + f"/board/{board.code}"


def _board_or_404(code: str) -> Board:
    code = (code or "").strip().upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise Http404
    board = Board.objects.select_related("session").filter(code=code).first()
    if board is None:
        raise Http404
    return board


def _participant(request: HttpRequest, board: Board) -> BoardParticipant | None:
    raw = request.get_signed_cookie(cookie_name(board), default="", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    participant = services.participant_for_key(raw) if raw else None
    return participant if participant is not None and participant.board_id == board.pk else None


def arranged(state: dict[str, Any]) -> dict[str, Any]:
    """The state shaped for templates: ideas under their groups (in the groups' order), then
    ideas in no group; results (most dots first) with each bar's width."""
    by_group: dict[int | None, list[dict]] = {}
    for idea in state["ideas"]:
        by_group.setdefault(idea["group"], []).append(idea)
    sections = [{"name": g["name"], "id": g["id"], "ideas": by_group.get(g["id"], [])} for g in state["groups"]]
    ungrouped = by_group.get(None, [])
    results = sorted(state["ideas"], key=lambda i: (-(i["votes"] or 0), i["id"])) if state["votes_shown"] else []
    most = max([i["votes"] or 0 for i in results] or [0]) or 1
    for idea in results:
        idea["percent"] = round(100 * (idea["votes"] or 0) / most)
    mine = state.get("my_dots") or []
    for idea in state["ideas"]:
        idea["mine"] = mine.count(idea["id"])
    return {"sections": sections, "ungrouped": ungrouped, "results": results}


def _render_board(
    request: HttpRequest, board: Board, *, idea_form: IdeaForm | None = None, join_form: JoinForm | None = None
) -> HttpResponse:
    participant = _participant(request, board)
    state = board_state(board, participant)
    failed = idea_form if idea_form is not None and idea_form.errors else join_form
    context = {
        "board": board,
        "state": state,
        **arranged(state),
        "participant": participant,
        "voting": participant is not None and board.stage == Stage.VOTING,
        "idea_form": idea_form or IdeaForm(),
        "join_form": join_form or JoinForm(),
        "form": failed,  # the page title starts "Error:" when a form failed
        "stage": Stage,
    }
    return render(request, "board/board.html", context, status=400 if failed is not None and failed.errors else 200)


@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """/board/: "Join a board" by typing the code read out in the room."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        board = Board.objects.filter(code=form.cleaned_data["code"]).first()
        if board is not None:
            return redirect("board:board", code=board.code)
        form.add_error("code", "We could not find a board with that code. Check the code on the screen.")
    status = 400 if form.errors else 200
    return render(request, "board/find.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def board_page(request: HttpRequest, code: str) -> HttpResponse:
    board = _board_or_404(code)
    return _render_board(request, board)


@require_POST
def join(request: HttpRequest, code: str) -> HttpResponse:
    board = _board_or_404(code)
    if _participant(request, board) is not None:
        return redirect(board_path(board))
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _render_board(request, board, join_form=form)
    try:
        people = form.cleaned_data["people"]
        joined = services.join(
            board=board,
            display_name=form.cleaned_data["display_name"],
            is_table=bool(people and people > 1),
            people=people if people and people > 1 else None,
        )
    except services.BoardRefused as exc:
        messages.error(request, exc.message)
        return redirect(board_path(board))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_board(request, board, join_form=form)
    response = redirect(board_path(board))
    response.set_signed_cookie(
        cookie_name(board),
        joined.key,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        path=board_path(board),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    messages.success(request, "You have joined the board.")
    return response


def _must_join(request: HttpRequest, board: Board) -> HttpResponse:
    messages.error(request, "Join the board first: choose “Join this board”.")
    return redirect(board_path(board))


@require_POST
def add_idea(request: HttpRequest, code: str) -> HttpResponse:
    board = _board_or_404(code)
    participant = _participant(request, board)
    if participant is None:
        return _must_join(request, board)
    form = IdeaForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_board(request, board, idea_form=form)
    try:
        services.add_idea(
            board=board,
            participant=participant,
            text=form.cleaned_data["text"],
            photo=form.cleaned_data["photo"] or None,
            photo_alt=form.cleaned_data["photo_alt"],
        )
    except services.BoardRefused as exc:
        messages.error(request, exc.message)
        return redirect(board_path(board))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else "text", errors)
        return _render_board(request, board, idea_form=form)
    messages.success(request, "Your idea is on the board.")
    return redirect(board_path(board) + "#ideas")


@require_POST
def dot(request: HttpRequest, code: str) -> HttpResponse:
    """ "Place a dot" and "Take back a dot": one form per idea, the button says which."""
    board = _board_or_404(code)
    participant = _participant(request, board)
    if participant is None:
        return _must_join(request, board)
    try:
        idea_id = int(request.POST.get("idea_id", ""))
    except ValueError:
        idea_id = 0
    taking_back = request.POST.get("action") == "take"
    try:
        if taking_back:
            left = services.remove_dot(board=board, participant=participant, idea_id=idea_id)
        else:
            left = services.vote(board=board, participant=participant, idea_id=idea_id)
    except services.BoardRefused as exc:
        messages.error(request, exc.message)
        return redirect(board_path(board) + "#ideas")
    except ValidationError:
        messages.error(request, "That idea is no longer on the board. Choose one of the ideas shown.")
        return redirect(board_path(board) + "#ideas")
    done = "Dot taken back." if taking_back else "Dot placed."
    messages.success(request, f"{done} You have {left} {'dot' if left == 1 else 'dots'} left.")
    return redirect(board_path(board) + f"#idea-{idea_id}")


PHOTO_VARIANTS = {"large": "photo", "thumb": "photo_thumb"}


@require_http_methods(["GET"])
def idea_photo(request: HttpRequest, code: str, idea_id: int, variant: str) -> FileResponse:
    """An idea's photo, for anyone who can see the board, while the idea is shown. A hidden idea's
    photo is served only to the team (the control page shows hidden ideas, with the reason)."""
    board = _board_or_404(code)
    field = PHOTO_VARIANTS.get(variant)
    idea = Idea.objects.filter(board=board, pk=idea_id).first()
    if field is None or idea is None or not idea.photo:
        raise Http404("No such photo")
    if not idea.is_shown and not is_team_member(request.user):
        raise Http404("No such photo")
    name = getattr(idea, field).name
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such photo") from None
    extension = name.rsplit(".", 1)[-1]
    response = FileResponse(handle, content_type=idea.photo_type, filename=f"idea-{idea.pk}-{variant}.{extension}")
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=60)
    return response


@require_http_methods(["GET"])
def projector(request: HttpRequest, code: str) -> HttpResponse:
    """For the screen at the front of the room: the code, a QR code of the join address, counts,
    and the results once closed. Shows nothing a participant's own screen does not."""
    board = _board_or_404(code)
    state = board_state(board)
    url = join_url(board)
    context = {
        "board": board,
        "state": state,
        **arranged(state),
        "join_url": url,
        "site_url_host": settings.SITE_URL.split("://", 1)[-1].rstrip("/"),
        "qr": qr_svg(url, title=f"QR code: join the board at {url}"),
        "stage": Stage,
    }
    return render(request, "board/projector.html", context)
