# Held places (ReservedPlaces) moved to the cocreation app (see cocreation 0004). Bookings point at
# the model in its new home and forget the old one; the database is not touched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_attendance_indexes"),
        ("cocreation", "0004_reserved_places_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="booking",
                    name="reserved_place",
                    field=models.ForeignKey(blank=True, help_text="The balanced-places pool this booking's place came from, if any", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="bookings", to="cocreation.reservedplaces"),
                ),
                migrations.DeleteModel(name="ReservedPlaces"),
            ],
            database_operations=[],
        ),
    ]
