"""Signing in with a password, with the wrong-password lockout, for every way in.

The site's sign-in form, the Django admin's login and any call to `django.contrib.auth.authenticate`
all pass through this backend (AUTHENTICATION_BACKENDS), so the lockout cannot be walked around
by signing in somewhere else. After SIGN_IN_FAILURES wrong passwords for one email from one
address within SIGN_IN_WINDOW, that pair is refused until the window has passed, even with the
right password; after SIGN_IN_FAILURES_PER_ADDRESS from one address across all emails, that
address is. The address is `core.clientaddr.client_address` (through `ratelimit.client_key`),
so a client behind the proxy cannot reset the count by writing its own forwarding header.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from roundtable.accounts.models import User
from roundtable.core.ratelimit import allow, client_key

SIGN_IN_FAILURES = 5
SIGN_IN_WINDOW = 15 * 60
# A looser limit per address across all emails, against trying many accounts one guess each.
SIGN_IN_FAILURES_PER_ADDRESS = 50


def _keys(request: HttpRequest | None, email: str) -> tuple[str, str]:
    ip = client_key(request) if request is not None else "unknown"
    pair = hashlib.sha256(f"{email}|{ip}".encode()).hexdigest()[:32]
    return f"signin:{pair}", f"signin-ip:{ip}"


def normalise_email(email: object) -> str:
    return str(email).strip().lower()


def sign_in_blocked(request: HttpRequest | None, email: str) -> bool:
    pair, ip = _keys(request, normalise_email(email))
    return bool(cache.get_many([f"blocked:{pair}", f"blocked:{ip}"]))


def record_sign_in_failure(request: HttpRequest | None, email: str) -> bool:
    """Count a wrong password; True when this failure used up the allowance."""
    blocked = False
    keys = _keys(request, normalise_email(email))
    for key, limit in zip(keys, (SIGN_IN_FAILURES, SIGN_IN_FAILURES_PER_ADDRESS), strict=True):
        # allow() lets `count` hits through; the failure that reaches the limit starts the wait.
        if not allow(key, (limit - 1, SIGN_IN_WINDOW)):
            cache.set(f"blocked:{key}", True, timeout=SIGN_IN_WINDOW)
            blocked = True
    return blocked


class ThrottledModelBackend(ModelBackend):
    """Django's email-and-password check, refusing while blocked and counting every failure."""

    def authenticate(  # type: ignore[override]  # the same signature as ModelBackend's, as in the stubs
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if sign_in_blocked(request, username):
            # PermissionDenied stops authenticate() at once: no other backend is asked.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_sign_in_failure(request, username)
        return user
