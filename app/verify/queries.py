"""Read queries of the verify area: status report (INR911), review rows, follow-up list, progress matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, null, select, union_all
from sqlalchemy.orm import contains_eager

from .. import db, fiscal, reference, totals
from ..deadlines import queries as deadline_queries
from ..reports import as_of as past
from ..domain import typo_guard
from ..domain.money import from_satang, pct_change, shares
from ..domain.thai_sort import SortKey, thai_sort_key
from ..domain.vocabulary import LAO_TYPE_ORDER, RECORDED_STATUSES, AuditAction
from ..domain.workflow import Role, Status
from ..figures import prior_installment_ids
from ..models import (
    AuditEvent,
    District,
    Entry,
    Installment,
    InstallmentReport,
    Lao,
    Province,
    RevenueItem,
    User,
)
from ..reference import items_for

# Progress-matrix marks, in the order of the legend.
MARK_NOT_RECORDED = "not_recorded"
MARK_RECORDED = "recorded"
MARK_LATE = "late"
MARK_CONFIRMED = "confirmed"
MARK_RETURNED = "returned"
MARK_OPEN = "open"  # the period has not ended: nothing is due yet
MARKS = (MARK_NOT_RECORDED, MARK_RECORDED, MARK_LATE, MARK_CONFIRMED, MARK_RETURNED)


def _in_scope(stmt, province_id: int | None, lao_type: str | None, district_id: int | None):
    """Restrict a statement over Lao to the active LAOs of a province / type / district."""
    stmt = stmt.where(Lao.active.is_(True))
    if province_id is not None:
        stmt = stmt.where(Lao.province_id == province_id)
    if lao_type:
        stmt = stmt.where(Lao.lao_type == lao_type)
    if district_id is not None:
        stmt = stmt.where(Lao.district_id == district_id)
    return stmt


def _lao_order(province_name: str, district_name: str, lao_type: str, name: str) -> tuple:
    """Sort key: province, district, type (PAO, municipality, SAO), name, all in Thai dictionary order."""
    return (thai_sort_key(province_name), thai_sort_key(district_name), LAO_TYPE_ORDER.get(lao_type, 9),
            thai_sort_key(name))


# --------------------------------------------------------------------------- installments


# --------------------------------------------------------------------------- INR911 status report


@dataclass
class StatusRow:
    """One LAO in the status report with its state for the installment."""

    lao_id: int
    lao_code: str
    lao_name: str
    lao_type: str
    district_code: str
    district_name: str
    province_code: str
    province_name: str
    status: str
    version: int
    recorded_at: datetime | None
    recorded_late: bool
    confirmed_at: datetime | None
    confirmed_late: bool
    extended_to: date | None = None  # the LAO's approved extension of the entry deadline


@dataclass
class StatusReport:
    """INR911: the LAOs that recorded an installment and those that did not, with counts and shares."""

    installment_id: int
    fiscal_year: int
    number: int
    recorded: list[StatusRow]
    not_recorded: list[StatusRow]
    recorded_count: int
    not_recorded_count: int
    total: int
    recorded_pct: Decimal
    not_recorded_pct: Decimal
    confirmed_count: int = 0
    returned_count: int = 0
    late_count: int = 0
    rows: list[StatusRow] = field(default_factory=list)  # every LAO in report order (both lists interleaved)
    as_of: datetime | None = None  # the past moment the report is as of (naive UTC), None: now


@dataclass
class ProvinceStatus:
    """One province's line of the national INR911 summary."""

    province_code: str
    province_name: str
    total: int
    recorded: int
    recorded_pct: Decimal
    not_recorded_pct: Decimal

    @property
    def not_recorded(self) -> int:
        """LAOs that have not recorded."""
        return self.total - self.recorded


def status_by_province(installment: Installment, lao_type: str | None = None,
                       as_of: datetime | None = None) -> list[ProvinceStatus]:
    """INR911 counts per province, in Thai dictionary order; shares add up to 100.00 per row.

    Active LAOs are counted from the register, recorded reports read from the rollup (app.totals), or with `as_of`
    (naive UTC) from the reports as they stood then (app/reports/as_of.py).
    """
    laos = _in_scope(
        select(Province.id, Province.code, Province.name_th, func.count(Lao.id))
        .select_from(Lao).join(Province, Province.id == Lao.province_id)
        .group_by(Province.id, Province.code, Province.name_th),
        None, lao_type, None,
    )
    recorded_of: dict[int, int] = defaultdict(int)
    if as_of is not None:
        recorded_of.update(past.recorded_by_province(as_of, installment.id, lao_type or None))
    for (pid,), (n, _late, _amount) in ({} if as_of is not None else totals.grouped([installment.id], ("province_id",), statuses=RECORDED_STATUSES,
                                                      lao_type=lao_type or None, active_only=True)).items():
        recorded_of[pid] += n
    lines = []
    for pid, code, name, total in db.session.execute(laos):
        recorded = recorded_of[pid]
        pct_recorded, pct_not = shares([recorded, total - recorded])
        lines.append(ProvinceStatus(code, name, total, recorded, pct_recorded, pct_not))
    return sorted(lines, key=lambda line: thai_sort_key(line.province_name))


