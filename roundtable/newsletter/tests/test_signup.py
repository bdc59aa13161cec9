"""Signing up: double opt-in that cannot be skipped, consent kept, nothing revealed, bots slowed."""

from datetime import timedelta

import pytest
from django.core import mail

from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import ConfirmationLink, Subscriber, SubscriptionConsent
from roundtable.newsletter.services import consent_wording, subscriber_unsubscribe
from roundtable.newsletter.tests.helpers import emails_to, html_part, link_in, make_subscriber, path_of

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(client, email="newcomer@example.org", **data):
    return client.post("/newsletter/", {"email": email, **data})


def confirmation_path(email="newcomer@example.org") -> str:
    run_tasks()
    [message] = [m for m in emails_to(email) if "Confirm" in m.subject]
    url = link_in(message.body, "/newsletter/confirm/")
    assert url in html_part(message)
    return path_of(url)


def test_signing_up_sends_a_confirmation_but_does_not_subscribe_yet(client):
    response = sign_up(client, name="Ade")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-email/"
    subscriber = Subscriber.objects.get(email="newcomer@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.name == "Ade"
    path = confirmation_path()
    assert path.startswith("/newsletter/confirm/")
    # Only the hash of the token is kept.
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not ConfirmationLink.objects.filter(token_hash=token).exists()
    assert ConfirmationLink.objects.filter(subscriber=subscriber).count() == 1


def test_opening_the_link_alone_does_not_subscribe_pressing_the_button_does(client):
    sign_up(client)
    path = confirmation_path()
    page = client.get(path)
    assert page.status_code == 200
    assert "Yes, send me the newsletter" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200
    assert "You are subscribed" in done.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.confirmed_at is not None


def test_consent_is_recorded_with_the_exact_wording_when_and_how(client):
    sign_up(client, source="footer")
    client.post(confirmation_path())
    signed_up, confirmed = SubscriptionConsent.objects.order_by("id")
    assert signed_up.event == "signed_up"
    assert signed_up.wording == consent_wording()
    assert signed_up.source == "footer"
    assert signed_up.created_at is not None
    assert confirmed.event == "confirmed"
    assert confirmed.source == "email link"


def test_subscription_cannot_be_activated_without_the_token(client):
    sign_up(client)
    run_tasks()
    for guess in ["", "x", "a" * 43, "confirm"]:
        response = client.post(f"/newsletter/confirm/{guess}/") if guess else client.post("/newsletter/confirm//")
        assert response.status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_a_confirmation_link_stops_working_after_a_week(client):
    sign_up(client)
    path = confirmation_path()
    ConfirmationLink.objects.update(created_at=ConfirmationLink.objects.get().created_at - timedelta(days=8))
    assert client.post(path).status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_an_old_confirmation_link_cannot_undo_an_unsubscribe(client):
    sign_up(client)
    path = confirmation_path()
    client.post(path)
    subscriber_unsubscribe(subscriber=Subscriber.objects.get(), source="test")
    response = client.post(path)
    assert response.status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_a_repeat_sign_up_does_not_reveal_whether_the_address_is_subscribed(client):
    make_subscriber("member@example.org", name="Original name")
    known = sign_up(client, email="member@example.org", name="Someone else")
    unknown = sign_up(client, email="stranger@example.org", name="Someone else")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    member = Subscriber.objects.get(email="member@example.org")
    assert member.status == Subscriber.Status.ACTIVE
    assert member.name == "Original name"
    run_tasks()
    [notice] = emails_to("member@example.org")
    assert "already" in notice.subject
    assert "Someone else" not in notice.body + html_part(notice)


def test_signing_up_again_after_unsubscribing_needs_a_new_confirmation(client):
    make_subscriber("back@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    sign_up(client, email="back@example.org")
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    client.post(confirmation_path("back@example.org"))
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_the_footer_form_is_on_every_page_and_signs_people_up(client):
    for url in ["/", "/newsletter/archive/", "/newsletter/check-your-email/"]:
        page = client.get(url).content.decode()
        assert 'id="footer-newsletter-email"' in page
        assert consent_wording() in page
    response = sign_up(client, email="  Footer@Example.org ", source="footer")
    assert response.status_code == 302
    assert SubscriptionConsent.objects.get().source == "footer"
    assert Subscriber.objects.get().email == "footer@example.org"


def test_a_bad_address_is_explained_next_to_the_field(client):
    response = sign_up(client, email="not an email")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'href="#id_email"' in page
    assert 'id="id_email-error"' in page
    assert "Enter an email address in the correct format" in page
    assert not Subscriber.objects.exists()


def test_script_typed_into_the_name_is_shown_as_text(client):
    response = sign_up(client, email="x" * 250 + "@example.org", name="<script>alert(1)</script>")
    page = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_sign_ups_are_rate_limited(client, settings):
    settings.SIGNUP_RATE_LIMIT = (2, 3600)
    assert sign_up(client, email="one@example.org").status_code == 302
    assert sign_up(client, email="two@example.org").status_code == 302
    blocked = sign_up(client, email="three@example.org")
    assert blocked.status_code == 429
    assert "too many times" in blocked.content.decode()
    assert not Subscriber.objects.filter(email="three@example.org").exists()


def test_one_address_gets_at_most_three_emails_an_hour_however_often_it_is_entered(client):
    for _ in range(6):
        sign_up(client, email="target@example.org")
    run_tasks()
    assert len(emails_to("target@example.org")) == 3
    assert len(mail.outbox) == 3


def test_sign_ups_never_confirmed_are_forgotten_after_30_days():
    from django.utils import timezone

    from roundtable.newsletter.services import forget_unconfirmed

    old = make_subscriber("old@example.org", status=Subscriber.Status.PENDING)
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    SubscriptionConsent.objects.create(subscriber=old, event="signed_up", wording="…", source="page")
    make_subscriber("fresh@example.org", status=Subscriber.Status.PENDING)
    returning = make_subscriber("returning@example.org", status=Subscriber.Status.PENDING, confirmed_at=timezone.now())
    Subscriber.objects.filter(pk=returning.pk).update(created_at=timezone.now() - timedelta(days=400))
    make_subscriber("member@example.org")
    assert forget_unconfirmed() == 1
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "fresh@example.org",
        "member@example.org",
        "returning@example.org",
    ]


def test_the_confirmation_email_greets_the_person_by_the_name_they_gave(client):
    sign_up(client, name="Ade")
    sign_up(client, email="noname@example.org")
    run_tasks()
    [named] = [m for m in emails_to("newcomer@example.org") if "Confirm" in m.subject]
    assert named.body.startswith("Hello Ade,") and "<p>Hello Ade,</p>" in html_part(named)
    [unnamed] = [m for m in emails_to("noname@example.org") if "Confirm" in m.subject]
    assert unnamed.body.startswith("Hello,") and "<p>Hello,</p>" in html_part(unnamed)
