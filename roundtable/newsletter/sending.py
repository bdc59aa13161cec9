"""Sending an issue to every subscriber, in slices the worker can be stopped between.

How a send stays correct when the worker is killed half-way:
- deliveries are claimed in small batches (a lease, so two senders never work the same rows);
- each row moves pending → sending with a compare-and-set just before its SMTP conversation, and
  → sent right after it, so at any moment at most one row per sender is "in flight";
- after a crash, rows still `sending` once the lease is long gone may or may not have arrived:
  they are marked failed and never retried, so nobody gets the issue twice; pending rows are
  simply picked up again by the next slice (the task re-enqueues itself, and
  `manage.py resume_newsletter_sends` restarts sends whose worker died).

Speed: the issue is rendered once per slice with a placeholder for the unsubscribe link, and each
batch shares one SMTP connection.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from roundtable.newsletter.models import Delivery, Issue, Subscriber, new_token

logger = logging.getLogger("roundtable.newsletter")

BATCH_SIZE = 50
SLICE_SECONDS = 20
# Letters, digits and hyphens only, so HTML escaping leaves it untouched and a plain replace works.
PLACEHOLDER = "RT-NEWSLETTER-UNSUBSCRIBE-URL-7f3c9a"
INTERRUPTED = "The worker stopped while sending this email, so it may not have arrived. Not sent again, so nobody gets the issue twice."


def stale_after() -> timedelta:
    """How long a row may sit in `sending` before we know its sender is gone."""
    return timedelta(seconds=settings.EMAIL_TIMEOUT * 2 + 30)


def lease() -> timedelta:
    rate = settings.NEWSLETTER_SEND_RATE
    batch_seconds = BATCH_SIZE / rate if rate else 0
    return timedelta(seconds=max(60, batch_seconds * 2)) + stale_after()


@dataclass
class SliceResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    finished: bool = False
    run_again_at: datetime | None = None
    again: bool = False


@dataclass
class RenderedIssue:
    subject: str
    text: str
    html: str


def render_for_sending(issue: Issue, *, test: bool = False) -> RenderedIssue:
    context = {
        "issue": issue,
        "content_html": issue.content_html,
        "content_text": issue.content_text,
        "unsubscribe_url": PLACEHOLDER,
        "archive_url": settings.SITE_URL + issue.get_absolute_url(),
        "signup_url": settings.SITE_URL + reverse("newsletter:signup"),
        "test": test,
        "site_name": settings.SITE_NAME,
        "centre_name": settings.CENTRE_NAME,
        "centre_email": settings.CENTRE_EMAIL,
        "site_url": settings.SITE_URL,
    }
    return RenderedIssue(
        subject=" ".join(render_to_string("emails/newsletter_issue.subject.txt", context).split()),
        text=render_to_string("emails/newsletter_issue.txt", context),
        html=render_to_string("emails/newsletter_issue.html", context),
    )


def unsubscribe_url(raw_token: str) -> str:
    return settings.SITE_URL + reverse("newsletter:unsubscribe", args=[raw_token])


def build_message(rendered: RenderedIssue, *, to: str, unsubscribe: str, delivery_id: int, connection=None):
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "roundtable.local"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(PLACEHOLDER, unsubscribe),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers={
            "Message-ID": make_msgid(idstring=f"newsletter-{delivery_id}", domain=domain),
            # RFC 8058: mail programs show an "Unsubscribe" button that POSTs to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html.replace(PLACEHOLDER, escape(unsubscribe)), "text/html")
    return message


def recover_interrupted(issue_id: int, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Delivery.objects.filter(
        issue_id=issue_id, status=Delivery.Status.SENDING, attempted_at__lt=now - stale_after()
    ).update(status=Delivery.Status.FAILED, error=INTERRUPTED, claimed_until=None)


def release_claims(issue_id: int) -> int:
    return Delivery.objects.filter(
        issue_id=issue_id, status=Delivery.Status.PENDING, claimed_until__isnull=False
    ).update(claimed_until=None)


def _claim_batch(issue_id: int) -> list[tuple[int, str, str]]:
    now = timezone.now()
    with transaction.atomic():
        qs = (
            Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("id")
        )
        if db_connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs.values_list("id", "subscriber__email", "subscriber__status")[:BATCH_SIZE])
        if rows:
            Delivery.objects.filter(id__in=[r[0] for r in rows]).update(claimed_until=now + lease())
    return rows


def _permanent(exc: Exception) -> bool:
    """Refusals that will not change on a retry (a bad address, a rejected message)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", 0)
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= code < 600


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.EMAIL_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0)))


