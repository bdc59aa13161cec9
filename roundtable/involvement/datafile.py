"""Download my data, readable: a PDF of everything held about one person (the same export as the
JSON file, core/personaldata.py), made by the worker and kept for DATA_FILE_KEEP_HOURS."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from roundtable.core import audit
from roundtable.core.pdf import render_pdf
from roundtable.core.personaldata import export_everywhere
from roundtable.involvement.models import DataFile
from roundtable.people.models import Person

logger = logging.getLogger("roundtable.involvement")

# A request the worker has not answered in this long is handed to it again (e.g. after a crash).
STALE_AFTER = timedelta(minutes=10)

PART_TITLES = {
    "people": "Your details and what you agreed to",
    "bookings": "Your bookings, access and dietary needs",
    "evaluation": "Feedback you gave",
    "newsletter": "The newsletter",
    "blog": "Replies you wrote on the blog",
    "records": "Things credited to you in session records",
    "board": "The live board at sessions",
    "core": "Emails we sent you",
    "involvement": "Your involvement page links",
}


def data_file_current(*, person: Person) -> DataFile | None:
    """Their latest file still kept, if any."""
    return DataFile.objects.filter(person=person).order_by("-requested_at", "-id").first()


def data_file_request(*, person: Person) -> DataFile:
    """The file being made or ready for them; asks the worker for a new one when there is none,
    the last one failed, or the worker has not answered for a while."""
    now = timezone.now()
    with transaction.atomic():
        current = data_file_current(person=person)
        if current is not None and (
            current.state == DataFile.State.READY
            or (current.state == DataFile.State.PENDING and current.requested_at > now - STALE_AFTER)
        ):
            return current
        data_file = DataFile.objects.create(person=person, requested_at=now)
        transaction.on_commit(lambda: _enqueue(data_file.pk))
    return data_file


def _enqueue(data_file_id: int) -> None:
    from roundtable.involvement.tasks import make_data_file

    make_data_file.enqueue(data_file_id)


def label(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text(value: Any) -> str:
    """A value as a person reads it: dates and times in words (UK time), yes and no."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return date_format(moment, "j F Y, H:i")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date_format(date.fromisoformat(value), "j F Y")
        except ValueError:
            return value
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def _pairs(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A nested value as (label, text) lines: "Access needs › Needs", "step_free, quiet_space"."""
    if isinstance(value, dict):
        pairs: list[tuple[str, str]] = []
        for key, inner in value.items():
            name = f"{prefix} › {label(str(key))}" if prefix else label(str(key))
            pairs += _pairs(inner, name)
        return pairs
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return [(prefix, ", ".join(_text(v) for v in value) or "–")]
        pairs = []
        for number, inner in enumerate(value, start=1):
            pairs += _pairs(inner, f"{prefix} {number}".strip())
        return pairs
    return [(prefix, _text(value))]


def readable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as sections a person can read: one per part, one block per row."""
    sections = []
    order = list(PART_TITLES)
    for part, value in sorted(
        data.items(), key=lambda item: (order.index(item[0]) if item[0] in order else 99, item[0])
    ):
        rows = value if isinstance(value, list) else ([value] if value else [])
        sections.append(
            {"part": part, "title": PART_TITLES.get(part, label(part)), "items": [_pairs(row) for row in rows]}
        )
    return sections


def build_pdf(person: Person) -> bytes:
    data = export_everywhere(person_id=person.pk, email=person.email, name=person.name)
    context = {
        "name": person.name,
        "sections": readable(data),
        "made_at": timezone.now(),
        "site_name": settings.SITE_NAME,
        "centre_name": settings.CENTRE_NAME,
    }
    return render_pdf("involvement/data_file.html", context)


def make(data_file_id: int) -> str:
    """The worker's half: lay the PDF out and keep it. Safe to run twice."""
    data_file = DataFile.objects.select_related("person").filter(pk=data_file_id).first()
    if data_file is None or data_file.state == DataFile.State.READY:
        return "skipped"
    try:
        pdf = build_pdf(data_file.person)
    except Exception:  # a failure must not leave the page waiting for ever
        logger.exception("Readable data file %s failed", data_file_id)
        DataFile.objects.filter(pk=data_file_id).update(state=DataFile.State.FAILED, finished_at=timezone.now())
        return "failed"
    storage = DataFile.file.field.storage
    stored = storage.save(DataFile.file.field.generate_filename(data_file, "my-data.pdf"), ContentFile(pdf))
    with transaction.atomic():
        DataFile.objects.filter(pk=data_file_id).update(
            state=DataFile.State.READY, file=stored, size=len(pdf), finished_at=timezone.now()
        )
        audit.log(None, "person.data_file_made", data_file.person, actor_label="worker", size=len(pdf))
    return "ready"


def delete_files(queryset) -> int:
    """Delete these files and their rows; the stored files go once the deletion has committed."""
    names = [name for name in queryset.values_list("file", flat=True) if name]
    deleted, _ = queryset.delete()
    storage = DataFile.file.field.storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
    return deleted
