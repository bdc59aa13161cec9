from django.db import migrations, models
from django.db.models import F


def claimed_when_written(apps, schema_editor):
    # Emails already being sent before this field existed: count from when they were written,
    # as the safety net did then.
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    OutboundEmail.objects.filter(state="sending", claimed_at__isnull=True).update(claimed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_scheduled_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="claimed_at",
            field=models.DateTimeField(blank=True, help_text="When a mailer last took it to send", null=True),
        ),
        migrations.RunPython(claimed_when_written, migrations.RunPython.noop),
    ]
