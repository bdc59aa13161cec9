"""Every email goes through here: a row in the outbox, then the worker renders and sends it.

Each email is a template trio in templates/emails/: <name>.subject.txt, <name>.txt, <name>.html.
Apps register a context builder per template that turns the stored ids into objects at send time
(and mints private links then, so no live token is ever stored).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import Message
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Case, F, Max, Min, Q, QuerySet, Value, When
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import timezone

from roundtable.core.models import OutboundEmail
from roundtable.core.writer_turn import write_transaction

logger = logging.getLogger("roundtable.email")

ContextBuilder = Callable[[dict[str, Any]], dict[str, Any] | None]
_builders: dict[str, ContextBuilder] = {}
# Added to by apps above the one that owns the email (e.g. the "your involvement" link in booking
# emails): each runs after the template's builder, with what it returned.
_extenders: dict[str, list[ContextBuilder]] = {}


class EmailNoLongerNeeded(Exception):
    """A builder raises this when the email makes no sense any more (e.g. booking deleted)."""


def context_builder(template: str) -> Callable[[ContextBuilder], ContextBuilder]:
    def register(func: ContextBuilder) -> ContextBuilder:
        _builders[template] = func
        return func

    return register


def context_extender(*templates: str) -> Callable[[ContextBuilder], ContextBuilder]:
    """Register `func` to add to the context of these templates, after their own builder."""

    def register(func: ContextBuilder) -> ContextBuilder:
        for template in templates:
            _extenders.setdefault(template, []).append(func)
        return func

    return register


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any] | None = None,
    session_id: int | None = None,
    booking_id: int | None = None,
) -> OutboundEmail:
    """Write the email to the outbox. The row is the whole queue: the mailer (`manage.py mailer`)
    sends what is queued, so the email goes out only if this transaction commits, and a request
    never waits for a mail server."""
    if to.lower().endswith(".invalid"):
        # Walk-ins without an email get a reserved-domain placeholder: keep the row, send nothing.
        return OutboundEmail.objects.create(
            to=to,
            template=template,
            context=context or {},
            session_id=session_id,
            booking_id=booking_id,
            state=OutboundEmail.State.FAILED,
            last_error="No email address for this person.",
        )
    return OutboundEmail.objects.create(
        to=to, template=template, context=context or {}, session_id=session_id, booking_id=booking_id
    )


def render_email(email: OutboundEmail) -> tuple[str, str, str]:
    subject, text, html, _attachments = render_email_with_attachments(email)
    return subject, text, html


def render_email_with_attachments(email: OutboundEmail) -> tuple[str, str, str, list[tuple[str, bytes, str]]]:
    """As render_email, plus files: a builder may return "_attachments" as (filename, content, mimetype)."""
    builder = _builders.get(email.template)
    context: dict[str, Any] = dict(email.context)
    if builder is not None:
        context.update(builder(context) or {})
    for extend in _extenders.get(email.template, []):
        context.update(extend(context) or {})
    attachments = list(context.pop("_attachments", None) or [])
    context.setdefault("site_name", settings.SITE_NAME)
    context.setdefault("centre_name", settings.CENTRE_NAME)
    context.setdefault("centre_email", settings.CENTRE_EMAIL)
    context.setdefault("centre_phone", settings.CENTRE_PHONE)
    context.setdefault("site_url", settings.SITE_URL)
    base = f"emails/{email.template}"
    subject = " ".join(_render_plain(f"{base}.subject.txt", context).split())
    text = _render_plain(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    return subject, text, html, attachments


def _render_plain(name: str, context: dict[str, Any]) -> str:
    """Plain-text parts are not HTML: render them without HTML escaping, so "<b>" typed by a
    person reads as "<b>" in the text part (the HTML part escapes it)."""
    template = cast(DjangoTemplates, engines["django"]).engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.EMAIL_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0)))


class _OutboxMessage(EmailMultiAlternatives):
    """An email whose MIME boundaries are chosen before it is written out.

    Left unset, the standard library's generator picks each boundary by compiling a fresh regular
    expression for a random string and searching the flattened parts with it: about a third of
    the CPU of writing a confirmation email (0.5 ms), and it fills the re module's cache with
    patterns never used again. The boundaries here have the same form and the same guarantee,
    checked with a plain substring search instead."""

    # django-stubs describes Django 6's message(*, policy=None); Django 5.2's takes no argument.
    def message(self) -> Message:  # type: ignore[override]
        msg = super().message()
        _set_boundaries(msg)
        return msg


def _set_boundaries(msg: Message) -> None:
    parts = list(msg.walk())
    # Everything a boundary line could collide with: the parts' own headers and their bodies as
    # they will be written (quoted-printable and base64 never contain a run of "=" this long, so
    # only text sent as it is could, and that is searched here as it is).
    texts = [str(part.get_payload()) for part in parts if not part.is_multipart()]
    texts += [str(value) for part in parts for value in part.values()]
    taken: set[str] = set()
    for part in parts:
        if part.is_multipart() and part.get_boundary() is None:
            boundary = _new_boundary()
            while boundary in taken or any(boundary in text for text in texts):
                boundary = _new_boundary()
            taken.add(boundary)
            part.set_boundary(boundary)


def _new_boundary() -> str:
    # The standard library's form: 15 "=", a random 19-digit number, "==".
    return "=" * 15 + f"{secrets.randbelow(10**19):019d}" + "=="


def _due(now: datetime) -> QuerySet[OutboundEmail]:
    """Emails the mailer should send now: queued ones, retries whose wait is over, and emails whose
    mailer's lease ran out before it finished with them (it was killed, or lost its database)."""
    return OutboundEmail.objects.filter(
        Q(state=OutboundEmail.State.QUEUED)
        | Q(state=OutboundEmail.State.RETRYING, next_attempt_at__lte=now)
        | Q(state=OutboundEmail.State.SENDING, lease_until__lte=now)
    )


