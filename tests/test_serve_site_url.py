"""`make demo PORT=…` and `python -m roundtable.core.serve --port …` link to where they serve.

Without SITE_URL, the links the site gives out (the API's `url` and `calendar_url`, emails,
calendar files) used to say port 8000 whatever port the site was on. A real runner is started
here on a free port, with nothing but its command line to go on."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from roundtable.core import serve

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ROUNDTABLE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        STATIC_MANIFEST="false",
    )
    return env


SEED = (
    "import django; django.setup(); from roundtable.cocreation.testing import make_session; "
    "make_session(title='Where links point')"
)


def test_the_runner_links_to_the_port_it_serves_on(tmp_path):
    env = _env(tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    subprocess.run([*manage, "createcachetable"], cwd=ROOT, env=env, check=True, timeout=60)  # noqa: S603
    subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, timeout=60)  # noqa: S603

    port = _free_port()
    runner = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "roundtable.core.serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/sessions", timeout=5) as response:  # noqa: S310
                    body = json.load(response)
                break
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the runner never answered"
        [session] = [s for s in body["items"] if s["title"] == "Where links point"]
        assert session["url"].startswith(f"http://127.0.0.1:{port}/")
        assert session["calendar_url"].startswith(f"http://127.0.0.1:{port}/")
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=30)


def test_site_url_when_set_wins_over_the_serving_address(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://roundtable.example.org")
    assert serve.site_env(host="127.0.0.1", port=8311) == {}
    monkeypatch.delenv("SITE_URL")
    assert serve.site_env(host="0.0.0.0", port=8311) == {"SITE_URL": "http://127.0.0.1:8311"}  # noqa: S104
    assert serve.site_env(host="::1", port=8311) == {"SITE_URL": "http://[::1]:8311"}
