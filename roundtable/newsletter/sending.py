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
import secrets
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from roundtable.core.privatelinks import new_token
from roundtable.newsletter.models import Delivery, Issue, Subscriber

logger = logging.getLogger("roundtable.newsletter")

BATCH_SIZE = 50
SLICE_SECONDS = 20
# SMTP connections open at once during a send, each working its own batches.
SENDERS = 4
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


def _domain() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "roundtable.local"


class IssueMessage(EmailMultiAlternatives):
    """An issue email that can carry its finished bytes, so the MIME work is done once per slice."""

    prebuilt: bytes | None = None

    def message(self, *args, **kwargs):
        if self.prebuilt is None:
            return super().message(*args, **kwargs)
        return _Prebuilt(self.prebuilt)


class _Prebuilt:
    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.raw


def build_message(rendered: RenderedIssue, *, to: str, unsubscribe: str, message_id: str) -> IssueMessage:
    message = IssueMessage(
        subject=rendered.subject,
        body=rendered.text.replace(PLACEHOLDER, unsubscribe),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": message_id,
            # RFC 8058: mail programs show an "Unsubscribe" button that POSTs to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html.replace(PLACEHOLDER, escape(unsubscribe)), "text/html")
    return message


TO_PLACEHOLDER = "rt-newsletter-recipient@placeholder.invalid"
MESSAGE_ID_PLACEHOLDER = "<rt-newsletter-message-id@placeholder.invalid>"


class PreparedIssue:
    """The issue email built once, as bytes; each recipient's copy is then three replacements
    (address, Message-ID, unsubscribe link) instead of a full MIME build (most of the CPU per email)."""

    def __init__(self, rendered: RenderedIssue, issue_id: int):
        self.rendered = rendered
        self.issue_id = issue_id
        self.domain = _domain()
        template = build_message(
            rendered, to=TO_PLACEHOLDER, unsubscribe=PLACEHOLDER, message_id=MESSAGE_ID_PLACEHOLDER
        )
        raw = template.message().as_bytes(linesep="\r\n")
        expected = 1 + rendered.text.count(PLACEHOLDER) + rendered.html.count(PLACEHOLDER)
        # Only if every placeholder survived encoding intact (a quoted-printable body could split one).
        intact = (
            raw.count(PLACEHOLDER.encode()) == expected
            and raw.count(TO_PLACEHOLDER.encode()) == 1
            and raw.count(MESSAGE_ID_PLACEHOLDER.encode()) == 1
        )
        self.raw = raw if intact else None

    def message_for(self, *, to: str, unsubscribe: str, delivery_id: int) -> IssueMessage:
        message_id = f"<newsletter-{self.issue_id}-{delivery_id}.{secrets.token_hex(6)}@{self.domain}>"
        message = build_message(self.rendered, to=to, unsubscribe=unsubscribe, message_id=message_id)
        plain = to.isascii() and not any(c in to for c in '\r\n"<>,') and escape(unsubscribe) == unsubscribe
        if self.raw is not None and plain:
            message.prebuilt = (
                self.raw.replace(TO_PLACEHOLDER.encode(), to.encode())
                .replace(MESSAGE_ID_PLACEHOLDER.encode(), message_id.encode())
                .replace(PLACEHOLDER.encode(), unsubscribe.encode())
            )
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


class Pacer:
    """Spaces sends evenly at `rate` per second, shared by every sender thread. A slow stretch is
    never made up with a burst afterwards."""

    def __init__(self, rate: int):
        self.interval = 1 / rate if rate else 0.0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            slot = max(self.next, time.monotonic())
            self.next = slot + self.interval
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class _Slice:
    """What the sender threads of one slice share."""

    def __init__(self, issue_id: int, prepared: PreparedIssue, max_seconds: float):
        self.issue_id = issue_id
        self.prepared = prepared
        self.deadline = time.monotonic() + max_seconds
        self.pacer = Pacer(settings.NEWSLETTER_SEND_RATE)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.result = SliceResult()
        self.unsubscribe_prefix = settings.SITE_URL + reverse("newsletter:unsubscribe", args=["T"])[:-2]

    def count(self, field: str, n: int = 1) -> None:
        with self.lock:
            setattr(self.result, field, getattr(self.result, field) + n)

    def retry_at(self, when: datetime) -> None:
        with self.lock:
            self.result.again = True
            if self.result.run_again_at is None or when > self.result.run_again_at:
                self.result.run_again_at = when
        self.stop.set()


def send_slice(issue_id: int, *, max_seconds: float | None = None) -> SliceResult:
    """Send batches until `max_seconds` have passed (at least one batch); say whether there is more to do."""
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).first()
    if issue is None:
        return SliceResult(finished=True)
    recover_interrupted(issue_id)
    state = _Slice(
        issue_id,
        PreparedIssue(render_for_sending(issue), issue_id),
        SLICE_SECONDS if max_seconds is None else max_seconds,
    )
    if SENDERS == 1:
        _sender(state)
    else:
        # Each sender has its own SMTP connection and database connection; while one waits for
        # the mail server's reply, another works.
        with ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="newsletter") as pool:
            futures = [pool.submit(_sender_thread, state) for _ in range(SENDERS)]
        for future in futures:
            future.result()
    if state.result.again:  # the mail server failed us: come back after a pause rather than spin
        return state.result
    return _finish_or_continue(issue_id, state.result)


