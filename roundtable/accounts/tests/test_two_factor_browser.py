"""Two-factor sign-in in real Chromium: a coordinator sent to set it up does so with the keyboard
alone, saves their recovery codes and signs in again with a code; at 1280 and 360 px, with axe on
every page (errors included); and the same without JavaScript.

Set SCREENSHOT_DIR to keep a picture of each page."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyotp
import pytest

from roundtable.accounts.testing import PASSWORD, make_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 360)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def snap(page, name: str, width: int) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def code_now(secret: str, *, later: bool = False) -> str:
    # `later`: the next step's code, still accepted, for a second sign-in within the same 30 s.
    return pyotp.TOTP(secret).at(int(time.time()) + (30 if later else 0))


def tab_to(page, element_id: str, *, most: int = 60) -> None:
    """Press Tab until the element has focus, as someone using only a keyboard would."""
    for _ in range(most):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def tab_to_button(page, name: str, *, most: int = 60) -> None:
    for _ in range(most):
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the {name!r} button")


def sign_in_with_password(page, email: str) -> None:
    page.goto("/accounts/sign-in/")
    page.locator("main").get_by_label("Email address").fill(email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_sets_it_up_by_keyboard_and_signs_in_with_a_code(page, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    email = f"sam{width}@example.org"
    make_coordinator(email=email)
    sign_in_with_password(page, email)
    # Not yet set up: sent to set it up before the team's pages.
    page.wait_for_url("**/accounts/two-factor/set-up/**")
    assert page.locator("h1").inner_text() == "Set up two-factor sign-in"
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] <= width
    axe(page)
    snap(page, "setup", width)
    secret = page.locator("#secret-key code").inner_text().replace(" ", "")

    # A wrong code: the error is next to the field and in the summary.
    tab_to(page, "id_code")
    page.keyboard.type("000000" if code_now(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    assert "That code is not right" in page.locator("#id_code-error").inner_text()
    axe(page)
    snap(page, "setup-error", width)

    page.locator("#id_code").fill("")
    tab_to(page, "id_code")
    page.keyboard.press("Control+A")
    page.keyboard.type(code_now(secret))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    codes = page.locator(".rt-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    axe(page)
    snap(page, "recovery-codes", width)
    tab_to_button(page, "I have saved them")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinator/")
    assert page.locator("h1").inner_text() == "Your sessions"

    # Their own page, from the menu.
    page.goto("/accounts/two-factor/")
    assert "10 recovery codes left" in page.locator("main").inner_text()
    axe(page)
    snap(page, "status", width)

    # Signing in again needs the code.
    page.context.clear_cookies()
    sign_in_with_password(page, email)
    page.wait_for_url("**/accounts/sign-in/code/")
    assert page.locator("h1").inner_text() == "Enter your code"
    axe(page)
    snap(page, "verify", width)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Sign in").click()
    assert page.title().startswith("Error: ")
    axe(page)
    snap(page, "verify-error", width)
    page.locator("#id_code").fill(code_now(secret, later=True))
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coordinator/")

    page.goto("/accounts/two-factor/turn-off/")
    assert page.locator("h1").inner_text() == "Turn two-factor sign-in off"
    axe(page)
    snap(page, "turn-off", width)

    # New recovery codes, by keyboard from their own page: a confirmation, a mistake, then made.
    page.goto("/accounts/two-factor/")
    tab_to_button(page, "Make new recovery codes")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Make new recovery codes"
    assert "All your old ones will stop working" in page.locator("main").inner_text()
    axe(page)
    snap(page, "new-codes", width)
    tab_to(page, "id_code")
    page.keyboard.type("not a code")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    axe(page)
    snap(page, "new-codes-error", width)
    tab_to(page, "id_code")
    page.keyboard.press("Control+A")
    page.keyboard.type(codes[0])  # a recovery code confirms it too (the app's codes are used up)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    new_codes = page.locator(".rt-recovery-codes code").all_inner_texts()
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert "your old ones no longer work" in page.locator("main").inner_text()
    axe(page)
    snap(page, "new-codes-shown", width)


def test_it_all_works_without_javascript(page_without_js):
    page = page_without_js
    make_coordinator(email="sam@example.org")
    sign_in_with_password(page, "sam@example.org")
    page.wait_for_url("**/accounts/two-factor/set-up/**")
    secret = page.locator("#secret-key code").inner_text().replace(" ", "")
    page.locator("#id_code").fill(code_now(secret))
    page.locator("main").get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    codes = page.locator(".rt-recovery-codes code").all_inner_texts()
    page.locator("main").get_by_role("button", name="I have saved them").click()
    page.wait_for_url("**/coordinator/")

    page.context.clear_cookies()
    sign_in_with_password(page, "sam@example.org")
    page.wait_for_url("**/accounts/sign-in/code/")
    page.locator("#id_code").fill(codes[0])
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coordinator/")
    assert "You signed in with a recovery code" in page.locator("main").inner_text()

    page.goto("/accounts/two-factor/")
    page.locator("main").get_by_role("link", name="Make new recovery codes").click()
    page.locator("#id_code").fill(codes[1])
    page.locator("main").get_by_role("button", name="Make new codes").click()
    assert len(page.locator(".rt-recovery-codes code").all_inner_texts()) == 10
