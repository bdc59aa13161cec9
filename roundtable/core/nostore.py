"""Every answer to a signed-in person is `Cache-Control: private, no-store`.

Signed-in pages carry personal and health information (access needs, the access briefing,
exports), so no shared cache may keep them and no browser may write them to disk. Answers to a
request with an API token (`Authorization`) get the same. Headers a view set already stay
(`private_page` sends never-cache for private links too); this only adds `private` and
`no-store` (and drops `public`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def is_signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META


class SignedInNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
