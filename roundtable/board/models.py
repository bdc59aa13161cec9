"""The live co-creation board: ideas from every table, grouped, dot-voted, recorded as a decision.

Everything about a board lives in these rows, so any web process can answer any request (no
in-memory rooms). `Board.version` goes up by one with every change anyone can see, which makes it
the board's ETag: a client polling `GET /api/boards/{code}` gets 304 until something changed.

Privacy: participants have no account. A participant is a hashed key and, only if they chose
one, a display name; nothing links them to a Person. Ideas are kept as written (a hidden idea
stays, with the reason, for the record).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from roundtable.cocreation.models import Session

# People read the code aloud and type it on a phone: no 0/O, 1/I/L, and no vowels that could spell words.
CODE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6
MAX_IDEA_LENGTH = 280
MAX_DOTS = 20


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Stage(models.TextChoices):
    COLLECTING = "collecting", "Collecting ideas"
    GROUPING = "grouping", "Grouping ideas"
    VOTING = "voting", "Voting"
    CLOSED = "closed", "Closed"


STAGE_ORDER = [Stage.COLLECTING, Stage.GROUPING, Stage.VOTING, Stage.CLOSED]


class Board(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="boards")
    question = models.CharField(max_length=300)
    dots_per_person = models.PositiveSmallIntegerField(default=3)
    several_dots_on_one_idea = models.BooleanField(default=False)
    show_names = models.BooleanField(default=False)
    show_votes_while_voting = models.BooleanField(default=False)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.COLLECTING)
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    # Bumped (F() + 1) in the same transaction as every visible change: the board's ETag.
    version = models.PositiveIntegerField(default=1)
    decision = models.ForeignKey("records.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dots_per_person__gte=1, dots_per_person__lte=MAX_DOTS), name="board_dots_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def bump(self) -> None:
        """Mark the board changed (call inside the transaction that changed it)."""
        Board.objects.filter(pk=self.pk).update(version=F("version") + 1)

    @property
    def votes_visible(self) -> bool:
        return self.stage == Stage.CLOSED or (self.stage == Stage.VOTING and self.show_votes_while_voting)


class BoardParticipant(models.Model):
    """One device that joined: a person, or a table sharing one tablet (`people` says how many)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="participants")
    key_hash = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=60, blank=True)
    is_table = models.BooleanField(default=False)
    people = models.PositiveSmallIntegerField(null=True, blank=True, help_text="How many share this device")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name or f"Participant {self.pk}"


class IdeaGroup(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="ideas")
    participant = models.ForeignKey(
        BoardParticipant, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    text = models.CharField(max_length=MAX_IDEA_LENGTH)
    group = models.ForeignKey(IdeaGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas")
    # A duplicate folded into another idea: it stays for the record but is no longer shown or voted on.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    # An optional photo (a sticky note, a model made in the room), checked and stripped of EXIF like
    # the record's uploads (records/files.py), stored under random names, served only through
    # board:idea_photo while the idea is shown.
    photo = models.FileField(max_length=255, blank=True)
    photo_thumb = models.FileField(max_length=255, blank=True)
    photo_alt = models.TextField("what the photo shows", blank=True)
    photo_type = models.CharField(max_length=50, blank=True)
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""), name="hidden_idea_has_a_reason"
            ),
            models.CheckConstraint(condition=Q(photo="") | ~Q(photo_alt=""), name="idea_photo_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_shown(self) -> bool:
        return self.hidden_at is None and self.merged_into_id is None


class Dot(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="dots")
    participant = models.ForeignKey(BoardParticipant, on_delete=models.CASCADE, related_name="dots")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="dots")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["participant", "idea"], name="board_dot_participant_idea")]

    def __str__(self) -> str:
        return f"Dot on idea {self.idea_id}"
