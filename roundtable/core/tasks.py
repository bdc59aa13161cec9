from django_tasks import task

from roundtable.core.email import send_now


@task()
def send_outbound_email(email_id: int) -> str:
    return send_now(email_id)
