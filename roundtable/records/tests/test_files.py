"""Stored outputs: private files are served only to coordinators, and the service refuses
anything that is not a real, sane image by itself (the team's upload pages are tested in
roundtable/workspace/tests/test_records_uploads.py)."""

import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from roundtable.records.models import Output
from roundtable.records.tests.factories import image_bytes, past_session, upload

pytestmark = pytest.mark.django_db


def _stored_files() -> list[str]:
    found = []

    def walk(folder):
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files)
        for d in dirs:
            walk(f"{folder}/{d}")

    if default_storage.exists("outputs"):
        walk("outputs")
    return found


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims an enormous picture: the classic bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


def test_private_files_are_served_only_to_coordinators(coordinator_client, coordinator):
    from roundtable.records.tests.factories import add_image

    client = Client()  # a stranger, beside the signed-in coordinator
    session = past_session()
    private = add_image(session, coordinator, consent="private")
    public = add_image(session, coordinator, consent="everyone_agreed")

    for variant in ("file", "large", "thumb"):
        assert client.get(f"/outputs/{private.pk}/{variant}").status_code == 404
        mine = coordinator_client.get(f"/outputs/{private.pk}/{variant}")
        assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
        assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    shared = client.get(f"/outputs/{public.pk}/thumb")
    assert shared.status_code == 200 and "public" in shared["Cache-Control"]
    assert b"".join(shared.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get(f"/outputs/{public.pk}/original").status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        b"These are notes, not a photo.\n" * 10,
        _png_header_claiming(100_000, 100_000),
        image_bytes("GIF"),
    ],
)
def test_the_service_refuses_bad_images_by_itself(content, coordinator):
    # The form checks first, but the service is the rule: the API or a script gets the same answer.
    from django.core.exceptions import ValidationError

    from roundtable.records import services

    with pytest.raises(ValidationError) as refused:
        services.output_create(
            session=past_session(),
            actor=coordinator,
            kind="image",
            caption="X",
            alt_text="Y",
            consent="private",
            upload=upload("x.jpg", content),
        )
    assert list(refused.value.message_dict) == ["upload"]
    assert Output.objects.count() == 0 and _stored_files() == []
