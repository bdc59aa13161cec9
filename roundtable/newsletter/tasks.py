"""Background work for the newsletter: sending an issue in slices, and resuming sends whose worker died."""

from __future__ import annotations

from django_tasks import task

from roundtable.core.schedule import every
from roundtable.newsletter import sending

# Below the default priority, so a booking confirmation queued mid-send goes out before the next
# slice of a 20,000-person newsletter.
SEND_PRIORITY = -10


@task(priority=SEND_PRIORITY)
def send_issue(issue_id: int) -> dict:
    """Send one slice, then hand the rest to a fresh task: a worker stopped between slices loses
    nothing, and other emails get their turn."""
    result = sending.send_slice(issue_id)
    if result.again:
        follow_up = send_issue.using(run_after=result.run_again_at) if result.run_again_at else send_issue
        follow_up.enqueue(issue_id)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped, "finished": result.finished}


def resume_sends(*, force: bool = False) -> list[int]:
    """Restart every send that has gone quiet (or every unfinished send, with force)."""
    from roundtable.newsletter.models import Issue

    issues = Issue.objects.filter(status=Issue.Status.SENDING) if force else sending.issues_needing_resume()
    resumed = []
    for issue_id in issues.values_list("id", flat=True):
        sending.recover_interrupted(issue_id)
        # Claims held by the stopped worker would otherwise wait out their lease. Releasing them
        # is safe even if a sender is still alive: each email is taken with a compare-and-set.
        sending.release_claims(issue_id)
        send_issue.enqueue(issue_id)
        resumed.append(issue_id)
    return resumed


@every(minutes=5)
@task()
def resume_newsletter_sends() -> list[int]:
    return resume_sends()


# Unconfirmed sign-ups are deleted by a retention rule (newsletter/retention.py), run by core's
# apply_retention_rules job.
