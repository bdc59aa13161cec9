from django_tasks import task

from roundtable.core.email import fail_abandoned
from roundtable.core.retention import apply_retention
from roundtable.core.schedule import every


@every(minutes=5)
@task()
def fail_abandoned_email() -> int:
    """A safety net for a mailer that stopped in the middle of sending (see email.fail_abandoned)."""
    return fail_abandoned()


@every(minutes=60 * 6)
@task()
def apply_retention_rules() -> dict[str, int]:
    """Every retention rule (core/retention.py), so nothing is kept longer than we said."""
    return apply_retention()
