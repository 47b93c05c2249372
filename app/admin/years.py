"""Administrators' use cases for fiscal years: creating a year, its schedule, deadlines, rounds and items per LAO type.

Each use case checks its rules, changes rows, writes the audit trail and flushes; the caller commits.
`actor` None means the server's command line (an operator with shell access acts as administrator).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, exists, func, select

from .. import audit, db
from ..domain.calendar import SCHEDULES
from ..domain.errors import N_, DomainError, ValidationError
from ..domain.thai_dates import deadline_problems
from ..domain.vocabulary import AuditAction
from ..models import Entry, FiscalYear, Installment, InstallmentReport, ItemActivation, Lao, RevenueItem, Round, User
from ..reference import add_schedule, create_fiscal_year, year_has_figures
from .access import check_admin
from .imports import MAX_YEAR, MIN_YEAR
from .queries import item_matrix


def create_year(actor: User | None, ip: str | None, year: int, schedule: str) -> FiscalYear:
    """Create fiscal year `year` with the installments and default rounds of `schedule`.

    Raises NotPermittedError, DomainError (year out of range, unknown schedule, year exists).
    """
    check_admin(actor)
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError("year", N_("ปีงบประมาณต้องอยู่ระหว่าง พ.ศ. %(low)s ถึง %(high)s"), low=MIN_YEAR, high=MAX_YEAR)
    if schedule not in SCHEDULES:
        raise DomainError("schedule", N_("ไม่รู้จักรูปแบบงวด %(kind)s"), kind=schedule)
    db.begin_write()
    fy = create_fiscal_year(int(year), schedule)
    audit.record(actor, ip, AuditAction.FISCAL_YEAR_CREATED, "fiscal_year", str(year),
                 new={"schedule": schedule, "installments": len(fy.installments)})
    db.session.flush()
    return fy

def _year_for_update(year: int) -> FiscalYear:
    """The fiscal year re-read and locked for a change (concurrent admins' changes are serialised)."""
    fy = db.session.scalar(db.locked(select(FiscalYear).where(FiscalYear.year == year)))
    if fy is None:
        raise DomainError("year", N_("ไม่พบปีงบประมาณ %(year)s ในระบบ"), year=year)
    return fy


def change_schedule(actor: User | None, ip: str | None, year: int, schedule: str) -> None:
    """Replace the installments (and rounds) of a year that has no figures yet with those of `schedule`.

    Raises NotPermittedError, DomainError (unknown schedule; the year already has figures or reports).
    """
    check_admin(actor)
    if schedule not in SCHEDULES:
        raise DomainError("schedule", N_("ไม่รู้จักรูปแบบงวด %(kind)s"), kind=schedule)
    db.begin_write()
    fy = _year_for_update(year)
    if fy.schedule == schedule:
        return
    has_reports = db.session.scalar(
        select(exists().where(InstallmentReport.installment_id == Installment.id,
                              Installment.fiscal_year_id == year)))
    if year_has_figures(year) or has_reports:
        raise DomainError("schedule", N_("ปีงบประมาณ %(year)s มีข้อมูลรายได้แล้ว จึงเปลี่ยนรูปแบบงวดไม่ได้ "
                                         "(แก้ไขกำหนดส่งและรอบการประเมินได้)"), year=year)
    old = {"schedule": fy.schedule, "installments": len(fy.installments)}
    db.session.execute(delete(Round).where(Round.fiscal_year_id == year))
    db.session.execute(delete(Installment).where(Installment.fiscal_year_id == year))
    db.session.expire(fy, ["installments", "rounds"])
    fy.schedule = schedule
    count = add_schedule(year, schedule)
    audit.record(actor, ip, AuditAction.FISCAL_YEAR_SCHEDULE_CHANGED, "fiscal_year", str(year), old=old,
                 new={"schedule": schedule, "installments": count})
    db.session.flush()

def set_deadlines(actor: User | None, ip: str | None, year: int, deadlines: list[tuple[date, date]],
                  reminder_days: int | None = None) -> int:
    """Set (entry, confirmation) deadlines of the year's installments, in installment order, and (when given) how
    many days before the entry deadline LAOs are reminded; returns how many installments changed.

    Raises NotPermittedError, DomainError (not one pair per installment), ValidationError keyed rows-<i>-<field>
    (a deadline not after the period or more than a year after it, confirmation before entry).
    """
    check_admin(actor)
    db.begin_write()
    fy = _year_for_update(year)
    installments = db.session.scalars(
        select(Installment).where(Installment.fiscal_year_id == year).order_by(Installment.number)
        .execution_options(populate_existing=True)).all()
    if len(deadlines) != len(installments):
        raise DomainError(None, N_("จำนวนงวดไม่ตรงกับปีงบประมาณ กรุณาเปิดหน้านี้ใหม่"))
    errors: dict[str, DomainError] = {}
    for i, (inst, (entry, confirm)) in enumerate(zip(installments, deadlines)):
        errors.update(deadline_problems(inst.number, inst.period_end, entry, confirm, prefix=f"rows-{i}-"))
    if errors:
        raise ValidationError(errors)
    old: dict[str, str | int] = {}
    new: dict[str, str | int] = {}
    for inst, (entry, confirm) in zip(installments, deadlines):
        if (inst.entry_deadline, inst.confirm_deadline) != (entry, confirm):
            old[str(inst.number)] = f"{inst.entry_deadline.isoformat()} / {inst.confirm_deadline.isoformat()}"
            new[str(inst.number)] = f"{entry.isoformat()} / {confirm.isoformat()}"
            inst.entry_deadline, inst.confirm_deadline = entry, confirm
    if reminder_days is not None and reminder_days != fy.reminder_days:
        if not 0 <= reminder_days <= 60:
            raise DomainError("reminder_days", N_("ระบุได้ 0 ถึง 60 วัน"))
        old["reminder_days"], new["reminder_days"] = fy.reminder_days, reminder_days
        fy.reminder_days = reminder_days
    if new:
        audit.record(actor, ip, AuditAction.DEADLINES_CHANGED, "fiscal_year", str(fy.year), old=old, new=new)
        db.session.flush()
    return len([k for k in new if k != "reminder_days"])

def set_rounds(actor: User | None, ip: str | None, year: int, rounds: list[tuple[str | None, int | None]]) -> None:
    """Replace the year's evaluation rounds with `rounds` (name, last installment); blank rows are ignored.

    Raises NotPermittedError, ValidationError keyed rows-<i>-<field> (empty or duplicate name, installment
    outside the year, two rounds ending at the same installment).
    """
    check_admin(actor)
    db.begin_write()
    fy = _year_for_update(year)
    count = db.session.execute(
        select(func.count(Installment.id)).where(Installment.fiscal_year_id == year)).scalar_one()
    errors: dict[str, DomainError] = {}
    names: set[str] = set()
    lasts: set[int | None] = set()
    kept: list[tuple[str, int]] = []  # complete only when no row has an error (else nothing is saved)
    for i, (name, last) in enumerate(rounds):
        name = (name or "").strip()
        if not name and last is None:
            continue
        if not name or len(name) > 100:
            errors[f"rows-{i}-name"] = DomainError(f"rows-{i}-name", N_("กรุณาระบุชื่อรอบ (ไม่เกิน 100 ตัวอักษร)"))
        elif name in names:
            errors[f"rows-{i}-name"] = DomainError(f"rows-{i}-name", N_("ชื่อรอบซ้ำกัน"))
        if last is None or not 1 <= last <= count:
            errors[f"rows-{i}-last_installment"] = DomainError(
                f"rows-{i}-last_installment", N_("งวดสุดท้ายของรอบต้องอยู่ระหว่าง 1 ถึง %(n)s"), n=count)
        elif last in lasts:
            errors[f"rows-{i}-last_installment"] = DomainError(
                f"rows-{i}-last_installment", N_("มีรอบที่สิ้นสุดที่งวดนี้แล้ว"))
        else:
            kept.append((name, last))
        names.add(name)
        lasts.add(last)
    if errors:
        raise ValidationError(errors)
    old = [[r.name, r.last_installment] for r in fy.rounds]
    ordered = sorted(kept, key=lambda r: r[1])
    new = [[n, last] for n, last in ordered]
    if old == new:
        return
    db.session.execute(delete(Round).where(Round.fiscal_year_id == year))
    db.session.expire(fy, ["rounds"])
    for name, last in ordered:
        db.session.add(Round(fiscal_year_id=year, name=name, last_installment=last))
    audit.record(actor, ip, AuditAction.ROUNDS_CHANGED, "fiscal_year", str(year), old={"rounds": old}, new={"rounds": new})
    db.session.flush()

def set_item_activations(actor: User | None, ip: str | None, year: int,
                         wanted: dict[tuple[str, str], bool]) -> int:
    """Make the items collected per LAO type in `year` match `wanted`; returns how many switched.

    Overrides are stored only where they differ from the item's own years and types. Raises
    NotPermittedError, DomainError (switching off an item that LAOs of that type already have figures for).
    """
    check_admin(actor)
    db.begin_write()
    _year_for_update(year)
    current = item_matrix(year)
    items = {i.code: i for i in db.session.scalars(select(RevenueItem))}
    switched = {k: v for k, v in wanted.items() if k in current and current[k] != v}
    for (code, lao_type), active in switched.items():
        if not active:
            used = db.session.scalar(
                select(func.count(Entry.id)).join(Lao, Lao.id == Entry.lao_id)
                .join(Installment, Installment.id == Entry.installment_id)
                .where(Installment.fiscal_year_id == year, Entry.item_id == items[code].id,
                       Lao.lao_type == lao_type))
            if used:
                raise DomainError(None, N_("ปิดรายการ %(item)s ของ %(type)s ไม่ได้ เพราะมีข้อมูลรายได้แล้ว %(n)s รายการ"),
                                  item=items[code].name_th, type=lao_type, n=used)
    for (code, lao_type), active in switched.items():
        item = items[code]
        row = db.session.scalar(select(ItemActivation).where(
            ItemActivation.fiscal_year_id == year, ItemActivation.item_id == item.id,
            ItemActivation.lao_type == lao_type))
        if active == item.applies(lao_type, year):
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ItemActivation(fiscal_year_id=year, item_id=item.id, lao_type=lao_type, active=active))
        else:
            row.active = active
    if switched:
        audit.record(actor, ip, AuditAction.ITEM_ACTIVATION_CHANGED, "fiscal_year", str(year),
                     old={f"{c}/{t}": current[(c, t)] for c, t in switched},
                     new={f"{c}/{t}": v for (c, t), v in switched.items()})
        db.session.flush()
    return len(switched)
