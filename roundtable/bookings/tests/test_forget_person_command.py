import pytest
from django.core.management import CommandError, call_command

from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def test_forgetting_someone_keeps_their_past_place_in_the_counts_without_them(capsys):
    past = make_session(days_ahead=-20, status="draft")
    person = signup(make_session(), 1, email="gone@example.org", name="Gone").booking.person
    Booking.objects.create(session=past, person=person, status="attended")
    call_command("forget_person", "GONE@example.org", "--yes")
    assert "forgotten" in capsys.readouterr().out
    assert not Person.objects.filter(email="gone@example.org").exists()
    assert Booking.objects.filter(session=past, status="attended").count() == 1


def test_an_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match="Nobody with the email"):
        call_command("forget_person", "nobody@example.org", "--yes")


def test_without_yes_and_nobody_to_answer_nothing_is_forgotten(monkeypatch):
    signup(make_session(), 2, email="stays@example.org", name="Stays")

    def no_keyboard(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_keyboard)
    with pytest.raises(CommandError, match="run it with --yes"):
        call_command("forget_person", "stays@example.org")
    assert Person.objects.filter(email="stays@example.org", name="Stays").exists()
