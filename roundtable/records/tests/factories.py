"""What the records tests share: past sessions with check-ins, and real image files."""

from __future__ import annotations

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_programme, make_session
from roundtable.people.models import Person
from roundtable.records import services
from roundtable.records.models import Output

_n = itertools.count(1)


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), exif=None) -> bytes:
    image = Image.new("RGB", size, (29, 112, 184))
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(
    name: str = "photo.jpg", content: bytes | None = None, content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type=content_type)


def attend(
    session, *, wants_updates: bool = False, perspectives=None, status: str = Booking.Status.ATTENDED, email: str = ""
) -> Person:
    n = next(_n)
    person = Person.objects.create(
        email=email or f"attendee{n}@example.org",
        name=f"Attendee {n}",
        wants_updates=wants_updates,
        perspectives=perspectives or [],
    )
    Booking.objects.create(session=session, person=person, status=status)
    return person


def past_session(programme=None, days_ago: int = 10, **extra):
    return make_session(programme=programme or make_programme(), days_ahead=-days_ago, **extra)


def add_image(
    session, actor, *, consent: str = "no_one_identifiable", caption: str = "Clay figures", **extra
) -> Output:
    extra.setdefault("alt_text", "Three clay figures in a row")
    return services.output_create(
        session=session, actor=actor, kind="image", caption=caption, consent=consent, upload=upload(), **extra
    )


def add_text(
    session, actor, *, consent: str = "everyone_agreed", caption: str = "A quote", body: str = "We were heard."
) -> Output:
    return services.output_create(
        session=session, actor=actor, kind="text", caption=caption, consent=consent, body=body
    )


def add_decision(session, actor, *, title: str = "Breaks every hour", **extra):
    extra.setdefault("method", "consensus")
    return services.decision_create(session=session, actor=actor, title=title, **extra)


def add_action(decision, actor, *, title: str = "Change the agenda template", status: str = "planned", **extra):
    if status == "not_doing":
        extra.setdefault("not_doing_reason", "The funder does not allow it")
    return services.action_create(decision=decision, actor=actor, title=title, owner=actor, status=status, **extra)
