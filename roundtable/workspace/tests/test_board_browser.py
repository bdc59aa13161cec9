"""The live board in a real browser (Chromium) with axe-core: a participant joins by code on a
360 px phone and adds an idea, another screen hears of it through the live region, the
facilitator groups by keyboard, people vote, the board closes and the result is recorded; the
same without JavaScript; and the projector at 1280×720 without scrolling.

Screenshots go to $BOARD_SHOTS (default /tmp/board-shots) for a person to look at."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from roundtable.accounts.testing import make_facilitator, sign_in_browser
from roundtable.board import services
from roundtable.board.models import Board, Idea, Stage
from roundtable.board.testing import ideas, join, make_board
from roundtable.cocreation.testing import make_session
from roundtable.records.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("BOARD_SHOTS") or Path(tempfile.gettempdir()) / "board-shots")
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def open_page(browser, live_server):
    """A page in a fresh browser context; every context is closed when the test ends, so no page
    goes on polling the live server while later tests run (their database is blocked)."""
    contexts = []

    def open_(viewport: dict):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.fixture
def facilitator(db):
    return make_facilitator()


@pytest.fixture
def board(coordinator, facilitator):
    session = make_session(title="Building the Centre together")
    session.facilitators.add(facilitator)
    return make_board(session=session, actor=coordinator, question="What should the Centre fund next year?")


def test_the_room_from_joining_by_code_to_the_recorded_decision(open_page, live_server, axe, board, facilitator):
    phone = open_page(PHONE)
    other = open_page(LAPTOP)
    desk = open_page(LAPTOP)
    for pg in (phone, other, desk):
        pg.set_default_timeout(15000)
    sign_in_browser(desk, live_server, facilitator)

    # Join by code on a phone.
    phone.goto("/board/")
    _shot(phone, "find-360")
    axe(phone)
    phone.get_by_label("Board code").fill(board.code.lower())
    phone.get_by_role("button", name="Go to the board").click()
    phone.get_by_role("button", name="Join this board").click()
    assert phone.get_by_role("heading", name="Add an idea").is_visible()
    _fits(phone)
    axe(phone)

    # Another screen is watching; the phone adds an idea; the other hears of it once.
    other.goto(f"/board/{board.code}/")
    other.wait_for_function("() => document.getElementById('idea-count').textContent === '0'")
    phone.get_by_label("Your idea").fill("Pay people for their travel time")
    phone.get_by_role("button", name="Add my idea").click()
    assert phone.get_by_text("Pay people for their travel time").is_visible()
    _shot(phone, "board-collecting-360")
    other.wait_for_function("() => document.getElementById('board-live').textContent === '1 new idea'")
    assert other.locator("#board-ideas").get_by_text("Pay people for their travel time").is_visible()
    assert other.locator("[aria-live]").count() == 1
    _shot(other, "board-collecting-1280")
    axe(other)
    for text in ("Peer support groups", "Paying for travel"):
        services.add_idea(board=board, participant=None, text=text)

    # The session's boards, with the form to open another.
    desk.goto(f"/coordinator/sessions/{board.session_id}/boards/")
    assert desk.get_by_label("Dots each person can place").input_value() == "3"
    _shot(desk, "session-boards-1280")
    axe(desk)

    # The facilitator makes a group and puts two ideas in it, by keyboard alone.
    desk.goto(f"/coordinator/sessions/{board.session_id}/boards/{board.pk}/")
    axe(desk)
    desk.get_by_label("Name of a new group").focus()
    desk.keyboard.type("Money")
    desk.keyboard.press("Enter")
    desk.wait_for_selector("text=Group made.")
    desk.get_by_label("Pay people for their travel time").focus()
    desk.keyboard.press("Space")
    desk.get_by_label("Paying for travel").focus()
    desk.keyboard.press("Space")
    desk.get_by_label("Put the ticked ideas in").focus()
    desk.keyboard.press("Tab")  # to "Put in the group"
    assert desk.evaluate("document.activeElement.textContent") == "Put in the group"
    desk.keyboard.press("Enter")
    desk.wait_for_selector("text=Put 2 ideas in “Money”.")
    assert Idea.objects.filter(group__name="Money").count() == 2
    _shot(desk, "control-grouping-1280")
    axe(desk)
    desk.set_viewport_size(PHONE)
    _fits(desk)
    _shot(desk, "control-grouping-360")
    desk.set_viewport_size(LAPTOP)

    # Grouping shows on people's screens without reloading.
    desk.get_by_role("button", name="Move to grouping ideas").click()
    phone.wait_for_selector("text=Not in a group")
    assert phone.locator("h3", has_text="Money").is_visible()
    _shot(phone, "board-grouping-360")

    # Voting.
    desk.get_by_role("button", name="Move to voting").click()
    phone.wait_for_selector("text=You have 3 dots left.")
    phone.get_by_role("button", name="Place a dot on “Peer support groups”").click()
    assert phone.get_by_text("Dot placed. You have 2 dots left.").is_visible()
    phone.get_by_role("button", name="Place a dot on “Peer support groups”").click()
    assert phone.get_by_text("You already have a dot on that idea").is_visible()
    _fits(phone)
    _shot(phone, "board-voting-360")
    axe(phone)

    # Close and record.
    desk.get_by_role("button", name="Close the board and show results").click()
    desk.get_by_role("button", name="Record as a decision").click()
    assert desk.get_by_text("The result is in the session's record").is_visible()
    decision = Decision.objects.get()
    assert decision.method == "dot_voting" and decision.session_id == board.session_id
    _shot(desk, "control-closed-1280")
    axe(desk)
    phone.wait_for_selector("text=Dots on each idea, most first")
    _fits(phone)
    _shot(phone, "board-closed-360")
    axe(phone)
    other.wait_for_selector("text=Dots on each idea, most first")
    _shot(other, "board-closed-1280")


def test_joining_adding_and_voting_work_without_javascript(page_without_js, board, coordinator):
    page = page_without_js
    page.set_viewport_size(PHONE)
    page.goto("/board/")
    page.get_by_label("Board code").fill("nonsense")
    page.get_by_role("button", name="Go to the board").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    page.get_by_label("Board code").fill(board.code)
    page.get_by_role("button", name="Go to the board").click()
    page.get_by_label("Your name on the board (optional)").fill("Sam")
    page.get_by_role("button", name="Join this board").click()
    page.get_by_role("button", name="Add my idea").click()
    assert page.locator(".govuk-error-summary").get_by_text("Enter your idea").is_visible()
    _shot(page, "board-error-360")
    page.get_by_label("Your idea").fill("A quiet room at every session")
    page.get_by_role("button", name="Add my idea").click()
    page.wait_for_selector("text=Your idea is on the board.")
    ideas(board, "Lunch that suits everyone")
    page.get_by_role("link", name="Refresh the board").click()
    assert page.get_by_text("Lunch that suits everyone").is_visible()
    services.set_stage(board=Board.objects.get(), actor=coordinator, stage=Stage.VOTING)
    page.get_by_role("link", name="Refresh the board").click()
    page.get_by_role("button", name="Place a dot on “A quiet room at every session”").click()
    assert page.get_by_text("You have 2 dots left").first.is_visible()
    page.get_by_role("button", name="Take back a dot from “A quiet room at every session”").click()
    assert page.get_by_text("Dot taken back. You have 3 dots left.").is_visible()
    # (axe-core needs JavaScript to run, so these pages are checked with it in the test above.)


def _no_scrolling(page) -> None:
    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    low = page.evaluate(
        "[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().bottom > 720)"
        ".slice(0, 3).map((el) => el.tagName + '.' + el.className)"
    )
    assert width <= 1280 and height <= 720, f"the projector view is {width}×{height}; below the fold: {low}"


def test_the_projector_fits_1280_by_720_while_collecting_and_when_closed(page, axe, board, coordinator):
    page.set_viewport_size({"width": 1280, "height": 720})
    ideas(board, *(f"Idea number {n} about what to fund next year" for n in range(12)))
    join(board)
    page.goto(f"/board/{board.code}/screen/")
    assert page.locator("svg[role=img] title").text_content().startswith("QR code: join the board")
    assert page.locator("#idea-count").inner_text() == "12"
    _shot(page, "projector-collecting-1280x720")
    _no_scrolling(page)
    axe(page)
    services.add_idea(board=board, participant=None, text="One more")
    page.wait_for_function("() => document.getElementById('idea-count').textContent === '13'")

    voter, _ = join(board)
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    for idea in Idea.objects.order_by("id")[:3]:
        services.vote(board=board, participant=voter, idea_id=idea.pk)
    services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    page.goto(f"/board/{board.code}/screen/")
    assert page.get_by_role("heading", name="Results").is_visible()
    _shot(page, "projector-closed-1280x720")
    _no_scrolling(page)
    axe(page)


def test_a_photo_idea_from_a_phone_reaches_the_control_page_without_reloading(
    open_page, live_server, axe, board, facilitator, tmp_path
):
    from roundtable.records.tests.factories import image_bytes

    photo = tmp_path / "sticky-note.png"
    photo.write_bytes(image_bytes("PNG", size=(800, 600)))
    phone = open_page(PHONE)
    desk = open_page(LAPTOP)
    for pg in (phone, desk):
        pg.set_default_timeout(15000)
    sign_in_browser(desk, live_server, facilitator)
    services.add_idea(board=board, participant=None, text="Peer support groups")
    desk.goto(f"/coordinator/sessions/{board.session_id}/boards/{board.pk}/")
    desk.wait_for_function("() => document.getElementById('board-control').dataset.ideas === '1'")

    phone.goto(f"/board/{board.code}/")
    phone.get_by_role("button", name="Join this board").click()
    phone.get_by_label("Your idea").fill("A garden at the clinic")
    phone.get_by_label("A photo (optional)").set_input_files(str(photo))
    phone.get_by_label("What the photo shows (if you add one)").fill("A clay model of a garden with benches")
    phone.get_by_role("button", name="Add my idea").click()
    image = phone.get_by_role("img", name="A clay model of a garden with benches")
    image.wait_for()
    assert phone.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    _fits(phone)
    _shot(phone, "board-photo-360")
    axe(phone)

    # The control page picks it up by itself, and says so once in its live region.
    desk.wait_for_function(
        "() => document.getElementById('board-control-live').textContent === '1 new idea on the board'"
    )
    assert desk.get_by_label("A garden at the clinic").is_visible()
    assert desk.get_by_role("img", name="A clay model of a garden with benches").is_visible()
    _shot(desk, "control-photo-1280")
    axe(desk)

    # A part the facilitator is using is left alone until they are done.
    desk.get_by_label("Peer support groups").check()
    services.add_idea(board=board, participant=None, text="Evening sessions")
    desk.wait_for_timeout(4500)
    assert desk.get_by_label("Peer support groups").is_checked()
    assert desk.get_by_label("Evening sessions").count() == 0
    assert desk.locator("[data-live-part='summary']").get_by_text("3 ideas shown").count() == 1
    desk.get_by_label("Peer support groups").uncheck()
    desk.evaluate("document.activeElement.blur()")
    desk.get_by_label("Evening sessions").wait_for()
