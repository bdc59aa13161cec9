"""How payments merge two records of a person (see core/merging.py). Expenses and fees move to the
kept record. When both records have a fee for the same session (one fee per person per session),
the one that has gone furthest (paid, approved, due, accepted, offered, then declined or rejected)
is kept and the other deleted; two paid fees for one session are refused, because that money needs
sorting out with finance before the records can be one. Expense claims (with their receipts) and
requests to book travel move with everything else."""

from __future__ import annotations

from roundtable.core.merging import MergeError, merger
from roundtable.payments.models import Payment, PaymentProfile, TravelRequest

RANK: dict[str, int] = {
    Payment.Status.PAID: 0,
    Payment.Status.APPROVED: 1,
    Payment.Status.DUE: 2,
    Payment.Status.ACCEPTED: 3,
    Payment.Status.OFFERED: 4,
    Payment.Status.DECLINED: 5,
    Payment.Status.REJECTED: 6,
}


@merger("payments", order=8)
def merge_payments(keep_id: int, drop_id: int) -> list[str]:
    kept_fees = {p.session_id: p for p in Payment.objects.filter(person_id=keep_id, kind=Payment.Kind.FEE)}
    done: list[str] = []
    for fee in Payment.objects.filter(person_id=drop_id, kind=Payment.Kind.FEE).select_related("session"):
        other = kept_fees.get(fee.session_id)
        if other is None:
            continue
        if fee.status == Payment.Status.PAID and other.status == Payment.Status.PAID:
            raise MergeError(
                f"Both records were paid a fee for “{fee.session.title}”. Sort that out with finance first."
            )
        better, worse = sorted([other, fee], key=lambda p: (RANK.get(p.status, 9), p.pk))
        done.append(
            f"Both had a fee for “{fee.session.title}”: the one that says “{better.get_status_display().lower()}” "
            f"is kept, the one that says “{worse.get_status_display().lower()}” is deleted"
        )
        worse.delete()
    moved = Payment.objects.filter(person_id=drop_id).update(person_id=keep_id)
    TravelRequest.objects.filter(person_id=drop_id).update(person_id=keep_id)
    if moved:
        done.insert(0, f"{moved} payment{'s' if moved != 1 else ''} move{'' if moved != 1 else 's'}")
    return done


@merger("payment profile", order=7)
def merge_payment_profile(keep_id: int, drop_id: int) -> list[str]:
    """The kept record keeps its answers; any it left blank come from the other. Benefit-safe mode
    stays on if either record had it on, and the lower of each limit is kept (the safer one)."""
    drop = PaymentProfile.objects.filter(person_id=drop_id).first()
    if drop is None:
        return []
    keep = PaymentProfile.objects.filter(person_id=keep_id).first()
    if keep is None:
        drop.person_id = keep_id
        drop.save(update_fields=["person", "updated_at"])
        return ["Their payment answers (benefit-safe mode, employment) move"]
    keep.benefit_safe = keep.benefit_safe or drop.benefit_safe
    for field in ("weekly_limit_pence", "monthly_limit_pence"):
        values = [v for v in (getattr(keep, field), getattr(drop, field)) if v is not None]
        setattr(keep, field, min(values) if values else None)
    for field in ("paid_job", "public_work_time", "wants_payroll"):
        if getattr(keep, field) is None:
            setattr(keep, field, getattr(drop, field))
    keep.save()
    drop.delete()
    return ["Their payment answers (benefit-safe mode, employment) are combined"]
