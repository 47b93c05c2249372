"""Use cases of deadline extensions, shared by the web and the API: ask for a later deadline, decide a request.

An approval changes no deadline column: the deadline in force is read from the approved requests
(deadlines.queries), and the lateness already stored is recomputed here, through the ORM, so the rollup's late counts
follow in the same transaction (app.totals' session hooks).
"""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit, db
from ..domain import calendar as cal
from ..domain.errors import N_, ConflictError, DomainError, NotPermittedError, ValidationError
from ..domain.extensions import (
    Decision,
    ExtensionKind,
    ExtensionStatus,
    check_decision,
    check_request,
    effective_deadline,
    is_late,
)
from ..domain.vocabulary import AuditAction, NotificationKind
from ..domain.workflow import Role, Status
from ..models import DeadlineExtension, Installment, InstallmentReport, Lao, Province, User, utcnow
from ..notifications.operations import notify
from ..web import to_local
from . import queries

PENDING_MESSAGE = N_("มีคำขอขยายกำหนดเวลาของงวดนี้ที่รอพิจารณาอยู่แล้ว")
DECIDERS = {ExtensionKind.ENTRY: (Role.PROVINCE_VERIFIER, Role.ADMIN),
            ExtensionKind.CONFIRM: (Role.NATIONAL_VIEWER, Role.ADMIN)}


def pending_key(kind: ExtensionKind, installment_id: int, target_id: int) -> str:
    """The unique key a pending request holds: one pending request per LAO's (or province's) installment."""
    return f"{kind.value}/{installment_id}/{target_id}"


def url_of(ext: DeadlineExtension) -> str:
    """The path of a request's page (the link every notification carries)."""
    return f"/deadlines/{ext.id}"


def check_may_request_entry(actor: User, lao: Lao) -> None:
    """Only the LAO's own officer asks for a later entry deadline; NotPermittedError otherwise."""
    if actor.role != Role.LAO_OFFICER.value or actor.lao_id != lao.id:
        raise NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์ขอขยายกำหนดเวลาของ อปท. นี้"))


def check_may_request_confirm(actor: User, province: Province) -> None:
    """Only the province's verifier asks for a later confirmation deadline; NotPermittedError otherwise."""
    if actor.role != Role.PROVINCE_VERIFIER.value or actor.province_id != province.id:
        raise NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์ขอขยายกำหนดเวลาของจังหวัดนี้"))


def check_may_decide(actor: User, ext: DeadlineExtension) -> None:
    """An entry request is decided by its province's verifier (or an administrator), a confirmation request by
    national staff (or an administrator); NotPermittedError otherwise. (Reaching a request outside the scope is the
    loader's 404.)"""
    kind = ExtensionKind(ext.kind)
    if actor.role_enum not in DECIDERS[kind] or not actor.scope.covers_province(ext.province_id):
        raise NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์พิจารณาคำขอนี้"))


def _verifiers(province_id: int) -> list[int]:
    """The active verifier accounts of a province."""
    return list(db.session.scalars(select(User.id).where(
        User.role == Role.PROVINCE_VERIFIER.value, User.province_id == province_id, User.active.is_(True))))


def _officers(lao_id: int) -> list[int]:
    """The active officer accounts of an LAO."""
    return list(db.session.scalars(select(User.id).where(
        User.role == Role.LAO_OFFICER.value, User.lao_id == lao_id, User.active.is_(True))))


def _national_staff() -> list[int]:
    """The active national staff and administrator accounts (who decide confirmation requests)."""
    return list(db.session.scalars(select(User.id).where(
        User.role.in_((Role.NATIONAL_VIEWER.value, Role.ADMIN.value)), User.active.is_(True))))


def _insert(ext: DeadlineExtension) -> None:
    """Insert a pending request; a concurrent one for the same target (the unique pending key) is refused."""
    try:
        with db.session.begin_nested():
            db.session.add(ext)
    except IntegrityError as exc:
        raise ValidationError({"__all__": DomainError(None, PENDING_MESSAGE)}) from exc