def status_report(installment: Installment, province_id: int | None = None, lao_type: str | None = None,
                  district_id: int | None = None, extended: dict[tuple[int, int], date] | None = None,
                  as_of: datetime | None = None) -> StatusReport:
    """INR911 for `installment`: every active LAO in scope split into recorded / not recorded.

    "Recorded" means the LAO has figures for the installment (recorded, confirmed or returned for
    correction). Percentages have 2 decimals and add up to 100.00. One query for the rows; the counts are theirs;
    the LAOs' approved entry extensions are `extended` (deadlines.queries), read here when not given.
    With `as_of` (naive UTC) each LAO's report is the one it had then (app/reports/as_of.py).
    """
    rep: Any = InstallmentReport.__table__
    report_join = and_(rep.c.lao_id == Lao.id, rep.c.installment_id == installment.id)
    if as_of is not None:
        rep, report_join = past.report_join(as_of, installment.id, Lao.id)
    stmt = _in_scope(
        select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, District.code, District.name_th, Province.code,
               Province.name_th, rep.c.status, rep.c.version, rep.c.recorded_at, rep.c.recorded_late,
               rep.c.confirmed_at, rep.c.confirmed_late)
        .join(District, District.id == Lao.district_id)
        .join(Province, Province.id == Lao.province_id)
        .outerjoin(rep, report_join),
        province_id, lao_type, district_id,
    )
    rows = [
        StatusRow(lao_id=r[0], lao_code=r[1], lao_name=r[2], lao_type=r[3], district_code=r[4], district_name=r[5],
                  province_code=r[6], province_name=r[7], status=r[8] or Status.NOT_RECORDED.value,
                  version=r[9] or 0, recorded_at=r[10], recorded_late=bool(r[11]), confirmed_at=r[12],
                  confirmed_late=bool(r[13]))
        for r in db.session.execute(stmt)
    ]
    if extended is None:
        extended = deadline_queries.entry_extensions([installment.id], province_id=province_id)
    if extended:
        for row in rows:
            row.extended_to = extended.get((row.lao_id, installment.id))
    rows.sort(key=lambda r: _lao_order(r.province_name, r.district_name, r.lao_type, r.lao_name))
    recorded = [r for r in rows if r.status in RECORDED_STATUSES]
    not_recorded = [r for r in rows if r.status not in RECORDED_STATUSES]

    # the counts are those of the rows just read: the same LAOs, no second query
    total, n_recorded = len(rows), len(recorded)
    n_confirmed = sum(1 for r in recorded if r.status == Status.CONFIRMED.value)
    n_returned = sum(1 for r in recorded if r.status == Status.RETURNED.value)
    n_late = sum(1 for r in recorded if r.recorded_late)
    pct_recorded, pct_not = shares([n_recorded, total - n_recorded])
    return StatusReport(
        installment_id=installment.id, fiscal_year=installment.fiscal_year_id, number=installment.number,
        recorded=recorded, not_recorded=not_recorded, recorded_count=n_recorded,
        not_recorded_count=total - n_recorded, total=total, recorded_pct=pct_recorded, not_recorded_pct=pct_not,
        confirmed_count=n_confirmed, returned_count=n_returned, late_count=n_late, rows=rows, as_of=as_of,
    )


@dataclass
class ListPage:
    """One page of INR911's two lists: the rows of a slice of the LAOs (in report order) and where it starts."""

    recorded: list[StatusRow]
    not_recorded: list[StatusRow]
    recorded_start: int  # rows of the recorded list before this page (numbering goes on across pages)
    not_recorded_start: int
    page: int
    pages: int


