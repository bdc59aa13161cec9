"""The live co-creation board: open one for a session, join by code, add ideas, vote, move it
through its stages, and record the result as a decision in the session's record.

Three kinds of caller: a coordinator or facilitator with an API token (`manage.py api_token`;
a facilitator only for the sessions they run), a participant with the key `join` gave them
(only on that board), and anyone watching `GET /api/boards/{code}`, which answers 304 to an
unchanged board when the client sends back the ETag it was given (the way clients poll).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from roundtable.accounts.models import User
from roundtable.api.auth import participant_key, team_token, team_user, token_participant
from roundtable.api.records import DecisionOut, decision_data
from roundtable.api.schemas import FieldErrors, Input, Message
from roundtable.api.sessions import SESSION_NOT_FOUND, valid_id
from roundtable.board import services
from roundtable.board.models import CODE_ALPHABET, CODE_LENGTH, MAX_DOTS, MAX_IDEA_LENGTH, Board, BoardParticipant
from roundtable.board.selectors import board_state, viewer_dots
from roundtable.cocreation.models import Session
from roundtable.records.models import Consent

router = Router(tags=["boards"])

BOARD_NOT_FOUND = "We could not find a board with that code. Check the code on the screen at the front of the room."
BOARD_ID_NOT_FOUND = "We could not find that board."
NOT_YOUR_SESSION = "You can only do this for sessions you run. Ask a coordinator to add you to the session."
OTHER_BOARD = "That participant key is for a different board. Join this board to get a key for it."
JOIN_PATH = "/board/{code}"
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
StageValue = Literal["collecting", "grouping", "voting", "closed"]
ConsentValue = Literal["no_one_identifiable", "everyone_agreed", "private"]


class BoardIn(Input):
    question: str = Field(min_length=1, max_length=300, examples=["What should the Centre fund next year?"])
    dots_per_person: int = Field(default=3, ge=1, le=MAX_DOTS)
    several_dots_on_one_idea: bool = False
    show_names: bool = False
    show_votes_while_voting: bool = False


class BoardCreatedOut(Schema):
    id: int
    code: str = Field(description="Six letters and digits to read aloud; no 0, O, 1, I or L")
    join_url: str
    stage: StageValue


class JoinIn(Input):
    display_name: str = Field(
        default="", max_length=60, description="Optional: shown beside your ideas if the board shows names"
    )
    is_table: bool = Field(default=False, description="One device shared by a table")
    people: int | None = Field(
        default=None, ge=1, le=services.MAX_PEOPLE_AT_A_TABLE, description="How many share this device"
    )


class JoinedOut(Schema):
    participant_key: str = Field(description="Shown once. Send it as 'Authorization: Bearer <participant_key>'")
    dots: int = Field(description="How many dots this device can place")


class IdeaIn(Input):
    text: str = Field(min_length=1, max_length=MAX_IDEA_LENGTH)


class IdOut(Schema):
    id: int


class VoteIn(Input):
    idea_id: int = Field(ge=1, le=2**31 - 1)


class VotedOut(Schema):
    dots_left: int


class StageIn(Input):
    stage: StageValue


class DecisionIn(Input):
    title: str = Field(default="", max_length=300, description="What was decided; empty: 'Most dots: <the top idea>'")
    outputs_consent: ConsentValue = Field(
        default="private", description="Who agreed to the ideas being shared, for the outputs made from them"
    )


class GroupOut(Schema):
    id: int
    name: str


class PhotoOut(Schema):
    url: str = Field(description="The photo, up to 1200 pixels on its longest side")
    thumb_url: str = Field(description="A small copy for lists")
    alt: str = Field(description="What the photo shows, for people who cannot see it")
    width: int | None
    height: int | None


class IdeaOut(Schema):
    id: int
    text: str
    group: int | None = Field(description="The id of its group, if it is in one")
    votes: int | None = Field(description="Dots on it; null until the board shows votes")
    by: str | None = Field(description="The name its author chose, when the board shows names")
    photo: PhotoOut | None = Field(default=None, description="A photo added with the idea, if any")


class BoardStateOut(Schema):
    id: int
    code: str
    question: str
    stage: StageValue
    version: int = Field(description="Goes up with every change (the ETag follows it)")
    dots_per_person: int
    several_dots_on_one_idea: bool
    votes_shown: bool
    participants: int = Field(description="Devices that joined")
    groups: list[GroupOut]
    ideas: list[IdeaOut]
    dots_left: int | None = Field(description="The caller's dots left, when a participant key is sent")
    my_dots: list[int] | None = Field(description="The ideas the caller's dots are on (an id once per dot)")


def _refused(exc: services.BoardRefused) -> HttpError:
    return HttpError(409, exc.message)


def _board_by_code(code: str) -> Board:
    code = code.strip().upper()
    board = Board.objects.select_related("session").filter(code=code).first() if _CODE.fullmatch(code) else None
    if board is None:
        raise HttpError(404, BOARD_NOT_FOUND)
    return board


def _participant_on(request: HttpRequest, board: Board) -> BoardParticipant:
    participant = token_participant(request)
    if participant.board_id != board.pk:
        raise HttpError(403, OTHER_BOARD)
    return participant


def _may_run(user: User, session: Session) -> bool:
    return user.is_coordinator or session.is_run_by(user)


def _board_for_team(request: HttpRequest, board_id: int) -> tuple[Board, User]:
    user = team_user(request)
    board = Board.objects.select_related("session").filter(pk=board_id).first() if valid_id(board_id) else None
    if board is None:
        raise HttpError(404, BOARD_ID_NOT_FOUND)
    if not _may_run(user, board.session):
        raise HttpError(403, NOT_YOUR_SESSION)
    return board, user


@router.post(
    "/sessions/{session_id}/boards",
    auth=team_token,
    response={201: BoardCreatedOut, 401: Message, 403: Message, 404: Message, 422: FieldErrors},
    summary="Open a live board for a session",
)
def create_board(request: HttpRequest, session_id: int, body: BoardIn):
    """A coordinator, or a facilitator for a session they run. The board starts collecting ideas."""
    user = team_user(request)
    session = Session.objects.filter(pk=session_id).first() if valid_id(session_id) else None
    if session is None:
        raise HttpError(404, SESSION_NOT_FOUND)
    if not _may_run(user, session):
        raise HttpError(403, NOT_YOUR_SESSION)
    board = services.create_board(
        session=session,
        actor=user,
        question=body.question,
        dots_per_person=body.dots_per_person,
        several_dots_on_one_idea=body.several_dots_on_one_idea,
        show_names=body.show_names,
        show_votes_while_voting=body.show_votes_while_voting,
    )
    return 201, {
        "id": board.pk,
        "code": board.code,
        "join_url": settings.SITE_URL + JOIN_PATH.format(code=board.code),
        "stage": board.stage,
    }


@router.post(
    "/boards/{code}/join",
    response={201: JoinedOut, 404: Message, 409: Message, 422: FieldErrors},
    summary="Join a board (no account needed)",
)
def join_board(request: HttpRequest, code: str, body: JoinIn | None = None):
    """Gives a participant key for this board only. Refused (409) once the board is closed."""
    board = _board_by_code(code)
    body = body or JoinIn()
    try:
        joined = services.join(board=board, display_name=body.display_name, is_table=body.is_table, people=body.people)
    except services.BoardRefused as exc:
        raise _refused(exc) from None
    return 201, {"participant_key": joined.key, "dots": services.dots_allowed(board, joined.participant)}


@router.post(
    "/boards/{code}/ideas",
    auth=participant_key,
    response={201: IdOut, 401: Message, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Add an idea (while the board is collecting)",
)
def add_idea(request: HttpRequest, code: str, body: IdeaIn):
    board = _board_by_code(code)
    participant = _participant_on(request, board)
    try:
        idea = services.add_idea(board=board, participant=participant, text=body.text)
    except services.BoardRefused as exc:
        raise _refused(exc) from None
    return 201, {"id": idea.pk}


@router.post(
    "/boards/{code}/votes",
    auth=participant_key,
    response={201: VotedOut, 401: Message, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Place a dot on an idea (while the board is voting)",
)
def vote(request: HttpRequest, code: str, body: VoteIn):
    """409 when the caller has no dots left, the board is not voting, or the idea already has the
    caller's dot and the board allows one dot per person on each idea."""
    board = _board_by_code(code)
    participant = _participant_on(request, board)
    try:
        left = services.vote(board=board, participant=participant, idea_id=body.idea_id)
    except services.BoardRefused as exc:
        raise _refused(exc) from None
    return 201, {"dots_left": left}


