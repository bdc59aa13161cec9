"""A session's bookings as CSV or XLSX, for the team's own spreadsheets.

Nothing about anyone's work or employer (there is none to export). Access needs only when the coordinator asks for
them, and the view records that in the audit log. Text people typed can never run as a formula
in a spreadsheet: CSV cells that start like a formula get a leading apostrophe, and XLSX cells
are written as plain text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from roundtable.bookings.models import AccessNeed, Booking
from roundtable.cocreation.models import Session

COLUMNS = [
    "Name", "Email", "Phone", "Pronouns", "Interests", "Status", "Waiting list position", "Booked at",
    "Dietary needs", "How they heard about it",
]  # fmt: skip
ACCESS_COLUMNS = ["Access needs", "Access needs in their words", "Keep access needs on file"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_ORDER: dict[str, int] = {status: n for n, status in enumerate(
    [Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW, Booking.Status.WAITLISTED,
     Booking.Status.CANCELLED]
)}  # fmt: skip


@dataclass
class Export:
    header: list[str]
    rows: list[list[str]]
    filename: str


def _access_cells(booking: Booking) -> list[str]:
    needs = getattr(booking, "access_needs", None)
    if needs is None:
        return ["", "", ""]
    if needs.prefer_not_to_say:
        return ["Prefers not to say", "", "Yes" if needs.keep_on_file else "No"]
    labels = dict(AccessNeed.choices)
    return ["; ".join(labels[n] for n in needs.needs if n in labels), needs.details,
            "Yes" if needs.keep_on_file else "No"]  # fmt: skip


def _dietary_cell(booking: Booking) -> str:
    """The kinds ticked, then the details in their words: "Vegetarian, Gluten-free: Coeliac"."""
    kinds = ", ".join(booking.dietary_kind_labels)
    return f"{kinds}: {booking.dietary_needs}" if kinds and booking.dietary_needs else kinds or booking.dietary_needs


def bookings_export(session: Session, *, include_access_needs: bool) -> Export:
    """Every booking on the session, in the order the bookings page shows them. One query."""
    related = ["person", "access_needs"] if include_access_needs else ["person"]
    bookings = list(Booking.objects.filter(session=session).select_related(*related).order_by("waitlisted_at", "id"))
    position = 0
    for booking in bookings:
        booking.position = None
        if booking.status == Booking.Status.WAITLISTED:
            position += 1
            booking.position = position
    bookings.sort(key=lambda b: (STATUS_ORDER.get(b.status, 9), b.position or 0, b.person.name.casefold(), b.pk))
    rows = []
    for booking in bookings:
        person = booking.person
        row = [
            person.name, person.email, person.phone, person.pronouns, person.interests,
            booking.get_status_display(), str(booking.position or ""),
            f"{timezone.localtime(booking.created_at):%Y-%m-%d %H:%M}", _dietary_cell(booking), booking.heard_about,
        ]  # fmt: skip
        if include_access_needs:
            row += _access_cells(booking)
        rows.append(row)
    header = COLUMNS + (ACCESS_COLUMNS if include_access_needs else [])
    day = timezone.localtime(session.starts_at)
    return Export(header=header, rows=rows, filename=f"bookings-{day:%Y-%m-%d}-session-{session.pk}")


def _defused(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def as_csv(export: Export) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens names with accents correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export.header)
    for row in export.rows:
        writer.writerow([_defused(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(export: Export) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet, active
    sheet.title = "Bookings"
    sheet.append(export.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export.rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            # openpyxl reads "=…" as a formula; as plain text it can never run.
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLM", [24, 32, 16, 12, 30, 18, 10, 17, 24, 24, 30, 40, 12], strict=False):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