def list_page(report: StatusReport, page: int, size: int | None) -> ListPage:
    """Page `page` (1-based, clamped) of the report's LAOs, `size` LAOs a page (all on one page when None).

    The LAOs are taken in the report's order (province, district, type, name) over both lists, so a page holds
    the recorded and the not-recorded LAOs of the same provinces.
    """
    rows = report.rows
    if not size or len(rows) <= size:
        return ListPage(report.recorded, report.not_recorded, 0, 0, 1, 1)
    pages = (len(rows) + size - 1) // size
    page = min(max(page, 1), pages)
    before, chunk = rows[:(page - 1) * size], rows[(page - 1) * size:page * size]
    n_rec_before = sum(1 for r in before if r.status in RECORDED_STATUSES)
    return ListPage([r for r in chunk if r.status in RECORDED_STATUSES],
                    [r for r in chunk if r.status not in RECORDED_STATUSES],
                    n_rec_before, len(before) - n_rec_before, page, pages)


# --------------------------------------------------------------------------- part 1: review rows


@dataclass
class ItemWarning:
    """A typo-guard warning on one item with the LAO's explanation."""

    item_code: str
    code: str
    message: str
    explanation: str | None


@dataclass
class ReviewRow:
    """One LAO that recorded the installment, as the verifier sees it (part 1)."""

    lao_id: int
    lao_code: str
    lao_name: str
    lao_type: str
    district_name: str
    status: str
    version: int
    amounts: dict[str, Decimal]
    total: Decimal
    prior_total: Decimal | None
    change_pct: Decimal | None
    warnings: list[ItemWarning]
    recorder_name: str | None
    recorder_position: str | None
    recorder_phone: str | None
    recorded_at: datetime | None
    recorded_late: bool
    confirmed_at: datetime | None
    confirmed_late: bool
    confirmer_name: str | None
    return_reason: str | None
    resubmitted_at: datetime | None = None  # the LAO saved again after the verifier's last return
    extended_to: date | None = None  # the LAO's approved extension of the entry deadline


def _resubmitted(installment: Installment, candidates: dict[int, tuple[str, datetime | None]]) -> dict[int, datetime]:
    """Of `candidates` (lao id -> (lao code, recorded at)), those the LAO saved again after the verifier's latest
    return: the latest review event of the report is a return older than the recording. One query, by the reports'
    object ids only (their index), the actions filtered here: a condition on the action would lead SQLite to the
    action's index, which holds every return and unconfirmation of the country."""
    if not candidates:
        return {}
    suffix = f"/{installment.fiscal_year_id}/{installment.number}"
    reviews = (AuditAction.RETURN_INSTALLMENT.value, AuditAction.UNCONFIRM_INSTALLMENT.value)
    latest: dict[str, tuple[datetime, str]] = {}
    for object_id, action, at in db.session.execute(
        select(AuditEvent.object_id, AuditEvent.action, AuditEvent.at)
        .where(AuditEvent.object_type == "installment_report",
               AuditEvent.object_id.in_([code + suffix for code, _at in candidates.values()]))
    ):
        if object_id is not None and action in reviews and (object_id not in latest or at > latest[object_id][0]):
            latest[object_id] = (at, action)
    out = {}
    for lao_id, (code, recorded_at) in candidates.items():
        event = latest.get(code + suffix)
        if event and recorded_at and event[1] == AuditAction.RETURN_INSTALLMENT.value and recorded_at > event[0]:
            out[lao_id] = recorded_at
    return out


def item_columns(fiscal_year: int, lao_types: set[str] | None = None) -> list[RevenueItem]:
    """The revenue items collected in `fiscal_year` by `lao_types` (all types when None), in display order."""
    seen: dict[int, RevenueItem] = {}
    for t in sorted(LAO_TYPE_ORDER if lao_types is None else lao_types, key=lambda t: LAO_TYPE_ORDER.get(t, 9)):
        for item in items_for(t, fiscal_year):
            seen.setdefault(item.id, item)
    return sorted(seen.values(), key=lambda i: (i.sort_order, i.code))


def _explanations(lao_ids: list[int], installment_id: int) -> dict[tuple[int, str], str]:
    """The LAOs' explanations per (lao id, item code) for one installment (one query)."""
    if not lao_ids:
        return {}
    rows = db.session.execute(
        select(Entry.lao_id, RevenueItem.code, Entry.explanation)
        .join(RevenueItem, RevenueItem.id == Entry.item_id)
        .where(Entry.installment_id == installment_id, Entry.lao_id.in_(lao_ids), Entry.explanation.is_not(None))
    )
    return {(lao_id, code): text for lao_id, code, text in rows if text}


