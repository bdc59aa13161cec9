"""The record of a session: what it made (outputs), what it decided (decisions), and what the
coordinating team does about it (actions) — plus the bookkeeping that tells attendees once."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from roundtable.cocreation.models import Session
from roundtable.people.models import Person

# Short labels for counts ("Carer: 3"); Person's own labels are written for the sign-up form.
PERSPECTIVE_LABELS = {
    "lived_experience": "Lived experience",
    "carer": "Carer",
    "researcher": "Researcher",
    "student": "Student",
    "community_member": "Community member",
    "other": "Another perspective",
    "prefer_not_to_say": "Preferred not to say",
}
# A decision's count of people who were not asked their perspective (a board's dot vote is anonymous).
# Not a perspective, so kept apart from PERSPECTIVE_LABELS (which reports count as breadth).
TOOK_PART_LABELS = {**PERSPECTIVE_LABELS, "not_asked": "Perspective not asked"}


class Consent(models.TextChoices):
    NO_ONE_IDENTIFIABLE = "no_one_identifiable", "No one can be identified"
    EVERYONE_AGREED = "everyone_agreed", "Everyone pictured or quoted agreed"
    PRIVATE = "private", "Private to the team"


PUBLIC_CONSENTS = (Consent.NO_ONE_IDENTIFIABLE, Consent.EVERYONE_AGREED)


class OutputQuerySet(models.QuerySet["Output"]):
    def public(self) -> OutputQuerySet:
        """The only outputs anyone outside the team may ever see."""
        return self.filter(consent__in=PUBLIC_CONSENTS, session__status=Session.Status.PUBLISHED)


class Output(models.Model):
    """A creative artefact of a session: a photo, a short text or quote, or an audio recording."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Photo"
        TEXT = "text", "Text or quote"
        AUDIO = "audio", "Audio"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    caption = models.CharField(max_length=300)
    alt_text = models.TextField("alt text", blank=True, help_text="What the photo shows, for people who cannot see it")
    transcript = models.TextField(blank=True, help_text="Everything said in the recording")
    body = models.TextField("text or quote", blank=True)
    credit = models.CharField(max_length=100, blank=True, help_text="A chosen name; empty means anonymous")
    consent = models.CharField(max_length=20, choices=Consent.choices)
    # Stored under random names (see images.py) and only ever served through outputs' file view.
    file = models.FileField(max_length=255, blank=True)
    large = models.FileField(max_length=255, blank=True)
    thumb = models.FileField(max_length=255, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutputQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="image") | ~Q(alt_text=""), name="image_output_has_alt_text"),
            models.CheckConstraint(condition=~Q(kind="audio") | ~Q(transcript=""), name="audio_output_has_transcript"),
            models.CheckConstraint(condition=~Q(kind="text") | ~Q(body=""), name="text_output_has_text"),
        ]

    def __str__(self) -> str:
        return self.caption

    @property
    def is_public(self) -> bool:
        return self.consent in PUBLIC_CONSENTS

    @property
    def credit_line(self) -> str:
        return self.credit or "Anonymous"

    def file_url(self, variant: str = "file") -> str:
        if not getattr(self, variant):
            return ""
        return reverse("records:output_file", args=[self.pk, variant])

    @property
    def full_url(self) -> str:
        return self.file_url("file")

    @property
    def large_url(self) -> str:
        return self.file_url("large")

    @property
    def thumb_url(self) -> str:
        return self.file_url("thumb")

    def _scaled(self, longest: int) -> tuple[int | None, int | None]:
        if not (self.width and self.height):
            return None, None
        scale = min(1.0, longest / max(self.width, self.height))
        return max(round(self.width * scale), 1), max(round(self.height * scale), 1)

    @property
    def thumb_size(self) -> tuple[int | None, int | None]:
        return self._scaled(480)

    @property
    def large_size(self) -> tuple[int | None, int | None]:
        return self._scaled(1200)


class Method(models.TextChoices):
    CONSENSUS = "consensus", "Consensus (everyone could live with it)"
    DOT_VOTING = "dot_voting", "Dot-voting"
    SHOW_OF_HANDS = "show_of_hands", "Show of hands"
    CONSENT_BASED = "consent_based", "Consent-based (no one had a strong objection)"
    OTHER = "other", "Another way"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def public(self) -> DecisionQuerySet:
        return self.filter(session__status=Session.Status.PUBLISHED)


