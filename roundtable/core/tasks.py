from django_tasks import task

from roundtable.core.email import fail_abandoned
from roundtable.core.schedule import every


@every(minutes=5)
@task()
def fail_abandoned_email() -> int:
    """A safety net for a mailer that stopped in the middle of sending (see email.fail_abandoned)."""
    return fail_abandoned()
