"""Telling attendees what happened: one email per change batch, once per person.

When an action reaches done or not doing it joins its session's open batch. The batch waits until
changes have been quiet for RECORDS_UPDATE_QUIET_MINUTES (a coordinator usually updates several
actions in one sitting), then the worker sends it. Each person is claimed with an UpdateDelivery
row in the same transaction that writes their email to the outbox, so a worker that dies half-way
leaves either both or neither, and the rerun skips everyone already claimed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.core.email import queue_email
from roundtable.people.models import Person
from roundtable.records.models import CLOSED_STATUSES, Action, UpdateBatch, UpdateChange, UpdateDelivery

TEMPLATE = "records_update"


def _quiet() -> timedelta:
    return timedelta(minutes=settings.RECORDS_UPDATE_QUIET_MINUTES)


def _open_batch(session_id: int) -> UpdateBatch:
    batch = UpdateBatch.objects.select_for_update().filter(session_id=session_id, state=UpdateBatch.State.OPEN).first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            return UpdateBatch.objects.create(session_id=session_id, send_after=timezone.now() + _quiet())
    except IntegrityError:  # another request opened it a moment ago
        return UpdateBatch.objects.select_for_update().get(session_id=session_id, state=UpdateBatch.State.OPEN)


def note_change(action: Action) -> None:
    """Called inside the service's transaction when an action reaches done or not doing."""
    batch = _open_batch(action.decision.session_id)
    UpdateBatch.objects.filter(pk=batch.pk).update(send_after=timezone.now() + _quiet())
    UpdateChange.objects.update_or_create(batch=batch, action=action, defaults={"status": action.status})


def withdraw_change(action: Action) -> None:
    """An action moved back to planned or in progress before its batch went out: say nothing."""
    UpdateChange.objects.filter(batch__state=UpdateBatch.State.OPEN, action=action).delete()


def send_soon(session_id: int) -> UpdateBatch | None:
    """A coordinator's "send the update now": make the open batch due and hand it to the worker."""
    from roundtable.records.tasks import send_update_batch

    with transaction.atomic():
        batch = (
            UpdateBatch.objects.select_for_update().filter(session_id=session_id, state=UpdateBatch.State.OPEN).first()
        )
        if batch is None:
            return None
        batch.send_after = timezone.now()
        batch.save(update_fields=["send_after"])
        transaction.on_commit(lambda: send_update_batch.enqueue(batch.pk))
    return batch


def recipients(session_id: int):
    """People who came and asked to hear back. Walk-ins without an email have no real address."""
    return (
        Person.objects.filter(
            wants_updates=True, bookings__session_id=session_id, bookings__status=Booking.Status.ATTENDED
        )
        .exclude(email__iendswith=".invalid")
        .distinct()
        .order_by("id")
    )


def _start(batch_id: int) -> UpdateBatch | None:
    """Close the batch to new changes (they start a new one) and decide whether it says anything."""
    with transaction.atomic():
        batch = UpdateBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.state in (UpdateBatch.State.SENT, UpdateBatch.State.NOTHING):
            return None
        if batch.state == UpdateBatch.State.OPEN:
            still_closed = batch.changes.filter(action__status__in=CLOSED_STATUSES).exists()
            batch.state = UpdateBatch.State.SENDING if still_closed else UpdateBatch.State.NOTHING
            batch.save(update_fields=["state"])
        return batch if batch.state == UpdateBatch.State.SENDING else None


def send_batch(batch_id: int) -> int:
    """Queue the batch's email for everyone not yet claimed; returns how many were queued now."""
    batch = _start(batch_id)
    if batch is None:
        return 0
    queued = 0
    for person in recipients(batch.session_id):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    delivery = UpdateDelivery.objects.create(batch=batch, person=person)
            except IntegrityError:
                continue  # claimed by an earlier run (or another worker) that also queued the email
            delivery.email = queue_email(
                to=person.email,
                template=TEMPLATE,
                context={"batch_id": batch.pk, "person_id": person.pk},
                session_id=batch.session_id,
            )
            delivery.save(update_fields=["email"])
            queued += 1
    UpdateBatch.objects.filter(pk=batch.pk, state=UpdateBatch.State.SENDING).update(
        state=UpdateBatch.State.SENT, sent_at=timezone.now()
    )
    return queued


def send_due_batches(now=None) -> int:
    """Batches that have been quiet long enough, and any a stopped worker left half-sent."""
    now = now or timezone.now()
    due = UpdateBatch.objects.filter(state=UpdateBatch.State.OPEN, send_after__lte=now) | UpdateBatch.objects.filter(
        state=UpdateBatch.State.SENDING
    )
    return sum(send_batch(batch_id) for batch_id in due.order_by("id").values_list("id", flat=True))
