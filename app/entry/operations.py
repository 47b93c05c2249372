"""Use cases of LAO staff: record (or correct) an installment's figures with certification."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from .. import audit, db, reference, snapshots
from ..deadlines import queries as deadline_queries
from ..domain import typo_guard
from ..domain.extensions import is_late
from ..domain.errors import N_, ConflictError, DomainError, NotPermittedError, ValidationError
from ..domain.money import from_satang, parse_amount, plain_baht, to_satang
from ..domain.vocabulary import AuditAction
from ..domain.workflow import Role, Status, check_can_record, check_version
from ..figures import prior_installment_ids
from ..models import Entry, Installment, InstallmentReport, Lao, User, utcnow
from ..reference import items_for

MAX_EXPLANATION = 500
# column sizes of the certification on installment_reports
RECORDER_LIMITS = {"recorder_name": 200, "recorder_position": 200, "recorder_phone": 50}


@dataclass
class Recorder:
    """Who certifies the figures (ผู้บันทึกข้อมูล)."""

    name: str
    position: str
    phone: str


def check_may_record(actor: User, lao: Lao) -> None:
    """Only the LAO's own officer records its figures; raises NotPermittedError otherwise."""
    if actor.role != Role.LAO_OFFICER.value or actor.lao_id != lao.id:
        raise NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์บันทึกข้อมูลของ อปท. นี้"))


def lock_report(lao: Lao, installment: Installment) -> InstallmentReport | None:
    """The report row re-read inside the write transaction, locked FOR UPDATE on PostgreSQL. The same statement
    reads the LAO's latest approved extension of the entry deadline, which the lateness check then takes from
    memory (app.deadlines: a save after the deadline asks nothing more)."""
    db.begin_write()
    row = db.session.execute(_report_locked(), {"lao_id": lao.id, "installment_id": installment.id}).first()
    if row is None:
        return None
    report, extended = row
    deadline_queries.remember_entry_deadline(lao.id, installment, extended)
    return report


@db.prepared
def _report_locked() -> Select:
    """One report, read for update (see db.locked), with its LAO's latest approved entry deadline extension."""
    r = InstallmentReport
    return db.locking(select(r, deadline_queries.latest_entry_extension_of(r.lao_id, r.installment_id))
                      .where(r.lao_id == bindparam("lao_id"), r.installment_id == bindparam("installment_id")))


@db.prepared
def _entries_of_installments() -> Select:
    """One LAO's entries of some installments (as ORM rows: those of the installment saved are updated)."""
    return select(Entry).where(Entry.lao_id == bindparam("lao_id"),
                               Entry.installment_id.in_(bindparam("installment_ids", expanding=True)))


def _insert_first_report(report: InstallmentReport) -> None:
    """Insert the first report row (and pending entries); a concurrent first save becomes a ConflictError.

    With no row yet there is nothing to lock FOR UPDATE (PostgreSQL), so two first saves race to the
    unique constraint: the loser waits for the winner's commit, then gets a conflict instead of an error.
    """
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError as exc:
        raise ConflictError(
            "version", N_("ข้อมูลงวดนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่ท่านเปิดหน้านี้ กรุณาตรวจสอบตัวเลขปัจจุบันแล้วบันทึกใหม่")
        ) from exc


