from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Perspective(models.TextChoices):
    """Optional, self-described lenses. Collected only to keep the mix broad; never shown by a name."""

    LIVED_EXPERIENCE = "lived_experience", "Lived experience (as a patient or service user)"
    CARER = "carer", "Carer"
    RESEARCHER = "researcher", "Researcher"
    STUDENT = "student", "Student"
    COMMUNITY_MEMBER = "community_member", "Community member"
    OTHER = "other", "Other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Person(models.Model):
    """Anyone who takes part. People are their chosen name, pronouns and interests: no job title."""

    email = models.EmailField(unique=True, help_text="Stored in lower case; one person per email")
    name = models.CharField("name you want to be called", max_length=100)
    pronouns = models.CharField(max_length=40, blank=True)
    interests = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    perspectives = models.JSONField(default=list, blank=True)
    wants_updates = models.BooleanField(
        "hear what happens as a result",
        default=False,
        help_text="Opted in to 'you said, we did' updates after sessions they came to",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    @property
    def perspective_labels(self) -> list[str]:
        labels = dict(Perspective.choices)
        return [labels[p] for p in self.perspectives if p in labels]


def wording_version(kind: str, wording: str) -> str:
    """A short fingerprint of the exact words a kind of consent was asked with: changing a single
    character makes a new version, and the same words always give the same one."""
    return hashlib.sha256(f"{kind}\n{wording}".encode()).hexdigest()[:12]


class ConsentWording(models.Model):
    """Each wording a consent has been asked with, once, and when it was first used: the ledger
    calls a version by that date ("version of 5 December 2026"). No one's data is in it."""

    kind = models.CharField(max_length=20)
    version = models.CharField(max_length=12, unique=True)
    wording = models.TextField()
    first_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_used_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} wording {self.version}"


class ConsentRecord(models.Model):
    """What a person agreed to, when, and how: the wording they saw is kept with the answer, with
    its version (see ConsentWording), which never changes once recorded."""

    class Kind(models.TextChoices):
        HEALTH_DATA = "health_data", "Storing access needs (health information)"
        KEEP_ON_FILE = "keep_on_file", "Keeping access needs on file for next time"
        UPDATES = "updates", "Emails about what happened as a result"
        NEWSLETTER = "newsletter", "The newsletter"
        CREDIT = "credit", "Your name on photos and other things made in sessions"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given = models.BooleanField()
    wording = models.TextField()
    wording_version = models.CharField(max_length=12, blank=True, help_text="wording_version(kind, wording)")
    source = models.CharField(max_length=20, help_text="web, api or coordinator")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.given else 'no'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.wording_version:
            self.wording_version = wording_version(self.kind, self.wording)
        super().save(*args, **kwargs)


class PersonNote(models.Model):
    """A note about a person for the coordinating team only: never shown to the person's
    facilitators or in any public page, every look at notes is audited, the notes go when the
    person is forgotten (people/forgetting.py) and are part of their data download."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    # A team member may leave: their notes stay, without a name to them.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.pk} about person {self.person_id}"
