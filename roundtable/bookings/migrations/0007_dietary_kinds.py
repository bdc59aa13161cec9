# Dietary needs were free text only. The common kinds become a list the venue can count; each
# existing answer is read for the kinds it names (anything else is "other"), and its text is kept.

import re

from django.db import migrations, models

# Checked in this order; one answer can name several kinds ("vegan and gluten free").
KIND_PATTERNS = [
    ("vegetarian", re.compile(r"vegetarian|veggie|\bno meat\b", re.IGNORECASE)),
    ("vegan", re.compile(r"\bvegan", re.IGNORECASE)),
    ("halal", re.compile(r"halal", re.IGNORECASE)),
    ("kosher", re.compile(r"kosher", re.IGNORECASE)),
    ("gluten_free", re.compile(r"gluten|coeliac|celiac", re.IGNORECASE)),
    ("nut_allergy", re.compile(r"\b(pea|tree ?)?nuts?\b|\bnut-free\b", re.IGNORECASE)),
    ("dairy_free", re.compile(r"dairy|lactose|\bmilk\b", re.IGNORECASE)),
]


def kinds_from_text(text: str) -> list[str]:
    """The kinds an answer names; an answer that names none is "other"; no answer, no kinds."""
    if not text.strip():
        return []
    kinds = [kind for kind, pattern in KIND_PATTERNS if pattern.search(text)]
    return kinds or ["other"]


def map_existing_answers(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    for booking in Booking.objects.exclude(dietary_needs="").only("pk", "dietary_needs").iterator():
        kinds = kinds_from_text(booking.dietary_needs)
        if kinds:
            Booking.objects.filter(pk=booking.pk).update(dietary_kinds=kinds)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_reserved_places_moved_to_cocreation"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="dietary_kinds",
            field=models.JSONField(blank=True, default=list),
        ),
        # Going back drops the column; the free text was never changed, so nothing is lost.
        migrations.RunPython(map_existing_answers, migrations.RunPython.noop),
    ]
