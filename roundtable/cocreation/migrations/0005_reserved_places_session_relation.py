# Once the old bookings.ReservedPlaces is gone from Django's record (bookings 0006), the moved
# model takes back its `session.reserved_places` name. State only, as in 0004.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cocreation", "0004_reserved_places_move_here"),
        ("bookings", "0006_reserved_places_moved_to_cocreation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reservedplaces",
                    name="session",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reserved_places", to="cocreation.session"),
                ),
            ],
            database_operations=[],
        ),
    ]
