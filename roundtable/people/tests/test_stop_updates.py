import pytest
from django.core import mail

from roundtable.core.models import AuditEntry
from roundtable.people.models import Person
from roundtable.people.updates import stop_updates_url

pytestmark = pytest.mark.django_db


def test_following_the_link_asks_first_and_the_button_stops_the_emails(client):
    person = Person.objects.create(email="ada@example.org", name="Ada", wants_updates=True)
    url = stop_updates_url(person).replace("http://127.0.0.1:8000", "")
    page = client.get(url)
    assert page.status_code == 200 and "Stop these emails" in page.content.decode()
    person.refresh_from_db()
    assert person.wants_updates is True  # a mail scanner opening the link changes nothing
    done = client.post(url)
    assert "You will not get these emails" in done.content.decode()
    person.refresh_from_db()
    assert person.wants_updates is False
    assert AuditEntry.objects.filter(verb="person.stopped_updates").count() == 1
    assert mail.outbox == []


def test_a_tampered_link_is_not_found(client):
    person = Person.objects.create(email="ada@example.org", name="Ada", wants_updates=True)
    url = stop_updates_url(person).replace("http://127.0.0.1:8000", "")
    assert client.post(url[:-3] + "xyz/").status_code == 404
    person.refresh_from_db()
    assert person.wants_updates is True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stop_page_passes_axe_before_and_after(page, axe):
    person = Person.objects.create(email="ada@example.org", name="Ada", wants_updates=True)
    page.goto(stop_updates_url(person).replace("http://127.0.0.1:8000", ""))
    axe(page)
    page.get_by_role("button", name="Stop these emails").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "You will not get these emails"
    axe(page)
