"""Feedback they gave moves to the kept record (feedback requests follow their bookings)."""

from __future__ import annotations

from roundtable.core.merging import merger
from roundtable.evaluation.models import FeedbackResponse


@merger("evaluation", order=30)
def merge_feedback(keep_id: int, drop_id: int) -> list[str]:
    moved = FeedbackResponse.objects.filter(person_id=drop_id).update(person_id=keep_id)
    return [f"{moved} piece{'s' if moved != 1 else ''} of feedback move"] if moved else []
