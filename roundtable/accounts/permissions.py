"""Who may open the coordinating team's pages.

Every coordinator view is wrapped in one of these, so the check is never forgotten:

- `@coordinator_required` — coordinators only. A visitor who is not signed in is sent to sign
  in; a facilitator gets 403.
- `@coordinator_required(hide=True)` — for URLs that name an object (a session, a booking). A
  visitor who is not signed in gets 404, so probing ids reveals nothing about what exists.
- `@team_required` — coordinators and facilitators (the pages a facilitator needs on the day).

Participants never have an account: a private manage link is not a sign-in, so it opens nothing
here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from roundtable.accounts.models import ApiToken, User
from roundtable.accounts.twofactor import must_set_up

COORDINATOR_ONLY = (User.Role.COORDINATOR,)
TEAM = (User.Role.COORDINATOR, User.Role.FACILITATOR)


def is_coordinator(user) -> bool:
    """The one role check outside the decorators: is this an active coordinator? (Pages that
    show coordinators a little more, such as a draft post or a hidden output.)"""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_coordinator", False))


def is_team_member(user) -> bool:
    """An active coordinator or facilitator (pages that offer the team a little more, such as a
    PDF of any posts)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and getattr(user, "role", "") in TEAM)


MAX_TOKEN_LENGTH = 200


def coordinator_for_token(raw: str) -> User | None:
    """The active coordinator whose unrevoked API token this is (`manage.py api_token`), or None."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    user = ApiToken.user_for(raw)
    return user if user is not None and user.is_coordinator else None


def team_member_for_token(raw: str) -> User | None:
    """The active coordinator or facilitator whose unrevoked API token this is, or None. Only the
    board's operations take a facilitator's token (for the sessions they run); everything else in
    the API asks `coordinator_for_token`."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    user = ApiToken.user_for(raw)
    return user if user is not None and user.is_active and user.role in TEAM else None


def request_is_coordinator(request: HttpRequest) -> bool:
    """A signed-in coordinator, or an API client sending a coordinator's bearer token."""
    if is_coordinator(request.user):
        return True
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and coordinator_for_token(token) is not None


def check_role(request: HttpRequest, roles: Iterable[str], *, hide: bool = False, two_factor: bool = True):
    """Return None when the user may go on, or the response/exception that stops them.

    With TWO_FACTOR_REQUIRED on, a coordinator who has not set up two-factor sign-in is sent to
    set it up first, and then on to the page they asked for (`two_factor=False` only for the
    pages that set it up). The API's bearer tokens do not pass through here."""
    user = request.user
    if not (user.is_authenticated and user.is_active):
        if hide:
            raise Http404
        return redirect_to_login(request.get_full_path())
    if user.role not in roles:
        raise PermissionDenied
    if two_factor and must_set_up(user):
        setup = reverse("accounts:two_factor_setup")
        return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
    return None


def acting_user(request: HttpRequest) -> User:
    """The signed-in user behind a view that one of the checks below let through.

    `request.user` may be anonymous as far as the type checker knows; behind the checks it never
    is, and if a view without them calls this, the visitor is refused rather than let in.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user


def role_required(roles: Iterable[str], *, hide: bool = False) -> Callable:
    roles = tuple(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            stop = check_role(request, roles, hide=hide)
            if stop is not None:
                return stop
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def coordinator_required(view: Callable | None = None, *, hide: bool = False) -> Callable:
    """Use bare (`@coordinator_required`) or with `hide=True` on URLs that name an object."""
    decorator = role_required(COORDINATOR_ONLY, hide=hide)
    return decorator(view) if view is not None else decorator


def team_required(view: Callable | None = None, *, hide: bool = False) -> Callable:
    decorator = role_required(TEAM, hide=hide)
    return decorator(view) if view is not None else decorator


class CoordinatorRequiredMixin:
    """The same check for class-based views. Set `hide_from_anonymous = True` on object views."""

    allowed_roles: tuple[str, ...] = COORDINATOR_ONLY
    hide_from_anonymous = False

    def dispatch(self, request, *args, **kwargs):
        stop = check_role(request, self.allowed_roles, hide=self.hide_from_anonymous)
        if stop is not None:
            return stop
        return super().dispatch(request, *args, **kwargs)
