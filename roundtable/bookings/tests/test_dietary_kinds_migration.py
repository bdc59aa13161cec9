"""Migration 0007 reads each existing free-text dietary answer for the kinds it names, so the
venue's counts are right from the start; the text itself is kept for the team."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from roundtable.bookings.models import Booking as NewBooking
from roundtable.bookings.models import DietaryKind

migration = importlib.import_module("roundtable.bookings.migrations.0007_dietary_kinds")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Vegetarian", ["vegetarian"]),
        ("veggie please", ["vegetarian"]),
        ("Vegan", ["vegan"]),
        ("VEGAN and gluten free", ["vegan", "gluten_free"]),
        ("Halal", ["halal"]),
        ("Kosher meals only", ["kosher"]),
        ("Gluten free", ["gluten_free"]),
        ("I am coeliac", ["gluten_free"]),
        ("No nuts, please", ["nut_allergy"]),
        ("Peanut allergy (severe)", ["nut_allergy"]),
        ("tree nut allergy", ["nut_allergy"]),
        ("Lactose intolerant", ["dairy_free"]),
        ("no dairy or milk", ["dairy_free"]),
        ("Doughnuts are fine, nutmeg too", ["other"]),
        ("No mushrooms", ["other"]),
        ("  ", []),
        ("", []),
    ],
)
def test_free_text_maps_to_the_kinds_it_names_and_anything_else_is_other(text, kinds):
    assert migration.kinds_from_text(text) == kinds


def test_every_kind_the_mapping_gives_is_one_people_can_tick():
    named = {kind for kind, _ in migration.KIND_PATTERNS} | {"other"}
    assert named == set(DietaryKind.values)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_in_kinds_for_existing_answers_and_keeps_their_text():
    executor = MigrationExecutor(connection)
    before = [("bookings", "0006_reserved_places_moved_to_cocreation")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Session = old_apps.get_model("cocreation", "Session")
    Person = old_apps.get_model("people", "Person")
    Booking = old_apps.get_model("bookings", "Booking")
    Venue = old_apps.get_model("cocreation", "Venue")
    now = timezone.now()
    venue = Venue.objects.create(name="Hall")
    session = Session.objects.create(
        title="Old", venue=venue, starts_at=now, ends_at=now + timedelta(hours=2), capacity=5
    )
    texts = {"a": "Vegan, no nuts", "b": "No mushrooms", "c": ""}
    for key, text in texts.items():
        person = Person.objects.create(name=key, email=f"{key}@example.org")
        Booking.objects.create(session=session, person=person, status="confirmed", dietary_needs=text)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    got = {b.person.name: (b.dietary_kinds, b.dietary_needs) for b in NewBooking.objects.select_related("person")}
    assert got == {
        "a": (["vegan", "nut_allergy"], "Vegan, no nuts"),
        "b": (["other"], "No mushrooms"),
        "c": ([], ""),
    }