def review_rows(installment: Installment, province_id: int | None, lao_type: str | None = None,
                district_id: int | None = None, status: str | None = None,
                extended: dict[tuple[int, int], date] | None = None) -> list[ReviewRow]:
    """Part 1: the LAOs in scope that recorded `installment`, with figures, prior year and warnings.

    `status` narrows to recorded / confirmed / returned. Sums come from SQL (GROUP BY LAO and item).
    """
    statuses = (status,) if status in RECORDED_STATUSES else RECORDED_STATUSES
    stmt = _in_scope(
        select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, District.name_th, InstallmentReport)
        .join(District, District.id == Lao.district_id)
        .join(InstallmentReport, and_(InstallmentReport.lao_id == Lao.id,
                                      InstallmentReport.installment_id == installment.id))
        .where(InstallmentReport.status.in_(statuses)),
        province_id, lao_type, district_id,
    )
    found = db.session.execute(stmt).all()
    ids = [r[0] for r in found]
    prior_ids = prior_installment_ids(installment)
    current: dict[int, dict[str, int]] = {}
    prior: dict[int, dict[str, int]] = {}
    had_prior: set[int] = set()
    explanations: dict[tuple[int, str], str] = {}
    if ids:  # the figures of both periods, the prior year's presence and the explanations: one query
        code_of = {i.id: i.code for i in reference.current().items}
        for lao_id, inst_id, item_id, satang, text in db.session.execute(
            select(Entry.lao_id, Entry.installment_id, Entry.item_id, Entry.amount_satang, Entry.explanation)
            .where(Entry.installment_id.in_([installment.id, *prior_ids]), Entry.lao_id.in_(ids))
        ):
            code = code_of[item_id]
            if inst_id == installment.id:
                per = current.setdefault(lao_id, {})
                if text:
                    explanations[(lao_id, code)] = text
            else:
                per = prior.setdefault(lao_id, {})
                had_prior.add(lao_id)
            per[code] = per.get(code, 0) + int(satang or 0)
    messages = typo_guard.WARNING_MESSAGES

    rows = []
    for lao_id, code, name, ltype, district_name, rep in found:
        amounts = {c: from_satang(v) for c, v in current.get(lao_id, {}).items()}
        prior_items = {c: from_satang(v) for c, v in prior.get(lao_id, {}).items()}
        total = sum(amounts.values(), Decimal("0.00"))
        prior_total = sum(prior_items.values(), Decimal("0.00")) if lao_id in had_prior else None
        warnings = []
        for item_code, amount in sorted(amounts.items()):
            warn = typo_guard.check(amount, prior_items.get(item_code))
            if warn:
                warnings.append(ItemWarning(item_code, warn, messages[warn], explanations.get((lao_id, item_code))))
        rows.append(ReviewRow(
            lao_id=lao_id, lao_code=code, lao_name=name, lao_type=ltype, district_name=district_name,
            status=rep.status, version=rep.version, amounts=amounts, total=total, prior_total=prior_total,
            change_pct=pct_change(prior_total, total) if prior_total is not None else None,
            warnings=warnings, recorder_name=rep.recorder_name, recorder_position=rep.recorder_position,
            recorder_phone=rep.recorder_phone, recorded_at=rep.recorded_at, recorded_late=bool(rep.recorded_late),
            confirmed_at=rep.confirmed_at, confirmed_late=bool(rep.confirmed_late),
            confirmer_name=rep.confirmer_name, return_reason=rep.return_reason,
        ))
    again = _resubmitted(installment, {r.lao_id: (r.lao_code, r.recorded_at) for r in rows
                                       if r.status == Status.RECORDED.value and r.return_reason})
    if extended is None:
        extended = deadline_queries.entry_extensions([installment.id], province_id=province_id) if rows else {}
    for r in rows:
        r.resubmitted_at = again.get(r.lao_id)
        r.extended_to = extended.get((r.lao_id, installment.id))
    rows.sort(key=lambda r: _lao_order("", r.district_name, r.lao_type, r.lao_name))
    return rows


# --------------------------------------------------------------------------- part 2: follow-up list


@dataclass
class FollowupRow:
    """An LAO that has not recorded the installment, with whom to call (part 2)."""

    lao_id: int
    lao_code: str
    lao_name: str
    lao_type: str
    district_name: str
    province_name: str
    contact_name: str | None
    contact_position: str | None
    contact_phone: str | None
    contact_source: str | None  # "recorder" (last certification) or "account" (the LAO officer's account)
    last_recorded_at: datetime | None
    extended_to: date | None = None  # the LAO's approved extension of the entry deadline