@router.get(
    "/boards/{code}",
    response={200: BoardStateOut, 304: None, 404: Message, 422: FieldErrors},
    summary="The board now: its stage, ideas, groups, and votes once they are shown",
)
def get_board(request: HttpRequest, code: str):
    """Poll with `If-None-Match: <the ETag you were given>`: 304 and no body until the board
    changes. Send a participant key to see your dots left as well."""
    board = _board_by_code(code)
    viewer = _optional_participant(request, board)
    etag = f'"{board.version}-{viewer.pk if viewer else 0}"'
    # Weak comparison (RFC 9110 13.1.2): a proxy that compressed the answer may have made it W/"…".
    sent = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in sent or "*" in sent:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "no-cache"
        not_modified["Vary"] = "Authorization"
        return not_modified
    public = _public_state(board)
    if viewer is None:
        content = public.encoded
    else:
        content = json.dumps({**public.state, **viewer_dots(board, viewer)}).encode()
    answer = HttpResponse(content, content_type="application/json; charset=utf-8")
    answer["ETag"] = etag
    answer["Cache-Control"] = "no-cache"
    answer["Vary"] = "Authorization"
    return answer


@dataclass(frozen=True)
class _Rendered:
    state: dict[str, Any]
    encoded: bytes


# A board's public state by (id, code, version), in each web process. A room of 200 screens polls
# once a second while ideas arrive several times a second, so most polls are not 304s: each
# version is built (4 queries) and encoded once per process, not once per screen. The state may
# be a little newer than its version (read just after it); never older, so nobody misses a change.
_STATES: OrderedDict[tuple[int, str, int], _Rendered] = OrderedDict()
_STATES_LOCK = threading.Lock()
STATES_KEPT = 64


