"""Writes to a board. Keyword-only, atomic, and each bumps the board's version (its ETag).

Refusals a person can do something about are `BoardRefused` (the API answers 409): the board is
not at the right stage, no dots left, a second dot on one idea when the board does not allow it.
Bad input is a ValidationError with a message per field (422). A participant key used on another
board is `NotThisBoard` (403).

The dot limit holds with several server processes at once: `vote` counts a participant's dots
inside a transaction that first locks that participant's row (PostgreSQL `SELECT … FOR UPDATE`;
on SQLite the IMMEDIATE transaction already holds the database's write lock), so two votes from
one participant are counted one after the other, never side by side.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.board.models import (
    MAX_DOTS,
    MAX_IDEA_LENGTH,
    STAGE_ORDER,
    Board,
    BoardParticipant,
    Dot,
    Idea,
    IdeaGroup,
    Stage,
    new_code,
)
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.privatelinks import hash_token, new_token
from roundtable.records import files
from roundtable.records import services as records
from roundtable.records.models import Consent, Decision, Method

# More than this at one device is more likely someone taking extra dots than a real table.
MAX_PEOPLE_AT_A_TABLE = 12
MAX_DECISION_OPTIONS = records.MAX_VOTE_ROWS


class BoardRefused(Exception):
    """Something the board's state does not allow right now; the message says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotThisBoard(Exception):
    """A participant of one board acting on another."""


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _check_participant(board: Board, participant: BoardParticipant) -> None:
    if participant.board_id != board.pk:
        raise NotThisBoard()


def _locked_board(board: Board) -> Board:
    # Board changes (stage, groups, merges) are serialised on the board's row, so a stage change
    # and a vote never both read the old stage.
    return Board.objects.select_for_update().get(pk=board.pk)


def _require_stage(board: Board, stages: Iterable[str], doing: str) -> None:
    allowed = list(stages)
    if board.stage not in allowed:
        names = " or ".join(Stage(s).label.lower() for s in allowed)
        raise BoardRefused(
            f"You can only {doing} while the board is {names}. It is {board.get_stage_display().lower()}."
        )


# --- Setting up ---------------------------------------------------------------------------------


def create_board(
    *,
    session: Session,
    actor: User,
    question: str,
    dots_per_person: int = 3,
    several_dots_on_one_idea: bool = False,
    show_names: bool = False,
    show_votes_while_voting: bool = False,
) -> Board:
    question = _one_line(question)
    errors: dict[str, str] = {}
    if not question:
        errors["question"] = "Enter the question people are answering"
    elif len(question) > 300:
        errors["question"] = "The question must be 300 characters or fewer"
    if not 1 <= dots_per_person <= MAX_DOTS:
        errors["dots_per_person"] = f"Give each person between 1 and {MAX_DOTS} dots"
    _raise(errors)
    for _ in range(10):
        try:
            with transaction.atomic():
                board = Board.objects.create(
                    session=session,
                    question=question,
                    dots_per_person=dots_per_person,
                    several_dots_on_one_idea=several_dots_on_one_idea,
                    show_names=show_names,
                    show_votes_while_voting=show_votes_while_voting,
                    code=new_code(),
                    created_by=actor,
                )
                audit.log(actor, "board.create", board, session_id=session.pk)
                return board
        except IntegrityError:  # the code was taken (about one in 300 million): draw another
            continue
    raise RuntimeError("Could not find a free board code")


@transaction.atomic
def set_stage(*, board: Board, actor: User, stage: str) -> Board:
    """Forward any number of stages (grouping can be skipped); back one stage at a time, so a
    facilitator can reopen voting after closing too soon — but not once the result is recorded."""
    if stage not in Stage.values:
        _raise({"stage": "Choose collecting, grouping, voting or closed"})
    locked = _locked_board(board)
    was, now = STAGE_ORDER.index(Stage(locked.stage)), STAGE_ORDER.index(Stage(stage))
    if now == was:
        return locked
    if now < was - 1:
        raise BoardRefused("A board goes back one stage at a time.")
    if now < was and locked.decision_id:
        raise BoardRefused("The result is already in the session record, so the board stays closed.")
    locked.stage = stage
    locked.save(update_fields=["stage", "updated_at"])
    locked.bump()
    locked.refresh_from_db(fields=["version"])
    audit.log(actor, "board.stage", locked, session_id=locked.session_id, stage=stage, stage_was=STAGE_ORDER[was].value)
    return locked


# --- Joining and adding ideas -----------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    participant: BoardParticipant
    key: str  # shown once; only its hash is kept


