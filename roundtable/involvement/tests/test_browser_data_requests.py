"""Requests about people's data in real Chromium: each page clean under axe-core at 1280 and 360 px,
recorded and answered by keyboard alone, and the whole journey without JavaScript. Screenshots at
1280 and 360 px go to INVOLVEMENT_SHOTS when it is set, to be looked at."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from roundtable.accounts.testing import sign_in_browser
from roundtable.bookings.testing import signup
from roundtable.bookings.tests.test_browser_signup import a_session, tab_to
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks
from roundtable.involvement.models import DataRequest, PersonLink
from roundtable.involvement.tests.test_browser_involvement import SHOTS, _check  # one check for every page
from roundtable.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> None:
    signup(a_session(), 1, email="ruth@example.org", name="Ruth Quill")
    today = timezone.localdate()
    DataRequest.objects.create(email="late@example.org", kind="access", received_on=today - timedelta(days=40))
    DataRequest.objects.create(email="soon@example.org", kind="correction", received_on=today - timedelta(days=28))


def test_requests_by_keyboard_with_axe_at_1280_and_360(page, axe, live_server, coordinator):
    _world()
    sign_in_browser(page, live_server, coordinator)
    page.goto("/coordinator/")
    assert "1 is overdue, and 1 is due within 7 days." in page.locator("#requests-due-title + *").inner_text()
    tab_to(page, "a[href='/coordinator/requests/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinator/requests/")
    _check(page, axe, "requests-list")

    tab_to(page, "a[href='/coordinator/requests/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinator/requests/new/")
    _check(page, axe, "request-new")
    # A mistake first: nothing chosen, no date.
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    _check(page, axe, "request-new-mistakes")

    tab_to(page, "#id_email")
    page.keyboard.type("ruth@example.org")
    # A radio group is one Tab stop; the arrow keys choose within it.
    tab_to(page, "input[name=kind][value=access]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name=kind][value=erasure]")
    today = timezone.localdate()
    for part, value in enumerate((today.day, today.month, today.year)):
        tab_to(page, f"#id_received_on_{part}")
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    _check(page, axe, "request-detail")

    tab_to(page, "a[href$='/forget/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/forget/")
    _check(page, axe, "request-forget")
    tab_to(page, "main form button.govuk-button--warning")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert not Person.objects.filter(email="ruth@example.org").exists()
    _check(page, axe, "request-done")


def test_requests_work_without_javascript(page_without_js, live_server, coordinator):
    page = page_without_js
    _world()
    sign_in_browser(page, live_server, coordinator)
    page.goto("/coordinator/requests/new/")
    page.fill("#id_email", "ruth@example.org")
    page.check("input[name=kind][value=access]")
    today = timezone.localdate()
    page.fill("#id_received_on_0", str(today.day))
    page.fill("#id_received_on_1", str(today.month))
    page.fill("#id_received_on_2", str(today.year))
    page.click("main form button[type=submit]")
    page.wait_for_selector(".govuk-notification-banner--success")
    page.click("form[action$='/send-data/'] button")
    page.wait_for_selector("text=We emailed them a link")
    assert OutboundEmail.objects.filter(template="data_request_ready", to="ruth@example.org").count() == 1
    page.click("form[action$='/done/'] button")
    page.wait_for_url("**/coordinator/requests/")
    assert DataRequest.objects.get(email="ruth@example.org").completed_on == today


@pytest.mark.parametrize("with_js", [True, False])
def test_the_readable_download_by_keyboard_with_axe_and_without_javascript(
    browser, live_server, axe, with_js, tmp_path
):
    signup(a_session(), 1, email="ruth@example.org", name="Ruth Quill")
    token = PersonLink.mint(person=Person.objects.get(email="ruth@example.org"))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=with_js, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"/you/{token}/details/")
        tab_to(page, f"a[href='/you/{token}/download/readable/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/download/readable/")
        if with_js:
            _check(page, axe, "download-start")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=We are preparing your file")
        if with_js:
            _check(page, axe, "download-preparing")
        run_tasks()
        if with_js:  # the page notices by itself
            page.wait_for_selector("text=Your file is ready", timeout=20000)
        else:
            page.click("text=Check if your file is ready")
            page.wait_for_selector("text=Your file is ready")
        if with_js:
            _check(page, axe, "download-ready")
        with page.expect_download() as download:
            page.click(f"a[href='/you/{token}/download/readable/file/']")
        saved = tmp_path / "my-data.pdf"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            (Path(SHOTS) / "my-data.pdf").write_bytes(saved.read_bytes())
    finally:
        context.close()
