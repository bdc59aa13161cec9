"""Input types shared by the API's schemas.

Every string is stripped and checked for characters a database cannot store (NUL, lone
surrogates from JSON escapes like "\\ud800") so bad input becomes a 422 naming the field, never a
500 from the database driver.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from annotated_types import GroupedMetadata
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from roundtable.core.forms import MAX_ID  # the largest id a database row can have (re-exported)

LONDON = ZoneInfo("Europe/London")
EMAIL_MESSAGE = "Enter an email address like name@example.com"

_NOT_STORABLE_ONE_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_NOT_STORABLE_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _storable(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if pattern.search(value):
            raise PydanticCustomError("bad_characters", "contains characters that cannot be stored")
        return value

    return check


def _none_as_empty(value: Any) -> Any:
    return "" if value is None else value


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """`Annotated[str, Text(200)]`: a stripped string of at most `max_length` characters; optional
    ones also accept null. (Metadata rather than a type built by a call, so type checkers can read
    the annotation; pydantic unpacks it like any group of constraints.)"""

    max_length: int
    required: bool = False
    multiline: bool = False

    def __iter__(self) -> Iterator[object]:
        pattern = _NOT_STORABLE_MULTILINE if self.multiline else _NOT_STORABLE_ONE_LINE
        if not self.required:
            yield BeforeValidator(_none_as_empty)
        yield from StringConstraints(
            strip_whitespace=True, max_length=self.max_length, min_length=1 if self.required else 0
        )
        yield AfterValidator(_storable(pattern))


def _check_email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise PydanticCustomError("email", EMAIL_MESSAGE) from None
    return value


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=254),
    AfterValidator(_storable(_NOT_STORABLE_ONE_LINE)),
    AfterValidator(_check_email),
    Field(json_schema_extra={"format": "email"}),
]


def _london(value: datetime) -> datetime:
    # Checked before any conversion: an absurd year with a large offset would overflow it.
    if not 2000 <= value.year <= 2200:
        raise PydanticCustomError("date_range", "must be between the years 2000 and 2200")
    if value.tzinfo is None:
        return timezone.make_aware(value, LONDON)
    return value


LondonDateTime = Annotated[
    datetime,
    AfterValidator(_london),
    Field(description="ISO 8601. A time without an offset is read as Europe/London time."),
]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in Europe/London with its offset, e.g. 2026-12-13T13:30:00+00:00."""
    if value is None:
        return None
    return value.astimezone(LONDON).isoformat(timespec="seconds")
