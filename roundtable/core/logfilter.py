"""Private-link tokens are secrets: keep them out of every log line Django writes for us.

Django logs each 4xx/5xx response with its path ("Not Found: /booking/<token>/"), and so do the
CSRF check and the development server. This filter rewrites those lines before any handler sees
them, and drops the request object they carry (handlers such as the admin mailer print its URL).

Each app registers the paths of its private pages from its `AppConfig.ready()`:
`register_private_paths(r"(/booking/)[^/\\s?#\"']+")`. A pattern's first group is what stays;
the rest of the match becomes "[private]". `SECRET` is the usual rest: one path segment.
"""

from __future__ import annotations

import logging
import re

LOGGERS = ("django.request", "django.security.csrf", "django.server", "django.security", "gunicorn.access")
# One path segment: what a token (or a signed reference) looks like in a URL or a log line.
SECRET = r"[^/\s?#\"']+"

_patterns: list[re.Pattern[str]] = []


def register_private_paths(*patterns: str | re.Pattern[str]) -> None:
    """Add paths whose secret part must never reach a log (first group kept, the rest redacted)."""
    for pattern in patterns:
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        if compiled.groups < 1:
            raise ValueError(f"{compiled.pattern!r} needs a first group: the part of the path to keep")
        if compiled.pattern not in {p.pattern for p in _patterns}:
            _patterns.append(compiled)


def redact(text: str) -> str:
    for pattern in _patterns:
        text = pattern.sub(r"\1[private]", text)
    return text


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


def _add(filterer: logging.Filterer, log_filter: RedactPrivateLinks) -> None:
    if not any(isinstance(f, RedactPrivateLinks) for f in filterer.filters):
        filterer.addFilter(log_filter)


def install() -> None:
    """On each logger that names a path (a logger's filters see only the records logged on that
    very logger), and on every handler the logging settings give the root and those loggers (a
    handler's filters see every record that reaches it, so a child such as
    "django.security.csrf" or "django.security.SuspiciousOperation" is covered whatever it is
    called)."""
    log_filter = RedactPrivateLinks()
    for name in ("", *LOGGERS):
        logger = logging.getLogger(name)
        if name:
            _add(logger, log_filter)
        for handler in logger.handlers:
            _add(handler, log_filter)
