"""Sentences apps above bookings add to a session's public page, without bookings importing them
(as core/email.py's context extenders do for emails). Payments adds "We pay £X for this session".

A note must depend only on what moves the page's cache key (selectors.public_session_page_key):
an app whose note changes touches the session's `updated_at`."""

from __future__ import annotations

from collections.abc import Callable

from roundtable.cocreation.models import Session

SessionNote = Callable[[Session], "str | None"]
_notes: list[SessionNote] = []


def session_page_note(func: SessionNote) -> SessionNote:
    if func not in _notes:
        _notes.append(func)
    return func


def session_page_notes(session: Session) -> list[str]:
    return [note for note in (func(session) for func in _notes) if note]
