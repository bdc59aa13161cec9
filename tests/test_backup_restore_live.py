"""Backup → restore, with exactly the commands docs/operations.md gives (read from the document, so
the test follows it), on the database this test run uses (SQLite, or PostgreSQL in the PostgreSQL
pass): a site with sessions, bookings, access needs, a signed-in coordinator and sent confirmations
is backed up and restored into a fresh file or database, and the restored copy must hold every row
and open a participant's private link from their confirmation email."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "operations.md"

SEED = """
from django.contrib.sessions.backends.db import SessionStore
from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session

coordinator = make_coordinator(email="co@example.org")
signed_in = SessionStore()
signed_in["_auth_user_id"] = str(coordinator.pk)
signed_in.create()
session = make_session(title="Planning the community garden", capacity=2)
needs = AccessNeedsAnswer(needs=["step_free"], details="A chair with arms", consent=True)
signup(session, 1, name="Ama Owusu", email="ama@example.org", access_needs=needs)
signup(session, 2, name="Bo Li", email="bo@example.org")
signup(session, 3, name="Cy Park", email="cy@example.org")  # the waiting list
"""

OPEN_LINK = """
from django.test import Client
page = Client().get("{link}")
print(page.status_code, "Planning the community garden" in page.content.decode(), "Ama Owusu" in page.content.decode())
"""


def _blocks(subsection: str) -> tuple[list[list[str]], list[list[str]]]:
    """The indented command blocks of one "### …" part of the Backups section: those before the
    paragraph that starts "To restore", and those after it."""
    section = DOC.read_text().split("## Backups", 1)[1].split("\n## ", 1)[0]
    part = section.split(f"### {subsection}\n", 1)[1].split("\n### ", 1)[0]
    backup_text, restore_text = part.split("\nTo restore", 1)

    def blocks(text: str) -> list[list[str]]:
        found = re.findall(r"(?m)((?:^    \S.*\n)+)", text)
        return [[line.strip() for line in block.splitlines()] for block in found]

    return blocks(backup_text), blocks(restore_text)


def _run(command: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603
        [shutil.which("bash") or "/bin/bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{command!r} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _site(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A directory laid out as an install: manage.py, .venv/bin/python and var/."""
    site = tmp_path / "site"
    site.mkdir()
    (site / ".venv").symlink_to(Path(sys.prefix))
    (site / "manage.py").symlink_to(ROOT / "manage.py")
    (site / "var").mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "EMAIL_HOST", "EMAIL_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ROUNDTABLE_VAR_DIR": str(site / "var"),
        "PYTHONPATH": str(ROOT),
        "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}",
    }
    return site, env


def _seed_and_send(site: Path, env: dict[str, str]) -> str:
    """Migrate, create the data, send the confirmations (to files); the private link Ama got."""
    _run("python manage.py migrate --noinput -v0", site, env)
    _run(f"python manage.py shell --no-imports -c {_quote(SEED)}", site, env)
    _run("python manage.py mailer --once -v0", site, env)
    emails = "\n".join(p.read_text(errors="replace") for p in (site / "var" / "sent-mail").iterdir())
    [link] = {m for m in re.findall(r"/booking/[A-Za-z0-9_-]{20,}/", emails) if "ama" in _owner(emails, m)}
    return link


def _owner(emails: str, link: str) -> str:
    """The To: line of the email the link is in."""
    before = emails[: emails.index(link)]
    return before[before.rindex("\nTo: ") :].split("\n", 2)[1]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _everything(site: Path, env: dict[str, str]) -> list[dict]:
    dump = _run("python manage.py dumpdata --indent 0", site, env)
    return sorted(json.loads(dump), key=lambda row: (row["model"], str(row["pk"])))


def _link_opens(site: Path, env: dict[str, str], link: str) -> bool:
    script = OPEN_LINK.replace("{link}", link)
    answer = _run(f"python manage.py shell --no-imports -c {_quote(script)}", site, env)
    return answer.split() == ["200", "True", "True"]


def _check_round_trip(before: list[dict], after: list[dict]) -> None:
    assert len(after) == len(before) and after == before, "the restored copy is not the site that was backed up"
    models = {row["model"] for row in after}
    assert {"sessions.session", "bookings.booking", "bookings.accessneeds", "bookings.managelink"} <= models


def test_backup_then_restore_with_the_documented_commands_loses_nothing(tmp_path):
    """On the database this pass of the suite runs on (CI runs it once on each)."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        _sqlite_round_trip(tmp_path)
    else:
        _postgresql_round_trip(tmp_path)


def _sqlite_round_trip(tmp_path: Path) -> None:
    site, env = _site(tmp_path)
    link = _seed_and_send(site, env)
    before = _everything(site, env)
    (with_cli, with_python), (restore,) = _blocks("SQLite")

    for command in with_python:
        _run(command, site, env)
    [made] = list((site / "backups").iterdir())
    made = made.rename(site / "backups" / "made-with-python.sqlite3")
    for command in with_cli:
        _run(command, site, env)
    [backup] = [p for p in (site / "backups").iterdir() if p != made]
    # Both ways of backing up make the same database.
    assert list(sqlite3.connect(made).iterdump()) == list(sqlite3.connect(backup).iterdump())

    for command in restore:
        _run(command.replace("YYYY-MM-DD", "$(date +%F)"), site, env)

    assert (site / "var" / "before-restore" / "roundtable.sqlite3").exists()  # kept aside, whole
    _check_round_trip(before, _everything(site, env))
    assert _link_opens(site, env, link)


def _postgresql_round_trip(tmp_path: Path) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    live, restored = f"rt_backup_{secrets.token_hex(4)}", f"rt_restored_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{live}"')
    try:
        site, env = _site(tmp_path)
        env["DATABASE_URL"] = f"{server}/{live}"
        link = _seed_and_send(site, env)
        before = _everything(site, env)
        (dump,), (restore,) = _blocks("PostgreSQL")
        for command in dump:
            _run(command, site, env)
        for command in restore:
            command = command.replace("YYYY-MM-DD", "$(date +%F)").replace("postgres://…", server)
            _run(command.replace("roundtable_restored", restored), site, env)

        env["DATABASE_URL"] = f"{server}/{restored}"  # "then point DATABASE_URL at it"
        _check_round_trip(before, _everything(site, env))
        assert _link_opens(site, env, link)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in (live, restored):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
