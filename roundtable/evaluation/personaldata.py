from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.evaluation.models import FeedbackRequest, FeedbackResponse


@exporter("evaluation")
def feedback_data(person_id: int, email: str, name: str) -> Any:
    answers = FeedbackResponse.objects.filter(person_id=person_id).select_related("session").order_by("id")
    return {
        "feedback_asked_for": list(
            FeedbackRequest.objects.filter(booking__person_id=person_id).values("session__title", "sent_at", "answered")
        ),
        "feedback_given": [
            {
                "session": answer.session.title,
                **{
                    field.name: getattr(answer, field.attname)
                    for field in FeedbackResponse._meta.concrete_fields
                    if field.name not in ("id", "session", "person")
                },
            }
            for answer in answers
        ],
    }
