"""Every write to the newsletter goes through here (keyword-only, inside a transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from roundtable.core import audit, ratelimit
from roundtable.core.email import queue_email
from roundtable.core.privatelinks import MAX_TOKEN_LENGTH, hash_token
from roundtable.newsletter.models import (
    ConfirmationLink,
    Delivery,
    Issue,
    Subscriber,
    SubscriptionConsent,
)
from roundtable.people.services import consent_wording_register

if TYPE_CHECKING:
    from roundtable.accounts.models import User

# At most this many emails to one address per hour, whoever asks: a sign-up form must not become
# a way to flood someone's inbox.
EMAILS_PER_ADDRESS = (3, 3600)

CONSENT_WORDING = (
    "We will email you the {centre} newsletter, about once a month, with news and upcoming sessions. "
    "First we will send you an email to check it is your address: you will only get the newsletter "
    "after you confirm. Every newsletter has a link to unsubscribe straight away."
)


class NewsletterError(Exception):
    """Something a coordinator asked for that cannot be done; `message` says why in plain English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def consent_wording() -> str:
    return CONSENT_WORDING.format(centre=settings.CENTRE_NAME)


# --- Subscribers ---------------------------------------------------------------------------------


@transaction.atomic
def subscriber_signup(*, email: str, name: str = "", source: str, wording: str) -> Subscriber:
    """Ask to subscribe. Whatever the address's state, the caller shows the same "check your email"
    page, so the form never reveals who is subscribed."""
    email = email.strip().lower()
    name = name.strip()
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(email=email, defaults={"name": name})
    may_email = ratelimit.allow("newsletter-email:" + hash_token(email)[:32], EMAILS_PER_ADDRESS)
    if subscriber.status == Subscriber.Status.ACTIVE:
        # Already subscribed: nothing changes (not even the name: the person asking may not be
        # the owner of the address); the owner hears that someone tried.
        if may_email:
            queue_email(to=email, template="newsletter_already_subscribed")
        return subscriber
    if not created:
        subscriber.status = Subscriber.Status.PENDING
        if name:
            subscriber.name = name
        subscriber.save(update_fields=["status", "name"])
    SubscriptionConsent.objects.create(
        subscriber=subscriber, event=SubscriptionConsent.Event.SIGNED_UP, wording=wording, source=source
    )
    # The wording's version, for the person's consent ledger ("version of <date>").
    consent_wording_register(kind="newsletter", wording=wording)
    if may_email:
        queue_email(to=email, template="newsletter_confirm", context={"subscriber_id": subscriber.pk})
    return subscriber


@transaction.atomic
def subscriber_confirm(*, link: ConfirmationLink) -> bool:
    """Activate a subscription from its confirmation link. True when it was pending and is now active."""
    subscriber = Subscriber.objects.select_for_update().get(pk=link.subscriber_id)
    # Only a pending subscription can be confirmed: an old link must not undo an unsubscribe.
    if subscriber.status != Subscriber.Status.PENDING:
        return False
    now = timezone.now()
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = now
    subscriber.save(update_fields=["status", "confirmed_at"])
    ConfirmationLink.objects.filter(pk=link.pk).update(used_at=now)
    SubscriptionConsent.objects.create(
        subscriber=subscriber,
        event=SubscriptionConsent.Event.CONFIRMED,
        wording="Confirmed the subscription with the link in the confirmation email.",
        source="email link",
    )
    return True


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber, source: str) -> bool:
    """Stop every email at once, including the rest of a send that is under way."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return False
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at"])
    Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED
    )
    SubscriptionConsent.objects.create(
        subscriber=subscriber, event=SubscriptionConsent.Event.UNSUBSCRIBED, wording="", source=source
    )
    return True


UNCONFIRMED_KEPT_DAYS = 30


@transaction.atomic
def forget_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete sign-ups that were never confirmed (and never subscribed before) after 30 days."""
    cutoff = (now or timezone.now()) - timedelta(days=UNCONFIRMED_KEPT_DAYS)
    _total, per_model = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return per_model.get(Subscriber._meta.label, 0)


def subscriber_for_unsubscribe_token(raw: str) -> Subscriber | None:
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    delivery = Delivery.objects.select_related("subscriber").filter(unsubscribe_token_hash=hash_token(raw)).first()
    return delivery.subscriber if delivery else None


# --- Issues --------------------------------------------------------------------------------------


@transaction.atomic
def issue_create(
    *, actor: User, subject: str, body_markdown: str, include_sessions: bool, include_posts: bool
) -> Issue:
    issue = Issue.objects.create(
        subject=subject.strip(),
        body_markdown=body_markdown,
        include_sessions=include_sessions,
        include_posts=include_posts,
        created_by=actor,
    )
    audit.log(actor, "newsletter.issue_created", issue)
    return issue


@transaction.atomic
def issue_update(
    *, issue: Issue, actor: User, subject: str, body_markdown: str, include_sessions: bool, include_posts: bool
) -> Issue:
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_draft:
        raise NewsletterError("This issue has already been sent, so it can no longer be changed.")
    issue.subject = subject.strip()
    issue.body_markdown = body_markdown
    issue.include_sessions = include_sessions
    issue.include_posts = include_posts
    issue.save()
    audit.log(actor, "newsletter.issue_edited", issue)
    return issue


@transaction.atomic
def issue_send_test(*, issue: Issue, actor: User) -> None:
    """A copy to the coordinator's own address, through the outbox like any other email."""
    queue_email(to=actor.email, template="newsletter_issue", context={"issue_id": issue.pk, "test": True})
    audit.log(actor, "newsletter.test_sent", issue, to=actor.email)


def issue_send_start(*, issue: Issue, actor: User) -> int:
    """Freeze the issue, make one delivery row per active subscriber, and hand it to the worker.
    Returns how many people it is going to."""
    from roundtable.newsletter.rendering import render_issue_content
    from roundtable.newsletter.tasks import send_issue

    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if not issue.is_draft:
            raise NewsletterError("This issue is already being sent, or has been sent.")
        if not Subscriber.objects.active().exists():
            raise NewsletterError("There is nobody to send it to yet: no one has confirmed a subscription.")
        content = render_issue_content(issue)
        now = timezone.now()
        issue.content_html = content.html
        issue.content_text = content.text
        issue.status = Issue.Status.SENDING
        issue.send_started_at = now
        issue.last_progress_at = now
        issue.sent_by = actor
        issue.save()
        count = _create_deliveries(issue)
        audit.log(actor, "newsletter.send_started", issue, recipients=count)
        transaction.on_commit(lambda: send_issue.enqueue(issue.pk))
    return count


def _create_deliveries(issue: Issue) -> int:
    # One INSERT … SELECT: constant memory and one round trip, however many subscribers there are.
    delivery, subscriber = Delivery._meta.db_table, Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {delivery} (issue_id, subscriber_id, status, attempts, error) "  # noqa: S608
            f"SELECT %s, id, %s, 0, '' FROM {subscriber} WHERE status = %s",
            [issue.pk, Delivery.Status.PENDING, Subscriber.Status.ACTIVE],
        )
        return cursor.rowcount
