"""Feedback after a session: asking (the day after, one reminder after three days, never more),
answering through a private link (once, optionally anonymously), paper forms typed in by the team,
and what coordinators read back — including access needs that were not met, next to what the
team arranged for the session.

Anonymity: an anonymous response stores no person, the request it answered only learns
"answered" (no time), responses keep a date rather than a time, and no audit entry is written for
a participant's answer, so nothing stored ties an anonymous answer back to its person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.models import AccessArrangement, Booking
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.email import EmailNoLongerNeeded, context_builder, queue_email
from roundtable.evaluation.models import (
    CUBE_QUESTIONS,
    LISTENED_QUESTION,
    AccessMet,
    CubeScale,
    FeedbackLink,
    FeedbackRequest,
    FeedbackResponse,
    FeelingScale,
)

REQUEST_TEMPLATE = "feedback_request"
REMINDER_TEMPLATE = "feedback_reminder"
# The day after, but not before people are likely to be up; sessions older than this are not
# asked about (a restored backup or a first install must not email about last year's sessions).
SEND_FROM_HOUR = 9
ASK_WITHIN_DAYS = 7
REMIND_AFTER = timedelta(days=3)
SCORE_FIELDS = [name for name, _q, _s in CUBE_QUESTIONS] + ["listened", "feeling"]
TEXT_FIELDS = ["went_well", "could_be_better", "access_comment"]
MAX_TEXT = 5000


class FeedbackAlreadyGiven(Exception):
    pass


@dataclass
class Answers:
    """What a feedback form (online or paper) says. Scores are 1-5 or None; texts may be empty."""

    voice_heard: int | None = None
    ways_to_contribute: int | None = None
    things_that_matter: int | None = None
    led_to_change: int | None = None
    listened: int | None = None
    feeling: int | None = None
    went_well: str = ""
    could_be_better: str = ""
    access_met: str = ""
    access_comment: str = ""

    def clean(self) -> dict:
        errors = {}
        for name in SCORE_FIELDS:
            value = getattr(self, name)
            if value is not None and value not in range(1, 6):
                errors[name] = "Choose one of the answers"
        if self.access_met and self.access_met not in AccessMet.values:
            errors["access_met"] = "Choose yes, partly, no or that you did not need anything"
        for name in TEXT_FIELDS:
            value = (getattr(self, name) or "").strip()
            if len(value) > MAX_TEXT:
                errors[name] = f"Answer in {MAX_TEXT:,} characters or fewer"
            setattr(self, name, value)
        if errors:
            raise ValidationError(errors)
        if all(getattr(self, n) is None for n in SCORE_FIELDS) and not (
            self.access_met or any(getattr(self, n) for n in TEXT_FIELDS)
        ):
            raise ValidationError("Answer at least one question")
        return {name: getattr(self, name) for name in [*SCORE_FIELDS, *TEXT_FIELDS, "access_met"]}


# --- Asking -----------------------------------------------------------------------------------


def _real_email(email: str) -> bool:
    # Walk-ins without an email, and forgotten people, have reserved-domain placeholders.
    return bool(email) and not email.lower().endswith(".invalid")


def sessions_due_for_feedback(now: datetime | None = None):
    """Published sessions that ended before today (London) and within the last week."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < SEND_FROM_HOUR:
        return Session.objects.none()
    start_of_today = timezone.make_aware(datetime.combine(local.date(), time.min))
    return Session.objects.published().filter(
        ends_at__lt=start_of_today, ends_at__gte=start_of_today - timedelta(days=ASK_WITHIN_DAYS)
    )


