"""Reports in a real browser (Chromium): axe-core finds no WCAG 2.2 AA problems on the impact
dashboard and the self-assessment (errors included), the dashboard's filter works without
JavaScript and reflows at 320px, and the self-assessment can be filled in by keyboard alone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import sign_in_browser
from roundtable.evaluation.models import SelfAssessment, Standard
from roundtable.evaluation.reports_assessment import assessment_save
from roundtable.workspace.tests.evaluation_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, width: int = 320) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def world(coordinator):
    return build_world(coordinator)


def test_dashboard_has_no_accessibility_problems_and_reflows_at_320px(page, live_server, axe, world):
    sign_in_browser(page, live_server, world.coordinator)
    page.goto(reverse("evaluation:dashboard"))
    assert page.locator("h1").inner_text() == "Impact dashboard"
    assert page.locator("svg[role=img]").count() == 2
    axe(page)
    page.goto(reverse("evaluation:dashboard") + f"?programme={world.programme.pk}")
    assert page.locator("svg[role=img]").count() == 3
    axe(page)
    _fits(page)
    axe(page)


def test_dashboard_filter_errors_are_accessible(page, live_server, axe, world):
    sign_in_browser(page, live_server, world.coordinator)
    page.goto(reverse("evaluation:dashboard"))
    page.fill("#id_start_0", "31")
    page.fill("#id_start_1", "2")
    page.fill("#id_start_2", "2026")
    page.click("text=Show the dashboard")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").inner_text().count("The start date must be a real date") == 1
    axe(page)


def test_dashboard_filter_works_without_javascript(page_without_js, live_server, world):
    page = page_without_js
    sign_in_browser(page, live_server, world.coordinator)
    page.goto(reverse("evaluation:dashboard"))
    start = timezone.localdate() - timedelta(days=15)
    page.fill("#id_start_0", str(start.day))
    page.fill("#id_start_1", str(start.month))
    page.fill("#id_start_2", str(start.year))
    page.select_option("#id_programme", label="Building the Centre together")
    page.click("text=Show the dashboard")
    body = page.locator("main").inner_text()
    assert "People came to sessions 2 times" in body  # only the second session of the programme
    assert "The Centre is built with the public" in body


def test_self_assessment_pages_have_no_accessibility_problems(page, live_server, axe, coordinator):
    for n, day in enumerate([date(2026, 1, 5), date(2026, 6, 5)]):
        ratings = {
            code: {"rating": 1 + (i + n) % 4, "reflection": "Examples from sessions", "follow_up": "Next"}
            for i, code in enumerate(Standard.values)
        }
        assessment_save(actor=coordinator, assessed_on=day, notes="", ratings=ratings)
    sign_in_browser(page, live_server, coordinator)
    page.goto(reverse("evaluation:assessment_list"))
    assert page.locator("#comparison tbody tr").count() == 6
    axe(page)
    _fits(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("text=Start a new self-assessment")
    axe(page)
    page.click("text=Save the self-assessment")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary li").count() == 12
    axe(page)
    page.goto(reverse("evaluation:assessment_detail", args=[SelfAssessment.objects.order_by("assessed_on").last().pk]))
    axe(page)


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has focus (it must be reachable by keyboard)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} could not be reached with the Tab key")


def test_self_assessment_can_be_filled_in_by_keyboard_alone(page, live_server, coordinator):
    sign_in_browser(page, live_server, coordinator)
    page.goto(reverse("evaluation:assessment_create"))
    yesterday = timezone.localdate() - timedelta(days=1)
    _tab_to(page, "#id_assessed_on_0")
    for value in (yesterday.day, yesterday.month, yesterday.year):
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
        page.keyboard.press("Tab")
    page.keyboard.type("Rated together at the team meeting")
    for n, code in enumerate(Standard.values):
        _tab_to(page, f"input[name={code}_rating]")
        page.keyboard.press("Space")  # choose the focused first option
        for _ in range(n % 4):
            page.keyboard.press("ArrowDown")  # arrow keys move through the scale
        _tab_to(page, f"#id_{code}_reflection")
        page.keyboard.type(f"What shows it for {code}")
        page.keyboard.press("Tab")
        page.keyboard.type(f"Next for {code}")
    _tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/self-assessment/\d+/$"))
    assert "Saved the self-assessment" in page.locator(".govuk-notification-banner").inner_text()
    assessment = SelfAssessment.objects.get()
    assert assessment.assessed_on == yesterday
    assert assessment.notes == "Rated together at the team meeting"
    got = {r.standard: (r.rating, r.reflection, r.follow_up) for r in assessment.ratings.all()}
    for n, code in enumerate(Standard.values):
        assert got[code] == (1 + n % 4, f"What shows it for {code}", f"Next for {code}")
