"""Administrators' use cases: fiscal-year setup, the LAO register, accounts and file imports.

Each use case checks its rules, changes rows, writes the audit trail and flushes; the caller commits.
`actor` None means the server's command line (an operator with shell access acts as administrator).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, delete, exists, func, insert, select, update
from werkzeug.security import generate_password_hash

from .. import audit, db
from ..auth import operations as auth_ops
from ..domain.calendar import SCHEDULES
from ..domain.errors import DomainError, N_, NotPermittedError, ValidationError
from ..domain.money import from_satang, plain_baht
from ..domain.workflow import Role, Status
from ..models import (
    LAO_TYPES,
    AuditEvent,
    District,
    Entry,
    FiscalYear,
    Installment,
    InstallmentReport,
    ItemActivation,
    Lao,
    Province,
    RevenueItem,
    Round,
    User,
    utcnow,
)
from ..reference import add_schedule, create_fiscal_year, year_has_figures
from . import imports
from .imports import FiguresPlan, LaoPlan, ProgressFn, Row, Upload

MIN_YEAR, MAX_YEAR = imports.MIN_YEAR, imports.MAX_YEAR
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
# One-time passwords of bulk-created accounts are hashed with scrypt N=2**14 (16 MiB, ~35 ms here)
# instead of werkzeug's default N=2**15 (~75 ms): they are random (10 characters of 32, 50 bits),
# must be changed at first login, and are then re-hashed with the default.
BULK_HASH_METHOD = "scrypt:16384:8:1"
_POOL_THRESHOLD = 64  # below this many hashes a process pool costs more than it saves
MAX_AUDIT_DETAILS = 200  # changed figures listed one by one in an import's audit event


def check_admin(actor: User | None) -> None:
    """Raise NotPermittedError unless `actor` is an administrator (or the command line, None)."""
    if actor is not None and actor.role != Role.ADMIN.value:
        raise NotPermittedError(None, N_("เฉพาะผู้ดูแลระบบเท่านั้น"))


# ---------------------------------------------------------------------------------------------------
# Fiscal years


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
    audit.record(actor, ip, "fiscal_year_created", "fiscal_year", str(year),
                 new={"schedule": schedule, "installments": len(fy.installments)})
    db.session.flush()
    return fy


def _year_for_update(year: int) -> FiscalYear:
    fy = db.session.get(FiscalYear, year, populate_existing=True)
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
    audit.record(actor, ip, "fiscal_year_schedule_changed", "fiscal_year", str(year), old=old,
                 new={"schedule": schedule, "installments": count})
    db.session.flush()


def set_deadlines(actor: User | None, ip: str | None, year: int, deadlines: list[tuple[date, date]]) -> int:
    """Set (entry, confirmation) deadlines of the year's installments, in installment order; returns how many changed.

    Raises NotPermittedError, ValidationError (a deadline not after the period, confirmation before entry).
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
        if entry is None or entry <= inst.period_end:
            errors[f"rows-{i}-entry_deadline"] = DomainError(
                f"rows-{i}-entry_deadline", N_("กำหนดบันทึกต้องอยู่หลังวันสิ้นสุดงวด"))
        if confirm is None or (entry is not None and confirm < entry):
            errors[f"rows-{i}-confirm_deadline"] = DomainError(
                f"rows-{i}-confirm_deadline", N_("กำหนดยืนยันต้องไม่ก่อนกำหนดบันทึก"))
    if errors:
        raise ValidationError(errors)
    old, new = {}, {}
    for inst, (entry, confirm) in zip(installments, deadlines):
        if (inst.entry_deadline, inst.confirm_deadline) != (entry, confirm):
            old[str(inst.number)] = f"{inst.entry_deadline.isoformat()} / {inst.confirm_deadline.isoformat()}"
            new[str(inst.number)] = f"{entry.isoformat()} / {confirm.isoformat()}"
            inst.entry_deadline, inst.confirm_deadline = entry, confirm
    if new:
        audit.record(actor, ip, "deadlines_changed", "fiscal_year", str(fy.year), old=old, new=new)
        db.session.flush()
    return len(new)


