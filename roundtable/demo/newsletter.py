"""Demo data for the newsletter: subscribers in every state and one issue that has gone out.

Idempotent: run it as often as you like (seed_demo calls it), it never adds a second copy.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from roundtable.newsletter.models import Delivery, Issue, Subscriber, SubscriptionConsent
from roundtable.newsletter.rendering import render_issue_content
from roundtable.newsletter.services import consent_wording

DEMO_SUBSCRIBERS = [
    ("amara.okafor@example.org", "Amara", Subscriber.Status.ACTIVE),
    ("bill.hughes@example.org", "Bill", Subscriber.Status.ACTIVE),
    ("chen.wei@example.org", "Chen", Subscriber.Status.ACTIVE),
    ("dani.r@example.org", "", Subscriber.Status.ACTIVE),
    ("eilidh.mackay@example.org", "Eilidh", Subscriber.Status.ACTIVE),
    ("farah.k@example.org", "Farah", Subscriber.Status.ACTIVE),
    ("gus.p@example.org", "Gus", Subscriber.Status.PENDING),
    ("hana.n@example.org", "", Subscriber.Status.PENDING),
    ("ivan.t@example.org", "Ivan", Subscriber.Status.UNSUBSCRIBED),
]

DEMO_ISSUE_SUBJECT = "Our September update: what you told us, and what we did"
DEMO_ISSUE_BODY = """Thank you to everyone who came to **Building the Centre together** this summer.

## You said, we did

- You said the room was too noisy for small-group work. We now book the quiet room next door as well.
- You asked for the agenda before the day. It now goes out with every reminder email.
- You wanted to know what happens to the ideas you shared. This newsletter is part of the answer.

## Coming up

Our next sessions are below. Everyone is welcome and no experience is needed.
If anything would help you take part, tell us when you sign up.

Email us, or give us a call, to talk to the team.
"""


@transaction.atomic
def seed_newsletter() -> dict[str, int]:
    now = timezone.now()
    wording = consent_wording()
    created = 0
    for email, name, status in DEMO_SUBSCRIBERS:
        subscriber, is_new = Subscriber.objects.get_or_create(email=email, defaults={"name": name, "status": status})
        if not is_new:
            continue
        created += 1
        joined = now - timedelta(days=40)
        SubscriptionConsent.objects.create(
            subscriber=subscriber, event=SubscriptionConsent.Event.SIGNED_UP, wording=wording, source="demo"
        )
        if status != Subscriber.Status.PENDING:
            subscriber.confirmed_at = joined
            SubscriptionConsent.objects.create(
                subscriber=subscriber, event=SubscriptionConsent.Event.CONFIRMED, source="demo"
            )
        if status == Subscriber.Status.UNSUBSCRIBED:
            subscriber.unsubscribed_at = now - timedelta(days=5)
            SubscriptionConsent.objects.create(
                subscriber=subscriber, event=SubscriptionConsent.Event.UNSUBSCRIBED, source="demo"
            )
        subscriber.save()

    issue = Issue.objects.filter(subject=DEMO_ISSUE_SUBJECT).first()
    if issue is None:
        sent_at = now - timedelta(days=10)
        issue = Issue.objects.create(subject=DEMO_ISSUE_SUBJECT, body_markdown=DEMO_ISSUE_BODY, include_sessions=True)
        content = render_issue_content(issue)
        Issue.objects.filter(pk=issue.pk).update(
            status=Issue.Status.SENT,
            content_html=content.html,
            content_text=content.text,
            send_started_at=sent_at,
            finished_at=sent_at + timedelta(minutes=2),
            last_progress_at=sent_at + timedelta(minutes=2),
        )
        Delivery.objects.bulk_create(
            Delivery(issue=issue, subscriber=s, status=Delivery.Status.SENT, attempts=1, sent_at=sent_at)
            for s in Subscriber.objects.exclude(status=Subscriber.Status.PENDING)
        )
    return {"subscribers_created": created, "issue_id": issue.pk}
