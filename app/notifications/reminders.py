"""Scheduled deadline reminders (`flask reminders run`): one message a day per recipient, each listing exactly what is
outstanding, idempotent per day by its dedupe key (`<kind>:<date>`), created in set-based queries.

* LAO officers: an installment whose period has ended and that the LAO has not recorded, N days before its entry
  deadline (N = fiscal_years.reminder_days), on it, the day after and then weekly (app/domain/reminders.py). The
  message lists every installment the LAO still has to record, with its period and deadline in B.E.
* Provincial verifiers: installments recorded but not confirmed, N days before the confirmation deadline and on it:
  per installment the number of LAOs waiting and their names (up to NAMES_LIMIT).
* National staff: a daily digest of the provinces behind schedule on the latest installment whose entry deadline
  has passed (the monitoring page's query, read only).

Deadlines are read through `entry_deadline_of` and `confirm_deadline_of` only: SQL expressions over an LAO (or
province) and an installment that honour approved deadline extensions (app.deadlines): an LAO whose entry deadline was
extended is reminded against the new date.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import ColumnElement, and_, or_, select

from .. import db
from ..domain import calendar as cal
from ..domain import reminders as rules
from ..domain.thai_sort import thai_sort_key
from ..domain.vocabulary import RECORDED_STATUSES, NotificationKind
from ..domain.workflow import Role, Status
from ..i18n import gettext as _
from ..deadlines import queries as deadline_queries
from ..domain.extensions import ExtensionKind
from ..models import FiscalYear, Installment, InstallmentReport, Lao, User
from .operations import Message, notify_each

NAMES_LIMIT = 10  # LAO names listed per installment in a verifier's reminder
PROVINCES_LIMIT = 30  # provinces listed in the national digest
LOOKBACK = timedelta(days=400)  # installments whose period ended longer ago are not chased any more


# --- the deadlines: the one reading --------------------------------------------------------------------------------

def entry_deadline_of(lao_id: Any, installment: type[Installment] = Installment) -> ColumnElement[Any]:
    """The entry deadline in force of an LAO's installment as a SQL expression over the LAO id column `lao_id` and
    the installment row of the statement (an approved extension, else the installment's own deadline)."""
    return deadline_queries.in_force_sql(ExtensionKind.ENTRY, lao_id, installment)


def confirm_deadline_of(province_id: Any, installment: type[Installment] = Installment) -> ColumnElement[Any]:
    """The confirmation deadline in force of a province's installment as a SQL expression (see `entry_deadline_of`)."""
    return deadline_queries.in_force_sql(ExtensionKind.CONFIRM, province_id, installment)


# --- helpers -------------------------------------------------------------------------------------------------------

@dataclass
class RunResult:
    """Messages created by one run, per kind."""

    entry: int = 0
    confirm: int = 0
    digest: int = 0
    recipients: dict[str, int] = field(default_factory=dict)


@contextmanager
def stored_texts() -> Iterator[None]:
    """Messages are stored in Thai whoever triggers them (and a request context for url_for in the CLI)."""
    if has_request_context():
        with force_locale("th"):
            yield
        return
    with current_app.test_request_context("/"), force_locale("th"):
        yield


def path_for(endpoint: str, **values: Any) -> str:
    """A local path to a page (stored with the message; mails make it absolute)."""
    return url_for(endpoint, **values)


def due_text(deadline: date, today: date, what: str) -> str:
    """'กำหนดบันทึก 15 ม.ค. 2570 (อีก 3 วัน / วันนี้ / เลยกำหนด 5 วัน)'."""
    days = rules.days_between(deadline, today)
    if days > 0:
        when = _("อีก %(n)s วัน", n=days)
    elif days == 0:
        when = _("ครบกำหนดวันนี้")
    else:
        when = _("เลยกำหนดมาแล้ว %(n)s วัน", n=-days)
    return f"{what} {cal.thai_date(deadline)} ({when})"


def installment_text(inst: Installment) -> str:
    """'งวดที่ 3 ปีงบประมาณ 2570 (ธ.ค. 2569)'."""
    return _("งวดที่ %(n)s ปีงบประมาณ %(year)s (%(period)s)", n=inst.number, year=inst.fiscal_year_id,
             period=cal.thai_period(inst.period_start, inst.period_end))


def recipients_of(role: Role, column: Any, ids: list[int]) -> dict[int, list[int]]:
    """Active accounts of `role` per LAO or province id (`column` is User.lao_id or User.province_id)."""
    out: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return out
    for uid, key in db.session.execute(select(User.id, column).where(
            User.role == role.value, User.active.is_(True), column.in_(ids))):
        out[key].append(uid)
    return out


def _open_installments(today: date) -> tuple[list[Installment], dict[int, int]]:
    """Installments whose period has ended (within LOOKBACK) and each fiscal year's reminder days."""
    rows = db.session.execute(
        select(Installment, FiscalYear.reminder_days).join(FiscalYear, FiscalYear.year == Installment.fiscal_year_id)
        .where(Installment.period_end < today, Installment.period_end >= today - LOOKBACK)
        .order_by(Installment.fiscal_year_id, Installment.number)).all()
    return [r[0] for r in rows], {r[0].fiscal_year_id: int(r[1]) for r in rows}


def _triggered(deadline_col: ColumnElement[Any], days_of: dict[int, int], today: date) -> ColumnElement[bool]:
    """SQL: the deadline has a reminder today (N days before it for its year's N, on it, or after it weekly)."""
    return or_(*(and_(Installment.fiscal_year_id == fy, deadline_col.in_(rules.trigger_dates(today, n)))
                 for fy, n in days_of.items()))


# --- LAO officers --------------------------------------------------------------------------------------------------

def entry_reminders(today: date, now: datetime | None = None) -> tuple[int, int]:
    """Remind the officers of LAOs with an unrecorded installment whose entry deadline calls for it today.

    Returns (messages created, LAOs reminded)."""
    insts, days_of = _open_installments(today)
    if not insts:
        return 0, 0
    by_id = {i.id: i for i in insts}
    deadline = entry_deadline_of(Lao.id).label("deadline")
    missing = or_(InstallmentReport.id.is_(None), InstallmentReport.status.not_in(RECORDED_STATUSES))
    pairs = (select(Lao.id.label("lao_id"), Installment.id.label("installment_id"))
             .select_from(Lao).join(Installment, Installment.id.in_(list(by_id)))
             .outerjoin(InstallmentReport, and_(InstallmentReport.lao_id == Lao.id,
                                                InstallmentReport.installment_id == Installment.id))
             .where(Lao.active.is_(True), missing))
    triggered = (pairs.where(_triggered(entry_deadline_of(Lao.id), days_of, today)).with_only_columns(Lao.id)
                 .correlate(None))
    rows = db.session.execute(
        pairs.add_columns(Lao.code, Lao.name_th, deadline).where(Lao.id.in_(triggered))
        .order_by(Lao.id, deadline, Installment.fiscal_year_id, Installment.number)).all()
    outstanding: dict[int, list[tuple[Installment, date]]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for lao_id, inst_id, code, name, due in rows:
        outstanding[lao_id].append((by_id[inst_id], due))
        names[lao_id] = (code, name)
    officers = recipients_of(Role.LAO_OFFICER, User.lao_id, list(outstanding))
    messages = []
    with stored_texts():
        edit = path_for("entry.edit", lao_code="__LAO__", year=1, number=1).rsplit("/", 2)[0]  # /entry/__LAO__
        for lao_id, items in outstanding.items():
            if lao_id not in officers:
                continue
            code, name = names[lao_id]
            first = items[0][0]
            lines = [_("%(lao)s ยังไม่ได้บันทึกข้อมูลรายได้ที่จัดเก็บเอง %(n)s งวด:", lao=name, n=len(items))]
            lines += [f"• {installment_text(inst)} — {due_text(due, today, _('กำหนดบันทึก'))}" for inst, due in items]
            lines.append(_("กรุณาบันทึกข้อมูลในระบบภายในกำหนด"))
            subject = _("เตือนการบันทึกข้อมูลรายได้: ยังไม่บันทึก %(n)s งวด", n=len(items))
            url = f"{edit.replace('__LAO__', quote(code, safe=''))}/{first.fiscal_year_id}/{first.number}"
            messages.append(Message(officers[lao_id], subject, "\n".join(lines), url))
    created = notify_each(messages, NotificationKind.ENTRY_REMINDER, dedupe_key=f"entry:{today.isoformat()}",
                          now=now)
    return created, len(messages)


# --- provincial verifiers ------------------------------------------------------------------------------------------

def confirm_reminders(today: date, now: datetime | None = None) -> tuple[int, int]:
    """Remind the verifiers of provinces with recorded, unconfirmed installments N days before the confirmation
    deadline and on it. Returns (messages created, provinces reminded)."""
    insts, days_of = _open_installments(today)
    if not insts:
        return 0, 0
    by_id = {i.id: i for i in insts}
    due_expr = confirm_deadline_of(Lao.province_id)
    rows = db.session.execute(
        select(Lao.province_id, Installment.id, Lao.name_th, due_expr)
        .select_from(InstallmentReport)
        .join(Lao, Lao.id == InstallmentReport.lao_id)
        .join(Installment, Installment.id == InstallmentReport.installment_id)
        .where(InstallmentReport.installment_id.in_(list(by_id)), InstallmentReport.status == Status.RECORDED.value,
               Lao.active.is_(True),
               or_(*(and_(Installment.fiscal_year_id == fy,
                          due_expr.in_([today + timedelta(days=n), today] if n > 0 else [today]))
                     for fy, n in days_of.items())))).all()
    waiting: dict[int, dict[int, tuple[date, list[str]]]] = defaultdict(dict)
    for province_id, inst_id, name, due in rows:
        waiting[province_id].setdefault(inst_id, (due, []))[1].append(name)
    verifiers = recipients_of(Role.PROVINCE_VERIFIER, User.province_id, list(waiting))
    messages = []
    with stored_texts():
        home = path_for("verify.home")
        for province_id, per_inst in waiting.items():
            if province_id not in verifiers:
                continue
            total = sum(len(names) for _due, names in per_inst.values())
            lines = [_("อปท. ที่บันทึกข้อมูลแล้วและรอการยืนยันจาก สถจ. รวม %(n)s แห่ง:", n=total)]
            for inst_id, (due, names) in sorted(per_inst.items(), key=lambda kv: (kv[1][0], kv[0])):
                inst = by_id[inst_id]
                names.sort(key=thai_sort_key)
                shown = ", ".join(names[:NAMES_LIMIT])
                if len(names) > NAMES_LIMIT:
                    shown += " " + _("และอีก %(n)s แห่ง", n=len(names) - NAMES_LIMIT)
                lines.append(f"• {installment_text(inst)} — {due_text(due, today, _('กำหนดยืนยัน'))}: "
                             + _("%(n)s แห่ง", n=len(names)) + f" ({shown})")
            first = by_id[min(per_inst, key=lambda i: (per_inst[i][0], i))]
            subject = _("เตือนการยืนยันข้อมูล: รอการยืนยัน %(n)s แห่ง", n=total)
            url = f"{home}?year={first.fiscal_year_id}&number={first.number}"
            messages.append(Message(verifiers[province_id], subject, "\n".join(lines), url))
    created = notify_each(messages, NotificationKind.CONFIRM_REMINDER, dedupe_key=f"confirm:{today.isoformat()}",
                          now=now)
    return created, len(messages)


# --- national staff ------------------------------------------------------------------------------------------------

def national_digest(today: date, now: datetime | None = None) -> tuple[int, int]:
    """The daily digest of provinces behind schedule for national staff. Returns (messages, provinces behind)."""
    from ..reports.queries import monitoring

    inst = db.session.scalar(select(Installment).where(Installment.entry_deadline < today)
                             .order_by(Installment.entry_deadline.desc(), Installment.fiscal_year_id.desc()).limit(1))
    if inst is None:
        return 0, 0
    result = monitoring(inst.fiscal_year_id, inst.number, today)
    behind = [r for r in result.rows if r.entry_overdue or r.confirm_overdue]
    if not behind:
        return 0, 0
    staff = list(db.session.scalars(select(User.id).where(User.role == Role.NATIONAL_VIEWER.value,
                                                          User.active.is_(True))))
    with stored_texts():
        lines = [_("%(inst)s: %(n)s จังหวัดยังดำเนินการไม่ครบตามกำหนด", inst=installment_text(inst), n=len(behind)),
                 _("กำหนดบันทึก %(entry)s · กำหนดยืนยัน %(confirm)s", entry=cal.thai_date(inst.entry_deadline),
                   confirm=cal.thai_date(inst.confirm_deadline))]
        for r in behind[:PROVINCES_LIMIT]:
            lines.append("• " + _("%(name)s: ยังไม่บันทึก %(entry)s แห่ง ยังไม่ยืนยัน %(confirm)s แห่ง (จาก %(laos)s แห่ง)",
                                  name=r.name, entry=f"{r.entry_overdue:,}", confirm=f"{r.confirm_overdue:,}",
                                  laos=f"{r.laos:,}"))
        if len(behind) > PROVINCES_LIMIT:
            lines.append(_("และอีก %(n)s จังหวัด", n=len(behind) - PROVINCES_LIMIT))
        subject = _("สรุปประจำวัน: %(n)s จังหวัดล่าช้ากว่ากำหนด", n=len(behind))
        url = path_for("reports.monitoring", year=inst.fiscal_year_id, number=inst.number)
    created = notify_each([Message(staff, subject, "\n".join(lines), url)], NotificationKind.NATIONAL_DIGEST,
                          dedupe_key=f"digest:{today.isoformat()}", now=now)
    return created, len(behind)


def run(today: date, now: datetime | None = None) -> RunResult:
    """Every scheduled reminder of `today` (in the caller's transaction)."""
    result = RunResult()
    result.entry, result.recipients["laos"] = entry_reminders(today, now)
    result.confirm, result.recipients["provinces"] = confirm_reminders(today, now)
    result.digest, result.recipients["provinces_behind"] = national_digest(today, now)
    return result