def set_rounds(actor: User | None, ip: str | None, year: int, rounds: list[tuple[str | None, int | None]]) -> None:
    """Replace the year's evaluation rounds with `rounds` (name, last installment); blank rows are ignored.

    Raises NotPermittedError, ValidationError keyed rows-<i>-<field> (empty or duplicate name, installment
    outside the year, two rounds ending at the same installment).
    """
    check_admin(actor)
    db.begin_write()
    fy = _year_for_update(year)
    count = db.session.scalar(select(func.count(Installment.id)).where(Installment.fiscal_year_id == year))
    errors: dict[str, DomainError] = {}
    names, lasts, kept = set(), set(), []
    for i, (name, last) in enumerate(rounds):
        name = (name or "").strip()
        if not name and last is None:
            continue
        kept.append((name, last))
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
        names.add(name)
        lasts.add(last)
    if errors:
        raise ValidationError(errors)
    old = [[r.name, r.last_installment] for r in fy.rounds]
    new = sorted(([n, last] for n, last in kept), key=lambda r: r[1])
    if old == new:
        return
    db.session.execute(delete(Round).where(Round.fiscal_year_id == year))
    db.session.expire(fy, ["rounds"])
    for name, last in new:
        db.session.add(Round(fiscal_year_id=year, name=name, last_installment=last))
    audit.record(actor, ip, "rounds_changed", "fiscal_year", str(year), old={"rounds": old}, new={"rounds": new})
    db.session.flush()


def item_matrix(year: int) -> dict[tuple[str, str], bool]:
    """Whether each (item code, LAO type) is collected in `year`: the admin's override, else the item's own rule."""
    overrides = {(code, t): active for code, t, active in db.session.execute(
        select(RevenueItem.code, ItemActivation.lao_type, ItemActivation.active)
        .join(RevenueItem, RevenueItem.id == ItemActivation.item_id)
        .where(ItemActivation.fiscal_year_id == year))}
    items = db.session.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)).all()
    return {(i.code, t): overrides.get((i.code, t), i.applies(t, year)) for i in items for t in LAO_TYPES}


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
        audit.record(actor, ip, "item_activation_changed", "fiscal_year", str(year),
                     old={f"{c}/{t}": current[(c, t)] for c, t in switched},
                     new={f"{c}/{t}": v for (c, t), v in switched.items()})
        db.session.flush()
    return len(switched)


# ---------------------------------------------------------------------------------------------------
# LAO register


@dataclass
class LaoDetails:
    """The fields of an LAO as typed on the form (codes, not ids)."""

    code: str
    name_th: str
    name_en: str
    lao_type: str
    municipality_class: str | None
    province_code: str
    district_code: str


# form field <- file column, so a form shows a register check's error next to the right input
LAO_FORM_FIELDS = {"lao_code": "code", "name_th": "name_th", "name_en": "name_en", "lao_type": "lao_type",
                   "municipality_class": "municipality_class", "province_code": "province",
                   "district_code": "district"}


def _apply_lao_plan(plan: LaoPlan) -> None:
    """Write a checked plan with two executemany statements."""
    table = Lao.__table__
    if plan.creates:
        db.session.execute(insert(table), [dict(code=c.code, active=True, **c.values) for c in plan.creates])
    if plan.updates:
        fields = list(plan.updates[0].values)
        db.session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values({f: bindparam(f"b_{f}") for f in fields}),
            [{"b_id": c.lao_id, **{f"b_{f}": c.values[f] for f in fields}} for c in plan.updates],
        )


