"""One way to write an audit entry: audit.log(actor, verb, target)."""

from __future__ import annotations

from typing import Any

from django.db import models

from roundtable.core.models import AuditEntry


def log(
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    *,
    session_id: int | None = None,
    actor_label: str = "",
    **data: Any,
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    if not actor_label:
        actor_label = getattr(user, "email", "") if user else (actor if isinstance(actor, str) else "")
    if session_id is None and target is not None:
        session_id = getattr(target, "session_id", None)
        if session_id is None and target._meta.model_name == "session":
            session_id = target.pk
    return AuditEntry.objects.create(
        actor=user,
        actor_label=actor_label,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        session_id=session_id,
        data=data,
    )
