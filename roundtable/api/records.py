"""Session records: attendance, outputs, decisions and actions.

Public callers see consented outputs of published sessions only. A coordinator's bearer token
adds private outputs (their file URLs accept the same token) and unpublished sessions.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError, HttpError
from pydantic import Field

from roundtable.api.auth import coordinator_token
from roundtable.api.errors import InvalidInput
from roundtable.api.fields import iso
from roundtable.api.schemas import FieldErrors, Message
from roundtable.api.sessions import valid_id
from roundtable.cocreation.models import Programme, Session
from roundtable.core.forms import parse_id
from roundtable.records import selectors
from roundtable.records.models import Action, Decision, Output

router = Router(tags=["records"])

RECORD_NOT_FOUND = "We could not find a record for that session."
Status = Literal["planned", "in_progress", "done", "not_doing"]
ConsentValue = Literal["no_one_identifiable", "everyone_agreed", "private"]


class AttendanceOut(Schema):
    came: int
    newcomers: int = Field(description="Came for the first time")
    returning: int = Field(description="Had come to an earlier session")
    perspectives: dict[str, int] = Field(description="People by perspective (someone may give two); counts only")
    not_said: int = Field(description="People who gave no perspective")


class FilesOut(Schema):
    full: str
    large: str | None = None
    thumb: str | None = None


class OutputOut(Schema):
    id: int
    kind: Literal["image", "text", "audio"]
    caption: str
    alt_text: str = Field(description="What an image shows (images only)")
    transcript: str = Field(description="Everything said (audio only)")
    text: str = Field(description="The text or quote (text only)")
    credit: str = Field(description="A chosen name, or 'Anonymous'")
    consent: ConsentValue
    content_type: str
    files: FilesOut | None


class ActionOut(Schema):
    id: int
    decision_id: int
    title: str
    status: Status
    due_on: date | None
    not_doing_reason: str
    outcome: str
    updated_at: str


class VoteOut(Schema):
    option: str
    count: int


class DecisionOut(Schema):
    id: int
    session_id: int
    title: str
    question: str
    options: list[str]
    method: Literal["consensus", "dot_voting", "show_of_hands", "consent_based", "other"]
    method_label: str
    votes: list[VoteOut]
    took_part: dict[str, int] = Field(description="People who took part in deciding, by perspective")
    url: str


class SessionRefOut(Schema):
    id: int
    title: str
    starts_at: str
    url: str


class RecordOut(Schema):
    session: SessionRefOut
    attendance: AttendanceOut
    outputs: list[OutputOut]
    decisions: list[DecisionOut]
    actions: list[ActionOut]


class ActionWithDecisionOut(ActionOut):
    decision: DecisionOut
    session: SessionRefOut


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


class ActionList(Schema):
    items: list[ActionWithDecisionOut]
    count: int


def _coordinator_by_token(request: HttpRequest) -> bool:
    """No Authorization header: the public view. A header that is not a coordinator's live token
    is refused, so a coordinator never mistakes the public view for theirs."""
    if not request.headers.get("Authorization"):
        return False
    if coordinator_token(request) is None:
        raise AuthenticationError()
    return True


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _session_ref(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": iso(session.starts_at),
        "url": _absolute(reverse("records:session_record", args=[session.pk])),
    }


def output_data(output: Output) -> dict[str, Any]:
    files = None
    if output.file:
        files = {
            "full": _absolute(output.full_url),
            "large": _absolute(output.large_url) if output.large else None,
            "thumb": _absolute(output.thumb_url) if output.thumb else None,
        }
    return {
        "id": output.pk,
        "kind": output.kind,
        "caption": output.caption,
        "alt_text": output.alt_text,
        "transcript": output.transcript,
        "text": output.body,
        "credit": output.credit_line,
        "consent": output.consent,
        "content_type": output.content_type,
        "files": files,
    }


def decision_data(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "session_id": decision.session_id,
        "title": decision.title,
        "question": decision.question,
        "options": decision.option_list,
        "method": decision.method,
        "method_label": decision.method_label,
        "votes": decision.votes,
        "took_part": decision.took_part,
        "url": _absolute(decision.get_absolute_url()),
    }


def action_data(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "decision_id": action.decision_id,
        "title": action.title,
        "status": action.status,
        "due_on": action.due_on,
        "not_doing_reason": action.not_doing_reason,
        "outcome": action.outcome,
        "updated_at": iso(action.updated_at),
    }


@router.get(
    "/sessions/{session_id}/record",
    response={200: RecordOut, 401: Message, 404: Message, 422: FieldErrors},
    summary="What a session made and decided, and the actions since",
)
def session_record(request: HttpRequest, session_id: int):
    """Attendance counts, outputs (public ones only unless a coordinator's token is sent),
    decisions and their actions. Public callers get a record only once the session has happened."""
    team = _coordinator_by_token(request)
    if not valid_id(session_id):
        raise HttpError(404, RECORD_NOT_FOUND)
    sessions = Session.objects.select_related("programme")
    if not team:
        sessions = sessions.published().filter(ends_at__lt=timezone.now())
    session = sessions.filter(pk=session_id).first()
    if session is None:
        raise HttpError(404, RECORD_NOT_FOUND)
    record = selectors.session_record(session, include_private=team)
    attendance = selectors.attendance_summary(session)
    return {
        "session": _session_ref(session),
        "attendance": {
            "came": attendance.came,
            "newcomers": attendance.newcomers,
            "returning": attendance.returning,
            "perspectives": dict(attendance.perspective_codes),
            "not_said": attendance.not_said,
        },
        "outputs": [output_data(o) for o in record.outputs],
        "decisions": [decision_data(d) for d in record.decisions],
        "actions": [action_data(a) for d in record.decisions for a in d.actions.all()],
    }


@router.get(
    "/actions",
    response={200: ActionList, 401: Message, 422: FieldErrors},
    summary="Actions from decisions, with their decisions",
)
def list_actions(request: HttpRequest, status: Status | None = None, programme: str | None = None):
    """Newest sessions first. `status` filters by planned, in_progress, done or not_doing;
    `programme` takes a programme's id or its slug."""
    team = _coordinator_by_token(request)
    chosen = None
    if programme:
        # An id or a slug; anything else (a NUL byte would make PostgreSQL raise) matches nothing.
        pk = parse_id(programme) if programme.isascii() and programme.isdigit() else None
        if pk is not None:
            chosen = Programme.objects.filter(pk=pk).first()
        elif _SLUG.fullmatch(programme):
            chosen = Programme.objects.filter(slug=programme).first()
        if chosen is None:
            raise InvalidInput({"programme": "There is no programme with that id or slug"})
    actions = selectors.action_list(status=status or "", programme=chosen, public=not team)
    if not team:
        actions = actions.filter(decision__session__ends_at__lt=timezone.now())
    items = [
        {**action_data(a), "decision": decision_data(a.decision), "session": _session_ref(a.decision.session)}
        for a in actions
    ]
    return {"items": items, "count": len(items)}
