from django_tasks import task

from roundtable.core.schedule import every
from roundtable.records import digest


@every(minutes=5)
@task()
def send_due_updates() -> int:
    """Send "what happened" emails for batches that have been quiet long enough."""
    return digest.send_due_batches()


@task()
def send_update_batch(batch_id: int) -> int:
    return digest.send_batch(batch_id)