@transaction.atomic
def join(*, board: Board, display_name: str = "", is_table: bool = False, people: int | None = None) -> Joined:
    display_name = _one_line(display_name)
    errors: dict[str, str] = {}
    if len(display_name) > 60:
        errors["display_name"] = "Your name on the board must be 60 characters or fewer"
    if people is not None and not 1 <= people <= MAX_PEOPLE_AT_A_TABLE:
        errors["people"] = f"Say how many people share this device, from 1 to {MAX_PEOPLE_AT_A_TABLE}"
    _raise(errors)
    locked = _locked_board(board)
    if locked.stage == Stage.CLOSED:
        raise BoardRefused("This board is closed, so it cannot be joined any more.")
    raw, key_hash = new_token()
    participant = BoardParticipant.objects.create(
        board=locked, key_hash=key_hash, display_name=display_name, is_table=is_table, people=people
    )
    locked.bump()
    return Joined(participant=participant, key=raw)


def participant_for_key(raw: str) -> BoardParticipant | None:
    raw = (raw or "").strip()
    if not raw or len(raw) > 100:
        return None
    return BoardParticipant.objects.select_related("board").filter(key_hash=hash_token(raw)).first()


MAX_PHOTO_ALT_LENGTH = 500


def _idea_errors(text: str, photo: UploadedFile | None, photo_alt: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "Enter your idea"
    elif len(text) > MAX_IDEA_LENGTH:
        errors["text"] = f"Your idea must be {MAX_IDEA_LENGTH} characters or fewer"
    if photo is not None:
        try:
            files.precheck("image", photo)
        except files.UploadRefused as exc:
            errors["photo"] = str(exc)
        if not photo_alt:
            errors["photo_alt"] = "Say what the photo shows, for people who cannot see it"
    if len(photo_alt) > MAX_PHOTO_ALT_LENGTH:
        errors["photo_alt"] = f"What the photo shows must be {MAX_PHOTO_ALT_LENGTH} characters or fewer"
    return errors


def add_idea(
    *,
    board: Board,
    participant: BoardParticipant | None,
    text: str,
    photo: UploadedFile | None = None,
    photo_alt: str = "",
) -> Idea:
    """`participant` None: a facilitator typing up an idea said aloud or written on paper.

    A photo is checked and written (decoded and saved again from its pixels, so no EXIF) before the
    transaction, so a refused file writes nothing and a slow upload never holds the board's lock;
    a refusal after that removes the files again."""
    if participant is not None:
        _check_participant(board, participant)
    text = " ".join((text or "").split())
    photo_alt = " ".join((photo_alt or "").split()) if photo is not None else ""
    _raise(_idea_errors(text, photo, photo_alt))
    stored = None
    if photo is not None:
        try:
            stored = files.store_image(photo)
        except files.UploadRefused as exc:
            _raise({"photo": str(exc)})
    try:
        with transaction.atomic():
            locked = _locked_board(board)
            _require_stage(locked, [Stage.COLLECTING], "add ideas")
            idea = Idea(board=locked, participant=participant, text=text)
            if stored is not None:
                idea.photo.name = stored.names["large"]
                idea.photo_thumb.name = stored.names["thumb"]
                idea.photo_alt = photo_alt
                idea.photo_type = stored.content_type
                idea.photo_width, idea.photo_height = _scaled(stored.width, stored.height, files.VARIANTS["large"])
            idea.save()
            locked.bump()
    except Exception:
        if stored is not None:
            files.delete_stored(list(stored.names.values()))
        raise
    if stored is not None:
        files.delete_stored([stored.names["file"]])  # the board shows the large copy at most
    return idea


def _scaled(width: int | None, height: int | None, longest: int) -> tuple[int | None, int | None]:
    if not (width and height):
        return None, None
    scale = min(1.0, longest / max(width, height))
    return max(round(width * scale), 1), max(round(height * scale), 1)


@transaction.atomic
def hide_idea(*, idea: Idea, actor: User, reason: str) -> Idea:
    """Hidden ideas stay, with the reason, for the record. Dots already on one go back to the
    people who placed them, so they can use them on an idea still shown."""
    reason = _one_line(reason)
    if not reason:
        _raise({"reason": "Say why you are hiding this idea"})
    if len(reason) > 300:
        _raise({"reason": "The reason must be 300 characters or fewer"})
    locked = _locked_board(idea.board)
    _require_stage(locked, [Stage.COLLECTING, Stage.GROUPING, Stage.VOTING], "hide ideas")
    idea = Idea.objects.get(pk=idea.pk)
    if idea.hidden_at is None:
        idea.hidden_at = timezone.now()
    idea.hidden_reason = reason
    idea.save(update_fields=["hidden_at", "hidden_reason"])
    returned, _ = Dot.objects.filter(idea=idea).delete()
    locked.bump()
    audit.log(actor, "board.idea.hide", idea, session_id=locked.session_id, reason=reason, dots_returned=returned)
    return idea


# --- Grouping and merging (no dragging: choose a group from a list) ---------------------------

GROUPING_STAGES = (Stage.COLLECTING, Stage.GROUPING)


def _group_name(name: str) -> str:
    name = _one_line(name)
    if not name:
        _raise({"name": "Enter a name for the group"})
    if len(name) > 100:
        _raise({"name": "The group's name must be 100 characters or fewer"})
    return name


@transaction.atomic
def create_group(*, board: Board, actor: User, name: str) -> IdeaGroup:
    name = _group_name(name)
    locked = _locked_board(board)
    _require_stage(locked, GROUPING_STAGES, "make groups")
    last = IdeaGroup.objects.filter(board=locked).aggregate(last=Max("order"))["last"] or 0
    group = IdeaGroup.objects.create(board=locked, name=name, order=last + 1)
    locked.bump()
    return group


@transaction.atomic
def rename_group(*, group: IdeaGroup, actor: User, name: str) -> IdeaGroup:
    name = _group_name(name)
    locked = _locked_board(group.board)
    _require_stage(locked, GROUPING_STAGES, "rename groups")
    group.name = name
    group.save(update_fields=["name"])
    locked.bump()
    return group


@transaction.atomic
def put_in_group(*, idea: Idea, group: IdeaGroup | None, actor: User) -> Idea:
    """`group` None takes the idea out of its group."""
    if group is not None and group.board_id != idea.board_id:
        _raise({"group": "Choose a group on this board"})
    locked = _locked_board(idea.board)
    _require_stage(locked, GROUPING_STAGES, "group ideas")
    idea.group = group
    idea.save(update_fields=["group"])
    locked.bump()
    return idea


@transaction.atomic
def merge_ideas(*, keep: Idea, duplicate: Idea, actor: User) -> Idea:
    """Fold `duplicate` into `keep`: it stays for the record but is shown and voted on as `keep`
    (ideas already folded into the duplicate follow it)."""
    if keep.pk == duplicate.pk:
        _raise({"duplicate": "Choose a different idea to merge"})
    if keep.board_id != duplicate.board_id:
        _raise({"duplicate": "Choose an idea on this board"})
    locked = _locked_board(keep.board)
    _require_stage(locked, GROUPING_STAGES, "merge ideas")
    keep, duplicate = Idea.objects.get(pk=keep.pk), Idea.objects.get(pk=duplicate.pk)
    if not (keep.is_shown and duplicate.is_shown):
        _raise({"duplicate": "Choose ideas that are shown on the board (not hidden or already merged)"})
    Idea.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    if keep.group_id is None and duplicate.group_id is not None:
        keep.group_id = duplicate.group_id
        keep.save(update_fields=["group"])
    locked.bump()
    audit.log(actor, "board.idea.merge", keep, session_id=locked.session_id, duplicate=duplicate.pk)
    return keep


# --- Voting -------------------------------------------------------------------------------------


def dots_allowed(board: Board, participant: BoardParticipant) -> int:
    """A table sharing one device has a set of dots for each person at it."""
    return board.dots_per_person * (participant.people or 1)


def vote(*, board: Board, participant: BoardParticipant, idea_id: int) -> int:
    """Place one dot; returns how many dots the participant has left."""
    _check_participant(board, participant)
    with transaction.atomic():
        # The lock that makes the limit hold: one participant's votes are counted in turn.
        me = BoardParticipant.objects.select_for_update().get(pk=participant.pk)
        # Then the board's, which every change takes, so voting cannot slip past a stage change.
        current = _locked_board(board)
        if current.stage != Stage.VOTING:
            raise BoardRefused(f"Voting is not open on this board. It is {current.get_stage_display().lower()}.")
        idea = Idea.objects.filter(board=current, pk=idea_id, hidden_at__isnull=True, merged_into__isnull=True).first()
        if idea is None:
            _raise({"idea_id": "Choose an idea shown on this board"})
        mine = dict(
            Dot.objects.filter(participant=me)
            .values_list("idea_id")
            .annotate(n=Count("id"))
            .values_list("idea_id", "n")
        )
        allowed = dots_allowed(current, me)
        used = sum(mine.values())
        if used >= allowed:
            raise BoardRefused(
                f"You have used all your {allowed} dots. Take one off an idea to place it somewhere else."
            )
        per_idea = allowed if current.several_dots_on_one_idea else (me.people or 1)
        if mine.get(idea_id, 0) >= per_idea:
            raise BoardRefused(
                "You already have a dot on that idea. This board allows one dot per person on each idea."
            )
        Dot.objects.create(board=current, participant=me, idea_id=idea_id)
        current.bump()
        return allowed - used - 1


@transaction.atomic
def remove_dot(*, board: Board, participant: BoardParticipant, idea_id: int) -> int:
    """Take one of the participant's dots off an idea; returns how many dots they have left."""
    _check_participant(board, participant)
    me = BoardParticipant.objects.select_for_update().get(pk=participant.pk)
    current = _locked_board(board)
    if current.stage != Stage.VOTING:
        raise BoardRefused(f"Voting is not open on this board. It is {current.get_stage_display().lower()}.")
    dot = Dot.objects.filter(participant=me, idea_id=idea_id).order_by("-id").first()
    if dot is None:
        raise BoardRefused("You have no dot on that idea.")
    dot.delete()
    current.bump()
    return dots_allowed(current, me) - Dot.objects.filter(participant=me).count()


# --- Recording the result ------------------------------------------------------------------------


def results(board: Board) -> list[tuple[Idea, int]]:
    """Shown ideas with their dots, most first (ties in the order they were added)."""
    ideas = (
        Idea.objects.filter(board=board, hidden_at__isnull=True, merged_into__isnull=True)
        .select_related("participant")
        .annotate(votes=Count("dots"))
        .order_by("-votes", "id")
    )
    return [(idea, idea.votes) for idea in ideas]  # type: ignore[attr-defined]


def people_who_voted(board: Board) -> int:
    """People, not devices: a table counts as the people at it."""
    voters = BoardParticipant.objects.filter(board=board, dots__isnull=False).distinct()
    return sum(p.people or 1 for p in voters)


def record_decision(*, board: Board, actor: User, title: str = "", outputs_consent: str = Consent.PRIVATE) -> Decision:
    """The closed board's result as a decision in the session's record: dot-voting, the ideas that
    got dots with their counts (at most MAX_DECISION_OPTIONS), how many people took part, and each
    of those ideas kept as a text output. Outputs are private to the team unless `outputs_consent`
    says otherwise: nobody in the room was asked about publishing their words."""
    if outputs_consent not in Consent.values:
        _raise({"outputs_consent": "Choose who agreed to the ideas being shared"})
    with transaction.atomic():
        locked = _locked_board(board)
        if locked.stage != Stage.CLOSED:
            raise BoardRefused("Close the board before recording its result.")
        if locked.decision_id:
            raise BoardRefused("This board's result is already in the session record.")
        kept = [(idea, n) for idea, n in results(locked) if n][:MAX_DECISION_OPTIONS]
        if not kept:
            raise BoardRefused("Nobody placed a dot, so there is no result to record.")
        took_part = people_who_voted(locked)
        tied = [idea.text for idea, n in kept if n == kept[0][1]]
        top = f"Most dots: {tied[0]}" if len(tied) == 1 else f"Most dots, a tie: {'; '.join(tied)}"
        decision = records.decision_create(
            session=locked.session,
            actor=actor,
            title=_one_line(title)[:300] or top[:300],
            question=locked.question,
            options="\n".join(idea.text for idea, _ in kept),
            method=Method.DOT_VOTING,
            votes=[{"option": idea.text, "count": n} for idea, n in kept],
            took_part={records.NOT_ASKED: took_part},
        )
        for idea, n in kept:
            author = idea.participant.display_name if (locked.show_names and idea.participant) else ""
            caption = f"An idea from the board “{locked.question}” ({n} {'dot' if n == 1 else 'dots'})"
            records.output_create(
                session=locked.session,
                actor=actor,
                kind="text",
                caption=caption[:300],
                consent=outputs_consent,
                credit=author,
                body=idea.text,
            )
            if idea.photo:
                # The photo is kept as an output of its own, with the words its author gave it.
                with default_storage.open(str(idea.photo.name), "rb") as stored:
                    photo = SimpleUploadedFile(os.path.basename(str(idea.photo.name)), stored.read(), idea.photo_type)
                    records.output_create(
                        session=locked.session,
                        actor=actor,
                        kind="image",
                        caption=f"Photo with the idea “{idea.text}”"[:300],
                        consent=outputs_consent,
                        credit=author,
                        alt_text=idea.photo_alt,
                        upload=photo,
                    )
        locked.decision = decision
        locked.save(update_fields=["decision", "updated_at"])
        locked.bump()
        audit.log(
            actor, "board.record", locked, session_id=locked.session_id, decision=decision.pk, took_part=took_part
        )
        return decision