def _sender_thread(state: _Slice) -> None:
    try:
        _sender(state)
    finally:
        db_connection.close()


def _sender(state: _Slice) -> None:
    try:
        while not state.stop.is_set():
            rows = _claim_batch(state.issue_id)
            if not rows:
                break
            inactive = [pk for pk, _email, status in rows if status != Subscriber.Status.ACTIVE]
            if inactive:
                state.count(
                    "skipped",
                    Delivery.objects.filter(id__in=inactive, status=Delivery.Status.PENDING).update(
                        status=Delivery.Status.SKIPPED, claimed_until=None
                    ),
                )
            todo = [(pk, email) for pk, email, status in rows if status == Subscriber.Status.ACTIVE]
            _send_batch(state, todo)
            Issue.objects.filter(pk=state.issue_id).update(last_progress_at=timezone.now())
            if time.monotonic() >= state.deadline:
                break
    except BaseException:
        state.stop.set()  # a crash in one sender stops the others, as a killed process would
        raise


# The two writes made for every single email, as plain SQL: through the ORM each costs about five
# times as much, which at 20,000 emails is most of the send's own CPU time. Same effect as
#   Delivery.objects.filter(pk=pk, status=PENDING).update(status=SENDING, attempted_at=now,
#                                                         attempts=F("attempts") + 1, unsubscribe_token_hash=…)
#   Delivery.objects.filter(pk=pk).update(status=SENT, sent_at=now, claimed_until=None, error="")
_TAKE_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, attempted_at = %s, attempts = attempts + 1, "  # noqa: S608
    "unsubscribe_token_hash = %s WHERE id = %s AND status = %s"
)
_SENT_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, claimed_until = NULL, error = '' "  # noqa: S608
    "WHERE id = %s"
)


def _now_for_db():
    return db_connection.ops.adapt_datetimefield_value(timezone.now())


def _take(pk: int, token_hash: str) -> bool:
    """Compare-and-set pending → sending: True only for the one sender that wins this email."""
    with db_connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [Delivery.Status.SENDING, _now_for_db(), token_hash, pk, Delivery.Status.PENDING])
        return cursor.rowcount == 1


def _mark_sent(pk: int) -> None:
    with db_connection.cursor() as cursor:
        cursor.execute(_SENT_SQL, [Delivery.Status.SENT, _now_for_db(), pk])


def _send_batch(state: _Slice, todo: list[tuple[int, str]]) -> None:
    """Send one claimed batch over one SMTP connection."""
    if not todo:
        return
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # cannot even connect: release the batch for a later attempt
        logger.warning("Newsletter %s: cannot connect to the mail server: %s", state.issue_id, exc)
        Delivery.objects.filter(id__in=[pk for pk, _ in todo]).update(claimed_until=None, error=str(exc)[:500])
        state.retry_at(timezone.now() + _retry_delay(1))
        return
    try:
        for index, (pk, email) in enumerate(todo):
            if state.stop.is_set():
                Delivery.objects.filter(id__in=[other for other, _ in todo[index:]]).update(claimed_until=None)
                return
            state.pacer.wait()
            raw, token_hash = new_token()
            if not _take(pk, token_hash):  # unsubscribed a moment ago, or another sender got there first
                continue
            message = state.prepared.message_for(
                to=email, unsubscribe=f"{state.unsubscribe_prefix}{raw}/", delivery_id=pk
            )
            try:
                connection.send_messages([message])
            except Exception as exc:
                retry_at = _record_failure(pk, exc)
                if retry_at is None:
                    state.count("failed")
                    continue
                Delivery.objects.filter(id__in=[other for other, _ in todo[index + 1 :]]).update(claimed_until=None)
                state.retry_at(retry_at)
                return
            _mark_sent(pk)
            state.count("sent")
    finally:
        try:
            connection.close()
        except Exception:  # noqa: S110 (closing a broken connection may fail; nothing to do)
            pass


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
