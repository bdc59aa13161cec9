"""How evaluation forgets a person (see core/forgetting.py)."""

from __future__ import annotations

from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.evaluation.models import Evidence, FeedbackRequest, FeedbackResponse, SignificantChangeStory


@forgetter("evaluation", order=20)
def forget_feedback(person_id: int, email: str, name: str, actor) -> int:
    """Feedback requests (and their private links) go; feedback they gave stays, detached from
    them, so the session's scores do not change; quotes and stories that name them lose the name."""
    touched, _ = FeedbackRequest.objects.filter(booking__person_id=person_id).delete()
    touched += FeedbackResponse.objects.filter(person_id=person_id).update(person=None)
    touched += scrub_rows(
        FeedbackResponse.objects.all(), ["went_well", "could_be_better", "access_comment"], email=email, name=name
    )
    # "Who said it" becomes empty, which the pages show as anonymous.
    touched += scrub_rows(Evidence.objects.all(), ["attribution"], email=email, name=name, replacement="", whole=True)
    touched += scrub_rows(
        SignificantChangeStory.objects.all(), ["told_by"], email=email, name=name, replacement="", whole=True
    )
    touched += scrub_rows(Evidence.objects.all(), ["title", "body"], email=email, name=name)
    touched += scrub_rows(
        SignificantChangeStory.objects.all(), ["title", "story", "selected_by"], email=email, name=name
    )
    return touched