def send_due_requests(now: datetime | None = None) -> int:
    """Queue the feedback email for everyone who came to a session that is due and has not been
    asked yet. Safe to run twice at once: one request per booking is a database constraint."""
    now = now or timezone.now()
    queued = 0
    bookings = (
        Booking.objects.filter(
            session__in=sessions_due_for_feedback(now), status=Booking.Status.ATTENDED, feedback_request__isnull=True
        )
        .select_related("person")
        .order_by("session_id", "id")
    )
    for booking in bookings:
        if not _real_email(booking.person.email):
            continue
        try:
            with transaction.atomic():
                request = FeedbackRequest.objects.create(booking=booking, session_id=booking.session_id, sent_at=now)
                queue_email(
                    to=booking.person.email,
                    template=REQUEST_TEMPLATE,
                    context={"request_id": request.pk},
                    session_id=booking.session_id,
                    booking_id=booking.pk,
                )
        except IntegrityError:  # another worker asked this person first
            continue
        queued += 1
    return queued


def send_due_reminders(now: datetime | None = None) -> int:
    """One reminder, three days after the first email, to people who have not answered."""
    now = now or timezone.now()
    due = FeedbackRequest.objects.filter(answered=False, reminded_at__isnull=True, sent_at__lte=now - REMIND_AFTER)
    queued = 0
    for request in due.select_related("booking__person").order_by("id"):
        with transaction.atomic():
            # Claiming by a conditional update is what makes "never more than one" hold across workers.
            claimed = FeedbackRequest.objects.filter(pk=request.pk, reminded_at__isnull=True, answered=False).update(
                reminded_at=now
            )
            if not claimed or not _real_email(request.booking.person.email):
                continue
            queue_email(
                to=request.booking.person.email,
                template=REMINDER_TEMPLATE,
                context={"request_id": request.pk},
                session_id=request.session_id,
                booking_id=request.booking_id,
            )
        queued += 1
    return queued


def _email_context(context: dict) -> dict:
    request = (
        FeedbackRequest.objects.select_related("session__venue", "booking__person")
        .filter(pk=context.get("request_id", 0))
        .first()
    )
    if request is None:
        raise EmailNoLongerNeeded("the feedback request no longer exists")
    if request.answered:
        raise EmailNoLongerNeeded("they have already given their feedback")
    # Minted at send time, so no live token ever sits in the outbox.
    token = FeedbackLink.mint(request=request)
    return {
        "person": request.booking.person,
        "session": request.session,
        "feedback_url": settings.SITE_URL + reverse("evaluation:feedback_give", args=[token]),
    }


context_builder(REQUEST_TEMPLATE)(_email_context)
context_builder(REMINDER_TEMPLATE)(_email_context)


# --- Answering --------------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(*, request: FeedbackRequest, answers: Answers, anonymous: bool) -> FeedbackResponse:
    """A participant answers through their link. Once only: a second go raises FeedbackAlreadyGiven."""
    fields = answers.clean()
    locked = FeedbackRequest.objects.select_for_update().select_related("booking").get(pk=request.pk)
    if locked.answered:
        raise FeedbackAlreadyGiven
    person_id = None if anonymous else locked.booking.person_id
    if person_id and FeedbackResponse.objects.filter(session_id=locked.session_id, person_id=person_id).exists():
        raise FeedbackAlreadyGiven
    response = FeedbackResponse.objects.create(
        session_id=locked.session_id,
        person_id=person_id,
        anonymous=anonymous,
        source=FeedbackResponse.Source.ONLINE,
        submitted_on=timezone.localdate(),
        **fields,
    )
    locked.answered = True
    locked.save(update_fields=["answered"])
    return response


@transaction.atomic
def paper_feedback_enter(*, session: Session, answers: Answers, actor) -> FeedbackResponse:
    """A coordinator types in a paper form. Paper forms carry no name, so neither does the row."""
    fields = answers.clean()
    response = FeedbackResponse.objects.create(
        session=session,
        source=FeedbackResponse.Source.PAPER,
        entered_by=actor,
        submitted_on=timezone.localdate(),
        **fields,
    )
    audit.log(actor, "feedback.paper_entered", session, response_id=response.pk)
    return response


@transaction.atomic
def paper_feedback_delete(*, response: FeedbackResponse, actor) -> None:
    """Only typed-in paper forms may be deleted (a typing mistake); people's own answers stay."""
    if response.source != FeedbackResponse.Source.PAPER:
        raise ValidationError("Only paper forms typed in by the team can be deleted")
    audit.log(actor, "feedback.paper_deleted", response.session, response_id=response.pk)
    response.delete()


