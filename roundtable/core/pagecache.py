"""Rendered public pages, kept in each server process for visitors who are not signed in.

A public page such as a session's is the same for every visitor who is not signed in. So the first
visit renders it as usual and keeps the HTML; later visits fetch only the page's *version* (one
small query the caller makes) and, if it is unchanged, get the kept HTML. The version must include
everything the page shows that can change: a changed version is a different cache key, so nobody
ever sees an old page.

Not used for: signed-in people (the header shows the team's links and their page may differ),
visitors with a message waiting to be shown ("You have cancelled your place"), anything but GET
and HEAD, answers other than 200, and pages that set a cookie or carry a form token (a token
belongs to one visitor; the footer's newsletter form needs none, see roundtable/core/origin.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

# What Django's {% csrf_token %} writes: a value for one visitor only, so never shared.
_TOKEN_FIELD = b'name="csrfmiddlewaretoken"'


def _can_share(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # len() reads waiting messages without marking them shown, so they still appear on the page.
    return len(get_messages(request)) == 0


def shared_page(request: HttpRequest, key: str | None, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page from the cache when `key` (the page's name and version) was rendered before, else
    `render()`, kept for the next visitor. A `key` of None means "do not cache this one"."""
    if key is None or not _can_share(request):
        return render()
    cache = caches["pages"]
    body = cache.get(key)
    if body is None:
        response = render()
        shareable = response.status_code == 200 and not response.streaming and not response.cookies
        if shareable and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and _TOKEN_FIELD not in response.content:
            cache.set(key, response.content)
        return response
    return HttpResponse(body, content_type="text/html; charset=utf-8")
