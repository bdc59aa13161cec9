"""The accounts' emails, built when the mailer sends them.

A password-reset email's outbox row holds only the account's id: the one-time link is minted here,
at send time, so no usable reset link is ever stored (a copy of the database, or a backup, cannot
be used to take over an account).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from roundtable.core.email import EmailNoLongerNeeded, context_builder

PASSWORD_RESET_TEMPLATE = "password_reset"


@context_builder(PASSWORD_RESET_TEMPLATE)
def password_reset_context(context: dict[str, Any]) -> dict[str, Any]:
    user_id = context.get("user_id")
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not user.has_usable_password():
        raise EmailNoLongerNeeded("the account no longer exists or cannot sign in with a password.")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    return {
        "name": getattr(user, "name", ""),
        "reset_url": settings.SITE_URL + path,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
