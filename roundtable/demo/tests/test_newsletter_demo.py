import pytest

from roundtable.demo.newsletter import seed_newsletter
from roundtable.newsletter.models import Delivery, Issue, Subscriber

pytestmark = pytest.mark.django_db


def test_demo_data_has_subscribers_in_every_state_and_one_sent_issue_and_can_run_twice(client):
    first = seed_newsletter()
    second = seed_newsletter()
    assert first["subscribers_created"] > 0 and second["subscribers_created"] == 0
    assert first["issue_id"] == second["issue_id"]
    statuses = set(Subscriber.objects.values_list("status", flat=True))
    assert statuses == {"active", "pending", "unsubscribed"}
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.SENT
    assert (
        Delivery.objects.filter(issue=issue, status="sent").count()
        == Subscriber.objects.exclude(status="pending").count()
    )
    archive = client.get(f"/newsletter/archive/{issue.pk}/").content.decode()
    assert "You said, we did" in archive
