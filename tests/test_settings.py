"""Settings fail loudly at start-up, production settings pass Django's deploy checks, and no
model change is left without its migration. Each case starts a fresh Python, because settings
are read once per process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "HTTPS", "BEHIND_PROXY", "SIGNUP_RATE_LIMIT",
    "EMAIL_HOST", "EMAIL_PORT", "EMAIL_BACKEND", "ACCESS_NEEDS_RETENTION_DAYS", "DB_CONN_MAX_AGE",
    "SQLITE_TIMEOUT", "STATIC_MANIFEST", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS", "EMAIL_MAX_ATTEMPTS", "EMAIL_RETRY_BASE_SECONDS", "SITE_URL", "TASKS_BACKEND",
    "TRUSTED_PROXY_COUNT", "ADMIN_ENABLED", "MAX_FORM_BODY_KB", "PORT", "TWO_FACTOR_REQUIRED",
}  # fmt: skip


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES and not k.startswith("DJANGO_")}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ROUNDTABLE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        **env,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def _load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return _run(["-c", "import django; django.setup()"], tmp_path, **env)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("HTTPS", "sometimes"),
        ("BEHIND_PROXY", "2"),
        ("SIGNUP_RATE_LIMIT", "lots"),
        ("SIGNUP_RATE_LIMIT", "20/fortnight"),
        ("SECRET_KEY", "too-short"),
        ("EMAIL_PORT", "twenty-five"),
        ("ACCESS_NEEDS_RETENTION_DAYS", "-1"),
        ("EMAIL_MAX_ATTEMPTS", "0"),
        ("TRUSTED_PROXY_COUNT", "0"),
        ("TRUSTED_PROXY_COUNT", "all"),
        ("ADMIN_ENABLED", "perhaps"),
        ("MAX_FORM_BODY_KB", "lots"),
        ("TWO_FACTOR_REQUIRED", "for coordinators"),
    ],
)
def test_bad_setting_stops_the_site_from_starting_and_names_the_variable(tmp_path, variable, value):
    result = _load_settings(tmp_path, **{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_good_settings_load(tmp_path):
    result = _load_settings(tmp_path, DEBUG="false", SIGNUP_RATE_LIMIT="off", HTTPS="no", EMAIL_PORT="587")

    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_checks_without_a_warning(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="roundtable.example.org",
        SITE_URL="https://roundtable.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def _print_settings(tmp_path: Path, names: list[str], **env: str) -> dict[str, str]:
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print({name!r}, getattr(settings, {name!r}, None))" for name in names
    )
    result = _run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


SECURE = ["HTTPS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"]


def test_an_https_site_url_implies_https_so_cookies_are_secure(tmp_path):
    values = _print_settings(tmp_path, SECURE, SITE_URL="https://roundtable.example.org")

    assert values == dict.fromkeys(SECURE, "True")


def test_an_http_site_url_keeps_https_off_unless_asked(tmp_path):
    assert _print_settings(tmp_path, SECURE, SITE_URL="http://127.0.0.1:8000") == dict.fromkeys(SECURE, "False")
    asked = _print_settings(tmp_path, ["HTTPS"], SITE_URL="http://127.0.0.1:8000", HTTPS="true")
    assert asked == {"HTTPS": "True"}


def test_production_settings_with_only_an_https_site_url_pass_the_deploy_checks(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="roundtable.example.org",
        SITE_URL="https://roundtable.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_kept_open_database_connections_are_health_checked(tmp_path):
    values = _print_settings(tmp_path, ["DATABASES"])

    assert "'CONN_HEALTH_CHECKS': True" in values["DATABASES"]


def test_every_model_change_has_its_migration(tmp_path):
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], tmp_path)

    assert result.returncode == 0, "Pending migrations:\n" + result.stdout + result.stderr


def test_two_factor_sign_in_is_required_unless_turned_off(tmp_path):
    assert _print_settings(tmp_path, ["TWO_FACTOR_REQUIRED"]) == {"TWO_FACTOR_REQUIRED": "True"}
    for off in ("false", "no", "0", "off"):
        values = _print_settings(tmp_path, ["TWO_FACTOR_REQUIRED"], TWO_FACTOR_REQUIRED=off)
        assert values == {"TWO_FACTOR_REQUIRED": "False"}, off


def test_the_demo_turns_two_factor_sign_in_off_so_anyone_can_try_it():
    makefile = (ROOT / "Makefile").read_text()
    assert "demo: export TWO_FACTOR_REQUIRED := false" in makefile


def test_a_local_run_links_to_its_port_when_site_url_is_not_set(tmp_path):
    """`make demo PORT=8311` exports PORT: links in emails, calendar files and the API follow it."""
    assert _print_settings(tmp_path, ["SITE_URL"], PORT="8311") == {"SITE_URL": "http://127.0.0.1:8311"}
    assert _print_settings(tmp_path, ["SITE_URL"]) == {"SITE_URL": "http://127.0.0.1:8000"}


def test_a_public_site_must_say_its_address(tmp_path):
    result = _load_settings(tmp_path, ALLOWED_HOSTS="roundtable.example.org")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SITE_URL" in result.stderr