def _contacts(lao_ids: list[int]) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Per LAO, the latest certification (name, position, phone, when) over all installments, and an LAO officer
    account's (name, position, phone) — active first, then the latest login. One query (UNION ALL)."""
    if not lao_ids:
        return {}, {}
    ranked = (
        select(InstallmentReport.lao_id, InstallmentReport.recorder_name.label("name"),
               InstallmentReport.recorder_position.label("position"), InstallmentReport.recorder_phone.label("phone"),
               InstallmentReport.recorded_at.label("at"),
               func.row_number().over(partition_by=InstallmentReport.lao_id,
                                      order_by=(InstallmentReport.recorded_at.desc(),
                                                InstallmentReport.id.desc())).label("rn"))
        .where(InstallmentReport.lao_id.in_(lao_ids), InstallmentReport.recorded_at.is_not(None))
        .subquery()
    )
    accounts = (
        select(User.lao_id, User.full_name.label("name"), User.position.label("position"),
               User.phone.label("phone"),
               func.row_number().over(partition_by=User.lao_id,
                                      order_by=(User.active.desc(), case((User.last_login_at.is_(None), 1), else_=0),
                                                User.last_login_at.desc(), User.id)).label("rn"))
        .where(User.lao_id.in_(lao_ids), User.role == Role.LAO_OFFICER.value)
        .subquery()
    )
    both = union_all(
        select(literal(0).label("kind"), ranked.c.lao_id, ranked.c.name, ranked.c.position, ranked.c.phone,
               ranked.c.at).where(ranked.c.rn == 1),
        select(literal(1).label("kind"), accounts.c.lao_id, accounts.c.name, accounts.c.position, accounts.c.phone,
               null().label("at")).where(accounts.c.rn == 1),
    )
    recorders: dict[int, tuple] = {}
    officers: dict[int, tuple] = {}
    for kind, lao_id, name, position, phone, at in db.session.execute(both):
        if lao_id is None:
            continue  # never: the IN above leaves out accounts without an LAO
        if kind == 0:
            recorders[lao_id] = (name, position, phone, at)
        else:
            officers[lao_id] = (name, position, phone)
    return recorders, officers


def followup_rows(report: StatusReport) -> list[FollowupRow]:
    """Part 2: the report's not-recorded LAOs with the contact of their last recorder, else their account."""
    ids = [r.lao_id for r in report.not_recorded]
    recorders, accounts = _contacts(ids)
    out = []
    for r in report.not_recorded:
        rec = recorders.get(r.lao_id)
        acc = accounts.get(r.lao_id)
        if rec and (rec[0] or rec[2]):
            contact, source = rec[:3], "recorder"
        elif acc:
            contact, source = acc, "account"
        else:
            contact, source = (None, None, None), None
        out.append(FollowupRow(
            lao_id=r.lao_id, lao_code=r.lao_code, lao_name=r.lao_name, lao_type=r.lao_type,
            district_name=r.district_name, province_name=r.province_name, contact_name=contact[0],
            contact_position=contact[1], contact_phone=contact[2], contact_source=source,
            last_recorded_at=rec[3] if rec else None, extended_to=r.extended_to,
        ))
    return out


# --------------------------------------------------------------------------- progress matrix


def cell_mark(status: str | None, recorded_late: bool, period_ended: bool) -> str:
    """The matrix mark of one LAO x installment: confirmed > returned > late > recorded > not recorded."""
    if status == Status.CONFIRMED.value:
        return MARK_CONFIRMED
    if status == Status.RETURNED.value:
        return MARK_RETURNED
    if status == Status.RECORDED.value:
        return MARK_LATE if recorded_late else MARK_RECORDED
    return MARK_NOT_RECORDED if period_ended else MARK_OPEN


@dataclass
class MatrixRow:
    """One LAO's row of the progress matrix: a mark per installment."""

    lao_id: int
    lao_code: str
    lao_name: str
    lao_type: str
    district_name: str
    marks: list[str]


@dataclass
class Matrix:
    """LAOs x installments of a fiscal year with marks and per-installment counts of each mark."""

    fiscal_year: int
    installments: list[Installment]
    rows: list[MatrixRow]
    column_counts: list[dict[str, int]] = field(default_factory=list)


MATRIX_SORTS = ("district", "type", "name")


