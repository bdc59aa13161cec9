"""Private-link tokens are secrets: keep them out of every log line Django writes for us.

Django logs each 4xx/5xx response with its path ("Not Found: /booking/<token>/"), and so do the
CSRF check and the development server. This filter rewrites those lines before any handler sees
them, and drops the request object they carry (handlers such as the admin mailer print its URL).
"""

from __future__ import annotations

import logging
import re

PRIVATE_PATH = re.compile(r"(/booking/)(?!cancelled/)[^/\s?#\"']+")
PRIVATE_REF = re.compile(r"(/booking/cancelled/|/signed-up/)[^/\s?#\"']+")
LOGGERS = ("django.request", "django.security.csrf", "django.server", "django.security", "gunicorn.access")


def redact(text: str) -> str:
    return PRIVATE_REF.sub(r"\1[private]", PRIVATE_PATH.sub(r"\1[private]", text))


class RedactPrivateLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix; let it through untouched
            return True
        cleaned = redact(message)
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        if cleaned != message or redact(path) != path:
            record.msg, record.args = cleaned, ()
            if request is not None:
                record.request = None
        return True


def install() -> None:
    log_filter = RedactPrivateLinks()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPrivateLinks) for f in logger.filters):
            logger.addFilter(log_filter)
