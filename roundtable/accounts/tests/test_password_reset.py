import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from roundtable.accounts.testing import make_coordinator
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_password_reset_goes_through_the_outbox_and_the_link_sets_a_new_password(client):
    make_coordinator(email="sam@example.org", name="Sam <b>Bold</b>")
    response = client.post("/accounts/password-reset/", {"email": "sam@example.org"})
    assert response["Location"] == "/accounts/password-reset/sent/"

    queued = OutboundEmail.objects.get(template="password_reset")
    assert queued.to == "sam@example.org"
    # No usable link is stored: only the account's id; the link is minted when the email is sent.
    sam = User.objects.get(email="sam@example.org")
    assert queued.context == {"user_id": sam.pk}
    run_tasks()
    assert OutboundEmail.objects.get(pk=queued.pk).state == "sent"
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "Sam &lt;b&gt;Bold&lt;/b&gt;" in html
    assert "Hello Sam <b>Bold</b>," in message.body  # the text part is plain text, not HTML-escaped
    link = re.search(r"http://[^\s]+/accounts/password-reset/[^\s]+/", message.body).group(0)
    assert link in html
    token = link.rstrip("/").rsplit("/", 1)[-1]
    stored = OutboundEmail.objects.get(pk=queued.pk)
    assert token not in json.dumps(stored.context) + stored.subject + stored.last_error

    path = _path(link)
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done["Location"] == "/accounts/password-reset/done/"
    assert client.login(username="sam@example.org", password="a brand new passphrase")
    # The link is spent once used.
    assert "This link no longer works" in client.get(path, follow=True).content.decode()


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert not OutboundEmail.objects.exists()


def test_new_passwords_that_differ_are_refused_with_a_clear_message(client):
    make_coordinator(email="sam@example.org")
    client.post("/accounts/password-reset/", {"email": "sam@example.org"})
    run_tasks()
    url = re.search(r"http://[^\s]+/accounts/password-reset/[^\s]+/", mail.outbox[0].body).group(0)
    page = client.get(_path(url), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "a brand new passphrase", "new_password2": "another"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in html
    assert "The two passwords are not the same" in html


def test_a_reset_queued_for_an_account_closed_before_it_is_sent_is_not_sent(client):
    sam = make_coordinator(email="sam@example.org")
    client.post("/accounts/password-reset/", {"email": "sam@example.org"})
    User.objects.filter(pk=sam.pk).update(is_active=False)
    run_tasks()
    assert mail.outbox == []
    email = OutboundEmail.objects.get()
    assert email.state == "failed" and email.last_error.startswith("Not sent: the account no longer exists")
