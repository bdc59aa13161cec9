"""Did a form post come from one of our own pages? For the few public forms that need no token.

Django's CSRF token exists to stop another website making a visitor's browser act with the
visitor's cookies. A form that acts on no one's authority (the newsletter sign-up: anonymous,
double opt-in, rate limited) gains nothing from it, and leaving the token out means the public
pages that carry that form set no cookie at all and can be shared between visitors (see
roundtable/core/pagecache.py). What the token still did there, stop other websites using their
visitors' browsers to post sign-ups in bulk, browsers now tell us directly: every current browser
sends `Sec-Fetch-Site` and `Origin` with a form post. A request that names another site is
refused; one with neither header comes from a program, which could have posted anyway.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def posted_from_this_site(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin == "null":  # an opaque origin: a sandboxed frame or a file, never one of our pages
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])
