"""One private link per email to a person's "your involvement" page.

The link opens everything we hold about one person, so it is stored hashed (core/privatelinks.py),
can be revoked, and stops working after INVOLVEMENT_LINK_IDLE_DAYS without being used: someone
who comes back after a long gap asks for a new one on the "get my link" page.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roundtable.core.privatelinks import MAX_TOKEN_LENGTH, PrivateLink, hash_token
from roundtable.people.models import Person


class PersonLink(PrivateLink):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvement_links")
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Involvement link for person {self.person_id}"

    @classmethod
    def find(cls, raw: str) -> Self | None:
        """The working link for a raw token: not revoked, and used (or made) within the idle period."""
        if not raw or len(raw) > MAX_TOKEN_LENGTH:
            return None
        idle_since = timezone.now() - timedelta(days=settings.INVOLVEMENT_LINK_IDLE_DAYS)
        recently = Q(last_used_at__gte=idle_since) | Q(last_used_at__isnull=True, created_at__gte=idle_since)
        links = cls.lookup_queryset().select_related("person")
        return links.filter(recently, token_hash=hash_token(raw), revoked_at__isnull=True).first()

    @classmethod
    def person_for(cls, raw: str) -> Person | None:
        """The person a working link belongs to; using it restarts its idle period."""
        link = cls.find(raw)
        if link is None:
            return None
        now = timezone.now()
        # At most one write an hour per link: the page is read far more often than that.
        if link.last_used_at is None or now - link.last_used_at > timedelta(hours=1):
            cls.objects.filter(pk=link.pk).update(last_used_at=now)
        return link.person


def one_month_after(received: date) -> date:
    """UK GDPR's deadline: the same day of the next calendar month, or that month's last day
    when it has no such day (received 31 January: due 28 or 29 February)."""
    year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    return date(year, month, min(received.day, calendar.monthrange(year, month)[1]))


class DataRequestQuerySet(models.QuerySet):
    def open(self) -> DataRequestQuerySet:
        return self.filter(completed_on__isnull=True)

    def due_by(self, day: date) -> DataRequestQuerySet:
        """Open requests due on or before `day` (overdue ones included)."""
        return self.open().filter(due_on__lte=day)


class DataRequest(models.Model):
    """A request someone made to the centre (by email, letter, phone) about the data we hold on
    them: to see it, to correct it or to erase it. Due one calendar month after it arrived."""

    class Kind(models.TextChoices):
        ACCESS = "access", "See their data (subject access)"
        CORRECTION = "correction", "Correct their data"
        ERASURE = "erasure", "Erase their data"

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests")
    # The address the request came from; blanked (with the notes' mentions) when they are forgotten.
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    received_on = models.DateField()
    due_on = models.DateField()
    notes = models.TextField(blank=True)
    # Sent by the person from their involvement page (a correction), rather than recorded by the team.
    from_person = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    # What the team did, written when they mark it done (for the person who asks, and the record).
    done_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["completed_on", "due_on"])]

    def __str__(self) -> str:
        # Never the address: this is what the audit log shows.
        return f"{self.get_kind_display()} request {self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.due_on = one_month_after(self.received_on)
        super().save(*args, **kwargs)


class DataFile(models.Model):
    """A readable copy (PDF) of everything held about one person, made by the worker, since a
    long history takes a while to lay out. Kept only briefly (involvement/retention.py)."""

    class State(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_files")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Not under MEDIA_URL's public name: only the view behind the person's link serves it.
    file = models.FileField(upload_to="involvement/private-data/", blank=True)
    size = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Readable data file {self.pk} ({self.state})"
