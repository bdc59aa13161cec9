import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.api.tests.helpers import bearer
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db


def issue(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_command_prints_a_token_that_opens_the_coordinator_api(client):
    coordinator = make_coordinator(email="coordinator@example.org")
    raw = issue("Coordinator@Example.org")

    assert raw.startswith("rt_") and len(raw) > 30
    stored = ApiToken.objects.get(user=coordinator)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in stored.token_hash
    session = make_session()
    assert client.get(f"/api/sessions/{session.pk}/bookings", **bearer(raw)).status_code == 200


def test_each_run_gives_a_new_token():
    make_coordinator(email="coordinator@example.org")
    assert issue("coordinator@example.org") != issue("coordinator@example.org")
    assert ApiToken.objects.count() == 2


def test_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match="There is no account for nobody@example.org"):
        issue("nobody@example.org")
    assert not ApiToken.objects.exists()


def test_facilitator_gets_a_token_that_opens_no_coordinator_operation(client):
    make_facilitator(email="facilitator@example.org")
    raw = issue("facilitator@example.org")
    assert ApiToken.objects.count() == 1
    # Only the board's operations take it; the coordinator's operations still answer 401.
    response = client.get("/api/actions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_switched_off_account_gets_no_token():
    make_coordinator(email="left@example.org", is_active=False)
    with pytest.raises(CommandError, match="switched off"):
        issue("left@example.org")


def test_revoke_all_stops_every_token_working(client):
    make_coordinator(email="coordinator@example.org")
    first, second = issue("coordinator@example.org"), issue("coordinator@example.org")
    issue("coordinator@example.org", "--revoke-all")
    session = make_session()
    for raw in (first, second):
        assert client.get(f"/api/sessions/{session.pk}/bookings", **bearer(raw)).status_code == 401


def test_command_line_exits_non_zero_for_an_unknown_email(capsys):
    # As `manage.py api_token ...` runs it: a CommandError becomes exit status 1 and a message.
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "api_token", "nobody-at-all@example.org"])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "There is no account for nobody-at-all@example.org" in captured.err and captured.out == ""