def lease() -> timedelta:
    return timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


def message_id(email: OutboundEmail) -> str:
    """The email's Message-ID, the same on every attempt: if a mailer dies after the mail server took
    an email but before it was marked sent, the copy sent again is recognisably the same email."""
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "roundtable.local"
    return f"<outbox-{email.pk}.{email.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _claim(emails: QuerySet[OutboundEmail], limit: int) -> list[OutboundEmail]:
    """Take these emails to send: SENDING, one attempt more, under a lease (`lease_until`) that this
    mailer renews while it works through them. While the lease holds, nothing else sends them; once
    it runs out (the mailer died) they are due again, so a crash loses nothing. `claimed_at` tells
    this claim from a later one: every write about the email afterwards checks it is still ours.
    An email whose lease ran out once too often (EMAIL_MAX_ATTEMPTS) is failed instead."""
    if not emails.exists():  # an idle mailer looks twice a second: without taking SQLite's write lock
        return []
    with write_transaction():
        # PostgreSQL: rows another mailer is claiming are skipped, not waited for. SQLite: the
        # transaction holds the write lock, so two mailers cannot claim the same row either.
        claimed = list(emails.select_for_update(skip_locked=True).order_by("id")[:limit])
        worn_out = [
            e.pk
            for e in claimed
            if e.state == OutboundEmail.State.SENDING and e.attempts >= settings.EMAIL_MAX_ATTEMPTS
        ]
        if worn_out:
            OutboundEmail.objects.filter(pk__in=worn_out).update(
                state=OutboundEmail.State.FAILED,
                lease_until=None,
                last_error="The mailer stopped while sending this, on every attempt; it may have arrived.",
            )
            claimed = [e for e in claimed if e.pk not in worn_out]
        claimed_at = timezone.now()
        if claimed:
            OutboundEmail.objects.filter(pk__in=[e.pk for e in claimed]).update(
                state=OutboundEmail.State.SENDING,
                attempts=F("attempts") + 1,
                claimed_at=claimed_at,
                lease_until=claimed_at + lease(),
            )
    for email in claimed:
        email.state = OutboundEmail.State.SENDING
        email.attempts += 1
        email.claimed_at = claimed_at
        email.lease_until = claimed_at + lease()
    return claimed


def _ours(email: OutboundEmail) -> QuerySet[OutboundEmail]:
    """The email's row, if this mailer's claim on it still stands."""
    return OutboundEmail.objects.filter(pk=email.pk, state=OutboundEmail.State.SENDING, claimed_at=email.claimed_at)


