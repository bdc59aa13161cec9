"""What involvement cost in a period: payments to public contributors (fees for time, expenses)
for the funder report and the GRIPP2 "costs" section.

Evaluation may not import payments (sibling layers), so the figures come through this small
registry: workspace, which sits above both, registers a provider (workspace/report_costs.py)
that asks payments. With no provider (payments not installed) reports simply leave costs out.
All amounts are whole pence; the total is the sum of the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from roundtable.cocreation.models import Programme
from roundtable.core.money import pounds


@dataclass(frozen=True)
class CostLine:
    label: str  # "Fees for time", "Travel", "Childcare", ...
    pence: int
    items: int

    @property
    def amount(self) -> str:
        return pounds(self.pence)


@dataclass(frozen=True)
class Costs:
    """Approved and paid payments for sessions in the period, by kind."""

    lines: list[CostLine] = field(default_factory=list)
    fees_pence: int = 0
    expenses_pence: int = 0
    paid_pence: int = 0
    people: int = 0

    @property
    def total_pence(self) -> int:
        return sum(line.pence for line in self.lines)

    @property
    def total(self) -> str:
        return pounds(self.total_pence)

    @property
    def fees(self) -> str:
        return pounds(self.fees_pence)

    @property
    def expenses(self) -> str:
        return pounds(self.expenses_pence)

    @property
    def paid(self) -> str:
        return pounds(self.paid_pence)

    def text(self) -> str:
        """The GRIPP2 costs section in plain English."""
        if not self.lines:
            return "No payments to public contributors were approved or paid for sessions in this period."
        people = f"{self.people} {'person' if self.people == 1 else 'people'}"
        out = [
            f"Payments to public contributors for sessions in this period came to {self.total} for {people}: "
            f"{self.fees} in fees for their time and {self.expenses} in expenses repaid. "
            f"{self.paid} of it has been paid; the rest is approved and waiting to be paid.",
            "By kind:",
            "\n".join(
                f"- {line.label}: {pounds(line.pence)} ({line.items} item{'' if line.items == 1 else 's'})"
                for line in self.lines
            ),
        ]
        return "\n\n".join(out)


CostsProvider = Callable[[date, date, "Programme | None"], "Costs | None"]
_providers: list[CostsProvider] = []


def costs_provider(func: CostsProvider) -> CostsProvider:
    if func not in _providers:
        _providers.append(func)
    return func


def period_costs(*, start: date, end: date, programme: Programme | None = None) -> Costs | None:
    """The first provider's answer, or None when nothing provides costs."""
    for func in _providers:
        found = func(start, end, programme)
        if found is not None:
            return found
    return None
