from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def leases_already_over(apps, schema_editor):
    # Emails a mailer was sending before leases existed: their hold is over, so the next mailer
    # sends them (until now they waited to be shown as failed). The job that did that is retired.
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    OutboundEmail.objects.filter(state="sending").update(lease_until=Coalesce(F("claimed_at"), F("created_at")))
    ScheduledJob = apps.get_model("core", "ScheduledJob")
    ScheduledJob.objects.filter(name="roundtable.core.tasks.fail_abandoned_email").delete()


def drop_stored_reset_links(apps, schema_editor):
    # Password-reset emails used to keep their live link in the outbox; now only the account's id
    # is kept and the link is minted at send time. Links already stored are dropped (a queued one
    # is then not sent: the person asks again).
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for email in OutboundEmail.objects.filter(template="password_reset", context__has_key="reset_url"):
        email.context = {}
        email.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbound_email_claimed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="lease_until",
            field=models.DateTimeField(
                blank=True,
                help_text="While sending: when the mailer's hold on it runs out and it is due again",
                null=True,
            ),
        ),
        migrations.RunPython(leases_already_over, migrations.RunPython.noop),
        migrations.RunPython(drop_stored_reset_links, migrations.RunPython.noop),
    ]