def _renew(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Keep holding the emails still to send in a slow batch: once half the lease has gone, it is
    extended for those still ours. Those no longer ours (the lease ran out first and another mailer
    took them, or they were cancelled) are dropped."""
    now = timezone.now()
    if not emails or now < emails[0].lease_until - lease() / 2:  # type: ignore[operator]
        return emails
    until = now + lease()
    claimed_at = emails[0].claimed_at
    pks = [e.pk for e in emails]
    mine = OutboundEmail.objects.filter(pk__in=pks, state=OutboundEmail.State.SENDING, claimed_at=claimed_at)
    mine.update(lease_until=until)
    kept = set(mine.filter(lease_until=until).values_list("pk", flat=True))
    for email in emails:
        email.lease_until = until
    return [e for e in emails if e.pk in kept]


RUSH_GAP_SECONDS = 0.5


def hold_back(now: datetime | None = None) -> float:
    """How long the mailer should wait before sending: while emails are still pouring in (the
    newest queued one is under RUSH_GAP_SECONDS old) the web workers get the machine and the
    database to themselves, so a rush for places is answered first and its confirmations follow
    moments later, sent together. Never longer than EMAIL_HOLD_SECONDS for the oldest queued
    email; 0 when there is nothing to wait for (or EMAIL_HOLD_SECONDS is 0)."""
    limit = settings.EMAIL_HOLD_SECONDS
    if not limit:
        return 0.0
    now = now or timezone.now()
    queued = OutboundEmail.objects.filter(state=OutboundEmail.State.QUEUED)
    span = queued.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    if span["newest"] is None:
        return 0.0
    quiet_in = RUSH_GAP_SECONDS - (now - span["newest"]).total_seconds()
    too_late_in = limit - (now - span["oldest"]).total_seconds()
    return max(min(quiet_in, too_late_in), 0.0)


def send_queued(
    *,
    limit: int = 20,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    email_id: int | None = None,
) -> dict[str, int]:
    """Send up to `limit` due emails (or only `email_id`, if it is due) over one connection to the
    mail server; returns how each went. When `should_stop()` turns true (the mailer was asked to
    stop), the email being sent is finished and the rest of the batch is handed back untouched,
    as "released"."""
    due = _due(now or timezone.now())
    claimed = _claim(due if email_id is None else due.filter(pk=email_id), limit)
    outcomes: dict[str, int] = {}
    if not claimed:
        return outcomes
    connection = get_connection(fail_silently=False)
    _open(connection)
    try:
        while claimed:
            if should_stop():
                _release(claimed)
                outcomes["released"] = len(claimed)
                break
            claimed = _renew(claimed)
            if not claimed:
                break
            email, claimed = claimed[0], claimed[1:]
            outcome = _deliver(email, connection)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        connection.close()
    return outcomes


def _release(emails: list[OutboundEmail]) -> None:
    """Put claimed emails back as they were before the claim, for the next mailer to send. (One
    that stops without this, killed outright, leaves them SENDING until their lease runs out.)"""
    OutboundEmail.objects.filter(
        pk__in=[e.pk for e in emails], state=OutboundEmail.State.SENDING, claimed_at=emails[0].claimed_at
    ).update(
        state=Case(
            When(next_attempt_at__isnull=True, then=Value(OutboundEmail.State.QUEUED)),
            default=Value(OutboundEmail.State.RETRYING),
        ),
        attempts=F("attempts") - 1,
        lease_until=None,
    )


def _open(connection: BaseEmailBackend) -> None:
    """Open the conversation with the mail server for a batch (a backend left to open it itself
    opens and closes one per email). If the server cannot be reached, each email's own attempt
    fails and is recorded."""
    try:
        connection.open()
    except Exception:  # noqa: BLE001 (reported per email, where it is retried)
        connection.close()


def send_now(email_id: int) -> str:
    """Send one outbox email if it is due. Safe to call twice: a sent email is never sent again."""
    outcomes = send_queued(limit=1, email_id=email_id)
    return next(iter(outcomes), "skipped")


def _deliver(email: OutboundEmail, connection: BaseEmailBackend) -> str:
    """Render and send one claimed email, outside any transaction, and record how it went. Its row
    is read again first: an email cancelled since the claim (its person was forgotten) or taken by
    another mailer is not sent, and it is sent to the address the row holds now."""
    current = _ours(email).values("to", "context").first()
    if current is None:
        return "skipped"
    email.to, email.context = current["to"], current["context"]
    try:
        subject, text, html, attachments = render_email_with_attachments(email)
    except EmailNoLongerNeeded as exc:
        _ours(email).update(state=OutboundEmail.State.FAILED, last_error=f"Not sent: {exc}", lease_until=None)
        return "not needed"
    message = _OutboxMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": message_id(email)},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure: keep the email and try again later
        logger.warning("Email %s to outbox failed (attempt %s): %s", email.pk, email.attempts, exc)
        connection.close()  # the next email starts a fresh conversation with the server
        _open(connection)
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            _ours(email).update(
                state=OutboundEmail.State.FAILED, last_error=str(exc)[:2000], subject=subject, lease_until=None
            )
            return "failed"
        when = timezone.now() + retry_delay(email.attempts)
        _ours(email).update(
            state=OutboundEmail.State.RETRYING,
            last_error=str(exc)[:2000],
            next_attempt_at=when,
            subject=subject,
            lease_until=None,
        )
        return "retrying"
    # Marked sent at once, one by one: if this mailer dies now, only the email in flight can go twice.
    _ours(email).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now(), subject=subject, last_error="", lease_until=None
    )
    return "sent"


def resend(email: OutboundEmail) -> OutboundEmail:
    """Queue a copy of an email (the outbox's "send again")."""
    return queue_email(
        to=email.to,
        template=email.template,
        context=email.context,
        session_id=email.session_id,
        booking_id=email.booking_id,
    )
