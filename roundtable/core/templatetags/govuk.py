"""Render Django form fields with GOV.UK Frontend's classes, hints and error wiring.

The markup lives in templates (core/templates/govuk/: _field.html, _text_input.html, _checkboxes.html, _single_checkbox.html, _error_summary.html and widgets/, used by every app); this only adds what a template
cannot work out on its own: the classes a widget needs and which ids describe it.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_BASE_CLASS = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input",
    "url": "govuk-input",
    "time": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
FIELDSET_WIDGETS = {"radioselect", "checkboxselectmultiple", "govukdate"}


def _describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def is_fieldset(field: BoundField) -> bool:
    """Radios, checkboxes and the day/month/year date are groups, so they get a fieldset."""
    return field.widget_type in FIELDSET_WIDGETS


@register.filter
def describedby(field: BoundField) -> str:
    return _describedby(field)


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id the error summary links to: the first input of the field."""
    if field.widget_type in FIELDSET_WIDGETS:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def govuk_widget(field: BoundField, extra_class: str = "") -> SafeString:
    if field.widget_type == "govukdate":
        # The classes go on each of day, month and year; the fieldset carries the description.
        return field.as_widget(attrs={"class": "govuk-input" + (" govuk-input--error" if field.errors else "")})
    base = _BASE_CLASS.get(field.widget_type, "")
    classes = [base, field.field.widget.attrs.get("class", ""), extra_class]
    if field.errors and base:
        classes.append(f"{base}--error")
    attrs: dict[str, str | bool] = {"class": " ".join(c for c in classes if c)}
    if described := _describedby(field):
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)
