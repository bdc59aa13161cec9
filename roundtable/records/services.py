"""Writes to a session's record. Each function is keyword-only, atomic and audited, and raises
ValidationError with a message per field before anything is written."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.people.models import ConsentRecord, Person, Perspective
from roundtable.people.services import CREDIT_WORDING, consent_record
from roundtable.records import digest
from roundtable.records.files import StoredFiles, UploadRefused, delete_stored, store_audio, store_image
from roundtable.records.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    Consent,
    Decision,
    Method,
    Output,
    StoryChoice,
)
from roundtable.records.selectors import outputs_credited_to

MAX_COUNT = 10_000
MAX_VOTE_ROWS = 30
# People counted without being asked their perspective (a board's dot vote is anonymous).
NOT_ASKED = "not_asked"
TOOK_PART_KEYS = [code for code, _ in Perspective.choices] + [NOT_ASKED]


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


# --- Outputs ----------------------------------------------------------------------------------


def _output_errors(
    *, kind: str, caption: str, consent: str, alt_text: str, transcript: str, body: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in Output.Kind.values:
        errors["kind"] = "Choose a photo, a text or quote, or an audio recording"
    if not caption:
        errors["caption"] = "Enter a caption"
    if consent not in Consent.values:
        errors["consent"] = "Choose who agreed to this being shared"
    if kind == Output.Kind.IMAGE and not alt_text:
        errors["alt_text"] = "Enter alt text: what the photo shows, for people who cannot see it"
    if kind == Output.Kind.AUDIO and not transcript:
        errors["transcript"] = "Enter a transcript of the recording"
    if kind == Output.Kind.TEXT and not body:
        errors["body"] = "Enter the text or quote"
    return errors


def _store(kind: str, upload: UploadedFile | None) -> StoredFiles:
    try:
        return store_image(upload) if kind == Output.Kind.IMAGE else store_audio(upload)
    except UploadRefused as exc:
        raise ValidationError({"upload": [str(exc)]}) from None


def _apply_files(output: Output, stored: StoredFiles) -> list[str]:
    """Point the output at new files; returns the names of the files it no longer uses."""
    old = [output.file.name, output.large.name, output.thumb.name]
    output.file.name = stored.names.get("file", "")
    output.large.name = stored.names.get("large", "")
    output.thumb.name = stored.names.get("thumb", "")
    output.content_type, output.width, output.height = stored.content_type, stored.width, stored.height
    return [name for name in old if name]


def output_create(
    *,
    session: Session,
    actor: User,
    kind: str,
    caption: str,
    consent: str,
    credit: str = "",
    alt_text: str = "",
    transcript: str = "",
    body: str = "",
    upload: UploadedFile | None = None,
) -> Output:
    caption, credit, alt_text, transcript, body = (
        caption.strip(),
        credit.strip(),
        alt_text.strip(),
        transcript.strip(),
        body.strip(),
    )
    errors = _output_errors(
        kind=kind, caption=caption, consent=consent, alt_text=alt_text, transcript=transcript, body=body
    )
    if kind in (Output.Kind.IMAGE, Output.Kind.AUDIO) and upload is None and "upload" not in errors:
        errors["upload"] = "Select a photo" if kind == Output.Kind.IMAGE else "Select a recording"
    _raise(errors)
    # Files are checked and written before the transaction, so a refused upload writes nothing
    # and a slow upload never holds a database lock; a failed insert removes them again.
    stored = _store(kind, upload) if kind != Output.Kind.TEXT else StoredFiles()
    try:
        with transaction.atomic():
            last = (
                Output.objects.filter(session=session).order_by("-position").values_list("position", flat=True).first()
            )
            output = Output(
                session=session,
                kind=kind,
                caption=caption,
                consent=consent,
                credit=credit,
                created_by=actor,
                alt_text=alt_text if kind == Output.Kind.IMAGE else "",
                transcript=transcript if kind == Output.Kind.AUDIO else "",
                body=body if kind == Output.Kind.TEXT else "",
                position=(last or 0) + 1,
            )
            _apply_files(output, stored)
            output.save()
            audit.log(actor, "output.create", output, consent=consent, kind=kind)
            credit_consent_record(session=session, credit=credit)
    except Exception:
        delete_stored(list(stored.names.values()))
        raise
    return output


def credit_consent_record(*, session: Session, credit: str) -> list[Person]:
    """A person agrees on the day that what they made may carry their chosen name; the team
    writes that down by entering the credit. When the credit is the name of someone booked on
    the session (the rule the letter of involvement and the ledger use), their "yes" goes into
    the consent ledger now, with the versioned wording, unless it is already their latest answer.
    Returns the people it was recorded for."""
    name = credit.strip()
    if len(name) < 3:
        return []
    people = list(
        Person.objects.filter(
            pk__in=Booking.objects.filter(session=session).exclude(status=Booking.Status.CANCELLED).values("person_id"),
            name__iexact=name,
        )
    )
    recorded = []
    for person in people:
        latest = person.consents.filter(kind=ConsentRecord.Kind.CREDIT).order_by("-created_at", "-id").first()
        if latest is None or not latest.given:
            consent_record(
                person=person, kind=ConsentRecord.Kind.CREDIT, given=True, wording=CREDIT_WORDING, source="coordinator"
            )
            recorded.append(person)
    return recorded


def output_update(
    *,
    output: Output,
    actor: User,
    caption: str,
    consent: str,
    credit: str = "",
    alt_text: str = "",
    transcript: str = "",
    body: str = "",
    upload: UploadedFile | None = None,
) -> Output:
    caption, credit, alt_text, transcript, body = (
        caption.strip(),
        credit.strip(),
        alt_text.strip(),
        transcript.strip(),
        body.strip(),
    )
    _raise(
        _output_errors(
            kind=output.kind, caption=caption, consent=consent, alt_text=alt_text, transcript=transcript, body=body
        )
    )
    stored = _store(output.kind, upload) if upload is not None and output.kind != Output.Kind.TEXT else None
    try:
        with transaction.atomic():
            locked = Output.objects.select_for_update().get(pk=output.pk)
            was = locked.consent
            locked.caption, locked.consent, locked.credit = caption, consent, credit
            if locked.kind == Output.Kind.IMAGE:
                locked.alt_text = alt_text
            elif locked.kind == Output.Kind.AUDIO:
                locked.transcript = transcript
            else:
                locked.body = body
            replaced = _apply_files(locked, stored) if stored else []
            locked.save()
            audit.log(actor, "output.update", locked, consent=consent, consent_was=was, new_file=bool(stored))
            credit_consent_record(session=locked.session, credit=credit)
            transaction.on_commit(lambda: delete_stored(replaced))
    except Exception:
        if stored:
            delete_stored(list(stored.names.values()))
        raise
    return locked


@transaction.atomic
def output_delete(*, output: Output, actor: User) -> None:
    names = [output.file.name, output.large.name, output.thumb.name]
    audit.log(actor, "output.delete", output, kind=output.kind)
    output.delete()
    transaction.on_commit(lambda: delete_stored(names))


# --- Decisions --------------------------------------------------------------------------------


def _clean_votes(votes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    cleaned = []
    for row in votes or []:
        option = " ".join(str(row.get("option", "")).split())
        try:
            count = int(row.get("count", ""))
        except (TypeError, ValueError):
            return [], "Each vote count must be a whole number"
        if not option:
            return [], "Each vote count needs the option it was for"
        if not 0 <= count <= MAX_COUNT:
            return [], f"Each vote count must be between 0 and {MAX_COUNT:,}"
        cleaned.append({"option": option[:300], "count": count})
    if len(cleaned) > MAX_VOTE_ROWS:
        return [], f"Give at most {MAX_VOTE_ROWS} options with votes"
    return cleaned, ""


def _clean_took_part(took_part: dict[str, Any]) -> tuple[dict[str, int], str]:
    cleaned = {}
    for key, value in (took_part or {}).items():
        if key not in TOOK_PART_KEYS:
            return {}, "Use only the listed perspectives"
        try:
            count = int(value or 0)
        except (TypeError, ValueError):
            return {}, "Each number of people must be a whole number"
        if not 0 <= count <= MAX_COUNT:
            return {}, f"Each number of people must be between 0 and {MAX_COUNT:,}"
        if count:
            cleaned[key] = count
    return cleaned, ""


def _decision_fields(
    *, title: str, question: str, options: str, method: str, method_other: str, votes: list, took_part: dict
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": title.strip(),
        "question": question.strip(),
        "options": options.strip(),
        "method": method,
        "method_other": method_other.strip() if method == Method.OTHER else "",
    }
    errors: dict[str, str] = {}
    if not fields["title"]:
        errors["title"] = "Enter what was decided"
    if method not in Method.values:
        errors["method"] = "Choose how the group decided"
    elif method == Method.OTHER and not fields["method_other"]:
        errors["method_other"] = "Say in a few words how the group decided"
    fields["votes"], problem = _clean_votes(votes)
    if problem:
        errors["votes"] = problem
    fields["took_part"], problem = _clean_took_part(took_part)
    if problem:
        errors["took_part"] = problem
    _raise(errors)
    return fields


@transaction.atomic
def decision_create(
    *,
    session: Session,
    actor: User,
    title: str,
    method: str,
    question: str = "",
    options: str = "",
    method_other: str = "",
    votes: list | None = None,
    took_part: dict | None = None,
) -> Decision:
    fields = _decision_fields(
        title=title,
        question=question,
        options=options,
        method=method,
        method_other=method_other,
        votes=votes or [],
        took_part=took_part or {},
    )
    last = Decision.objects.filter(session=session).order_by("-position").values_list("position", flat=True).first()
    decision = Decision.objects.create(session=session, created_by=actor, position=(last or 0) + 1, **fields)
    audit.log(actor, "decision.create", decision, method=decision.method)
    return decision


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    actor: User,
    title: str,
    method: str,
    question: str = "",
    options: str = "",
    method_other: str = "",
    votes: list | None = None,
    took_part: dict | None = None,
) -> Decision:
    fields = _decision_fields(
        title=title,
        question=question,
        options=options,
        method=method,
        method_other=method_other,
        votes=votes or [],
        took_part=took_part or {},
    )
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.save()
    audit.log(actor, "decision.update", decision, method=decision.method)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, actor: User) -> None:
    audit.log(actor, "decision.delete", decision, session_id=decision.session_id, actions=decision.actions.count())
    decision.delete()


# --- Actions ----------------------------------------------------------------------------------


def _action_fields(
    *, title: str, owner: User | None, due_on: date | None, status: str, not_doing_reason: str, outcome: str
) -> dict[str, Any]:
    fields = {
        "title": title.strip(),
        "owner": owner,
        "due_on": due_on,
        "status": status,
        "not_doing_reason": not_doing_reason.strip() if status == ActionStatus.NOT_DOING else "",
        "outcome": outcome.strip(),
    }
    errors: dict[str, str] = {}
    if not fields["title"]:
        errors["title"] = "Enter what the team will do"
    if owner is not None and not owner.is_coordinator:
        errors["owner"] = "Choose a coordinator to own this action"
    if status not in ActionStatus.values:
        errors["status"] = "Choose where this action has got to"
    elif status == ActionStatus.NOT_DOING and not fields["not_doing_reason"]:
        errors["not_doing_reason"] = "Say why the team is not doing this"
    _raise(errors)
    return fields


@transaction.atomic
def action_create(
    *,
    decision: Decision,
    actor: User,
    title: str,
    owner: User | None = None,
    due_on: date | None = None,
    status: str = ActionStatus.PLANNED,
    not_doing_reason: str = "",
    outcome: str = "",
) -> Action:
    fields = _action_fields(
        title=title, owner=owner, due_on=due_on, status=status, not_doing_reason=not_doing_reason, outcome=outcome
    )
    action = Action.objects.create(decision=decision, created_by=actor, status_changed_at=timezone.now(), **fields)
    audit.log(actor, "action.create", action, session_id=decision.session_id, status=action.status)
    if action.status in CLOSED_STATUSES:
        digest.note_change(action)
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    actor: User,
    title: str,
    owner: User | None = None,
    due_on: date | None = None,
    status: str,
    not_doing_reason: str = "",
    outcome: str = "",
) -> Action:
    fields = _action_fields(
        title=title, owner=owner, due_on=due_on, status=status, not_doing_reason=not_doing_reason, outcome=outcome
    )
    locked = Action.objects.select_for_update().select_related("decision").get(pk=action.pk)
    was = locked.status
    for name, value in fields.items():
        setattr(locked, name, value)
    if was != locked.status:
        locked.status_changed_at = timezone.now()
    locked.save()
    audit.log(
        actor, "action.update", locked, session_id=locked.decision.session_id, status=locked.status, status_was=was
    )
    if was != locked.status:
        if locked.status in CLOSED_STATUSES:
            digest.note_change(locked)
        else:
            digest.withdraw_change(locked)
    return locked


# --- The story so far -------------------------------------------------------------------------


@transaction.atomic
def story_choose(
    *, session: Session, actor: User, choice: str, decision: Decision | None = None, output: Output | None = None
) -> None:
    """Pin, hide, or (choice "") go back to the automatic pick for one item of a session's story."""
    if (decision is None) == (output is None):
        raise ValueError("Name exactly one decision or output")
    if choice and choice not in StoryChoice.Choice.values:
        raise ValidationError({"choice": ["Choose always show, leave out, or pick automatically"]})
    target = {"decision": decision} if decision is not None else {"output": output}
    if not choice:
        StoryChoice.objects.filter(session=session, **target).delete()
    else:
        StoryChoice.objects.update_or_create(
            session=session, **target, defaults={"choice": choice, "updated_by": actor}
        )
    audit.log(actor, "story.choose", decision or output, session_id=session.pk, choice=choice or "automatic")


@transaction.atomic
def outputs_uncredit(*, name: str, actor: Any) -> int:
    """The person no longer wants their name on what they made: each output credited to it stays,
    credited as anonymous. Returns how many; audited with the count only."""
    changed = outputs_credited_to(name).update(credit="", updated_at=timezone.now())
    if changed:
        audit.log(actor, "output.credit_removed", actor_label=actor if isinstance(actor, str) else "", outputs=changed)
    return changed