def progress_matrix(fiscal_year: int, province_id: int, today: date, sort: str = "district") -> Matrix:
    """The province's progress matrix for `fiscal_year`: one query for the LAOs, one for every cell.

    `sort` is "district" (district, type, name), "type" (type, district, name) or "name".
    """
    insts = fiscal.installments_of(fiscal_year)
    laos = db.session.execute(_in_scope(
        select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, District.name_th)
        .join(District, District.id == Lao.district_id), province_id, None, None,
    )).all()
    cells = {
        (lao_id, inst_id): (status, late)
        for lao_id, inst_id, status, late in db.session.execute(_in_scope(
            select(InstallmentReport.lao_id, InstallmentReport.installment_id, InstallmentReport.status,
                   InstallmentReport.recorded_late)
            .join(Lao, Lao.id == InstallmentReport.lao_id)
            .join(Installment, Installment.id == InstallmentReport.installment_id)
            .where(Installment.fiscal_year_id == fiscal_year), province_id, None, None,
        ))
    }
    ended = [inst.period_end < today for inst in insts]
    rows = []
    for lao_id, code, name, ltype, district_name in laos:
        marks = []
        for inst, done in zip(insts, ended):
            status, late = cells.get((lao_id, inst.id), (None, False))
            marks.append(cell_mark(status, bool(late), done))
        rows.append(MatrixRow(lao_id, code, name, ltype, district_name, marks))
    if sort == "type":
        rows.sort(key=lambda r: (LAO_TYPE_ORDER.get(r.lao_type, 9), thai_sort_key(r.district_name),
                                 thai_sort_key(r.lao_name)))
    elif sort == "name":
        rows.sort(key=lambda r: thai_sort_key(r.lao_name))
    else:
        rows.sort(key=lambda r: _lao_order("", r.district_name, r.lao_type, r.lao_name))
    return Matrix(fiscal_year, insts, rows, _column_counts(fiscal_year, province_id, insts, len(laos), ended))


def _column_counts(fiscal_year: int, province_id: int, insts: list[Installment], n_laos: int,
                   ended: list[bool]) -> list[dict[str, int]]:
    """Per installment, how many LAOs carry each mark (GROUP BY in SQL)."""
    grouped = db.session.execute(_in_scope(
        select(InstallmentReport.installment_id, InstallmentReport.status, InstallmentReport.recorded_late,
               func.count())
        .join(Lao, Lao.id == InstallmentReport.lao_id)
        .join(Installment, Installment.id == InstallmentReport.installment_id)
        .where(Installment.fiscal_year_id == fiscal_year)
        .group_by(InstallmentReport.installment_id, InstallmentReport.status, InstallmentReport.recorded_late),
        province_id, None, None,
    ))
    by_inst: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for inst_id, status, late, n in grouped:
        by_inst[inst_id][cell_mark(status, bool(late), True)] += n
    out = []
    for inst, done in zip(insts, ended):
        counts = {mark: by_inst[inst.id].get(mark, 0) for mark in MARKS}
        reported = sum(counts[m] for m in MARKS if m != MARK_NOT_RECORDED)
        counts[MARK_NOT_RECORDED] = n_laos - reported if done else 0
        counts["done"] = reported
        out.append(counts)
    return out


# --------------------------------------------------------------------------- accounts


def lao_accounts(province_id: int | None, search: str | None = None, limit: int = 1000) -> list[User]:
    """LAO-officer accounts of a province's LAOs (all provinces when None), optionally searched by name."""
    stmt = (
        select(User).join(Lao, Lao.id == User.lao_id).join(District, District.id == Lao.district_id)
        .where(User.role == Role.LAO_OFFICER.value)
    )
    if province_id is not None:
        stmt = stmt.where(Lao.province_id == province_id)
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(User.username.ilike(like) | User.full_name.ilike(like) | Lao.name_th.ilike(like)
                          | Lao.code.ilike(like))
    stmt = stmt.options(contains_eager(User.lao).contains_eager(Lao.district))
    users = list(db.session.scalars(stmt.limit(limit)))

    def order(u: User) -> tuple[SortKey, int, SortKey, str]:
        """District and LAO name in Thai order, LAO type between them, then username."""
        if u.lao is None:  # the inner join to Lao keeps only accounts of an LAO
            raise RuntimeError(f"account {u.username} has no LAO")
        return (thai_sort_key(u.lao.district.name_th), LAO_TYPE_ORDER.get(u.lao.lao_type, 9),
                thai_sort_key(u.lao.name_th), u.username)

    users.sort(key=order)
    return users