def save_lao(actor: User | None, ip: str | None, lao: Lao | None, details: LaoDetails) -> Lao:
    """Create an LAO (lao None) or edit one, with the same checks as a register import.

    Raises NotPermittedError, ValidationError keyed by form field (see LAO_FORM_FIELDS).
    """
    check_admin(actor)
    db.begin_write()
    code = lao.code if lao is not None else (details.code or "").strip()
    if lao is None and db.session.scalar(select(Lao.id).where(Lao.code == code)) is not None:
        raise ValidationError({"code": DomainError("code", N_("รหัส อปท. %(code)s มีอยู่แล้ว"), code=code)})
    row = Row(0, {"lao_code": code, "name_th": (details.name_th or "").strip(),
                  "name_en": (details.name_en or "").strip(), "lao_type": details.lao_type or "",
                  "municipality_class": details.municipality_class or "",
                  "province_code": details.province_code or "", "district_code": details.district_code or ""})
    plan = imports.plan_laos([row])
    if plan.errors:
        raise ValidationError({LAO_FORM_FIELDS[e.column]: DomainError(LAO_FORM_FIELDS[e.column], e.message, **e.params)
                               for e in reversed(plan.errors)})
    _apply_lao_plan(plan)
    saved = db.session.scalar(select(Lao).where(Lao.code == code).execution_options(populate_existing=True))
    if plan.creates:
        audit.record(actor, ip, "lao_created", "lao", code, lao_id=saved.id, province_id=saved.province_id,
                     new={k: v for k, v in row.values.items() if v})
    elif plan.updates:
        change = plan.updates[0]
        audit.record(actor, ip, "lao_updated", "lao", code, lao_id=saved.id, province_id=saved.province_id,
                     old=change.old, new=change.new)
    db.session.flush()
    return saved


def set_lao_active(actor: User | None, ip: str | None, lao: Lao, active: bool) -> None:
    """Deactivate or reactivate an LAO. LAOs are never deleted: figures and the audit trail refer to them.

    Raises NotPermittedError.
    """
    check_admin(actor)
    db.begin_write()
    lao = db.session.get(Lao, lao.id, populate_existing=True)
    if lao.active == active:
        return
    lao.active = active
    audit.record(actor, ip, "lao_reactivated" if active else "lao_deactivated", "lao", lao.code,
                 lao_id=lao.id, province_id=lao.province_id, old={"active": not active}, new={"active": active})
    db.session.flush()


def import_laos(actor: User | None, ip: str | None, upload: Upload, *, dry_run: bool,
                progress: ProgressFn | None = None) -> LaoPlan:
    """Check an LAO register file and, unless `dry_run` or any row is bad, apply it all; returns the plan.

    Idempotent: rows equal to the register change nothing (and write no audit event). Raises
    NotPermittedError, DomainError('file') for an unreadable file.
    """
    check_admin(actor)
    rows = imports.read_rows(upload, imports.LAO_COLUMNS)
    if not dry_run:
        db.begin_write()  # check inside the write transaction, so what is applied is what was checked
    plan = imports.plan_laos(rows, progress)
    if dry_run or plan.errors or not plan.has_changes:
        return plan
    _apply_lao_plan(plan)
    old = {f"{c.code}.{k}": v for c in plan.updates for k, v in c.old.items()}
    new = {f"{c.code}.{k}": v for c in plan.updates for k, v in c.new.items()}
    audit.record(actor, ip, "lao_import", "import", upload.sha256, old=old or None,
                 new={"file": upload.filename, "sha256": upload.sha256, "rows": plan.rows,
                      "created": len(plan.creates), "changed": len(plan.updates),
                      "created_codes": [c.code for c in plan.creates], **new})
    db.session.flush()
    return plan


# ---------------------------------------------------------------------------------------------------
# Figures


def _installment_ids(years: set[int]) -> dict[tuple[int, int], int]:
    rows = db.session.execute(select(Installment.fiscal_year_id, Installment.number, Installment.id)
                              .where(Installment.fiscal_year_id.in_(list(years))))
    return {(y, n): i for y, n, i in rows}