def _object(ext: DeadlineExtension, inst: Installment) -> str:
    """The audit object id of a request: its number."""
    return str(ext.id)


def _described(ext: DeadlineExtension, inst: Installment) -> dict:
    """What the audit trail keeps of a request."""
    return {"kind": ext.kind, "installment": f"{inst.fiscal_year_id}/{inst.number}",
            "deadline": ext.original_deadline.isoformat(), "requested": ext.requested_deadline.isoformat(),
            "reason": ext.reason}


def request_entry_extension(actor: User, ip: str | None, lao: Lao, installment: Installment, *,
                            requested: date | None, reason: str | None, today: date, max_days: int,
                            now: datetime | None = None) -> DeadlineExtension:
    """An LAO officer asks for a later entry deadline of one installment of its LAO; its province's verifiers are
    notified. Raises NotPermittedError (not this LAO's officer), ValidationError (already recorded, period not
    ended, a pending request, the date, the reason)."""
    check_may_request_entry(actor, lao)
    db.begin_write()
    status = db.session.scalar(select(InstallmentReport.status).where(
        InstallmentReport.lao_id == lao.id, InstallmentReport.installment_id == installment.id))
    key = pending_key(ExtensionKind.ENTRY, installment.id, lao.id)
    pending = db.session.scalar(select(DeadlineExtension.id).where(DeadlineExtension.pending_key == key)) is not None
    current = queries.entry_deadline_of(lao.id, installment)
    check_request(requested=requested, reason=reason, original=installment.entry_deadline, current=current,
                  max_days=max_days, today=today, period_end=installment.period_end,
                  done=status in (Status.RECORDED.value, Status.CONFIRMED.value), pending=pending)
    assert requested is not None  # check_request refuses a missing date
    now = now or utcnow()
    ext = DeadlineExtension(kind=ExtensionKind.ENTRY.value, installment_id=installment.id,
                            province_id=lao.province_id, lao_id=lao.id, original_deadline=installment.entry_deadline,
                            requested_deadline=requested, reason=(reason or "").strip(),
                            status=ExtensionStatus.PENDING.value, requested_by_id=actor.id, requested_at=now,
                            pending_key=key)
    _insert(ext)
    audit.record(actor, ip, AuditAction.EXTENSION_REQUESTED, "deadline_extension", _object(ext, installment),
                 lao_id=lao.id, province_id=lao.province_id, new=_described(ext, installment), at=now)
    notify(_verifiers(lao.province_id), NotificationKind.EXTENSION_REQUEST,
           N_("%(lao)s ขอขยายกำหนดบันทึกข้อมูลงวดที่ %(n)s ปีงบประมาณ %(year)s ถึง %(date)s") % {
               "lao": lao.name_th, "n": installment.number, "year": installment.fiscal_year_id,
               "date": cal.thai_date(requested)},
           N_("กำหนดเดิม %(deadline)s · เหตุผล: %(reason)s") % {
               "deadline": cal.thai_date(installment.entry_deadline), "reason": ext.reason},
           url=url_of(ext), sender=actor, now=now)
    db.session.flush()
    return ext


