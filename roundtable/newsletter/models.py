"""The newsletter: subscribers who confirmed by email (double opt-in), issues, and one delivery row
per subscriber per issue so a send can be watched, and resumed after a crash without duplicates."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from roundtable.core.privatelinks import PrivateLink

CONFIRM_LINK_DAYS = 7


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def active(self) -> SubscriberQuerySet:
        return self.filter(status=Subscriber.Status.ACTIVE)


class Subscriber(models.Model):
    """One email address. Only ACTIVE subscribers (who clicked the link in their confirmation email)
    ever receive an issue."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        ACTIVE = "active", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(unique=True, help_text="Stored in lower case")
    name = models.CharField("name", max_length=100, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class SubscriptionConsent(models.Model):
    """What a person was told and did, when, and how: kept for every sign-up, confirmation and
    unsubscribe, so the centre can show consent was given (and withdrawn)."""

    class Event(models.TextChoices):
        SIGNED_UP = "signed_up", "Asked to subscribe"
        CONFIRMED = "confirmed", "Confirmed by email"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    event = models.CharField(max_length=12, choices=Event.choices)
    wording = models.TextField(blank=True, help_text="Exactly what the person was shown")
    source = models.CharField(max_length=20, help_text="footer, page, email link, one-click, coordinator, demo")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} via {self.source}"


class ConfirmationLink(PrivateLink):
    """The link in a confirmation email. Each email mints its own, so any of them works until it expires."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="confirmation_links")
    used_at = models.DateTimeField(null=True, blank=True)

    max_age = timedelta(days=CONFIRM_LINK_DAYS)

    def __str__(self) -> str:
        return f"Confirmation link for {self.subscriber_id}"

    @classmethod
    def lookup_queryset(cls) -> models.QuerySet[ConfirmationLink]:
        return cls.objects.select_related("subscriber")


class IssueQuerySet(models.QuerySet["Issue"]):
    def archived(self) -> IssueQuerySet:
        """Issues anyone may read on the web: the ones that have gone out (or are going out)."""
        return self.filter(status__in=[Issue.Status.SENDING, Issue.Status.SENT]).order_by("-send_started_at", "-id")


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=200)
    body_markdown = models.TextField("issue", blank=True, help_text="Written in Markdown")
    include_sessions = models.BooleanField("upcoming sessions", default=True)
    include_posts = models.BooleanField("recent blog posts", default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Frozen when sending starts: every recipient (and the archive) gets the same content even if
    # sessions or posts change while a long send is under way or resumed.
    content_html = models.TextField(blank=True)
    content_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched by the sender after every batch; resume only steps in when this goes quiet.
    last_progress_at = models.DateTimeField(null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:archive_issue", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Delivery(models.Model):
    """One issue to one subscriber. The state machine is what makes a resumed send safe:

    pending → sending (just before the SMTP conversation) → sent (right after it).
    A row left in `sending` by a killed worker may or may not have reached the person, so it is
    marked failed and never retried: nobody gets an issue twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent (unsubscribed)"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # A batch claim: other senders leave these rows alone until the claim runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # The hash of this email's own unsubscribe link: minted as the email is sent, so no extra write.
    unsubscribe_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_subscriber")]
        indexes = [models.Index(fields=["issue", "status", "id"], name="newsletter_delivery_queue")]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Issue {self.issue_id} to subscriber {self.subscriber_id}: {self.status}"