def _apply_figures_plan(actor: User | None, plan: FiguresPlan, now) -> None:
    """Write a checked plan: missing years, entries and reports with executemany statements."""
    for year in plan.years_to_create:
        create_fiscal_year(year, "annual")
    years = {c.year for c in plan.creates + plan.updates} | {r.year for r in plan.reports}
    inst = _installment_ids(years)
    entries = Entry.__table__
    if plan.creates:
        db.session.execute(insert(entries), [
            {"lao_id": c.lao_id, "installment_id": inst[(c.year, c.installment)], "item_id": c.item_id,
             "amount_satang": c.satang, "explanation": None} for c in plan.creates])
    if plan.updates:
        db.session.execute(
            update(entries).where(entries.c.id == bindparam("b_id")).values(amount_satang=bindparam("b_amount")),
            [{"b_id": c.entry_id, "b_amount": c.satang} for c in plan.updates])
    actor_id = actor.id if actor is not None else None
    confirmed = plan.confirm
    # recorded_late/confirmed_late stay False: an import loads figures from elsewhere, it is not the LAO's lateness
    stamp = {"status": Status.CONFIRMED.value if confirmed else Status.RECORDED.value,
             "recorded_by_id": actor_id, "recorded_at": now,
             "confirmed_by_id": actor_id if confirmed else None, "confirmed_at": now if confirmed else None,
             "confirmer_name": ((actor.full_name or actor.username) if actor else "system") if confirmed else None}
    reports = InstallmentReport.__table__
    new_reports = [r for r in plan.reports if r.report_id is None]
    if new_reports:
        db.session.execute(insert(reports), [
            {"lao_id": r.lao_id, "installment_id": inst[(r.year, r.installment)], "recorded_late": False,
             "confirmed_late": False, "version": 1, **stamp} for r in new_reports])
    changed_reports = [r for r in plan.reports if r.report_id is not None]
    if changed_reports:
        # Core statements bypass the ORM's version counter: bump it so open forms see the change
        db.session.execute(
            update(reports).where(reports.c.id == bindparam("b_id"))
            .values(version=reports.c.version + 1, return_reason=None,
                    **{k: bindparam(f"b_{k}") for k in stamp}),
            [{"b_id": r.report_id, **{f"b_{k}": v for k, v in stamp.items()}} for r in changed_reports])


def import_figures(actor: User | None, ip: str | None, upload: Upload, kind: str, *, confirm: bool = False,
                   dry_run: bool, today: date, ceiling: Decimal, progress: ProgressFn | None = None) -> FiguresPlan:
    """Check a baseline or entries file and, unless `dry_run` or any row is bad, apply it all; returns the plan.

    Baselines are stored as confirmed (their missing years created as annual years); entries as recorded,
    or as confirmed with `confirm` (administrators only). One audit event names the file's SHA-256 and
    row count. Idempotent: a file equal to the database changes nothing and writes no event.
    Raises NotPermittedError, DomainError('file') for an unreadable file.
    """
    check_admin(actor)
    if kind not in ("baseline", "entries"):
        raise DomainError("kind", N_("ไม่รู้จักชนิดข้อมูลนำเข้า"))
    columns = imports.BASELINE_COLUMNS if kind == "baseline" else imports.ENTRY_COLUMNS
    rows = imports.read_rows(upload, columns)
    if not dry_run:
        db.begin_write()
    plan = imports.plan_figures(rows, kind, confirm=confirm, today=today, ceiling=ceiling, progress=progress)
    if dry_run or plan.errors or not plan.has_changes:
        return plan
    now = utcnow()
    _apply_figures_plan(actor, plan, now)
    changes = plan.updates[:MAX_AUDIT_DETAILS]
    key = "{0.lao_code}/{0.year}/{0.installment}/{0.item_code}".format
    audit.record(
        actor, ip, f"{kind}_import", "import", upload.sha256,
        old={key(c): plain_baht(from_satang(c.old_satang)) for c in changes} or None,
        new={"file": upload.filename, "sha256": upload.sha256, "rows": plan.rows, "confirmed": plan.confirm,
             "entries_created": len(plan.creates), "entries_changed": len(plan.updates),
             "entries_unchanged": plan.unchanged, "reports": len(plan.reports),
             "years_created": plan.years_to_create, "total": plain_baht(from_satang(plan.total_satang)),
             **{key(c): plain_baht(from_satang(c.satang)) for c in changes}},
    )
    db.session.flush()
    return plan


