"""Checking and storing uploaded outputs.

Photos are decoded and written again from their pixels: that is what removes EXIF (GPS position,
camera serial numbers, the time a photo was taken) and anything else hidden in the file, and it
proves the upload really is an image. Everything goes through Django's storage API under random
names, so S3-compatible storage works by setting STORAGES["default"] alone, and a name is never
something a visitor could guess or derive.
"""

from __future__ import annotations

import io
import secrets
import threading
import warnings
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
# Longest side of each stored variant. "file" is the full copy, capped so a 50-megapixel phone
# photo does not become a 50-megapixel download.
VARIANTS = {"file": 2400, "large": 1200, "thumb": 480}
# Far more than any camera makes, far less than a decompression bomb needs.
MAX_PIXELS = 80_000_000

AUDIO_SIGNATURES = (
    (0, b"ID3", "audio/mpeg", "mp3"),
    (0, b"OggS", "audio/ogg", "ogg"),
    (0, b"fLaC", "audio/flac", "flac"),
    (0, b"\x1a\x45\xdf\xa3", "audio/webm", "webm"),
    (4, b"ftyp", "audio/mp4", "m4a"),
)


_decoding_lock = threading.Lock()


class UploadRefused(Exception):
    """The message is shown next to the file field, so it says what to do."""


@dataclass
class StoredFiles:
    names: dict[str, str] = field(default_factory=dict)  # variant → storage name
    content_type: str = ""
    width: int | None = None
    height: int | None = None


def max_upload_bytes() -> int:
    return settings.OUTPUT_MAX_UPLOAD_MB * 1024 * 1024


def _check_size(upload) -> None:
    if upload.size is None or upload.size == 0:
        raise UploadRefused("The selected file is empty")
    if upload.size > max_upload_bytes():
        raise UploadRefused(f"The selected file must be smaller than {settings.OUTPUT_MAX_UPLOAD_MB} MB")


def _folder() -> str:
    return f"outputs/{secrets.token_urlsafe(24)}"


def _open_image(upload) -> Image.Image:
    """Open, check and fully decode an upload, refusing anything that is not a real photo."""
    not_an_image = UploadRefused("The selected file must be a photo saved as JPG, PNG or WebP")
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
            if image.format not in IMAGE_FORMATS:
                raise not_an_image
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise UploadRefused("The selected photo has too many pixels; save a smaller copy and try again")
            with _strict_decoding():
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRefused("The selected photo has too many pixels; save a smaller copy and try again") from None
        except UploadRefused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    return image


@contextmanager
def _strict_decoding():
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when it is
    imported; a cut-off upload must still be refused, so decoding here runs with it off."""
    with _decoding_lock:
        was = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = was


def _clean_copy(image: Image.Image) -> Image.Image:
    """Only the pixels: turned upright first (EXIF orientation is about to be dropped with the rest)."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB")
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    clean.info = {}
    return clean


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=85, method=4)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def precheck(kind: str, upload) -> None:
    """The quick checks (size, type, pixel count) without decoding, so a form can report a bad
    file beside its other errors; storing runs every check again and decodes in full."""
    _check_size(upload)
    upload.seek(0)
    if kind == "audio":
        if _audio_kind(upload.read(16)) is None:
            raise UploadRefused("The selected file must be a recording saved as MP3, M4A, OGG, WAV, FLAC or WebM")
        upload.seek(0)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise UploadRefused("The selected file must be a photo saved as JPG, PNG or WebP")
                if image.size[0] * image.size[1] > MAX_PIXELS:
                    raise UploadRefused("The selected photo has too many pixels; save a smaller copy and try again")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRefused("The selected photo has too many pixels; save a smaller copy and try again") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise UploadRefused("The selected file must be a photo saved as JPG, PNG or WebP") from None
        finally:
            upload.seek(0)


def store_image(upload) -> StoredFiles:
    _check_size(upload)
    image = _open_image(upload)
    fmt = image.format
    assert fmt is not None  # _open_image refuses anything but IMAGE_FORMATS
    try:
        clean = _clean_copy(image)
    except (OSError, ValueError, SyntaxError):
        raise UploadRefused("The selected photo could not be read; save it again as JPG or PNG and try again") from None
    extension, content_type = IMAGE_FORMATS[fmt]
    folder = _folder()
    stored = StoredFiles(content_type=content_type)
    for variant, longest in VARIANTS.items():
        copy = clean.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        if variant == "file":
            stored.width, stored.height = copy.size
        stored.names[variant] = default_storage.save(f"{folder}/{variant}.{extension}", ContentFile(_encode(copy, fmt)))
    return stored


def _audio_kind(head: bytes) -> tuple[str, str] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav", "wav"
    for offset, magic, content_type, extension in AUDIO_SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type, extension
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MP3 frame without ID3 tags
        return "audio/mpeg", "mp3"
    return None


def store_audio(upload) -> StoredFiles:
    """Audio is kept as uploaded, once its first bytes show it really is a sound file."""
    _check_size(upload)
    upload.seek(0)
    kind = _audio_kind(upload.read(16))
    if kind is None:
        raise UploadRefused("The selected file must be a recording saved as MP3, M4A, OGG, WAV, FLAC or WebM")
    content_type, extension = kind
    upload.seek(0)
    name = default_storage.save(f"{_folder()}/file.{extension}", upload)
    return StoredFiles(names={"file": name}, content_type=content_type)


def delete_stored(names: Iterable[str | None]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def clean_image_bytes(upload, *, longest: int = VARIANTS["file"]) -> tuple[bytes, str, str]:
    """One clean copy of an uploaded photo, for other apps' uploads (payments' receipts): every
    check store_image makes, re-encoded from the pixels (EXIF gone), no longer than `longest` on
    its longest side. Returns the bytes, the file extension and the content type."""
    image = _open_image(upload)
    fmt = image.format
    assert fmt is not None  # _open_image refuses anything but IMAGE_FORMATS
    try:
        clean = _clean_copy(image)
    except (OSError, ValueError, SyntaxError):
        raise UploadRefused("The selected photo could not be read; save it again as JPG or PNG and try again") from None
    clean.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    extension, content_type = IMAGE_FORMATS[fmt]
    return _encode(clean, fmt), extension, content_type
