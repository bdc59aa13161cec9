"""The join address as a QR code, made here (segno) rather than by a web service: nothing about
the room leaves the server, and it works with no internet at the venue."""

from __future__ import annotations

import io

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, title: str) -> SafeString:
    """Inline SVG with an accessible name (role="img", <title>), black on white, scaled by CSS."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        svgclass="rt-qr",
        lineclass=None,
        omitsize=True,
        border=2,
        dark="#000",
        light="#fff",
    )
    svg = buffer.getvalue().decode()
    svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="rt-qr-title" ', 1)
    head, _, rest = svg.partition(">")
    return mark_safe(f'{head}><title id="rt-qr-title">{escape(title)}</title>{rest}')  # noqa: S308 (our own SVG, title escaped)
