"""The forms kit every app's forms share: GOV.UK date input (day, month, year), a forgiving
time-of-day field, and Europe/London wall-clock times. Rendered with the GOV.UK partials in
core/templates/govuk/."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

# --- GOV.UK date input (day, month, year) and a forgiving time-of-day field -------------------


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/widgets/date.html"
    parts = (("day", "Day", "govuk-input--width-2"), ("month", "Month", "govuk-input--width-2"),
             ("year", "Year", "govuk-input--width-4"))  # fmt: skip

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__({name: forms.TextInput(attrs=numeric) for name, _, _ in self.parts}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub, (_, label, width) in zip(context["widget"]["subwidgets"], self.parts, strict=True):
            sub["label"] = label
            sub["attrs"]["class"] = f"{sub['attrs'].get('class', '')} govuk-date-input__input {width}".strip()
        return context


_DAY_OR_MONTH = re.compile(r"^[0-9]{1,2}$", re.ASCII)
_YEAR = re.compile(r"^[0-9]{4}$", re.ASCII)


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's messages ("… must include a month")."""

    widget = GovukDateWidget

    def __init__(self, *, what: str = "The date", **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {what[0].lower() + what[1:]}")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date) or value is None:
            return value
        parts = [str(v or "").strip() for v in value]
        if not any(parts):
            return None
        missing = [name for (name, _, _), part in zip(GovukDateWidget.parts, parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.what} must include a {' and '.join(missing)}", code="incomplete")
        # ASCII digits only ("²" is a digit to str.isdigit but not to int), and no more of them
        # than a day, month or year has: "99999999999999999999" is not a day.
        if not (_DAY_OR_MONTH.match(parts[0]) and _DAY_OR_MONTH.match(parts[1]) and _YEAR.match(parts[2])):
            raise ValidationError(f"{self.what} must be a real date, like 27 3 2027", code="invalid")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):
            raise ValidationError(f"{self.what} must be a real date, like 27 3 2027", code="invalid") from None


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE | re.ASCII)


class TimeOfDayField(forms.Field):
    """'13:30', '1:30pm', '9am' or '09.15' all work; the page shows times back as HH:MM."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {what[0].lower() + what[1:]}")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%H:%M") if isinstance(value, time) else value

    def to_python(self, value: Any) -> time | None:
        if isinstance(value, time) or value is None:
            return value
        text = str(value).strip()
        if not text:
            return None
        match = _TIME.match(text) if len(text) <= 10 else None
        if not match or (match.group(2) is None and match.group(3) is None):
            raise ValidationError(f"Enter {self.what[0].lower() + self.what[1:]} like 13:30", code="invalid")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
        if half:
            if not 1 <= hour <= 12:
                raise ValidationError(f"Enter {self.what[0].lower() + self.what[1:]} like 1:30pm", code="invalid")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValidationError(f"{self.what} must be a real time, like 13:30", code="invalid")
        return time(hour, minute)


# --- Ids typed into a URL or a form -------------------------------------------------------------

# The largest id a database row can have (ids are BigAutoField: a signed 64-bit integer).
MAX_ID = 2**63 - 1
_ID = re.compile(r"^[0-9]{1,19}$", re.ASCII)


def parse_id(value: Any) -> int | None:
    """A row id from a query string or a form, or None when it cannot be one: not a whole number,
    not positive, or beyond what the database can hold ("99999999999999999999999" would make
    PostgreSQL raise and SQLite overflow, so it must never reach a query)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _ID.match(text):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: Any) -> list[int] | None:
    """Every value as an id (see `parse_id`), or None if any of them is not one."""
    ids = [parse_id(value) for value in values]
    return None if any(i is None for i in ids) else [i for i in ids if i is not None]


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose out-of-range or malformed id is simply not one of the choices
    (Django's own lets ±10^20 reach the query, an integer overflow on both databases)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if self.to_field_name is None and not isinstance(value, Model) and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids no row can have before they reach the query."""

    def clean(self, value: Any) -> Any:
        if self.to_field_name is None and isinstance(value, list | tuple):
            for pk in value:
                if not isinstance(pk, Model) and parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(pk)[:50]}
                    )
        return super().clean(value)


def london_datetime(day: date, at: time) -> datetime:
    """The aware datetime for a Europe/London wall-clock time; refuses the hour the clocks skip."""
    zone = timezone.get_default_timezone()
    naive = datetime.combine(day, at)
    aware = timezone.make_aware(naive, zone)
    # (Through UTC: converting to the zone the datetime already has would change nothing.)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            f"{at:%H:%M} does not exist on {day:%-d %B %Y} because the clocks go forward", code="no_such_time"
        )
    return aware


class PoundsField(forms.DecimalField):
    """Money typed in pounds and pence ("12.50"), from `least` (1p unless said) to `most` pounds,
    with plain messages that give an example. The cleaned value has at most two decimal places, so
    `int(value * 100)` is its exact pence. `error_messages` says a limit differently where needed."""

    def __init__(
        self,
        *,
        example: str = "12.50",
        least: Decimal = Decimal("0.01"),
        most: int = 10_000,
        error_messages: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        lowest = "at least 1p" if least == Decimal("0.01") else f"£{least:,} or more"
        messages = {
            "required": "Enter an amount in pounds",
            "invalid": f"Enter an amount in pounds, like {example}",
            "min_value": f"Enter an amount of {lowest}",
            "max_value": f"Enter an amount of £{most:,} or less",
            "max_decimal_places": f"Enter pounds and pence, like {example}",
            **(error_messages or {}),
        }
        super().__init__(min_value=least, max_value=Decimal(most), decimal_places=2, error_messages=messages, **kwargs)
