from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One thing that matters happened: who did it, to what, when. Written by core.audit.log()."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, when not a user")
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    session_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or self.actor_id} {self.verb}"


class OutboundEmail(models.Model):
    """Every email the site sends is a row first, so nothing is lost when the mail server is down.

    The body is rendered when the worker sends it (so private links are minted then, never stored
    in plain text); `context` holds only ids and plain values.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Waiting to retry"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    to = models.EmailField()
    template = models.CharField(max_length=120)
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a mailer last took it to send")
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="While sending: when the mailer's hold on it runs out and it is due again"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    session_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    booking_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.state})"


class ScheduledJob(models.Model):
    """When each periodic job last ran and is next due; the row is claimed with a conditional
    update so two schedulers never enqueue the same run twice."""

    name = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
