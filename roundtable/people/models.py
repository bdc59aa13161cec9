from __future__ import annotations

from django.conf import settings
from django.db import models


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


class ConsentRecord(models.Model):
    """What a person agreed to, when, and how: the wording they saw is kept with the answer."""

    class Kind(models.TextChoices):
        HEALTH_DATA = "health_data", "Storing access needs (health information)"
        KEEP_ON_FILE = "keep_on_file", "Keeping access needs on file for next time"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given = models.BooleanField()
    wording = models.TextField()
    source = models.CharField(max_length=20, help_text="web, api or coordinator")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.given else 'no'}"


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
