from django_tasks import task

from roundtable.core.schedule import every


@every(minutes=60)
@task()
def ask_for_feedback() -> int:
    """The day after a session (from 9am), ask everyone who came how it was."""
    from roundtable.evaluation.feedback import send_due_requests

    return send_due_requests()


@every(minutes=60)
@task()
def remind_about_feedback() -> int:
    """One reminder, three days after asking, to people who have not answered yet."""
    from roundtable.evaluation.feedback import send_due_reminders

    return send_due_reminders()
