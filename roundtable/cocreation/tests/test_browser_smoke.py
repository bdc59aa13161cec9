import pytest

from roundtable.cocreation.testing import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_session_list_in_a_real_browser_has_no_axe_violations(page, axe):
    make_session(title="Planning the Centre's evaluation")
    page.goto("/")
    assert page.locator("h1").inner_text() == "Upcoming co-creation sessions"
    assert "Planning the Centre's evaluation" in page.content()
    axe(page)
