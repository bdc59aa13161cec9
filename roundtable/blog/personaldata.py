from __future__ import annotations

from typing import Any

from roundtable.blog.models import Comment
from roundtable.core.personaldata import exporter


@exporter("blog")
def reply_data(person_id: int, email: str, name: str) -> Any:
    if not email.strip():
        return []
    return list(
        Comment.objects.filter(email__iexact=email.strip())
        .order_by("created_at", "id")
        .values("post__title", "name", "body", "status", "created_at")
    )