# ---------------------------------------------------------------------------------------------------
# Accounts


@dataclass
class AccountDetails:
    """What an administrator sets on an account: person, role and scope (LAO or province code)."""

    full_name: str
    position: str
    phone: str
    role: str
    scope: str | None = None


def _scope_ids(role: str, scope: str | None) -> tuple[int | None, int | None]:
    """(lao id, province id) of a role's scope; DomainError('scope') when missing, unknown or not allowed."""
    scope = (scope or "").strip()
    if role == Role.LAO_OFFICER.value:
        if not scope:
            raise DomainError("scope", N_("เจ้าหน้าที่ อปท. ต้องระบุรหัส อปท."))
        lao_id = db.session.scalar(select(Lao.id).where(Lao.code == scope))
        if lao_id is None:
            raise DomainError("scope", N_("ไม่พบรหัส อปท. %(code)s"), code=scope)
        return lao_id, None
    if role == Role.PROVINCE_VERIFIER.value:
        if not scope:
            raise DomainError("scope", N_("ผู้ตรวจสอบ สถจ. ต้องระบุรหัสจังหวัด"))
        province_id = db.session.scalar(select(Province.id).where(Province.code == scope))
        if province_id is None:
            raise DomainError("scope", N_("ไม่พบรหัสจังหวัด %(code)s"), code=scope)
        return None, province_id
    if role not in (Role.NATIONAL_VIEWER.value, Role.ADMIN.value):
        raise DomainError("role", N_("ไม่รู้จักบทบาท %(role)s"), role=role)
    if scope:
        raise DomainError("scope", N_("บทบาทนี้เห็นข้อมูลทั้งประเทศ ไม่ต้องระบุขอบเขต"))
    return None, None


def _scope_label(user: User) -> str | None:
    if user.lao_id:
        return db.session.scalar(select(Lao.code).where(Lao.id == user.lao_id))
    if user.province_id:
        return db.session.scalar(select(Province.code).where(Province.id == user.province_id))
    return None


def _scope_province(lao_id: int | None, province_id: int | None) -> int | None:
    if lao_id is not None:
        return db.session.scalar(select(Lao.province_id).where(Lao.id == lao_id))
    return province_id


def create_user(actor: User | None, ip: str | None, username: str, details: AccountDetails,
                password: str | None = None) -> tuple[User, str | None]:
    """Create an account; without `password` it gets a one-time password (returned once) to change at login.

    Raises NotPermittedError, DomainError('username' | 'role' | 'scope' | 'password').
    """
    check_admin(actor)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError("username", N_("ชื่อผู้ใช้ต้องยาว 3–80 ตัว ใช้อักษรอังกฤษตัวเล็ก ตัวเลข จุด ขีด หรือขีดล่าง"))
    if password is not None:
        try:
            auth_ops.validate_new_password(password, username)
        except DomainError as err:
            raise DomainError("password", err.message, **err.params) from err
    db.begin_write()
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)) is not None:
        raise DomainError("username", N_("ชื่อผู้ใช้ %(username)s มีอยู่แล้ว"), username=username)
    lao_id, province_id = _scope_ids(details.role, details.scope)
    one_time = auth_ops.one_time_password() if password is None else None
    user = User(username=username, password_hash=auth_ops.hash_password(password or one_time),
                full_name=(details.full_name or "").strip(), position=(details.position or "").strip(),
                phone=(details.phone or "").strip(), role=details.role, lao_id=lao_id, province_id=province_id,
                active=True, must_change_password=one_time is not None, failed_logins=0,
                session_token=auth_ops.new_session_token())
    db.session.add(user)
    db.session.flush()
    audit.record(actor, ip, "user_created", "user", username, lao_id=lao_id,
                 province_id=_scope_province(lao_id, province_id),
                 new={"role": details.role, "scope": (details.scope or "").strip() or None,
                      "full_name": user.full_name, "one_time_password": one_time is not None})
    db.session.flush()
    return user, one_time


