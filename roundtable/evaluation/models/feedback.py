"""Evaluation models: feedback after a session.

The day after a session everyone who came is sent a private link (FeedbackRequest + FeedbackLink);
what they answer is a FeedbackResponse. A response given anonymously has no person, and nothing
else ties it to the request: the request only learns "answered", and responses keep a date, not a
time, so the two cannot be matched up by the clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.core.privatelinks import PrivateLink
from roundtable.people.models import Person

__all__ = [
    "CUBE_QUESTIONS",
    "LISTENED_QUESTION",
    "AccessMet",
    "CubeScale",
    "FeedbackLink",
    "FeedbackRequest",
    "FeedbackResponse",
    "FeelingScale",
]


class CubeScale(models.IntegerChoices):
    """Each step has words: a score is never shown as a colour or a face alone."""

    NOT_AT_ALL = 1, "Not at all"
    A_LITTLE = 2, "A little"
    SOMEWHAT = 3, "Somewhat"
    MOSTLY = 4, "Mostly"
    COMPLETELY = 5, "Completely"


class FeelingScale(models.IntegerChoices):
    VERY_LOW = 1, "Very low or upset"
    LOW = 2, "A bit low"
    OK = 3, "Okay"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


class AccessMet(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_NEEDED = "not_needed", "I did not need anything"


# The four dimensions of the Cube (Gibson, Britten and Lynch 2012): field name, question, short label.
CUBE_QUESTIONS = [
    ("voice_heard", "Was your voice heard?", "Voice heard"),
    ("ways_to_contribute", "Were there enough ways to contribute?", "Ways to contribute"),
    ("things_that_matter", "Was it about things that matter to you?", "Things that matter"),
    ("led_to_change", "Do you think today will lead to change?", "Will lead to change"),
]
# Asked beside the Cube, as a question of its own: one question asks one thing.
LISTENED_QUESTION = "Did the facilitators listen to you?"


class FeedbackRequest(models.Model):
    """Asking one attendee for feedback on one session: one per booking, one answer, one reminder."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback_request")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback_requests")
    sent_at = models.DateTimeField(help_text="When the first email was queued")
    reminded_at = models.DateTimeField(null=True, blank=True)
    # No time on purpose: a time would let someone match an anonymous response to its person.
    answered = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["answered", "reminded_at", "sent_at"])]

    def __str__(self) -> str:
        return f"Feedback request for booking {self.booking_id}"


class FeedbackLink(PrivateLink):
    """A private link in one email. Random, stored hashed; every email mints its own. Once the
    request is answered its links open only the "you have already given feedback" page."""

    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="links")

    def __str__(self) -> str:
        return f"Feedback link for request {self.request_id}"

    @classmethod
    def lookup_queryset(cls) -> models.QuerySet[FeedbackLink]:
        return cls.objects.select_related("request__session__venue", "request__booking__person")

    @classmethod
    def request_for(cls, raw: str) -> FeedbackRequest | None:
        link = cls.find(raw)
        return link.request if link else None


class FeedbackResponse(models.Model):
    """One person's answers about one session, given online or typed in from a paper form."""

    class Source(models.TextChoices):
        ONLINE = "online", "Online form"
        PAPER = "paper", "Paper form"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    # Empty when anonymous, from paper, or when the person was later deleted (the answers stay).
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.ONLINE)
    anonymous = models.BooleanField(default=False)
    voice_heard = models.PositiveSmallIntegerField(choices=CubeScale.choices, null=True, blank=True)
    ways_to_contribute = models.PositiveSmallIntegerField(choices=CubeScale.choices, null=True, blank=True)
    things_that_matter = models.PositiveSmallIntegerField(choices=CubeScale.choices, null=True, blank=True)
    led_to_change = models.PositiveSmallIntegerField(choices=CubeScale.choices, null=True, blank=True)
    listened = models.PositiveSmallIntegerField(choices=CubeScale.choices, null=True, blank=True)
    feeling = models.PositiveSmallIntegerField(choices=FeelingScale.choices, null=True, blank=True)
    went_well = models.TextField("what went well", blank=True)
    could_be_better = models.TextField("what could be better", blank=True)
    access_met = models.CharField("were your access needs met?", max_length=10, choices=AccessMet.choices, blank=True)
    access_comment = models.TextField(blank=True)
    submitted_on = models.DateField(db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The coordinator who typed in a paper form",
    )

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["session", "access_met"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], condition=Q(person__isnull=False), name="one_named_response_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(anonymous=True) | Q(person__isnull=True), name="anonymous_has_no_person"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"feedback_{name}_1_to_5",
                )
                for name in (
                    "voice_heard",
                    "ways_to_contribute",
                    "things_that_matter",
                    "led_to_change",
                    "listened",
                    "feeling",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.session} ({self.get_source_display()})"

    @property
    def cube_answers(self) -> list[tuple[str, str]]:
        """(question, answer in words) for the four Cube questions, in order."""
        return [(q, self._label(name)) for name, q, _ in CUBE_QUESTIONS]

    def _label(self, name: str) -> str:
        value = getattr(self, name)
        return CubeScale(value).label if value else "Not answered"

    @property
    def feeling_label(self) -> str:
        return FeelingScale(self.feeling).label if self.feeling else "Not answered"

    @property
    def access_concern(self) -> bool:
        return self.access_met in (AccessMet.PARTLY, AccessMet.NO)
