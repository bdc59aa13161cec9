# Held places (ReservedPlaces) moved from the bookings app to cocreation: they are part of how a
# session is set up. Only Django's record of the models changes; the table keeps its name
# (bookings_reservedplaces) and its rows, so nothing is written to the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cocreation", "0003_facilitators"),
        ("bookings", "0005_attendance_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReservedPlaces",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("places", models.PositiveIntegerField()),
                        ("for_newcomers", models.BooleanField(default=False, help_text="People who have not come to a session before")),
                        ("perspectives", models.JSONField(blank=True, default=list, help_text="Perspective codes this is kept for")),
                        ("release_at", models.DateTimeField(help_text="When places still free open up to everyone")),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cocreation.session")),
                    ],
                    options={
                        "verbose_name_plural": "reserved places",
                        "ordering": ["id"],
                        "db_table": "bookings_reservedplaces",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
