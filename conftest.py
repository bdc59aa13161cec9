import os

import pytest


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIGNUP_RATE_LIMIT = None
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test's database starts afresh, so pages kept in memory by an earlier test must go too.
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def coordinator(db):
    from roundtable.accounts.testing import make_coordinator

    return make_coordinator()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


# --- Real browser (Debian's Chromium driven by Playwright) and axe-core -----------------------
import json  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# The tags axe-core uses for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    # Playwright drives its own event loop in this thread; Django's ORM calls from the test body
    # are still synchronous, so tell Django it is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for browser tests and was not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.without_javascript = True  # axe_violations refuses it: see there
    yield pg
    context.close()


def axe_violations(pg) -> list[dict]:
    """Run axe-core in the page and return WCAG 2.2 A/AA violations (empty list when clean)."""
    # Never in a page without JavaScript: axe.run waits on timers, which never fire there, and
    # page.evaluate has no timeout, so the test (and Chromium) would hang for ever. Check a page
    # with JavaScript for accessibility, and the JavaScript-less page for working.
    assert not getattr(pg, "without_javascript", False), "axe-core cannot run in a page without JavaScript"
    if not pg.evaluate("typeof window.axe !== 'undefined'"):
        pg.evaluate(AXE_JS.read_text() + "\n;undefined")
    result = pg.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(pg) -> None:
    violations = axe_violations(pg)
    assert violations == [], f"axe-core found WCAG 2.2 AA problems on {pg.url}:\n" + json.dumps(violations, indent=2)


@pytest.fixture
def axe():
    return assert_accessible


@pytest.fixture(scope="session", autouse=True)
def _remove_writer_lock_file(django_db_setup):
    """Sign-ups on SQLite queue on a file beside the test database (roundtable/core/writer_turn.py)."""
    yield
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(f"{name}.writers").unlink(missing_ok=True)
