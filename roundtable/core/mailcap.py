"""How many emails of one kind an address may be sent in a while, whoever asks for them.

A public form that emails whatever address is typed into it (a sign-up, "send my link again")
must not become a way to fill a stranger's inbox. The cap counts what the outbox already holds for
that address, so it needs no store of its own, holds across every server process and both
databases, and counts every way the emails were asked for (form, API, resend) together.

    if mailcap.may_send(to=email, templates=BOOKING_LINK_EMAILS, rate=settings.BOOKING_EMAILS_PER_ADDRESS):
        queue_email(...)

Call it inside the transaction that queues the email. Two requests at the same moment for the
same address can both pass (the count is not locked); callers that need it exact count under a
lock they already hold (a booking's sign-up holds the session's).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from roundtable.core.models import OutboundEmail


def sent_recently(*, to: str, templates: Iterable[str], seconds: int, booking_id: int | None = None) -> int:
    """Emails with one of these templates queued to this address in the last `seconds` (any state:
    a queued or failed email was still asked for). With `booking_id`, only that booking's."""
    emails = OutboundEmail.objects.filter(
        created_at__gte=timezone.now() - timedelta(seconds=seconds),
        to__iexact=to.strip(),
        template__in=list(templates),
    )
    if booking_id is not None:
        emails = emails.filter(booking_id=booking_id)
    return emails.count()


def may_send(*, to: str, templates: Iterable[str], rate: tuple[int, int] | None) -> bool:
    """True while fewer than `count` emails of these templates went to this address in the last
    `period` seconds; `rate` is (count, period) as config.env.parse_rate gives it, None for no cap."""
    if rate is None:
        return True
    count, period = rate
    return sent_recently(to=to, templates=templates, seconds=period) < count
