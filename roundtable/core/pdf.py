"""One way to make a PDF: render a Django template to HTML, then WeasyPrint turns it into PDF bytes.

PDF templates carry their own CSS in a <style> element and use the fonts installed on the
machine (Noto and DejaVu on Debian), so a PDF never fetches anything: the URL fetcher below accepts
only data: URIs. That keeps rendering fast and means text a person typed can never make the
server request a URL or read a local file.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify

PDF_MIMETYPE = "application/pdf"


def _fetcher() -> Any:  # weasyprint.URLFetcher (WeasyPrint ships no types)
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=["data"], fail_on_errors=False)


def render_pdf(
    template_name: str, context: dict[str, Any] | None = None, *, request: HttpRequest | None = None
) -> bytes:
    """Render `template_name` with `context` and return the PDF as bytes."""
    # Imported here: WeasyPrint loads Pango and fonts, which only PDF requests should pay for.
    from weasyprint import HTML

    html = render_to_string(template_name, context or {}, request=request)
    return HTML(string=html, base_url="data:,", url_fetcher=_fetcher()).write_pdf()


def pdf_response(
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    filename: str,
    request: HttpRequest | None = None,
    inline: bool = False,
) -> HttpResponse:
    """A PDF download. Printables name real people, so no browser or proxy may keep a copy."""
    response = HttpResponse(render_pdf(template_name, context, request=request), content_type=PDF_MIMETYPE)
    safe_name = slugify(filename.removesuffix(".pdf")) or "document"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{safe_name}.pdf"'
    add_never_cache_headers(response)
    return response
