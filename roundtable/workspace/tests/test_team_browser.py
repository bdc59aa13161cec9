"""The audit log and the outbox in a real browser, with axe-core, at desktop and 320px widths."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roundtable.accounts.testing import make_coordinator, sign_in_browser
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core import audit
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records():
    coordinator = make_coordinator()
    session = make_session(title="Planning day")
    signup(session, name="Ama Owusu", email="ama@example.org")
    audit.log(coordinator, "access_needs.viewed", session, version="with names")
    OutboundEmail.objects.create(
        to="bo@example.org",
        template="booking_promoted",
        subject="A place for you",
        state="failed",
        attempts=8,
        last_error="[Errno 111] Connection refused",
        session_id=session.pk,
    )
    return coordinator, session


def test_audit_log_filters_and_passes_axe(page, live_server, records, axe):
    coordinator, session = records
    sign_in_browser(page.context, live_server, coordinator)
    page.goto(reverse("team:audit_log"))
    assert page.locator("h1").inner_text() == "Audit log"
    axe(page)
    page.get_by_label("What happened").select_option(label="Looked at access needs")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Sam Coordinator")
    assert AuditEntry.objects.count() >= 2
    page.goto(reverse("team:audit_log") + "?verb=nonsense")
    expect(page).to_have_title(re.compile("^Error:"))
    axe(page)


def test_outbox_send_again_shows_a_banner_and_passes_axe(page, live_server, records, axe):
    coordinator, session = records
    sign_in_browser(page.context, live_server, coordinator)
    page.goto(reverse("team:outbox"))
    axe(page)
    page.get_by_label("State").select_option("failed")
    page.get_by_role("button", name="Show").click()
    row = page.locator("tbody tr", has_text="bo@example.org")
    expect(row).to_contain_text("Connection refused")
    row.get_by_role("button", name="Send again to bo@example.org").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "A new copy of “A place for you” to bo@example.org is queued"
    )
    assert "state=failed" in page.url  # back to the same filtered list
    assert OutboundEmail.objects.filter(to="bo@example.org", state="queued").count() == 1
    axe(page)
    page.goto(reverse("team:outbox") + "?state=lost")
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.locator("#id_state-error")).to_contain_text("Choose a state from the list")
    axe(page)


def test_team_pages_fit_a_320px_screen(browser, live_server, records):
    coordinator, _ = records
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in_browser(context, live_server, coordinator)
    for name in ("audit_log", "outbox"):
        page.goto(reverse(f"team:{name}"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
    context.close()
