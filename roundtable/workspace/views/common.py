"""Shapes every workspace page shares: the one "are you sure?" page before deleting anything."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirm_delete(
    request: HttpRequest, *, thing: str, warning: str, cancel_url: str, caption: str = "", back_label: str = "Back"
) -> HttpResponse:
    """Ask before deleting: `thing` names it ("the decision “…”"), `warning` says what goes and what
    stays, "No, keep it" returns to `cancel_url`. The deleting itself is the same URL's POST."""
    context = {
        "thing": thing,
        "warning": warning,
        "cancel_url": cancel_url,
        "caption": caption,
        "back_label": back_label,
    }
    return render(request, "workspace/confirm_delete.html", context)