def request_confirm_extension(actor: User, ip: str | None, province: Province, installment: Installment, *,
                              requested: date | None, reason: str | None, today: date, max_days: int,
                              now: datetime | None = None) -> DeadlineExtension:
    """A province's verifier asks for a later confirmation deadline of one installment; national staff are
    notified. Raises NotPermittedError, ValidationError (every LAO confirmed, period not ended, a pending request,
    the date, the reason)."""
    check_may_request_confirm(actor, province)
    db.begin_write()
    key = pending_key(ExtensionKind.CONFIRM, installment.id, province.id)
    pending = db.session.scalar(select(DeadlineExtension.id).where(DeadlineExtension.pending_key == key)) is not None
    laos = queries.active_lao_ids(province.id)
    confirmed = set(db.session.scalars(select(InstallmentReport.lao_id).where(
        InstallmentReport.installment_id == installment.id, InstallmentReport.lao_id.in_(laos or [-1]),
        InstallmentReport.status == Status.CONFIRMED.value)))
    current = queries.confirm_deadline_of(province.id, installment)
    check_request(requested=requested, reason=reason, original=installment.confirm_deadline, current=current,
                  max_days=max_days, today=today, period_end=installment.period_end,
                  done=bool(laos) and confirmed >= set(laos), pending=pending)
    assert requested is not None
    now = now or utcnow()
    ext = DeadlineExtension(kind=ExtensionKind.CONFIRM.value, installment_id=installment.id,
                            province_id=province.id, lao_id=None, original_deadline=installment.confirm_deadline,
                            requested_deadline=requested, reason=(reason or "").strip(),
                            status=ExtensionStatus.PENDING.value, requested_by_id=actor.id, requested_at=now,
                            pending_key=key)
    _insert(ext)
    audit.record(actor, ip, AuditAction.EXTENSION_REQUESTED, "deadline_extension", _object(ext, installment),
                 province_id=province.id, new=_described(ext, installment), at=now)
    notify(_national_staff(), NotificationKind.EXTENSION_REQUEST,
           N_("จังหวัด%(province)s ขอขยายกำหนดยืนยันข้อมูลงวดที่ %(n)s ปีงบประมาณ %(year)s ถึง %(date)s") % {
               "province": province.name_th, "n": installment.number, "year": installment.fiscal_year_id,
               "date": cal.thai_date(requested)},
           N_("กำหนดเดิม %(deadline)s · เหตุผล: %(reason)s") % {
               "deadline": cal.thai_date(installment.confirm_deadline), "reason": ext.reason},
           url=url_of(ext), sender=actor, now=now)
    db.session.flush()
    return ext


def _recompute_entry(ext: DeadlineExtension, installment: Installment) -> dict:
    """Set recorded_late of the LAO's report (if recorded) against the deadline in force; returns the change for
    the audit trail. Through the ORM: the rollup's late counts follow in this transaction."""
    report = db.session.scalar(db.locked(select(InstallmentReport).where(
        InstallmentReport.lao_id == ext.lao_id, InstallmentReport.installment_id == installment.id)))
    if report is None or report.recorded_at is None or report.status == Status.NOT_RECORDED.value:
        return {}
    deadline = queries.entry_deadline_of(report.lao_id, installment)
    late = is_late(to_local(report.recorded_at).date(), deadline)
    if bool(report.recorded_late) == late:
        return {}
    old = bool(report.recorded_late)
    report.recorded_late = late
    return {"late": (old, late)}


def _recompute_confirm(ext: DeadlineExtension, installment: Installment) -> dict:
    """Set confirmed_late of the province's confirmed reports against the deadline in force; returns how many
    changed for the audit trail."""
    deadline = queries.confirm_deadline_of(ext.province_id, installment)
    reports = db.session.scalars(db.locked(
        select(InstallmentReport).join(Lao, Lao.id == InstallmentReport.lao_id)
        .where(InstallmentReport.installment_id == installment.id, Lao.province_id == ext.province_id,
               InstallmentReport.status == Status.CONFIRMED.value, InstallmentReport.confirmed_at.is_not(None))
        .order_by(InstallmentReport.id)))
    changed = 0
    for report in reports:
        late = is_late(to_local(report.confirmed_at).date(), deadline)
        if bool(report.confirmed_late) != late:
            report.confirmed_late = late
            changed += 1
    return {"late_cleared": (None, changed)} if changed else {}


