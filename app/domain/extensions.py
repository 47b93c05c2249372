"""Deadline extensions: the rules of asking for a later entry or confirmation deadline and of deciding it, and the
deadline in force (the original one, or the latest approved extension). Pure: no Flask, no SQLAlchemy."""

import enum
from collections.abc import Iterable
from datetime import date, timedelta

from .errors import N_, DomainError, ValidationError
from .limits import MAX_REASON
from .thai_dates import format_be_date


class ExtensionKind(enum.StrEnum):
    """Which deadline a request moves."""

    ENTRY = "entry"  # an LAO's entry deadline of one installment (decided by its province's verifier)
    CONFIRM = "confirm"  # a province's confirmation deadline of one installment (decided by national staff)


class ExtensionStatus(enum.StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class Decision(enum.StrEnum):
    """What the decider does with a pending request."""

    APPROVE = "approve"
    REFUSE = "refuse"


EXTENSION_KINDS: tuple[str, ...] = tuple(k.value for k in ExtensionKind)
EXTENSION_STATUSES: tuple[str, ...] = tuple(s.value for s in ExtensionStatus)
KIND_LABELS: dict[str, str] = {ExtensionKind.ENTRY: N_("ขยายกำหนดบันทึกข้อมูล"),
                               ExtensionKind.CONFIRM: N_("ขยายกำหนดยืนยันข้อมูล")}
STATUS_LABELS: dict[str, str] = {ExtensionStatus.PENDING: N_("รอพิจารณา"), ExtensionStatus.APPROVED: N_("อนุมัติ"),
                                 ExtensionStatus.REFUSED: N_("ไม่อนุมัติ")}
DECISION_LABELS: dict[str, str] = {Decision.APPROVE: N_("อนุมัติ"), Decision.REFUSE: N_("ไม่อนุมัติ")}


def effective_deadline(original: date, approved: Iterable[date | None] = ()) -> date:
    """The deadline in force: the latest of the original and the approved extensions (one never shortens it)."""
    return max([original, *(d for d in approved if d is not None)])


def is_late(done_on: date, deadline: date) -> bool:
    """Whether a step done on `done_on` missed `deadline` (the deadline day itself is on time): the one rule that
    sets recorded_late and confirmed_late, given the deadline in force."""
    return done_on > deadline


def latest_allowed(original: date, max_days: int) -> date:
    """The latest date an extension may reach: `max_days` after the original deadline."""
    return original + timedelta(days=max_days)


def _reason_error(reason: str | None, field: str = "reason") -> DomainError | None:
    """The problem with a reason (missing or too long), if any."""
    text = (reason or "").strip()
    if not text:
        return DomainError(field, N_("กรุณาระบุเหตุผล"))
    if len(text) > MAX_REASON:
        return DomainError(field, N_("เหตุผลยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=MAX_REASON)
    return None


def _date_error(new: date | None, field: str, *, original: date, current: date, max_days: int,
                today: date) -> DomainError | None:
    """The problem with an extension's date, if any: missing, not after the deadline in force, past, too far."""
    if new is None:
        return DomainError(field, N_("กรุณาระบุวันที่ขอขยายถึง"))
    if new <= current:
        return DomainError(field, N_("วันที่ต้องหลังกำหนดเดิม (%(deadline)s)"), deadline=format_be_date(current))
    if new < today:
        return DomainError(field, N_("วันที่ขยายถึงต้องไม่ก่อนวันนี้"))
    limit = latest_allowed(original, max_days)
    if new > limit:
        return DomainError(field, N_("ขยายได้ไม่เกิน %(n)s วันหลังกำหนดเดิม คือไม่เกินวันที่ %(limit)s"),
                           n=max_days, limit=format_be_date(limit))
    return None


def check_request(*, requested: date | None, reason: str | None, original: date, current: date, max_days: int,
                  today: date, period_end: date, done: bool, pending: bool) -> None:
    """Whether a request may be made; raises ValidationError with every problem (Thai messages).

    `original` is the installment's deadline, `current` the deadline in force (original or extended), `done`
    whether the step is already done (the LAO recorded, or the province confirmed every LAO), `pending` whether a
    request for the same target waits for a decision.
    """
    errors: dict[str, DomainError] = {}
    if pending:
        errors["__all__"] = DomainError(None, N_("มีคำขอขยายกำหนดเวลาของงวดนี้ที่รอพิจารณาอยู่แล้ว"))
    elif done:
        errors["__all__"] = DomainError(None, N_("งวดนี้ดำเนินการแล้ว จึงขอขยายกำหนดเวลาไม่ได้"))
    elif today <= period_end:
        errors["__all__"] = DomainError(None, N_("งวดนี้ยังไม่สิ้นสุด จึงยังขอขยายกำหนดเวลาไม่ได้"))
    date_error = _date_error(requested, "requested_deadline", original=original, current=current,
                             max_days=max_days, today=today)
    if date_error is not None:
        errors["requested_deadline"] = date_error
    reason_error = _reason_error(reason)
    if reason_error is not None:
        errors["reason"] = reason_error
    if errors:
        raise ValidationError(errors)


def check_decision(decision: str, *, new_deadline: date | None, reason: str | None, original: date, current: date,
                   max_days: int, today: date) -> Decision:
    """The decision if it may be made as given; raises ValidationError (Thai messages). An approval needs a date
    after the deadline in force and at most `max_days` after the original; both need a reason."""
    errors: dict[str, DomainError] = {}
    try:
        chosen = Decision(decision)
    except ValueError:
        raise ValidationError({"decision": DomainError("decision", N_("กรุณาเลือกอนุมัติหรือไม่อนุมัติ"))}) from None
    if chosen == Decision.APPROVE:
        date_error = _date_error(new_deadline, "new_deadline", original=original, current=current,
                                 max_days=max_days, today=today)
        if date_error is not None:
            errors["new_deadline"] = date_error
    reason_error = _reason_error(reason, "decision_reason")
    if reason_error is not None:
        errors["decision_reason"] = reason_error
    if errors:
        raise ValidationError(errors)
    return chosen
