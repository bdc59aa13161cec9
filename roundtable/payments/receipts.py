"""Receipts for expense claims: a photo or a PDF, checked from its bytes, never its name.

A photo is decoded and written again from its pixels (records/files.py does the work), which
removes EXIF (where and when it was taken) and proves it is an image. A PDF must start with the
PDF signature `%PDF-`; it is kept as uploaded. Both are stored through Django's storage API under
a random folder name, and are served only to the person (their private link) and to coordinators
(every view audited), never from a public URL.
"""

from __future__ import annotations

import secrets
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from roundtable.records.files import IMAGE_FORMATS, MAX_PIXELS, UploadRefused, clean_image_bytes

PDF_SIGNATURE = b"%PDF-"
WRONG_TYPE = "The receipt must be a photo (JPG, PNG or WebP) or a PDF"

__all__ = ["UploadRefused", "check_receipt", "delete_receipts", "store_receipt"]


def max_receipt_bytes() -> int:
    return settings.RECEIPT_MAX_UPLOAD_MB * 1024 * 1024


def _is_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(len(PDF_SIGNATURE))
    upload.seek(0)
    return head == PDF_SIGNATURE


def check_receipt(upload) -> None:
    """The quick checks, so a bad receipt is reported beside the claim's other errors before
    anything is written: size, then what the bytes say it is."""
    if upload.size is None or upload.size == 0:
        raise UploadRefused("The selected file is empty")
    if upload.size > max_receipt_bytes():
        raise UploadRefused(f"The receipt must be smaller than {settings.RECEIPT_MAX_UPLOAD_MB} MB")
    if _is_pdf(upload):
        return
    too_many = UploadRefused("The photo has too many pixels; save a smaller copy and try again")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise UploadRefused(WRONG_TYPE)
                if image.size[0] * image.size[1] > MAX_PIXELS:
                    raise too_many
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise UploadRefused(WRONG_TYPE) from None
        finally:
            upload.seek(0)


def store_receipt(upload) -> tuple[str, str]:
    """Check again and store; returns the storage name and the content type."""
    check_receipt(upload)
    folder = f"receipts/{secrets.token_urlsafe(24)}"
    if _is_pdf(upload):
        return default_storage.save(f"{folder}/receipt.pdf", upload), "application/pdf"
    try:
        data, extension, content_type = clean_image_bytes(upload)
    except UploadRefused as refused:
        message = str(refused)
        raise UploadRefused(WRONG_TYPE if "must be a photo" in message else message) from None
    return default_storage.save(f"{folder}/receipt.{extension}", ContentFile(data)), content_type


def delete_receipts(names) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