def update_user(actor: User | None, ip: str | None, target: User, details: AccountDetails) -> bool:
    """Change an account's person details, role and scope; a new role or scope ends its sessions.

    Returns whether anything changed. Raises NotPermittedError, DomainError('role' | 'scope').
    """
    check_admin(actor)
    db.begin_write()
    target = db.session.get(User, target.id, populate_existing=True)
    lao_id, province_id = _scope_ids(details.role, details.scope)
    if actor is not None and actor.id == target.id and details.role != target.role:
        raise DomainError("role", N_("ไม่สามารถเปลี่ยนบทบาทของบัญชีตนเองได้"))
    wanted = {"full_name": (details.full_name or "").strip(), "position": (details.position or "").strip(),
              "phone": (details.phone or "").strip(), "role": details.role, "scope": (details.scope or "").strip() or None}
    current = {"full_name": target.full_name, "position": target.position, "phone": target.phone,
               "role": target.role, "scope": _scope_label(target)}
    old = {k: v for k, v in current.items() if wanted[k] != v}
    if not old:
        return False
    target.full_name, target.position, target.phone = wanted["full_name"], wanted["position"], wanted["phone"]
    if "role" in old or "scope" in old:
        target.role, target.lao_id, target.province_id = details.role, lao_id, province_id
        target.session_token = auth_ops.new_session_token()  # what the user may see changed: log in again
    audit.record(actor, ip, "user_updated", "user", target.username, lao_id=lao_id,
                 province_id=_scope_province(lao_id, province_id), old=old, new={k: wanted[k] for k in old})
    db.session.flush()
    return True


def reset_user_password(actor: User, ip: str | None, target: User) -> str:
    """Give an account a one-time password (returned once); raises NotPermittedError."""
    check_admin(actor)
    db.begin_write()
    target = db.session.get(User, target.id, populate_existing=True)
    return auth_ops.reset_password(actor, target, ip)


def set_user_active(actor: User, ip: str | None, target: User, active: bool) -> None:
    """Disable (ending its sessions) or re-enable an account; raises NotPermittedError, DomainError (own account)."""
    check_admin(actor)
    db.begin_write()
    target = db.session.get(User, target.id, populate_existing=True)
    if target.active != active:
        auth_ops.set_active(actor, target, active, ip)


@dataclass
class IssuedAccount:
    """A bulk-created LAO officer account and its one-time password, for the distribution sheet."""

    province: str
    district: str
    lao_code: str
    lao_name: str
    lao_type: str
    username: str
    password: str


@dataclass
class BulkResult:
    """What a bulk account creation did and how long the password hashing took."""

    accounts: list[IssuedAccount] = field(default_factory=list)
    hash_seconds: float = 0.0
    seconds: float = 0.0
    workers: int = 1


def _hash_one_time(password: str) -> str:
    """Hash a one-time password with BULK_HASH_METHOD (module level so pool workers can import it)."""
    return generate_password_hash(password, method=BULK_HASH_METHOD)


