"""Sentences apps above bookings add to a session's public page, without bookings importing them
(as core/email.py's context extenders do for emails). Payments adds "We pay £X for this session".

A note must depend only on what moves the page's cache key (selectors.public_session_page_key):
an app whose note changes touches the session's `updated_at`.

`manage_page_part`: a block of HTML an app above bookings adds to a booking's own page (the one its
private link opens), after the booking's details. Involvement adds what the session pays and the
person's choice, with the way to their Payments page. A part is called with the booking and the
page's token and returns safe HTML (rendered from the app's own template) or None."""

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


ManagePart = Callable[..., "str | None"]
_manage_parts: list[ManagePart] = []


def manage_page_part(func: ManagePart) -> ManagePart:
    if func not in _manage_parts:
        _manage_parts.append(func)
    return func


def manage_page_parts(booking, token: str) -> list[str]:
    return [part for part in (func(booking, token) for func in _manage_parts) if part]
