"""The address of the person making a request: the one place every rate limit and the sign-in
lockout learn it from.

Without a reverse proxy (BEHIND_PROXY off) it is REMOTE_ADDR, the address that opened the
connection. Behind one, REMOTE_ADDR is the proxy, and X-Forwarded-For holds a list the client
may have started itself: each proxy appends the address it saw (nginx's
`$proxy_add_x_forwarded_for`), so only the last TRUSTED_PROXY_COUNT entries were written by our
proxies, and the client is the entry the outermost of them added: `entries[-TRUSTED_PROXY_COUNT]`.
Everything to the left of it was written by the client and is never believed. With fewer
entries than that (a request that did not come through every proxy) it is REMOTE_ADDR.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 1))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    entries = [entry.strip() for entry in forwarded.split(",")]
    if count < 1 or len(entries) < count or not forwarded.strip():
        return remote
    return entries[-count] or remote