def record_installment(
    actor: User,
    ip: str | None,
    lao: Lao,
    installment: Installment,
    *,
    version: int | None,
    amounts: dict[str, str],
    explanations: dict[str, str] | None,
    recorder: Recorder,
    certify: bool,
    today: date,
    ceiling: Decimal,
    now: datetime | None = None,
) -> InstallmentReport:
    """Record or correct an LAO's installment; all or nothing.

    Raises NotPermittedError (not this LAO's officer), DomainError (period not ended), LockedError
    (confirmed), ConflictError (stale version), ValidationError (amounts, explanations, certification).
    """
    check_may_record(actor, lao)
    report = lock_report(lao, installment)
    status = Status(report.status) if report else Status.NOT_RECORDED
    check_can_record(status, installment.period_end, today)
    check_version(version, report.version if report else 0)

    items = items_for(lao.lao_type, installment.fiscal_year_id)
    # one read of the LAO's entries: this installment's (to update) and the prior year's same period (typo guard)
    codes = reference.current().item_by_id
    existing: dict[int, Entry] = {}
    prior_satang: dict[str, int] = {}
    for e in db.session.scalars(_entries_of_installments(), {
            "lao_id": lao.id, "installment_ids": [installment.id, *prior_installment_ids(installment)]}):
        if e.installment_id == installment.id:
            existing[e.item_id] = e
        else:
            code = codes[e.item_id].code
            prior_satang[code] = prior_satang.get(code, 0) + e.amount_satang
    prior = {code: from_satang(v) for code, v in prior_satang.items()}
    explanations = {k: (v or "").strip() for k, v in (explanations or {}).items()}
    errors: dict[str, DomainError] = {}
    parsed: dict[str, Decimal] = {}
    warned: set[str] = set()
    for item in items:
        try:
            parsed[item.code] = parse_amount(amounts.get(item.code), item.code, ceiling)
        except DomainError as err:
            errors[item.code] = err
            continue
        warning = typo_guard.check(parsed[item.code], prior.get(item.code))
        if warning:
            warned.add(item.code)
        text = explanations.get(item.code, "")
        if warning and not text:
            errors[f"explain_{item.code}"] = DomainError(
                f"explain_{item.code}", N_("ตัวเลขนี้ต่างจากงวดเดียวกันของปีก่อนมาก กรุณาระบุคำชี้แจงสั้น ๆ")
            )
        if warning and len(text) > MAX_EXPLANATION:
            errors[f"explain_{item.code}"] = DomainError(
                f"explain_{item.code}", N_("คำชี้แจงยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=MAX_EXPLANATION
            )
    for field, value, message in (
        ("recorder_name", recorder.name, N_("กรุณากรอกชื่อผู้บันทึกข้อมูล")),
        ("recorder_position", recorder.position, N_("กรุณากรอกตำแหน่ง")),
        ("recorder_phone", recorder.phone, N_("กรุณากรอกหมายเลขโทรศัพท์")),
    ):
        if not (value or "").strip():
            errors[field] = DomainError(field, message)
        elif len(value.strip()) > RECORDER_LIMITS[field]:
            errors[field] = DomainError(field, N_("ยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=RECORDER_LIMITS[field])
    if not certify:
        errors["certify"] = DomainError("certify", N_("กรุณายืนยันว่าข้อมูลถูกต้อง"))
    if errors:
        raise ValidationError(errors)

    # lateness against the deadline in force: the installment's, or the LAO's approved extension (app.deadlines),
    # read before anything changes (a query after a change would flush it early). An extension only moves the
    # deadline later, so on or before the installment's own deadline nothing is read.
    late = is_late(today, installment.entry_deadline) and is_late(
        today, deadline_queries.entry_deadline_of(lao.id, installment))
    now = now or utcnow()
    old_values: dict[str, str | None] = {}
    new_values: dict[str, str | bool] = {}
    for item in items:
        satang = to_satang(parsed[item.code])
        # kept only while the figure is flagged: a correction that clears the warning drops it
        explanation = (explanations.get(item.code) or None) if item.code in warned else None
        entry = existing.get(item.id)
        old_values[item.code] = plain_baht(entry.amount) if entry else None
        if entry is not None and entry.explanation:
            old_values[f"explain_{item.code}"] = entry.explanation
        new_values[item.code] = plain_baht(parsed[item.code])
        if explanation:
            new_values[f"explain_{item.code}"] = explanation
        if entry is None:
            db.session.add(Entry(lao_id=lao.id, installment_id=installment.id, item_id=item.id,
                                 amount_satang=satang, explanation=explanation))
        else:
            entry.amount_satang = satang
            entry.explanation = explanation
            # every entry row written with the same columns: the flush sends them as one executemany
            flag_modified(entry, "amount_satang")
            flag_modified(entry, "explanation")
    is_first = report is None
    if report is None:
        report = InstallmentReport(lao_id=lao.id, installment_id=installment.id, status=Status.NOT_RECORDED.value)
    # the report's satang total, which app/totals.py keeps: set here from the figures in hand, so the rollup adds the
    # difference to its row without reading the entries again (app/totals.py: _known_delta)
    # every entry of the report after the save: the items just written and any of an item no longer active; the
    # report's history takes them as they are, and its total is their sum
    active = {item.id for item in items}
    figures = {codes[e.item_id].code: e.amount_satang for e in existing.values() if e.item_id not in active}
    figures.update((item.code, to_satang(parsed[item.code])) for item in items)
    report.amount_satang = sum(figures.values())
    old_values["status"] = report.status
    report.status = Status.RECORDED.value
    report.recorder_name = recorder.name.strip()
    report.recorder_position = recorder.position.strip()
    report.recorder_phone = recorder.phone.strip()
    report.recorded_by_id = actor.id
    report.recorded_at = now
    report.recorded_late = late
    new_values["status"] = Status.RECORDED.value
    new_values["late"] = report.recorded_late
    if is_first:
        _insert_first_report(report)
    db.session.flush()
    audit.record(actor, ip, AuditAction.RECORD_INSTALLMENT, "installment_report",
                 audit.installment_object_id(lao, installment),
                 lao_id=lao.id, province_id=lao.province_id, old=old_values, new=new_values, at=now)
    snapshots.capture_report(report, figures, event="record", at=now, actor=actor)
    return report
