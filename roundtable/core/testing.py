"""What every app's tests share from the foundation: running the background work as the real
processes would, and reading which font printed what in a PDF. Factories live with their models
(`<app>/testing.py`), so a test imports only its own app and the apps below it."""

from __future__ import annotations

import io
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management import call_command
from pypdf import PdfReader

from roundtable.core import serve


def run_tasks() -> None:
    """Run the background worker until the task queue is empty, then the mailer until nothing in
    the outbox is due, as the real processes would."""
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    call_command("mailer", "--once", verbosity=0)


def live_site_env(database_url: str, var_dir: Path | str, **extra: str) -> dict[str, str]:
    """The environment for a real server (gunicorn, the worker) in live tests and benchmarks:
    production settings on the given database, sign-ups unthrottled, no email leaving the machine
    (the file backend), static files without the manifest (nobody ran collectstatic for it)."""
    env = serve.child_env(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "ROUNDTABLE_VAR_DIR": str(var_dir),
            "SIGNUP_RATE_LIMIT": "off",
            "STATIC_MANIFEST": "false",
            "DEBUG": "false",
            **extra,
        }
    )
    env.pop("EMAIL_HOST", None)
    env.pop("EMAIL_BACKEND", None)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_site(
    env: dict[str, str], log_path: Path, *, ready_path: str = "/", workers: int = 2, threads: int = 1
) -> Iterator[str]:
    """gunicorn serving the site `env` describes on a free port, for the length of the block.
    Yields the base URL once `ready_path` answers 200; fails with the server's log if a worker
    process dies or the site does not answer within two minutes. Stops the server afterwards."""
    port = free_port()
    with open(log_path, "w") as log:
        procs = serve.start(
            {"web": serve.gunicorn_command(port=port, workers=workers, threads=threads)},
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert all(p.poll() is None for p in procs.values()), log_path.read_text()
            try:
                with urllib.request.urlopen(f"{base}{ready_path}", timeout=10) as resp:  # noqa: S310
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start:\n" + log_path.read_text()
            time.sleep(0.2)
        yield base
    finally:
        serve.stop(procs)


def check_page(page: Any, axe: Any, name: str, *, shots: str = "") -> None:
    """A Playwright page as people will meet it: axe (the `axe` fixture) at 1280 and 360 px, with a
    screenshot of each in the folder `shots` when it is set; one h1; and nothing wider than the
    screen at 320 px. Leaves the page at 1280 px."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        axe(page)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"{page.url} is {wide}px wide at a 320px viewport"
    assert page.locator("h1").count() == 1
    page.set_viewport_size({"width": 1280, "height": 900})


def fonts_of_each_character(content: bytes) -> dict[str, set[str]]:
    """Which embedded font of a PDF (named without its subset prefix, e.g. "Noto-Sans-CJK-SC-Bold")
    printed each character of its text."""
    fonts: dict[str, set[str]] = {}

    def visit(text: str, _cm: object, _tm: object, font_dict: dict | None, _size: float) -> None:
        if font_dict:
            for character in text:
                fonts.setdefault(character, set()).add(str(font_dict["/BaseFont"]).split("+")[-1])

    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    return fonts
