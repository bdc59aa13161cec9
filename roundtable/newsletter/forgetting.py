"""How the newsletter forgets a person (see core/forgetting.py). Subscribers are not linked to a
Person: the subscriber is found by the email address."""

from __future__ import annotations

from django.utils import timezone

from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.newsletter.models import ConfirmationLink, Delivery, Subscriber, SubscriptionConsent


@forgetter("newsletter", order=50)
def forget_subscriber(person_id: int, email: str, name: str, actor) -> int:
    """The subscriber row stays, anonymised and unsubscribed, so each issue's "sent to" and
    "failed" counts do not change; their consent history and confirmation links are deleted and
    anything still waiting to be sent to them is skipped."""
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email.strip()).first()
    if subscriber is None or not email.strip():
        return 0
    touched = 1
    touched += SubscriptionConsent.objects.filter(subscriber=subscriber).delete()[0]
    touched += ConfirmationLink.objects.filter(subscriber=subscriber).delete()[0]
    # As for an unsubscribe: what is waiting is skipped (one being sent this moment is the sender's).
    touched += Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED
    )
    # A mail server's error can quote the address.
    touched += scrub_rows(Delivery.objects.filter(subscriber=subscriber), ["error"], email=email, name=name)
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email=f"forgotten-subscriber-{subscriber.pk}@forgotten.invalid",
        name="",
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed_at=subscriber.unsubscribed_at or timezone.now(),
    )
    return touched