def decide(actor: User, ip: str | None, ext: DeadlineExtension, *, version: int | None, decision: str,
           new_deadline: date | None, reason: str | None, today: date, max_days: int,
           now: datetime | None = None) -> DeadlineExtension:
    """Approve (with a new date) or refuse a pending request, with a reason; the requester's side is notified and
    an approval recomputes the lateness already stored. Raises NotPermittedError, ConflictError (the request was
    decided or changed since it was read: stale version), ValidationError (decision, date, reason)."""
    check_may_decide(actor, ext)
    row = db.session.scalar(db.locked(select(DeadlineExtension).where(DeadlineExtension.id == ext.id)))
    if row is None:
        raise ConflictError("version", N_("คำขอนี้ถูกพิจารณาหรือแก้ไขไปแล้ว กรุณาเปิดหน้าใหม่"))
    ext = row
    if ext.status != ExtensionStatus.PENDING.value or (version is not None and version != ext.version):
        raise ConflictError("version", N_("คำขอนี้ถูกพิจารณาหรือแก้ไขไปแล้ว กรุณาเปิดหน้าใหม่"))
    installment = db.session.get_one(Installment, ext.installment_id)
    kind = ExtensionKind(ext.kind)
    original = installment.entry_deadline if kind == ExtensionKind.ENTRY else installment.confirm_deadline
    current = (queries.entry_deadline_of(ext.lao_id, installment) if kind == ExtensionKind.ENTRY and ext.lao_id
               else queries.confirm_deadline_of(ext.province_id, installment))
    chosen = check_decision(decision, new_deadline=new_deadline, reason=reason, original=original, current=current,
                            max_days=max_days, today=today)
    now = now or utcnow()
    ext.status = (ExtensionStatus.APPROVED if chosen == Decision.APPROVE else ExtensionStatus.REFUSED).value
    ext.new_deadline = new_deadline if chosen == Decision.APPROVE else None
    ext.decision_reason = (reason or "").strip()
    ext.decided_by_id = actor.id
    ext.decided_at = now
    ext.pending_key = None
    db.session.flush()
    queries.forget()
    old: dict = {"state": ExtensionStatus.PENDING.value}
    new: dict = {"state": ext.status, "decision_reason": ext.decision_reason}
    if chosen == Decision.APPROVE:
        new["new_deadline"] = ext.new_deadline.isoformat() if ext.new_deadline else None
        changes = _recompute_entry(ext, installment) if kind == ExtensionKind.ENTRY else _recompute_confirm(
            ext, installment)
        for key, (before, after) in changes.items():
            if before is not None:
                old[key] = before
            new[key] = after
    lao = db.session.get(Lao, ext.lao_id) if ext.lao_id is not None else None
    audit.record(actor, ip, AuditAction.EXTENSION_APPROVED if chosen == Decision.APPROVE
                 else AuditAction.EXTENSION_REFUSED, "deadline_extension", _object(ext, installment),
                 lao_id=ext.lao_id, province_id=ext.province_id, old=old, new=new, at=now)
    recipients = _officers(lao.id) if lao is not None else _verifiers(ext.province_id)
    if ext.requested_by_id is not None:
        recipients.append(ext.requested_by_id)
    entry = kind == ExtensionKind.ENTRY
    if chosen == Decision.APPROVE:
        subject = (N_("อนุมัติขยายกำหนดบันทึกข้อมูลงวดที่ %(n)s ปีงบประมาณ %(year)s ถึง %(date)s") if entry
                   else N_("อนุมัติขยายกำหนดยืนยันข้อมูลงวดที่ %(n)s ปีงบประมาณ %(year)s ถึง %(date)s")) % {
            "n": installment.number, "year": installment.fiscal_year_id,
            "date": cal.thai_date(effective_deadline(original, [ext.new_deadline]))}
    else:
        subject = (N_("ไม่อนุมัติการขยายกำหนดบันทึกข้อมูลงวดที่ %(n)s ปีงบประมาณ %(year)s") if entry
                   else N_("ไม่อนุมัติการขยายกำหนดยืนยันข้อมูลงวดที่ %(n)s ปีงบประมาณ %(year)s")) % {
            "n": installment.number, "year": installment.fiscal_year_id}
    notify(recipients, NotificationKind.EXTENSION_DECISION, subject,
           N_("เหตุผล: %(reason)s") % {"reason": ext.decision_reason}, url=url_of(ext), sender=actor, now=now)
    db.session.flush()
    return ext
