"""What the newsletter forgets about a person, and its retention rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.core.retention import apply_retention
from roundtable.newsletter.forgetting import forget_subscriber
from roundtable.newsletter.models import ConfirmationLink, Delivery, Subscriber, SubscriptionConsent
from roundtable.newsletter.tests.helpers import make_issue, make_subscriber

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Nell Newsreader", "nell@example.org"


def test_forgetting_unsubscribes_and_anonymises_them_but_keeps_each_issues_counts():
    subscriber = make_subscriber(EMAIL, name=NAME)
    SubscriptionConsent.objects.create(subscriber=subscriber, event="signed_up", wording="Yes", source="page")
    ConfirmationLink.mint(subscriber=subscriber)
    sent, sending = make_issue(status="sent"), make_issue(status="sending")
    Delivery.objects.create(issue=sent, subscriber=subscriber, status="failed", error=f"550 {EMAIL} unknown")
    Delivery.objects.create(issue=sending, subscriber=subscriber, status="pending")
    someone_else = make_subscriber("other@example.org")

    assert forget_subscriber(0, EMAIL.upper(), NAME, None) > 0

    subscriber.refresh_from_db()
    assert subscriber.email == f"forgotten-subscriber-{subscriber.pk}@forgotten.invalid"
    assert (subscriber.name, subscriber.status) == ("", Subscriber.Status.UNSUBSCRIBED)
    assert not SubscriptionConsent.objects.filter(subscriber=subscriber).exists()
    assert not ConfirmationLink.objects.exists()
    assert dict(Delivery.objects.values_list("issue_id", "status")) == {sent.pk: "failed", sending.pk: "skipped"}
    assert Delivery.objects.get(issue=sent).error == "550 [removed] unknown"
    assert Subscriber.objects.get(pk=someone_else.pk).status == Subscriber.Status.ACTIVE


def test_someone_who_never_subscribed_has_nothing_to_forget():
    make_subscriber("other@example.org")
    assert forget_subscriber(0, EMAIL, NAME, None) == 0


def test_unconfirmed_sign_ups_are_a_named_retention_rule():
    old = make_subscriber("old@example.org", status=Subscriber.Status.PENDING)
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    make_subscriber("fresh@example.org", status=Subscriber.Status.PENDING)
    assert apply_retention(only="unconfirmed newsletter sign-ups") == {"unconfirmed newsletter sign-ups": 1}
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["fresh@example.org"]