def send_slice(issue_id: int, *, max_seconds: float | None = None) -> SliceResult:
    """Send batches until `max_seconds` have passed (at least one batch); say whether there is more to do."""
    max_seconds = SLICE_SECONDS if max_seconds is None else max_seconds
    result = SliceResult()
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).first()
    if issue is None:
        result.finished = True
        return result
    recover_interrupted(issue_id)
    rendered = render_for_sending(issue)
    rate = settings.NEWSLETTER_SEND_RATE
    started = time.monotonic()
    paced = 0
    while True:
        rows = _claim_batch(issue_id)
        if not rows:
            break
        inactive = [pk for pk, _email, status in rows if status != Subscriber.Status.ACTIVE]
        if inactive:
            result.skipped += Delivery.objects.filter(id__in=inactive, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SKIPPED, claimed_until=None
            )
        todo = [(pk, email) for pk, email, status in rows if status == Subscriber.Status.ACTIVE]
        transport_error = _send_batch(issue_id, todo, rendered, result, rate=rate, started=started, paced=paced)
        paced += len(todo)
        Issue.objects.filter(pk=issue_id).update(last_progress_at=timezone.now())
        if transport_error is not None:
            # The mail server is unreachable: stop, and come back after a pause rather than spin.
            result.again = True
            result.run_again_at = transport_error
            return result
        if time.monotonic() - started >= max_seconds:
            break
    return _finish_or_continue(issue_id, result)


def _send_batch(issue_id, todo, rendered, result, *, rate, started, paced) -> datetime | None:
    """Send one claimed batch over one SMTP connection. Returns a retry time if the server failed us."""
    if not todo:
        return None
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # cannot even connect: release the batch for a later attempt
        logger.warning("Newsletter %s: cannot connect to the mail server: %s", issue_id, exc)
        Delivery.objects.filter(id__in=[pk for pk, _ in todo]).update(claimed_until=None, error=str(exc)[:500])
        return timezone.now() + _retry_delay(1)
    try:
        for index, (pk, email) in enumerate(todo):
            if rate:
                wait = started + (paced + index) / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            raw, token_hash = new_token()
            now = timezone.now()
            took = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SENDING,
                attempted_at=now,
                attempts=F("attempts") + 1,
                unsubscribe_token_hash=token_hash,
            )
            if not took:  # unsubscribed a moment ago, or another sender got there first
                continue
            message = build_message(rendered, to=email, unsubscribe=unsubscribe_url(raw), delivery_id=pk)
            try:
                connection.send_messages([message])
            except Exception as exc:
                retry_at = _record_failure(pk, exc)
                result.failed += retry_at is None
                if retry_at is not None:
                    rest = [other for other, _ in todo[index + 1 :]]
                    Delivery.objects.filter(id__in=rest).update(claimed_until=None)
                    return retry_at
                continue
            Delivery.objects.filter(pk=pk).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), claimed_until=None, error=""
            )
            result.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: S110 (closing a broken connection may fail; nothing to do)
            pass
    return None


def _record_failure(pk: int, exc: Exception) -> datetime | None:
    """Mark one delivery failed (permanent refusal or too many tries) or back to pending for a retry."""
    delivery = Delivery.objects.only("attempts").get(pk=pk)
    message = f"{type(exc).__name__}: {exc}"[:500]
    if _permanent(exc) or delivery.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=pk).update(status=Delivery.Status.FAILED, error=message, claimed_until=None)
        logger.info("Newsletter delivery %s failed: %s", pk, message)
        return None
    retry_at = timezone.now() + _retry_delay(delivery.attempts)
    # The server never took the message (smtplib raised before its final reply), so a retry cannot
    # make a duplicate.
    Delivery.objects.filter(pk=pk).update(status=Delivery.Status.PENDING, error=message, claimed_until=retry_at)
    logger.warning("Newsletter delivery %s will be retried: %s", pk, message)
    return retry_at


def _finish_or_continue(issue_id: int, result: SliceResult) -> SliceResult:
    counts = dict(
        Delivery.objects.filter(issue_id=issue_id, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
        .values_list("status")
        .annotate(n=Count("id"))
    )
    pending, sending = counts.get(Delivery.Status.PENDING, 0), counts.get(Delivery.Status.SENDING, 0)
    if pending:
        result.again = True
        # Rows may be held by a retry delay or another sender's claim; come back when they free up.
        next_free = (
            Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.PENDING, claimed_until__isnull=False)
            .order_by("claimed_until")
            .values_list("claimed_until", flat=True)
            .first()
        )
        claimable_now = Delivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now()),
            issue_id=issue_id,
            status=Delivery.Status.PENDING,
        ).exists()
        if not claimable_now and next_free:
            result.run_again_at = next_free
        return result
    if sending:
        # Someone else is mid-email, or a sender died mid-email: look again once that is settled.
        result.again = True
        result.run_again_at = timezone.now() + stale_after()
        return result
    Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).update(
        status=Issue.Status.SENT, finished_at=timezone.now(), last_progress_at=timezone.now()
    )
    result.finished = True
    return result


def issues_needing_resume(now: datetime | None = None):
    """Sends that have gone quiet: their worker was stopped or killed mid-way."""
    now = now or timezone.now()
    return Issue.objects.filter(status=Issue.Status.SENDING).filter(
        Q(last_progress_at__isnull=True) | Q(last_progress_at__lt=now - stale_after())
    )


def progress(issue: Issue) -> dict[str, int]:
    """Counts per delivery state for the progress bar (one query)."""
    counts = dict(Delivery.objects.filter(issue=issue).values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    done = counts.get("sent", 0) + counts.get("failed", 0) + counts.get("skipped", 0)
    return {
        "total": total,
        "sent": counts.get("sent", 0),
        "failed": counts.get("failed", 0),
        "skipped": counts.get("skipped", 0),
        "waiting": counts.get("pending", 0) + counts.get("sending", 0),
        "done": done,
        "percent": round(100 * done / total) if total else 0,
    }
