from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.newsletter.models import Delivery, Subscriber, SubscriptionConsent


@exporter("newsletter")
def subscriber_data(person_id: int, email: str, name: str) -> Any:
    subscriber = Subscriber.objects.filter(email__iexact=email.strip()).first()
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "status": subscriber.get_status_display(),
        "subscribed_at": subscriber.created_at,
        "confirmed_at": subscriber.confirmed_at,
        "unsubscribed_at": subscriber.unsubscribed_at,
        "consents": list(
            SubscriptionConsent.objects.filter(subscriber=subscriber)
            .order_by("created_at", "id")
            .values("event", "wording", "source", "created_at")
        ),
        "issues_sent": list(
            Delivery.objects.filter(subscriber=subscriber).order_by("id").values("issue__subject", "status")
        ),
    }