def _public_state(board: Board) -> _Rendered:
    key = (board.pk, board.code, board.version)
    with _STATES_LOCK:
        found = _STATES.get(key)
        if found is not None:
            _STATES.move_to_end(key)
            return found
    state = BoardStateOut.model_validate(board_state(board)).model_dump(mode="json")
    rendered = _Rendered(state=state, encoded=json.dumps(state).encode())
    with _STATES_LOCK:
        _STATES[key] = rendered
        while len(_STATES) > STATES_KEPT:
            _STATES.popitem(last=False)
    return rendered


def _optional_participant(request: HttpRequest, board: Board) -> BoardParticipant | None:
    """A participant key for this board, or nobody: anyone may watch, so any other header
    (a coordinator's token from the projector, say) simply shows the public view."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw:
        return None
    participant = services.participant_for_key(raw)
    return participant if participant is not None and participant.board_id == board.pk else None


@router.post(
    "/boards/{board_id}/stage",
    auth=team_token,
    response={200: BoardCreatedOut, 401: Message, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Move a board to another stage",
)
def set_stage(request: HttpRequest, board_id: int, body: StageIn):
    """Forward to any later stage; back one stage at a time (not once the result is recorded)."""
    board, user = _board_for_team(request, board_id)
    try:
        board = services.set_stage(board=board, actor=user, stage=body.stage)
    except services.BoardRefused as exc:
        raise _refused(exc) from None
    return 200, {
        "id": board.pk,
        "code": board.code,
        "join_url": settings.SITE_URL + JOIN_PATH.format(code=board.code),
        "stage": board.stage,
    }


@router.post(
    "/boards/{board_id}/decision",
    auth=team_token,
    response={201: DecisionOut, 401: Message, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Record a closed board's result as a decision in the session's record",
)
def record_decision(request: HttpRequest, board_id: int, body: DecisionIn | None = None):
    """Dot-voting, the ideas that got dots with their counts, and how many people took part; each
    of those ideas is kept as a text output (private to the team unless `outputs_consent` says
    otherwise). 409 when the board is not closed, nobody voted, or it is already recorded."""
    board, user = _board_for_team(request, board_id)
    body = body or DecisionIn()
    try:
        decision = services.record_decision(
            board=board, actor=user, title=body.title, outputs_consent=Consent(body.outputs_consent)
        )
    except services.BoardRefused as exc:
        raise _refused(exc) from None
    return 201, decision_data(decision)