def hash_many(passwords: list[str], workers: int | None = None) -> tuple[list[str], int]:
    """Hash passwords, in a pool of `workers` processes (default: CPU count) when there are many.

    scrypt holds the GIL-free C code only briefly, so processes, not threads, use the other cores.
    Returns the hashes and the number of processes used.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(passwords) < _POOL_THRESHOLD:
        return [_hash_one_time(p) for p in passwords], 1
    # spawn, not fork: the parent holds database connections and server threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk = max(1, len(passwords) // (workers * 8))
        return list(pool.map(_hash_one_time, passwords, chunksize=chunk)), workers


def laos_without_officer(province_id: int | None) -> list:
    """Active LAOs (of a province, or all) that have no LAO-officer account at all, with their place names.

    Rows: id, code, name_th, lao_type, province_id, province name, district name.
    """
    q = (select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, Lao.province_id, Province.name_th, District.name_th)
         .join(Province, Province.id == Lao.province_id).join(District, District.id == Lao.district_id)
         .where(Lao.active.is_(True), ~exists().where(User.lao_id == Lao.id)).order_by(Lao.id))
    if province_id is not None:
        q = q.where(Lao.province_id == province_id)
    return db.session.execute(q).all()


def bulk_create_lao_accounts(actor: User | None, ip: str | None, province: Province | None,
                             workers: int | None = None,
                             progress: Callable[[str], None] | None = None) -> BulkResult:
    """Create one LAO-officer account with a one-time password for every active LAO (of `province`, or the
    country) that has none; usernames are the LAO codes. Returns the accounts with their passwords, once.

    Passwords are hashed before the write transaction opens (it can take minutes nationally) and the LAOs
    are checked again inside it, so LAOs that got an account meanwhile are skipped. Raises NotPermittedError.
    """
    check_admin(actor)
    started = time.perf_counter()
    province_id = province.id if province is not None else None
    candidates = [r[0] for r in laos_without_officer(province_id)]
    result = BulkResult()
    if not candidates:
        return result
    passwords = [auth_ops.one_time_password() for _ in candidates]
    if progress:
        progress(f"hashing {len(passwords)} passwords")
    t0 = time.perf_counter()
    hashes, result.workers = hash_many(passwords, workers)
    result.hash_seconds = time.perf_counter() - t0

    db.begin_write()
    still = {r[0]: r for r in laos_without_officer(province_id)}
    taken = {u.lower() for u in db.session.scalars(select(User.username))}
    users, events, now = [], [], utcnow()
    for lao_id, password, pw_hash in zip(candidates, passwords, hashes):
        if lao_id not in still:
            continue
        _id, code, name, lao_type, pid, province_name, district_name = still[lao_id]
        username, n = code.lower(), 1
        while username in taken or not USERNAME_RE.match(username):
            n += 1
            username = f"lao{code.lower()}" if n == 2 else f"lao{code.lower()}-{n}"
        taken.add(username)
        users.append({"username": username, "password_hash": pw_hash, "full_name": "", "position": "", "phone": "",
                      "role": Role.LAO_OFFICER.value, "lao_id": lao_id, "province_id": None, "active": True,
                      "must_change_password": True, "failed_logins": 0,
                      "session_token": auth_ops.new_session_token()})
        events.append({"at": now, "user_id": actor.id if actor else None,
                       "username": actor.username if actor else "system", "ip": ip, "action": "user_created",
                       "object_type": "user", "object_id": username, "lao_id": lao_id, "province_id": pid,
                       "old_values": None,
                       "new_values": {"role": Role.LAO_OFFICER.value, "scope": code, "bulk": True,
                                      "one_time_password": True}})
        result.accounts.append(IssuedAccount(province_name, district_name, code, name, lao_type, username, password))
    if users:
        db.session.execute(insert(User.__table__), users)
        db.session.execute(insert(AuditEvent.__table__), events)
        audit.record(actor, ip, "accounts_bulk_created", "user", None, province_id=province_id,
                     new={"province": province.code if province else None, "accounts": len(users)})
        db.session.flush()
    result.accounts.sort(key=lambda a: (a.province, a.district, a.lao_code))
    result.seconds = time.perf_counter() - started
    return result
