"""A real email over real SMTP: the issue as a mail server receives it."""

import pytest

from roundtable.accounts.testing import make_coordinator
from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import Delivery
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import make_issue, make_subscriber
from roundtable.newsletter.tests.smtp_sink import smtp_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_issue_arrives_over_smtp_with_one_click_unsubscribe_and_both_parts(settings, client):
    with smtp_server() as (controller, received):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.NEWSLETTER_SEND_RATE = 0
        make_subscriber("ruth@example.org")
        make_subscriber("sam@example.org")
        issue = make_issue(
            subject="Spring news & plans", body_markdown="We met **twelve** new people.\n\n<script>alert(1)</script>"
        )
        issue_send_start(issue=issue, actor=make_coordinator())
        run_tasks()

    assert sorted(rcpt for rcpts, _ in received.messages for rcpt in rcpts) == ["ruth@example.org", "sam@example.org"]
    rcpts, message = next((r, m) for r, m in received.messages if r == ["ruth@example.org"])
    assert message["Subject"] == "Spring news & plans"
    assert message["To"] == "ruth@example.org"
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # long headers are folded onto a second line
    assert unsubscribe.startswith("<http://") and "/newsletter/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "We met **twelve** new people." in text
    assert "We met <strong>twelve</strong> new people." in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    url = unsubscribe.strip("<>")
    assert url in text and url in html
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2

    # And the header alone is enough to leave.
    from django.test import Client

    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
