"""Who may call what: coordinators by bearer token, and a rate limit on public sign-ups."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from roundtable.accounts.models import User
from roundtable.accounts.permissions import coordinator_for_token, team_member_for_token
from roundtable.board.models import BoardParticipant
from roundtable.board.services import participant_for_key
from roundtable.core.ratelimit import signup_allowed


class CoordinatorToken(HttpBearer):
    """`Authorization: Bearer <token>` from `manage.py api_token`. Only an active coordinator's
    unrevoked token counts; anything else is the same 401, so a probe learns nothing."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return coordinator_for_token(token)


class NoTeamToken(AuthenticationError):
    """No coordinator's or facilitator's token on a board operation (401, saying who may have one)."""


class TeamToken(HttpBearer):
    """A coordinator's or a facilitator's token: the board's operations, where a facilitator may act
    on the sessions they run (the operation checks which session)."""

    def __call__(self, request: HttpRequest) -> User:
        user = super().__call__(request)
        if user is None:
            raise NoTeamToken()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return team_member_for_token(token)


class NoParticipantKey(AuthenticationError):
    """No participant key, or one that belongs to no board (the API answers 401 and says how to join)."""


class ParticipantKey(HttpBearer):
    """`Authorization: Bearer <participant_key>` from `POST /api/boards/{code}/join`. The
    operation checks that the key belongs to the board in its path (403 when it does not)."""

    def __call__(self, request: HttpRequest) -> BoardParticipant:
        participant = super().__call__(request)
        if participant is None:
            raise NoParticipantKey()
        return participant

    def authenticate(self, request: HttpRequest, token: str) -> BoardParticipant | None:
        return participant_for_key(token)


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


def team_user(request: HttpRequest) -> User:
    """The coordinator or facilitator whose token let a `team_token` operation run."""
    return token_user(request)


def token_participant(request: HttpRequest) -> BoardParticipant:
    participant = getattr(request, "auth", None)
    if not isinstance(participant, BoardParticipant):
        raise AssertionError("token_participant() is only for operations behind participant_key")
    return participant


coordinator_token = CoordinatorToken()
team_token = TeamToken()
participant_key = ParticipantKey()
signup_throttle = SignupThrottle()
