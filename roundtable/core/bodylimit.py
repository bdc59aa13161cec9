"""Refuse an oversized request body before any of it is read.

Django reads a form's whole body (and writes its file parts to disk) as soon as anything looks
at `request.POST`, which the CSRF check does for every form. So a 200 MB post to the sign-up
form used to be read in full before it was refused. This middleware sits before the CSRF check
and looks only at Content-Length: above the limit for the view asked for, it answers 413 with a
short page and reads nothing.

The limit is MAX_FORM_BODY_KB, except for the views named in UPLOAD_VIEWS, which take up to the
largest upload (OUTPUT_MAX_UPLOAD_MB, RECEIPT_MAX_UPLOAD_MB, or a blog image's 10 MB) plus 1 MB for the rest of the
form. Every other view also gets an upload handler that skips file parts, so a form that takes
no file never stores one, whatever the body claims (a chunked body has no Content-Length; Django
then reads none of it, and the proxy's own limit applies first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

# Blog images may be up to 10 MB (blog.services.MAX_IMAGE_BYTES); session outputs and evidence
# documents up to OUTPUT_MAX_UPLOAD_MB.
LARGEST_IMAGE_MB = 10
FORM_MARGIN_MB = 1


class SkipFiles(FileUploadHandler):
    """For views that take no file: every file part is skipped, unread into memory or disk."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:  # pragma: no cover
        return None

    def file_complete(self, file_size: int) -> None:  # pragma: no cover
        return None


def takes_uploads(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.view_name in settings.UPLOAD_VIEWS


def body_limit(request: HttpRequest) -> int:
    """The largest body, in bytes, the view asked for accepts."""
    if takes_uploads(request):
        return (
            (max(settings.OUTPUT_MAX_UPLOAD_MB, settings.RECEIPT_MAX_UPLOAD_MB, LARGEST_IMAGE_MB) + FORM_MARGIN_MB)
            * 1024
            * 1024
        )
    return settings.MAX_FORM_BODY_KB * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    response: HttpResponse
    if request.content_type == "application/json" or not request.accepts("text/html"):
        message = f"The request body is too large: this address takes at most {_size(limit)}."
        response = JsonResponse({"detail": message}, status=413)
    else:
        html = render_to_string("errors/413.html", {"limit": _size(limit)}, request=request)
        response = HttpResponse(html, status=413)
    return response


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        limit = body_limit(request)
        if declared_length(request) > limit:
            return too_large(request, limit)
        if not takes_uploads(request):
            request.upload_handlers = [SkipFiles(request)]
        return None
