"""Private links: the one mechanism every app uses for a page reached without an account.

A private link carries a random token. Only its sha256 is stored (`hash_token`), so a copy of the
database opens no one's booking; it can be revoked, may expire (`max_age`), and is kept out of
every log line (`roundtable.core.logfilter`). The page it opens is sent with `private_page`:
never cached, never passed on as a Referer, never indexed.

An app adds one by subclassing `PrivateLink` with a foreign key to what the link opens, calling
`Link.mint(owner=…)` when it writes the email, decorating the page with
`private_link_view(Link.find_…, not_found_template=…)` (or `private_page` for a page that loads
its own object, such as one behind a signed reference), and registering the URL's pattern with
`logfilter.register_private_paths` in its `AppConfig.ready()`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ClassVar, Self, TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt

# Ours are 43 characters; anything much longer is not worth hashing.
MAX_TOKEN_LENGTH = 100

View = Callable[..., HttpResponseBase]
T = TypeVar("T")


def hash_token(raw: str) -> str:
    """What we store of a token (private link or API token): its sha256, in hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A random token for a private link and the hash we keep of it (the raw value is never stored)."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


class PrivateLink(models.Model):
    """One private link in one email. Each email mints its own, so older emails keep working until
    the link is revoked or, when `max_age` is set, until it expires."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # How long a link works after it was minted; None: until it is revoked.
    max_age: ClassVar[timedelta | None] = None

    class Meta:
        abstract = True

    @classmethod
    def mint(cls, **owner_fields: Any) -> str:
        """Store a new link for the owner (e.g. `booking=booking`) and return its raw token, which
        goes into the email and nowhere else."""
        raw, hashed = new_token()
        cls._default_manager.create(token_hash=hashed, **owner_fields)
        return raw

    @classmethod
    def lookup_queryset(cls) -> models.QuerySet[Self]:
        """Where `find` looks: override to follow relations the page needs or to leave out links
        whose owner no longer accepts them."""
        return cls._default_manager.all()

    @classmethod
    def find(cls, raw: str) -> Self | None:
        """The working link for a raw token, or None: unknown, revoked, expired or nonsense."""
        if not raw or len(raw) > MAX_TOKEN_LENGTH:
            return None
        links = cls.lookup_queryset().filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        if cls.max_age is not None:
            links = links.filter(created_at__gte=timezone.now() - cls.max_age)
        return links.first()

    @classmethod
    def revoke_all(cls, **owner_filter: Any) -> int:
        """Stop every working link of one owner (e.g. `booking=booking`); how many were stopped."""
        if not owner_filter:
            raise TypeError("revoke_all needs an owner: it never revokes every link there is")
        return cls._default_manager.filter(revoked_at__isnull=True, **owner_filter).update(revoked_at=timezone.now())


# --- The pages ----------------------------------------------------------------------------------


class _PrivatePageCsrf(CsrfViewMiddleware):
    """The usual CSRF token check, accepting "Origin: null": browsers send that for every form
    posted from a page with Referrer-Policy: no-referrer. The token check still applies, and the
    secret in the URL is something a forging site cannot know either. A view marked
    `csrf_exempt` (a one-click unsubscribe) stays exempt."""

    # _origin_verified is private to Django (and absent from its stubs), so the check is pinned
    # by tests: roundtable/core/tests/test_privatelinks.py.
    def _origin_verified(self, request: HttpRequest) -> bool:
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)  # type: ignore[misc]


_private_page_csrf = decorator_from_middleware(_PrivatePageCsrf)


def make_private(response: HttpResponseBase) -> HttpResponseBase:
    """Never cached, never leaked to another site through the Referer header, never indexed."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    add_never_cache_headers(response)
    return response


def private_page(view: View) -> View:
    """For a page reached through a private link or a signed reference: every response it gives,
    refusals included, is private (`make_private`), and its forms are checked by `_PrivatePageCsrf`
    instead of the site-wide CSRF check."""
    checked = _private_page_csrf(view)

    @csrf_exempt  # exempt from the site-wide check only because _PrivatePageCsrf runs instead
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Outermost, so even a refused (403) response is private.
        return make_private(checked(request, *args, **kwargs))

    return wrapper


def private_link_view(load: Callable[[str], T | None], *, not_found_template: str) -> Callable[[View], View]:
    """A private page whose URL has a `token`: `load(token)` finds what the link opens, and the view
    is called as `view(request, found, token, …)`; a link that does not work gets
    `not_found_template` with a 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def with_link(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            found = load(token)
            if found is None:
                return render(request, not_found_template, status=404)
            return view(request, found, token, *args, **kwargs)

        return private_page(with_link)

    return decorate
