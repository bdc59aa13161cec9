"""The newsletter's retention rules (see core/retention.py)."""

from __future__ import annotations

from datetime import datetime

from roundtable.core.retention import retention_rule
from roundtable.newsletter.services import UNCONFIRMED_KEPT_DAYS, forget_unconfirmed


@retention_rule(
    "unconfirmed newsletter sign-ups",
    f"Newsletter sign-ups never confirmed are deleted {UNCONFIRMED_KEPT_DAYS} days after signing up "
    "(the confirmation link stopped working long before); anyone who once confirmed is kept.",
)
def unconfirmed_newsletter_sign_ups(*, now: datetime) -> int:
    """Addresses that never confirmed are not ours to keep."""
    return forget_unconfirmed(now=now)
