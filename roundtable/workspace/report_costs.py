"""Payments' figures for the evaluation reports (funder report, GRIPP2 costs section).

Evaluation and payments are sibling layers and may not import each other; workspace sits above
both, so it registers the provider that evaluation.costs asks (WorkspaceConfig.ready)."""

from __future__ import annotations

from datetime import date

from roundtable.cocreation.models import Programme
from roundtable.evaluation.costs import CostLine, Costs, costs_provider
from roundtable.payments.models import Payment
from roundtable.payments.selectors import costs_in_period

EXPENSE_LABELS = dict(Payment.ExpenseKind.choices)


@costs_provider
def payments_costs(start: date, end: date, programme: Programme | None) -> Costs:
    found = costs_in_period(start=start, end=end, programme_id=programme.pk if programme else None)
    lines: list[CostLine] = []
    fees = expenses = paid = 0
    for row in found["groups"]:
        pence = int(row["pence"])
        if row["kind"] == Payment.Kind.FEE:
            label = "Fees for time"
            fees += pence
        else:
            label = f"Expenses: {EXPENSE_LABELS.get(row['expense_kind'], 'other').lower()}"
            expenses += pence
        paid += int(row["paid"])
        lines.append(CostLine(label=label, pence=pence, items=int(row["items"])))
    lines.sort(key=lambda line: line.label != "Fees for time")  # fees first, then expenses by kind
    return Costs(lines=lines, fees_pence=fees, expenses_pence=expenses, paid_pence=paid, people=found["people"])