# --- Reading back -----------------------------------------------------------------------------


@dataclass
class QuestionSummary:
    name: str
    question: str
    answers: int
    average: float | None
    rows: list[tuple[str, int]]  # (answer in words, how many), in scale order


@dataclass
class SessionFeedback:
    asked: int = 0
    answered: int = 0
    responses: int = 0
    online: int = 0
    paper: int = 0
    anonymous: int = 0
    questions: list[QuestionSummary] = field(default_factory=list)
    access: list[tuple[str, int]] = field(default_factory=list)
    went_well: list[str] = field(default_factory=list)
    could_be_better: list[str] = field(default_factory=list)
    paper_forms: list[FeedbackResponse] = field(default_factory=list)

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None


def session_feedback(session: Session) -> SessionFeedback:
    """Everything the summary page shows, in three queries whatever the number of responses."""
    summary = SessionFeedback()
    asked = FeedbackRequest.objects.filter(session=session).aggregate(
        asked=Count("id"), answered=Count("id", filter=Q(answered=True))
    )
    summary.asked, summary.answered = asked["asked"], asked["answered"]
    responses = list(FeedbackResponse.objects.filter(session=session).order_by("id"))
    summary.responses = len(responses)
    summary.online = sum(r.source == FeedbackResponse.Source.ONLINE for r in responses)
    summary.paper = summary.responses - summary.online
    summary.anonymous = sum(r.anonymous for r in responses)
    questions = [(name, q) for name, q, _ in CUBE_QUESTIONS] + [
        ("listened", LISTENED_QUESTION),
        ("feeling", "How do you feel after today?"),
    ]
    for name, question in questions:
        scale = FeelingScale if name == "feeling" else CubeScale
        counts = Counter(getattr(r, name) for r in responses if getattr(r, name))
        n = sum(counts.values())
        average = round(sum(k * v for k, v in counts.items()) / n, 1) if n else None
        summary.questions.append(
            QuestionSummary(
                name, question, n, average, [(str(choice.label), counts.get(choice.value, 0)) for choice in scale]
            )
        )
    access = Counter(r.access_met for r in responses if r.access_met)
    summary.access = [(choice.label, access.get(choice.value, 0)) for choice in AccessMet]
    summary.went_well = [r.went_well for r in responses if r.went_well]
    summary.could_be_better = [r.could_be_better for r in responses if r.could_be_better]
    summary.paper_forms = [r for r in responses if r.source == FeedbackResponse.Source.PAPER]
    return summary


@dataclass
class AccessConcern:
    answer: str  # "Partly" or "No"
    comment: str
    source: str


@dataclass
class AccessFeedback:
    concerns: list[AccessConcern]
    arrangements: list[AccessArrangement]


def access_concerns(session_ids: list[int]) -> dict[int, list[AccessConcern]]:
    """Feedback saying access needs were only partly met or not met, per session, in one query.
    No names: the answers are about the arrangements, not about who gave them."""
    out: dict[int, list[AccessConcern]] = {pk: [] for pk in session_ids}
    rows = (
        FeedbackResponse.objects.filter(session_id__in=session_ids, access_met__in=[AccessMet.PARTLY, AccessMet.NO])
        .order_by("session_id", "access_met", "id")
        .values_list("session_id", "access_met", "access_comment", "source")
    )
    labels, sources = dict(AccessMet.choices), dict(FeedbackResponse.Source.choices)
    for session_id, met, comment, source in rows:
        out[session_id].append(AccessConcern(labels[met], comment, sources[source]))
    return out


def access_feedback(session: Session, *, actor) -> AccessFeedback:
    """Unmet access needs beside what the team arranged, for the coordinator pages (two queries).
    It is about health, so each look is written to the audit log."""
    audit.log(actor, "access_feedback.viewed", session)
    return AccessFeedback(
        concerns=access_concerns([session.pk])[session.pk],
        arrangements=list(AccessArrangement.objects.filter(session=session).select_related("updated_by")),
    )
