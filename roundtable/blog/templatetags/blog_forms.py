"""GOV.UK Frontend markup for the blog's form fields (classes, hint and error wiring)."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()

_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def govuk_widget(field: BoundField, extra_class: str = ""):
    base = _CLASSES.get(field.widget_type, "")
    classes = [base, extra_class]
    if field.errors and base:
        classes.append(f"{base}--error")
    attrs = {"class": " ".join(c for c in classes if c)}
    if ids := describedby(field):
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)


@register.filter
def field_describedby(field: BoundField) -> str:
    return describedby(field)


@register.filter
def error_anchor(field: BoundField) -> str:
    """Where the error summary link lands: the first input of the field."""
    if field.widget_type in {"radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return field.auto_id