class Decision(models.Model):
    """Something the group decided together: the question, the options, how, and who took part."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField("what we decided", max_length=300)
    question = models.TextField("the question it answered", blank=True)
    options = models.TextField("options considered", blank=True, help_text="One option per line")
    method = models.CharField("how we decided", max_length=20, choices=Method.choices)
    method_other = models.CharField("how, in a few words", max_length=200, blank=True)
    # [{"option": "Longer breaks", "count": 14}, …] — dots or hands, as counted on the day.
    votes = models.JSONField(default=list, blank=True)
    # {"lived_experience": 6, "carer": 3, …} — counts only, never names.
    took_part = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:session_record", args=[self.session_id]) + f"#decision-{self.pk}"

    @property
    def option_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.options.splitlines() if line.strip(" -•\t")]

    @property
    def method_label(self) -> str:
        if self.method == Method.OTHER and self.method_other:
            return self.method_other
        labels: dict[str, str] = {
            Method.CONSENSUS: "By consensus",
            Method.DOT_VOTING: "By dot-voting",
            Method.SHOW_OF_HANDS: "By a show of hands",
            Method.CONSENT_BASED: "By consent (no one had a strong objection)",
        }
        return labels.get(self.method, "Another way")

    @property
    def took_part_rows(self) -> list[tuple[str, int]]:
        return [
            (TOOK_PART_LABELS[code], int(n))
            for code, n in (self.took_part or {}).items()
            if code in TOOK_PART_LABELS and n
        ]

    @property
    def took_part_total(self) -> int:
        return sum(int(n) for n in (self.took_part or {}).values())


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DOING = "not_doing", "Not doing"


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.NOT_DOING)


class ActionQuerySet(models.QuerySet["Action"]):
    def public(self) -> ActionQuerySet:
        return self.filter(decision__session__status=Session.Status.PUBLISHED)

    def overdue(self, today: date | None = None) -> ActionQuerySet:
        today = today or timezone.localdate()
        return self.filter(due_on__lt=today, status__in=OPEN_STATUSES)


class Action(models.Model):
    """Follow-up work for the coordinating team from a decision, with an owner and an outcome."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("what we will do", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="record_actions"
    )
    due_on = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED, db_index=True)
    not_doing_reason = models.TextField("why we are not doing it", blank=True)
    outcome = models.TextField("what happened", blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_doing") | ~Q(not_doing_reason=""), name="not_doing_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        return bool(self.due_on and self.status in OPEN_STATUSES and self.due_on < (today or timezone.localdate()))


class StoryChoice(models.Model):
    """A coordinator's choice for one upcoming session's "story so far": show this item for sure
    (pinned) or leave it out (hidden). Items without a choice are picked automatically."""

    class Choice(models.TextChoices):
        PINNED = "pinned", "Always show"
        HIDDEN = "hidden", "Leave out"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="story_choices")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    output = models.ForeignKey(Output, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=6, choices=Choice.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__isnull=False, output__isnull=True)
                | Q(decision__isnull=True, output__isnull=False),
                name="story_choice_names_one_item",
            ),
            models.UniqueConstraint(fields=["session", "decision"], name="one_story_choice_per_decision"),
            models.UniqueConstraint(fields=["session", "output"], name="one_story_choice_per_output"),
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()}: {self.decision or self.output}"


class UpdateBatch(models.Model):
    """Actions of one session that reached done or not doing close together. Attendees who asked to
    hear back get one email per batch; changes keep joining the open batch until it is due."""

    class State(models.TextChoices):
        OPEN = "open", "Collecting changes"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        NOTHING = "nothing", "Nothing left to tell"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="update_batches")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    send_after = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "update batches"
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(state="open"), name="one_open_update_batch_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"Update for {self.session} ({self.get_state_display()})"


class UpdateChange(models.Model):
    batch = models.ForeignKey(UpdateBatch, on_delete=models.CASCADE, related_name="changes")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["batch", "action"], name="one_change_per_action_per_batch")]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_status_display()}"


class UpdateDelivery(models.Model):
    """Claimed (inserted) in the same transaction that queues the email: the unique constraint is
    what makes "once per person per batch" hold when a worker restarts half-way through."""

    batch = models.ForeignKey(UpdateBatch, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    email = models.ForeignKey("core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "update deliveries"
        constraints = [models.UniqueConstraint(fields=["batch", "person"], name="one_update_per_person_per_batch")]

    def __str__(self) -> str:
        return f"Update {self.batch_id} to person {self.person_id}"
