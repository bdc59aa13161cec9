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
    ]
