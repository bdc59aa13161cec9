"""Every email goes through here: a row in the outbox, then the worker renders and sends it.

Each email is a template trio in templates/emails/: <name>.subject.txt, <name>.txt, <name>.html.
Apps register a context builder per template that turns the stored ids into objects at send time
(and mints private links then, so no live token is ever stored).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from email.message import Message
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import timezone

from roundtable.core.models import OutboundEmail

logger = logging.getLogger("roundtable.email")

ContextBuilder = Callable[[dict[str, Any]], dict[str, Any] | None]
_builders: dict[str, ContextBuilder] = {}


class EmailNoLongerNeeded(Exception):
    """A builder raises this when the email makes no sense any more (e.g. booking deleted)."""


def context_builder(template: str) -> Callable[[ContextBuilder], ContextBuilder]:
    def register(func: ContextBuilder) -> ContextBuilder:
        _builders[template] = func
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
    """Write the email to the outbox and hand it to the worker once the transaction commits."""
    if to.lower().endswith(".invalid"):
        # Walk-ins without an email get a reserved-domain placeholder: keep the row, send nothing.
        return OutboundEmail.objects.create(
            to=to, template=template, context=context or {}, session_id=session_id, booking_id=booking_id,
            state=OutboundEmail.State.FAILED, last_error="No email address for this person.",
        )
    email = OutboundEmail.objects.create(
        to=to, template=template, context=context or {}, session_id=session_id, booking_id=booking_id
    )
    if _tasks_live_in_this_database():
        # The task is a row beside the outbox row: it commits (and the worker first sees it) or
        # rolls back with them, and a sign-up on SQLite takes the write lock once, not twice.
        _enqueue(email.pk)
    else:
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _tasks_live_in_this_database() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def _enqueue(email_id: int, run_after: Any = None) -> None:
    from roundtable.core.tasks import send_outbound_email

    task = send_outbound_email.using(run_after=run_after) if run_after else send_outbound_email
    task.enqueue(email_id)


def render_email(email: OutboundEmail) -> tuple[str, str, str]:
    subject, text, html, _attachments = render_email_with_attachments(email)
    return subject, text, html


def render_email_with_attachments(email: OutboundEmail) -> tuple[str, str, str, list[tuple[str, bytes, str]]]:
    """As render_email, plus files: a builder may return "_attachments" as (filename, content, mimetype)."""
    builder = _builders.get(email.template)
    context: dict[str, Any] = dict(email.context)
    if builder is not None:
        context.update(builder(context) or {})
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
    template = engines["django"].engine.get_template(name)
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

    def message(self):
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


def send_now(email_id: int) -> str:
    """Send one outbox email. Safe to call twice: a sent email is never sent again."""
    with transaction.atomic():
        try:
            email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        except OutboundEmail.DoesNotExist:
            return "skipped"
        # SENDING means another worker holds it right now: never risk a second copy.
        if email.state in (
            OutboundEmail.State.SENT, OutboundEmail.State.FAILED, OutboundEmail.State.SENDING
        ):
            return "skipped"
        now = timezone.now()
        if email.state == OutboundEmail.State.RETRYING and email.next_attempt_at and email.next_attempt_at > now:
            return "not yet"
        email.state = OutboundEmail.State.SENDING
        email.attempts += 1
        email.save(update_fields=["state", "attempts"])
    # The SMTP conversation happens outside any transaction so it never holds a database lock.
    try:
        subject, text, html, attachments = render_email_with_attachments(email)
    except EmailNoLongerNeeded as exc:
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=OutboundEmail.State.FAILED, last_error=f"Not sent: {exc}"
        )
        return "not needed"
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "roundtable.local"
    message = _OutboxMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": make_msgid(idstring=f"outbox-{email.pk}", domain=domain)},
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure: keep the email and try again later
        logger.warning("Email %s to outbox failed (attempt %s): %s", email.pk, email.attempts, exc)
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            OutboundEmail.objects.filter(pk=email.pk).update(
                state=OutboundEmail.State.FAILED, last_error=str(exc)[:2000], subject=subject
            )
            return "failed"
        when = timezone.now() + retry_delay(email.attempts)
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=OutboundEmail.State.RETRYING, last_error=str(exc)[:2000], next_attempt_at=when, subject=subject
        )
        _enqueue(email.pk, run_after=when)
        return "retrying"
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now(), subject=subject, last_error=""
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
