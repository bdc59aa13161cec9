"""Payments for people's time and expenses (coordinators): the list, and approving, paying and
rejecting. Amounts are whole pence; dates are ISO 8601. A move the payment's state does not allow
(paying what is not approved, approving twice) is a 409 that says why."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from roundtable.api.auth import coordinator_token, token_user
from roundtable.api.fields import Id, Text, iso
from roundtable.api.schemas import FieldErrors, Input, Message
from roundtable.api.sessions import valid_id
from roundtable.payments import services
from roundtable.payments.models import Payment
from roundtable.payments.selectors import payment_list

router = Router(tags=["payments"])

PAYMENT_NOT_FOUND = "We could not find that payment."
StatusValue = Literal["offered", "accepted", "declined", "due", "approved", "paid", "rejected"]
MethodValue = Literal["bank_transfer", "voucher", "payroll"]
LIMIT = 100


class PaymentOut(Schema):
    id: int
    person_id: int
    session_id: int
    kind: Literal["fee", "expense"]
    expense_kind: str = Field(description="travel, carer, childcare, support_worker, subsistence, accommodation, or ''")
    amount_pence: int
    currency: Literal["GBP"]
    status: StatusValue
    method: str = Field(description="bank_transfer, voucher, payroll, or '' until paid")
    created_at: str
    paid_at: str | None


class PaymentList(Schema):
    items: list[PaymentOut]
    count: int = Field(description="How many match, on every page")
    next_offset: int | None = Field(description="Send as offset for the next page; null on the last")


class PaymentFilters(Schema):
    status: StatusValue | None = None
    session: Id | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = LIMIT
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class MarkPaidIn(Input):
    method: MethodValue
    paid_on: date
    reference: Annotated[str, Text(100)] = Field("", description="The bank or payroll reference")


class RejectIn(Input):
    reason: Annotated[str, Text(1000, required=True, multiline=True)] = Field(
        description="Why it will not be paid; the person sees this"
    )


def payment_data(p: Payment) -> dict[str, Any]:
    return {
        "id": p.pk,
        "person_id": p.person_id,
        "session_id": p.session_id,
        "kind": p.kind,
        "expense_kind": p.expense_kind,
        "amount_pence": p.amount_pence,
        "currency": p.currency,
        "status": p.status,
        "method": p.method,
        "created_at": iso(p.created_at),
        "paid_at": iso(p.paid_at),
    }


@router.get(
    "/payments",
    auth=coordinator_token,
    response={200: PaymentList, 401: Message, 422: FieldErrors},
    summary="Payments, newest first (coordinators)",
)
def list_payments(request: HttpRequest, filters: Query[PaymentFilters]):
    """Fees and expenses, newest first, `limit` at a time (at most 500). Two queries whatever the
    page holds: the count and the page."""
    rows = payment_list(status=filters.status or "", session_id=filters.session)
    count = rows.count()
    page = list(rows[filters.offset : filters.offset + filters.limit])
    following = filters.offset + filters.limit
    return {
        "items": [payment_data(p) for p in page],
        "count": count,
        "next_offset": following if following < count else None,
    }


def _move(payment_id: int, move, **kwargs: Any) -> dict[str, Any]:
    if not valid_id(payment_id):
        raise HttpError(404, PAYMENT_NOT_FOUND)
    try:
        return payment_data(move(payment_id=payment_id, **kwargs))
    except Payment.DoesNotExist:
        raise HttpError(404, PAYMENT_NOT_FOUND) from None
    except services.PaymentStateError as exc:
        raise HttpError(409, exc.message) from None
    except services.PaymentNotAllowed as exc:
        raise HttpError(403, exc.message) from None


@router.post(
    "/payments/{payment_id}/approve",
    auth=coordinator_token,
    response={200: PaymentOut, 401: Message, 403: Message, 404: Message, 409: Message},
    summary="Approve a payment that is due (coordinators)",
)
def approve_payment(request: HttpRequest, payment_id: int):
    """403 when the coordinator set the payment up and the team has another coordinator to approve
    it; 409 when it is not due (already approved, paid, or not yet due)."""
    return _move(payment_id, services.payment_approve, actor=token_user(request))


@router.post(
    "/payments/{payment_id}/mark-paid",
    auth=coordinator_token,
    response={200: PaymentOut, 401: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Record that an approved payment was paid (coordinators)",
)
def mark_paid(request: HttpRequest, payment_id: int, payload: MarkPaidIn):
    """409 when it is not approved. `paid_on` may not be in the future."""
    return _move(
        payment_id,
        services.payment_mark_paid,
        method=payload.method,
        paid_on=payload.paid_on,
        reference=payload.reference,
        actor=token_user(request),
    )


@router.post(
    "/payments/{payment_id}/reject",
    auth=coordinator_token,
    response={200: PaymentOut, 401: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Say a payment will not be made, and why (coordinators)",
)
def reject_payment(request: HttpRequest, payment_id: int, payload: RejectIn):
    """409 when it is already paid, rejected, declined, or only offered."""
    return _move(payment_id, services.payment_reject, reason=payload.reason, actor=token_user(request))
