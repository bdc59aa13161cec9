"""Read settings from the environment and fail loudly on bad values (healthchecks' envbool habit)."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def parse_rate(name: str, default: str) -> tuple[int, int] | None:
    """'10/h' → (10, 3600); 'off' → None. Units: s, m, h, d."""
    raw = os.environ.get(name, default).strip().lower()
    if raw in {"off", "0", "none", "false"}:
        return None
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        count, unit = raw.split("/")
        return int(count), seconds[unit]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"{name} must look like '20/h' (count per s, m, h or d) or 'off', not {raw!r}"
        ) from None
