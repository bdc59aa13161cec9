"""Shapes every workspace page shares: the create-or-edit page, and the one "are you sure?" page
before deleting anything."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, target: str | None) -> str:
    """A `next` address that is a path on this site ("/coordinator/…"), or "" for anything else.

    Only a path will do: `redirect()` reads a bare word such as "-1" or "NaN" as the name of a URL
    and fails with a 500, and another site's address would be an open redirect."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target


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


def form_page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    template: str,
    save: Callable[[], HttpResponse],
    context: Mapping[str, Any] | None = None,
    put_errors: Callable[[Any, ValidationError], None] | None = None,
) -> HttpResponse:
    """The one shape of a create or edit page. GET shows the form. A valid POST calls `save`,
    which calls a service, says what happened (messages) and returns where to go next; if the
    service refuses (ValidationError), its messages go next to the fields (`put_errors`, or the
    form's own `add_service_errors`). A form shown with mistakes is a 400, so scripts and tests
    can tell it from a page that worked."""
    if request.method == "POST" and form.is_valid():
        try:
            return save()
        except ValidationError as error:
            add_service_errors = getattr(form, "add_service_errors", None)
            if put_errors is not None:
                put_errors(form, error)
            elif add_service_errors is not None:
                add_service_errors(error)
            else:
                form.add_error(None, error)
    # Shown again after a POST of this form: something in it (or in a formset beside it) was wrong.
    status = 400 if request.method == "POST" and form.is_bound else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)
