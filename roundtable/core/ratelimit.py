"""A fixed-window rate limit on the shared cache (the database cache by default, so every
server process counts together). Used for sign-ups (form and API) and other public writes."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from roundtable.core.clientaddr import client_address


def client_key(request: HttpRequest) -> str:
    """A hash of the client's address (`clientaddr.client_address`, which knows about proxies):
    enough to count, never stored in clear. Every per-address limit keys on this."""
    addr = client_address(request)
    return hashlib.sha256(f"{settings.SECRET_KEY[:16]}:{addr}".encode()).hexdigest()[:32]


def allow(key: str, rate: tuple[int, int] | None) -> bool:
    """Count one hit for `key`; False once more than `count` hits fall in the current window."""
    if rate is None:
        return True
    count, period = rate
    cache_key = f"rl:{key}:{int(time.time() // period)}"
    if cache.add(cache_key, 1, timeout=period):
        return True
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        hits = 1
    return hits <= count


def signup_allowed(request: HttpRequest) -> bool:
    return allow("signup:" + client_key(request), settings.SIGNUP_RATE_LIMIT)
