from django_tasks import task

from roundtable.core.retention import apply_retention
from roundtable.core.schedule import every


@every(minutes=60 * 6)
@task()
def apply_retention_rules() -> dict[str, int]:
    """Every retention rule (core/retention.py), so nothing is kept longer than we said."""
    return apply_retention()
