"""Who may call what: coordinators by bearer token, and a rate limit on public sign-ups."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from roundtable.accounts.models import User
from roundtable.accounts.permissions import coordinator_for_token
from roundtable.core.ratelimit import signup_allowed


class CoordinatorToken(HttpBearer):
    """`Authorization: Bearer <token>` from `manage.py api_token`. Only an active coordinator's
    unrevoked token counts; anything else is the same 401, so a probe learns nothing."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return coordinator_for_token(token)


class SignupThrottle(BaseThrottle):
    """The same shared limit as the sign-up form (SIGNUP_RATE_LIMIT). As a ninja throttle it runs
    before the body is read, so malformed attempts count too."""

    def allow_request(self, request: HttpRequest) -> bool:
        return signup_allowed(request)


def token_user(request: HttpRequest) -> User:
    """The coordinator whose token let a `coordinator_token` operation run. django-ninja sets
    `request.auth` to what `authenticate` returned, an attribute HttpRequest's types do not know."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AssertionError("token_user() is only for operations behind coordinator_token")
    return user


coordinator_token = CoordinatorToken()
signup_throttle = SignupThrottle()
