"""Money is whole pence (integers) everywhere; it becomes pounds only when shown."""

from __future__ import annotations


def pounds(pence: int) -> str:
    """£1,234.56 from 123456: whole pence shown as pounds, never through a float."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}.{part:02d}"
