"""Forgetting a person runs every part's forgetter in order, all or nothing, and says what went."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from roundtable.core import forgetting
from roundtable.core.models import AuditEntry
from roundtable.people.models import ConsentRecord, Person
from roundtable.people.services import consent_record, person_forget, person_forget_everywhere

pytestmark = pytest.mark.django_db


def test_every_part_of_the_product_registers_a_forgetter_and_bookings_go_before_people_and_core_last():
    order = [registered.name for registered in forgetting.forgetters()]
    assert set(order) >= {"bookings", "evaluation", "records", "blog", "newsletter", "people", "core"}
    assert order.index("bookings") < order.index("people")
    assert order[-1] == "core"


@pytest.fixture
def recorded(monkeypatch):
    """Only these forgetters, each writing down when it ran."""
    ran = []

    def make(name):
        def forget(person_id, email, name_, actor):
            ran.append((name, person_id, email, name_))
            return len(ran)

        return forget

    registered = {
        name: forgetting.Registered(name=name, order=order, forget=make(name))
        for name, order in [("late", 900), ("early", 5), ("middle", 100)]
    }
    monkeypatch.setattr(forgetting, "_forgetters", registered)
    monkeypatch.setattr(forgetting, "autodiscover_modules", lambda name: None)
    return ran


def test_forgetters_run_lowest_order_first_and_each_reports_its_own_count(recorded):
    counts = forgetting.forget_everywhere(person_id=7, email="a@example.org", name="A Person", actor=None)
    assert [name for name, *_ in recorded] == ["early", "middle", "late"]
    assert recorded[0][1:] == (7, "a@example.org", "A Person")
    assert counts == {"early": 1, "middle": 2, "late": 3}


def test_a_forgetter_that_fails_undoes_everything_forgotten_before_it(monkeypatch):
    person = Person.objects.create(email="kept@example.org", name="Kept Whole")

    def broken(person_id, email, name, actor):
        raise RuntimeError("the disk is full")

    (people,) = [registered for registered in forgetting.forgetters() if registered.name == "people"]
    monkeypatch.setattr(
        forgetting,
        "_forgetters",
        {"people": people, "broken": forgetting.Registered(name="broken", order=500, forget=broken)},
    )
    monkeypatch.setattr(forgetting, "autodiscover_modules", lambda name: None)
    with pytest.raises(RuntimeError):
        person_forget(person=person, actor=None)
    person.refresh_from_db()
    assert (person.name, person.email) == ("Kept Whole", "kept@example.org")


def test_the_person_row_is_anonymised_their_consents_go_and_the_log_says_so_with_counts_only():
    person = Person.objects.create(
        email="gone@example.org", name="Gone Person", phone="0123", pronouns="they/them", wants_updates=True
    )
    consent_record(person=person, kind=ConsentRecord.Kind.HEALTH_DATA, given=True, wording="Yes", source="web")
    person, counts = person_forget_everywhere(person=person, actor="tester")
    assert person.email == f"forgotten-{person.pk}@forgotten.invalid"
    assert (person.name, person.phone, person.pronouns, person.wants_updates) == (
        "Someone who asked to be forgotten",
        "",
        "",
        False,
    )
    assert not ConsentRecord.objects.filter(person=person).exists()
    assert counts["people"] == 2
    entry = AuditEntry.objects.get(verb="person.forgotten")
    assert entry.data == {"parts": counts} and "Gone" not in str(entry.data) + entry.target_label


def test_the_command_says_in_plain_english_what_went_from_each_part(capsys):
    Person.objects.create(email="gone@example.org", name="Gone Person")
    call_command("forget_person", "gone@example.org", "--yes")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Done: the person is forgotten")
    assert "  their details, consent records and the team's notes: 1 row erased or anonymised" in out
    assert "  bookings (places cancelled, needs, links): 0 rows erased or anonymised" in out
    assert any(line.startswith("  emails and audit log: ") for line in out)
    assert len(out) == 1 + len(forgetting.forgetters())
