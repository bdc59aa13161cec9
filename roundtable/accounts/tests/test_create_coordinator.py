import io

import pytest
from django.core.management import CommandError, call_command

from roundtable.accounts.models import User

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_coordinator", *args, stdout=out)
    return out.getvalue()


def test_creates_a_coordinator_with_the_given_password():
    output = run("Sam@Example.org", "--name", "Sam", "--password", "a long enough passphrase")
    user = User.objects.get(email="sam@example.org")
    assert user.role == "coordinator" and user.name == "Sam"
    assert user.check_password("a long enough passphrase")
    assert "a long enough passphrase" not in output


def test_without_a_password_one_is_made_up_and_printed_once():
    output = run("sam@example.org", "--name", "Sam", "--no-input")
    password = next(line for line in output.splitlines() if line.startswith("Password: ")).split(": ", 1)[1]
    assert User.objects.get(email="sam@example.org").check_password(password)
    assert len(password) >= 20


def test_can_create_a_facilitator():
    run("alex@example.org", "--name", "Alex", "--role", "facilitator", "--no-input")
    assert User.objects.get(email="alex@example.org").role == "facilitator"


def test_refuses_a_second_account_for_the_same_email():
    run("sam@example.org", "--name", "Sam", "--no-input")
    with pytest.raises(CommandError, match="already an account"):
        run("SAM@example.org", "--name", "Sam again", "--no-input")
    assert User.objects.count() == 1


def test_refuses_a_weak_password_and_a_bad_email():
    with pytest.raises(CommandError, match="too weak"):
        run("sam@example.org", "--name", "Sam", "--password", "password")
    with pytest.raises(CommandError, match="not an email address"):
        run("not-an-email", "--name", "Sam", "--no-input")
    assert not User.objects.exists()
