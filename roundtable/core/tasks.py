from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from roundtable.core.email import _enqueue, send_now
from roundtable.core.models import OutboundEmail
from roundtable.core.schedule import every


@task()
def send_outbound_email(email_id: int) -> str:
    return send_now(email_id)


@every(minutes=5)
@task()
def requeue_stalled_email() -> int:
    """A safety net: queued or retrying emails whose task was lost (e.g. the database was restored)
    are handed to the worker again. send_now() never sends an email twice."""
    now = timezone.now()
    stalled = OutboundEmail.objects.filter(
        state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING],
        created_at__lt=now - timedelta(minutes=5),
    ).filter(next_attempt_at__isnull=True) | OutboundEmail.objects.filter(
        state=OutboundEmail.State.RETRYING, next_attempt_at__lt=now - timedelta(minutes=5)
    )
    # An email left "sending" by a worker that died may or may not have gone: show it as failed in
    # the outbox so a person can decide to resend, rather than risk sending it twice.
    OutboundEmail.objects.filter(state=OutboundEmail.State.SENDING, created_at__lt=now - timedelta(minutes=15)).update(
        state=OutboundEmail.State.FAILED, last_error="The worker stopped while sending this; it may not have arrived."
    )
    ids = list(stalled.values_list("id", flat=True)[:500])
    for email_id in ids:
        _enqueue(email_id)
    return len(ids)
