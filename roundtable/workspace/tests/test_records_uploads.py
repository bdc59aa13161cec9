"""Uploaded outputs: what is stored is only pixels, and anything that is not a real, sane image
is refused with a message next to the field, writing nothing."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from roundtable.core.models import AuditEntry
from roundtable.records.models import Output
from roundtable.records.tests.factories import image_bytes, past_session, upload

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 31.0, 48.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 25.0)
    return image_bytes("JPEG", (1600, 1200), exif=exif)


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


def _post_photo(client, session, file, **fields):
    data = {
        "caption": "Clay figures",
        "alt_text": "Three clay figures",
        "consent": "no_one_identifiable",
        "upload": file,
    }
    data.update(fields)
    return client.post(f"/coordinator/sessions/{session.pk}/record/add/photo/", data)


def test_jpeg_with_gps_exif_is_stored_without_any_exif(coordinator_client):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo must carry GPS"
    session = past_session()

    response = _post_photo(coordinator_client, session, upload("holiday.jpg", original))

    assert response.status_code == 302
    output = Output.objects.get()
    assert output.kind == "image" and output.content_type == "image/jpeg"
    for field in (output.file, output.large, output.thumb):
        with default_storage.open(field.name, "rb") as handle:
            stored = handle.read()
        image = Image.open(io.BytesIO(stored))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert b"Exif" not in stored and b"PhoneMaker" not in stored
    # Resized variants, and names nobody could guess from the upload.
    assert Image.open(default_storage.open(output.thumb.name)).size == (480, 360)
    assert Image.open(default_storage.open(output.large.name)).size == (1200, 900)
    assert "holiday" not in output.file.name and len(output.file.name.split("/")[1]) >= 30
    assert AuditEntry.objects.filter(verb="output.create", session_id=session.pk).exists()


def test_png_and_webp_photos_are_accepted_in_their_own_format(coordinator_client):
    session = past_session()
    for name, fmt in (("a.png", "PNG"), ("b.webp", "WEBP")):
        assert _post_photo(coordinator_client, session, upload(name, image_bytes(fmt))).status_code == 302
    assert sorted(Output.objects.values_list("content_type", flat=True)) == ["image/png", "image/webp"]


def test_text_file_renamed_jpg_is_refused_with_a_clear_message(coordinator_client):
    session = past_session()
    fake = upload("notes.jpg", b"These are my notes from the day, not a photo.\n" * 20)

    response = _post_photo(coordinator_client, session, fake)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The selected file must be a photo saved as JPG, PNG or WebP" in page
    assert 'href="#id_upload"' in page  # in the error summary, linking to the field
    assert "<title>Error: " in page
    assert Output.objects.count() == 0 and _stored_files() == []


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims an enormous picture: the classic bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [20_000, 100_000])
def test_decompression_bomb_is_refused(coordinator_client, side):
    session = past_session()

    response = _post_photo(
        coordinator_client, session, upload("bomb.png", _png_header_claiming(side, side), "image/png")
    )

    assert response.status_code == 400
    assert "The selected photo has too many pixels" in response.content.decode()
    assert Output.objects.count() == 0 and _stored_files() == []


def test_upload_over_the_size_limit_is_refused(coordinator_client, settings):
    settings.OUTPUT_MAX_UPLOAD_MB = 1
    session = past_session()
    big = image_bytes("PNG", (10, 10)) + b"\x00" * (1024 * 1024 + 1)

    response = _post_photo(coordinator_client, session, upload("big.png", big, "image/png"))

    assert response.status_code == 400
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert Output.objects.count() == 0


def test_truncated_photo_is_refused(coordinator_client):
    import weasyprint  # noqa: F401  (it tolerates truncated images process-wide; uploads must not)

    session = past_session()
    whole = image_bytes("JPEG", (800, 600))
    response = _post_photo(coordinator_client, session, upload("cut.jpg", whole[: len(whole) // 3]))
    assert response.status_code == 400
    assert Output.objects.count() == 0 and _stored_files() == []


def test_photo_needs_alt_text_and_audio_needs_a_transcript(coordinator_client):
    session = past_session()

    photo = _post_photo(coordinator_client, session, upload(), alt_text="  ")
    audio = coordinator_client.post(
        f"/coordinator/sessions/{session.pk}/record/add/audio/",
        {
            "caption": "A voice",
            "consent": "everyone_agreed",
            "upload": upload("a.mp3", b"ID3\x03\x00" + b"\x00" * 500, "audio/mpeg"),
        },
    )

    assert photo.status_code == 400 and "Enter alt text: what the photo shows" in photo.content.decode()
    assert audio.status_code == 400 and "Enter a transcript of the recording" in audio.content.decode()
    assert Output.objects.count() == 0 and _stored_files() == []


def test_audio_must_really_be_a_sound_file(coordinator_client):
    session = past_session()
    url = f"/coordinator/sessions/{session.pk}/record/add/audio/"
    fields = {"caption": "A voice", "consent": "everyone_agreed", "transcript": "Hello everyone."}

    refused = coordinator_client.post(url, {**fields, "upload": upload("voice.mp3", b"just some text", "audio/mpeg")})
    accepted = coordinator_client.post(
        url, {**fields, "upload": upload("voice.ogg", b"OggS" + b"\x00" * 400, "audio/ogg")}
    )

    assert refused.status_code == 400
    assert "The selected file must be a recording saved as MP3, M4A, OGG, WAV, FLAC or WebM" in refused.content.decode()
    assert accepted.status_code == 302
    assert Output.objects.get().content_type == "audio/ogg"


def test_replacing_a_photo_deletes_the_old_files(coordinator_client, coordinator, django_capture_on_commit_callbacks):
    from roundtable.records.tests.factories import add_image

    output = add_image(past_session(), coordinator)
    old = [output.file.name, output.large.name, output.thumb.name]

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            f"/coordinator/outputs/{output.pk}/change/",
            {
                "caption": "New caption",
                "alt_text": "Still clay",
                "consent": "private",
                "credit": "",
                "upload": upload("new.png", image_bytes("PNG"), "image/png"),
            },
        )

    assert response.status_code == 302
    output.refresh_from_db()
    assert output.caption == "New caption" and output.consent == "private" and output.content_type == "image/png"
    assert not any(default_storage.exists(name) for name in old)
    assert default_storage.exists(output.thumb.name)
