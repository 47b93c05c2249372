"""SQL aggregation behind the reports: comparison sums, completeness, monitoring and the provincial rollup.

Every sum is a GROUP BY in the database over indexed columns; Python only assembles the few hundred
grouped rows with the pure functions of app.domain.comparison.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, and_, case, func, literal_column, select

from .. import db, reference, totals
from ..deadlines import queries as deadline_queries
from . import as_of as past
from ..domain import comparison as cmp
from ..domain.errors import DomainError, N_
from ..domain.thai_sort import thai_sort_key
from ..models import (
    District,
    Entry,
    FiscalYear,
    Installment,
    InstallmentReport,
    KpiSetting,
    Lao,
    Province,
    RevenueItem,
    Round,
    RollupLaoYear,
    RollupStreak,
    utcnow,
)

ORDERS = ("name", "code")
RECORDED_SET = cmp.STATUS_SETS[cmp.STATUS_RECORDED]


# --------------------------------------------------------------------------------------------------
# Fiscal years and installments


@dataclass(frozen=True)
class InstallmentInfo:
    """An installment's id, number and dates (plain values, detached from the session)."""

    id: int
    number: int
    start: date
    end: date
    entry_deadline: date
    confirm_deadline: date

    @property
    def period(self) -> cmp.Period:
        """The domain's view of the installment."""
        return cmp.Period(self.number, self.start, self.end)


def installments(year: int) -> list[InstallmentInfo]:
    """The installments of fiscal `year` in order."""
    rows = db.session.execute(
        select(Installment.id, Installment.number, Installment.period_start, Installment.period_end,
               Installment.entry_deadline, Installment.confirm_deadline)
        .where(Installment.fiscal_year_id == year).order_by(Installment.number)
    )
    return [InstallmentInfo(*r) for r in rows]


def rounds(year: int) -> list[Round]:
    """The evaluation rounds of fiscal `year`, in order of their cut-off."""
    return list(db.session.scalars(select(Round).where(Round.fiscal_year_id == year)
                                   .order_by(Round.last_installment, Round.id)))


def _fiscal_year_or_error(year: int, field_name: str) -> FiscalYear:
    """The fiscal year, or DomainError(field_name) when it is not in the database."""
    fy = db.session.get(FiscalYear, year)
    if fy is None:
        raise DomainError(field_name, N_("ไม่มีปีงบประมาณ %(year)s ในระบบ"), year=year)
    return fy


def province_by_code(code: str) -> Province:
    """The province with `code`; raises DomainError('province') when unknown."""
    province = db.session.scalar(select(Province).where(Province.code == code))
    if province is None:
        raise DomainError("province", N_("ไม่พบจังหวัดรหัส %(code)s"), code=code)
    return province


# --------------------------------------------------------------------------------------------------
# The sums


def _sums(installment_ids: list[int], statuses: tuple[str, ...], province_id: int | None,
          form: str | None = None, laos=None) -> Sequence[Row[*tuple[Any, ...]]] | list[tuple[int, str, int, int]]:
    """Satang per (group key, installment id) over the installments, counting reports in `statuses`.

    Nationally the group key is (province id, LAO type) and the sums come from the rollup (_rollup_sums);
    inside a province the key is the LAO id. `laos` (a SELECT of LAO ids, e.g. _paired, or a list) limits the
    sums to those LAOs, which the rollup's per-group sums cannot: then, and inside a province, each report's own
    satang total (installment_reports.amount_satang, kept with its entries by app/totals.py) is summed over the
    reports — no entry is read. `form` "correlated" or "join" sums the entries instead (the tests check all three
    agree): SQLite sums each LAO's few entries with a correlated subquery, PostgreSQL sums entries per LAO and
    installment first, then hash-joins the reports.
    """
    if not installment_ids:
        return []
    if province_id is None and form is None and laos is None:
        return _rollup_sums(installment_ids, statuses)
    r, e, lao = InstallmentReport.__table__, Entry.__table__, Lao.__table__
    keys = [lao.c.lao_type] if province_id is None else []
    form = form or "reports"
    in_selection: ColumnElement[bool] = r.c.installment_id.in_(installment_ids)
    if laos is not None:
        # `+ 0`: SQLite then walks the selected installments in index order and tests each report's LAO against
        # the list, instead of seeking every (installment, LAO) pair at random (about half the time)
        in_selection = and_(in_selection, (r.c.lao_id + literal_column("0")).in_(laos))
    if form == "reports":  # each report's own satang total (kept with its entries by app/totals.py)
        group = [lao.c.province_id, *keys] if province_id is None else [r.c.lao_id]
        stmt = (
            select(*group, r.c.installment_id, func.sum(r.c.amount_satang))
            .select_from(r.join(lao, lao.c.id == r.c.lao_id))
            .where(in_selection, r.c.status.in_(statuses))
        )
        inst_col = r.c.installment_id
    elif form == "correlated":
        amount = (
            select(func.sum(e.c.amount_satang))
            .where(e.c.installment_id == r.c.installment_id, e.c.lao_id == r.c.lao_id)
            .scalar_subquery()
        )
        group = [lao.c.province_id, *keys] if province_id is None else [r.c.lao_id]
        stmt = (
            select(*group, r.c.installment_id, func.sum(amount))
            .select_from(r.join(lao, lao.c.id == r.c.lao_id))
            .where(in_selection, r.c.status.in_(statuses))
        )
        inst_col = r.c.installment_id
    else:
        per_lao = (
            select(e.c.installment_id, e.c.lao_id, func.sum(e.c.amount_satang).label("amount"))
            .where(e.c.installment_id.in_(installment_ids))
            .group_by(e.c.installment_id, e.c.lao_id)
        )
        if province_id is not None:
            per_lao = per_lao.where(e.c.lao_id.in_(select(lao.c.id).where(lao.c.province_id == province_id)))
        s = per_lao.subquery()
        group = [lao.c.province_id, *keys] if province_id is None else [s.c.lao_id]
        stmt = (
            select(*group, s.c.installment_id, func.sum(s.c.amount))
            .select_from(
                s.join(r, and_(r.c.installment_id == s.c.installment_id, r.c.lao_id == s.c.lao_id))
                .join(lao, lao.c.id == s.c.lao_id)
            )
            # repeated on the reports so PostgreSQL hashes only the selected installments' reports
            .where(in_selection, r.c.status.in_(statuses))
        )
        inst_col = s.c.installment_id
    if province_id is not None:
        stmt = stmt.where(lao.c.province_id == province_id)
    stmt = stmt.group_by(*group, inst_col)
    return db.session.execute(stmt).all()


def _rollup_sums(installment_ids: list[int], statuses: tuple[str, ...]) -> list[tuple[int, str, int, int]]:
    """Satang per (province id, LAO type, installment id) from the rollup (app.totals), like _sums nationally."""
    got = totals.grouped(installment_ids, ("province_id", "lao_type", "installment_id"), statuses=statuses)
    return [(p, t, i, amount) for (p, t, i), (_n, _late, amount) in got.items()]


def _complete(installment_ids: list[int]) -> dict:
    """LAOs that recorded every one of the installments, and how many of those have all confirmed, nationally:
    {(province id, type): (complete_recorded, complete_confirmed)} of the active LAOs (a province's come from
    rollup_lao_years: _province_complete; installments 1..n from the streak rollup: _complete_through). Grouping by
    `lao_id + 0` keeps SQLite on the (installment, status, lao) index instead of scanning the table.
    """
    if not installment_ids:
        return {}
    r, lao = InstallmentReport.__table__, Lao.__table__
    n = len(installment_ids)
    lao_key = (r.c.lao_id + literal_column("0")).label("lao_key")
    per_lao = (
        select(lao_key, func.count().label("n_rec"),
               func.sum(case((r.c.status == "confirmed", 1), else_=0)).label("n_conf"))
        .where(r.c.installment_id.in_(installment_ids), r.c.status.in_(RECORDED_SET))
        .group_by(lao_key)
        .having(func.count() == n)
    )
    c = per_lao.subquery()
    stmt = (
        select(lao.c.province_id, lao.c.lao_type, func.count(),
               func.sum(case((c.c.n_conf == n, 1), else_=0)))
        .select_from(c.join(lao, lao.c.id == c.c.lao_key))
        .where(lao.c.active.is_(True))
        .group_by(lao.c.province_id, lao.c.lao_type)
    )
    return {(p, t): (int(a), int(b or 0)) for p, t, a, b in db.session.execute(stmt).all()}


def _paired(cur_ids: list[int], base_ids: list[int]):
    """SELECT of the ids of the LAOs confirmed in every one of both years' compared installments (like-for-like).

    One GROUP BY over the covering (installment, status, lao) index of installment_reports: an LAO has
    at most one report per installment and the two years' installments differ, so a count equal to
    both lists together means every one is confirmed. `lao_id + 0` keeps SQLite on that index.
    """
    r = InstallmentReport.__table__
    lao_key = (r.c.lao_id + literal_column("0")).label("lao_key")
    return (
        select(lao_key)
        .where(r.c.installment_id.in_(cur_ids + base_ids), r.c.status == "confirmed")
        .group_by(lao_key)
        .having(func.count() == len(cur_ids) + len(base_ids))
    )


def _paired_counts(paired: list[int], province_id: int | None) -> dict:
    """Active LAOs among the `paired` ids per (province id, type), or {lao id: 1} inside a province."""
    if not paired:
        return {}
    if province_id is not None:
        return {lao_id: 1 for lao_id in db.session.scalars(
            select(Lao.id).where(Lao.id.in_(paired), Lao.active.is_(True), Lao.province_id == province_id))}
    stmt = (select(Lao.province_id, Lao.lao_type, func.count())
            .where(Lao.id.in_(paired), Lao.active.is_(True)).group_by(Lao.province_id, Lao.lao_type))
    return {(pid, t): int(n) for pid, t, n in db.session.execute(stmt).all()}


def _like_for_like(year: int, base_year: int, current: list[InstallmentInfo], base: list[InstallmentInfo],
                   base_year_inst: list[InstallmentInfo]) -> tuple[list[tuple], dict]:
    """National like-for-like sums and counts from rollup_lao_years: the LAOs whose `current` installments of
    `year` and `base` installments of `base_year` are all confirmed (bit masks), joined across the two years.

    Returns the rows _sums would give for those LAOs over the current installments and the whole base year
    ((province id, type, installment id, satang), summed in SQL) and the active paired LAOs per (province id,
    type). A province's are _province_figures'.
    """
    t: Table = RollupLaoYear.__table__  # type: ignore[assignment]
    cur, bas, lao = t.alias("cur"), t.alias("bas"), Lao.__table__
    cur_mask = sum(1 << (i.number - 1) for i in current)
    base_mask = sum(1 << (i.number - 1) for i in base)
    columns = [(i.id, cur.c[f"c{i.number}"]) for i in current] + [(i.id, bas.c[f"c{i.number}"]) for i in base_year_inst]
    joined = (cur.join(bas, and_(bas.c.lao_id == cur.c.lao_id, bas.c.fiscal_year == base_year))
              .join(lao, lao.c.id == cur.c.lao_id))
    where = [cur.c.fiscal_year == year, cur.c.confirmed_mask.op("&")(cur_mask) == cur_mask,
             bas.c.confirmed_mask.op("&")(base_mask) == base_mask]
    # a row per installment of a confirmed report, as summing the reports gives: the compared installments are
    # confirmed for every paired LAO; a later base-year one only where its bit is set
    extra = [i for i in base_year_inst if not base_mask & (1 << (i.number - 1))]
    stmt = (select(lao.c.province_id, lao.c.lao_type, func.sum(case((lao.c.active.is_(True), 1), else_=0)),
                   *[func.sum(col) for _id, col in columns],
                   *[func.max(bas.c.confirmed_mask.op("&")(1 << (i.number - 1))) for i in extra])
            .select_from(joined).where(*where).group_by(lao.c.province_id, lao.c.lao_type))
    sums: list[tuple] = []
    counts: dict = {}
    for province, lao_type, active, *values in db.session.execute(stmt):
        amounts, seen = values[:len(columns)], dict(zip((i.id for i in extra), values[len(columns):]))
        if active:
            counts[(province, lao_type)] = int(active)
        sums += [(province, lao_type, inst_id, int(a or 0)) for (inst_id, _c), a in zip(columns, amounts)
                 if seen.get(inst_id, 1)]
    return sums, counts


def _fold_lao_sums(sums, side_of: dict, slot: dict, province_id: int) -> dict[int, tuple[int, int]]:
    """{LAO id: (base satang, current satang)} from _sums' (LAO id, installment id, satang) rows of a province,
    filling the chart slots (satang per installment and LAO type)."""
    lao_type_of = dict(db.session.execute(select(Lao.id, Lao.lao_type).where(Lao.province_id == province_id)).all())
    out: dict[int, list[int]] = {}
    for lao_id, inst_id, total in sums:
        total = int(total or 0)
        acc = out.setdefault(lao_id, [0, 0])
        if inst_id in slot:
            slot[inst_id][lao_type_of[lao_id]] += total
        side = side_of.get(inst_id)
        if side is not None:
            acc[side == "current"] += total
    return {lao_id: (b, c) for lao_id, (b, c) in out.items()}


def _province_lao_years(province_id: int, years: tuple[int, ...]) -> dict[int, dict[int, Any]]:
    """The rollup_lao_years rows of a province's LAOs in `years`: {year: {LAO id: (LAO id, type, active, year,
    confirmed mask, recorded mask, c1..c12)}} — two rows per LAO where the reports have one per LAO and
    installment."""
    t: Table = RollupLaoYear.__table__  # type: ignore[assignment]
    lao = Lao.__table__
    out: dict[int, dict[int, Any]] = {y: {} for y in years}
    for row in db.session.execute(
            select(t.c.lao_id, lao.c.lao_type, lao.c.active, t.c.fiscal_year, t.c.confirmed_mask, t.c.recorded_mask,
                   *[t.c[f"c{k}"] for k in range(1, totals.SLOTS + 1)])
            .select_from(lao.join(t, t.c.lao_id == lao.c.id))
            .where(lao.c.province_id == province_id, t.c.fiscal_year.in_(years))):
        out[row[3]][row[0]] = row
    return out


def _mask(numbers: Sequence[int]) -> int:
    """The bit mask of installment `numbers` (bit k-1 for installment k), as rollup_lao_years keeps them."""
    return sum(1 << (n - 1) for n in numbers)


def _province_complete(rows: dict[int, Any], numbers: Sequence[int]) -> dict[int, tuple[int, int]]:
    """{LAO id: (1, 1 if it also confirmed them all else 0)} of a province's LAOs that recorded every installment
    `numbers` of the year of `rows` (_province_lao_years), as _complete counts them nationally."""
    want = _mask(numbers)
    return {lao_id: (1, 1 if row[4] & want == want else 0) for lao_id, row in rows.items() if row[5] & want == want}


def _province_figures(lao_years: dict[int, dict[int, Any]], year: int, base_year: int,
                      current: list[InstallmentInfo], base: list[InstallmentInfo],
                      base_year_inst: list[InstallmentInfo], slot: dict,
                      like: bool) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """A province's confirmed figures per LAO from its rollup_lao_years rows (_province_lao_years): {LAO id:
    (base satang, current satang)} of the LAOs with a confirmed report among the installments shown, and {LAO id:
    1} of the active paired LAOs; fills the chart slots. What _sums and _like_for_like give over the reports (the
    tests check they agree). `like`: only the LAOs confirmed in every compared installment of both years."""
    # per year: the mask a paired LAO's row covers, the compared slots, the charted (slot, installment id)
    plan = {year: (_mask([i.number for i in current]), [i.number - 1 for i in current],
                   [(i.number - 1, i.id) for i in current]),
            base_year: (_mask([i.number for i in base]), [i.number - 1 for i in base],
                        [(i.number - 1, i.id) for i in base_year_inst])}
    if like:
        cur_mask, base_mask = plan[year][0], plan[base_year][0]
        laos = [lao_id for lao_id, row in lao_years[year].items()
                if row[4] & cur_mask == cur_mask and lao_id in lao_years[base_year]
                and lao_years[base_year][lao_id][4] & base_mask == base_mask]
        paired = {lao_id: 1 for lao_id in laos if lao_years[year][lao_id][2]}
    else:
        shown_bits = {y: sum(1 << k for k, _id in charted) for y, (_m, _c, charted) in plan.items()}
        laos = list(dict.fromkeys(lao_id for y in (year, base_year) for lao_id, row in lao_years[y].items()
                                  if row[4] & shown_bits[y]))
        paired = {}
    out: dict[int, tuple[int, int]] = {}
    for lao_id in laos:
        sides = [0, 0]
        for side, y in enumerate((base_year, year)):
            found = lao_years[y].get(lao_id)
            if found is None:
                continue
            _m, compared, charted = plan[y]
            amounts = found[6:]
            sides[side] = sum(amounts[k] for k in compared)
            for k, inst_id in charted:
                if amounts[k]:
                    slot[inst_id][found[1]] += amounts[k]
        out[lao_id] = (sides[0], sides[1])
    return out, paired


def _prefix(numbers: Sequence[int]) -> bool:
    """Whether installment `numbers` are 1..n (what the streak rollup answers)."""
    return list(numbers) == list(range(1, len(numbers) + 1))


def _complete_through(year: int, n: int) -> dict:
    """Like _complete nationally for installments 1..n of `year`, from the streak rollup (app.totals):
    {(province id, type): (active LAOs that recorded 1..n, of those that have all confirmed)}."""
    s = RollupStreak
    stmt = (
        select(s.province_id, s.lao_type, func.sum(s.laos),
               func.sum(case((s.confirmed_through >= n, s.laos), else_=0)))
        .where(s.fiscal_year_id == year, s.active.is_(True), s.recorded_through >= n)
        .group_by(s.province_id, s.lao_type)
    )
    return {(p, t): (int(a), int(b or 0)) for p, t, a, b in db.session.execute(stmt).all()}


def _coverage(expected: int, complete: tuple[int, int] | None, paired: int = 0) -> cmp.Coverage:
    """Coverage of `expected` LAOs of which complete = (recorded everything, confirmed everything), and
    `paired` confirmed in both years."""
    rec, conf = complete or (0, 0)
    return cmp.Coverage(expected, max(expected - rec, 0), max(rec - conf, 0), min(paired, expected))


# --------------------------------------------------------------------------------------------------
# The comparison


@dataclass(frozen=True)
class Selection:
    """Exactly what a comparison counts: its parameters, the installments and periods matched, and coverage.

    Periods are (first day, last day) as ISO dates; `laos` are the active LAOs expected; `not_recorded`,
    `not_confirmed` and `missing` (LAOs whose figures are not all counted) describe the current year,
    the `base_` counts the base year; `paired` (like-for-like only, else None) the LAOs confirmed in every
    compared installment of both years; `computed_at` is ISO, UTC.
    """

    level: str
    base_year: int
    year: int
    through: int
    round: str | None
    basis: str
    basis_used: str
    basis_fallback: bool
    status: str
    statuses: tuple[str, ...]
    province_code: str | None
    province_name: str | None
    current_installments: tuple[int, ...]
    base_installments: tuple[int, ...]
    current_period: tuple[str, str]
    base_period: tuple[str, str]
    laos: int
    not_recorded: int
    not_confirmed: int
    missing: int
    base_not_recorded: int
    base_not_confirmed: int
    base_missing: int
    paired: int | None
    order: str
    computed_at: str
    as_of: str | None = None  # the past moment the figures are as of (ISO, UTC), None: now

    def as_dict(self) -> dict:
        """The selection as JSON-ready plain values under the field names, in field order."""
        values = ((f.name, getattr(self, f.name)) for f in fields(self))
        return {name: list(value) if isinstance(value, tuple) else value for name, value in values}


@dataclass(frozen=True)
class ComparisonResult:
    """The comparison table: selection, rows (provinces or LAOs), total, and chart series.

    - `selection`: a Selection describing exactly what is counted (see comparison()).
    - `rows`: list of app.domain.comparison.Row; `row.record(level)` gives the CSV field names
      (province_code/lao_code, ..._name, pao_base, pao_current, pao_pct, mun_*, sao_*, all_*);
      `row["pao_pct"]` reads one field. Amounts are Decimal baht, percents Decimal or None.
    - `total`: the Row "รวม" (code TOTAL), percents from the column totals.
    - `groups`: province level only, [(district subtotal Row, [LAO Rows])] in display order.
    - `series`: {"current"|"base": [(installment number, period start, period end, {category: satang})]}.
    - `computed_at`: naive UTC datetime.
    """

    level: str
    selection: Selection
    rows: list[cmp.Row]
    total: cmp.Row
    groups: list[tuple[cmp.Row, list[cmp.Row]]]
    series: dict[str, list[tuple[int, date, date, dict[str, int]]]]
    computed_at: datetime

    @property
    def fields(self) -> tuple[str, ...]:
        """CSV field names of this level."""
        return cmp.NATIONAL_FIELDS if self.level == "national" else cmp.PROVINCE_FIELDS

    def records(self) -> list[dict]:
        """Every row, then the total row, under the CSV field names."""
        return [r.record(self.level) for r in [*self.rows, self.total]]


def comparison(base_year: int, year: int, through: int | None = None, basis: str = cmp.BASIS_SAME_PERIOD,
               status: str = cmp.STATUS_CONFIRMED, province_code: str | None = None, *,
               round_id: int | None = None, order: str = "name", today: date | None = None,
               as_of: datetime | None = None) -> ComparisonResult:
    """Compare each province's (or, with `province_code`, each LAO's) revenue by category against a base year.

    - `through`: current-year installments 1..through (default: the latest whose period has ended by
      `today`, which callers pass); `round_id` names an evaluation round of `year` instead (its last installment).
    - `basis`: "same-period" compares with the base year's installments covering the same months
      (matched by months shifted back by year - base_year); when the base year's schedule cannot
      cover them exactly (e.g. an annual base year) the whole base year is used and
      selection.basis_fallback is True. "full-year" always uses the whole base year (the target).
    - `status`: "confirmed" counts installments the provincial office confirmed; "recorded" counts
      everything the LAOs entered (recorded, confirmed and returned); "like-for-like" counts only the
      LAOs confirmed in every compared installment of both years, so both sides sum the same LAOs.
    - `order`: "name" (Thai dictionary order) or "code".
    - `as_of`: a past moment (naive UTC): every report as it stood then, from the report history
      (app/reports/as_of.py), instead of today's tables and rollups; None (the default) is now.

    Selection fields: level, base_year, year, through, round, basis, basis_used, basis_fallback, status,
    statuses, province_code, province_name, current_installments, base_installments,
    current_period, base_period (ISO dates), laos, not_recorded, not_confirmed, missing (LAOs whose
    figures are not all counted, current year), base_not_recorded, base_not_confirmed, base_missing,
    paired (like-for-like: LAOs counted; else None), computed_at (ISO, UTC).
    Raises DomainError (field base_year, year, through, round, basis, status, order or province).
    """
    if status not in cmp.SELECTORS:
        raise DomainError("status", N_("ไม่รู้จักตัวเลือกข้อมูลนี้"))
    if basis not in cmp.BASES:
        raise DomainError("basis", N_("ไม่รู้จักฐานการเปรียบเทียบนี้"))
    if order not in ORDERS:
        raise DomainError("order", N_("ไม่รู้จักการเรียงลำดับนี้"))
    _fiscal_year_or_error(year, "year")
    _fiscal_year_or_error(base_year, "base_year")
    if base_year >= year:
        raise DomainError("base_year", N_("ปีฐานต้องก่อนปีงบประมาณที่เปรียบเทียบ"))
    cur_inst, base_inst = installments(year), installments(base_year)
    round_name = None
    if round_id is not None:
        rnd = db.session.get(Round, round_id)
        if rnd is None or rnd.fiscal_year_id != year:
            raise DomainError("round", N_("ไม่พบรอบการประเมินนี้ในปีงบประมาณ %(year)s"), year=year)
        through, round_name = rnd.last_installment, rnd.name
    if through is None:
        if today is None:
            raise TypeError("comparison() needs `today` to choose the latest ended installment")
        through = cmp.default_through([i.period for i in cur_inst], today)
        if through is None:
            raise DomainError("through", N_("ปีงบประมาณ %(year)s ยังไม่มีงวดที่สิ้นสุด"), year=year)
    if not base_inst:
        raise DomainError("base_year", N_("ปีงบประมาณ %(year)s ไม่มีงวด"), year=base_year)
    match = cmp.match_periods([i.period for i in cur_inst], [i.period for i in base_inst], through,
                              year - base_year, basis)
    province = province_by_code(province_code) if province_code else None
    statuses = cmp.SELECTORS[status]

    cur_by_no = {i.number: i for i in cur_inst}
    base_by_no = {i.number: i for i in base_inst}
    cur_ids = [cur_by_no[n].id for n in match.current]
    base_ids = [base_by_no[n].id for n in match.base]
    province_id = province.id if province else None
    # Like-for-like pairs LAOs across the years, which the rollup's per-group sums cannot: one join of the two
    # years' rows of rollup_lao_years (confirmed installments as a bit mask, their satang per installment) gives
    # the paired LAOs' sums and counts at once (_like_for_like). As of a past moment, everything is read from the
    # reports' history instead (app/reports/as_of.py).
    like = status == cmp.STATUS_LIKE_FOR_LIKE
    paired: list[int] | None = None
    if as_of is not None and like:
        paired = past.paired(as_of, cur_ids, base_ids, province_id)
    if as_of is not None:
        complete_cur = past.complete(as_of, cur_ids, province_id)
        complete_base = past.complete(as_of, base_ids, province_id)
    elif province_id is not None:
        # a province's LAOs: their rows of rollup_lao_years (recorded and confirmed installments as bit masks, the
        # confirmed satang) give the completeness, and the figures below, in one read
        lao_years = _province_lao_years(province_id, (year, base_year))
        complete_cur = _province_complete(lao_years[year], match.current)
        complete_base = _province_complete(lao_years[base_year], match.base)
    elif _prefix(match.current) and _prefix(match.base):
        complete_cur = _complete_through(year, len(match.current))
        complete_base = _complete_through(base_year, len(match.base))
    else:  # installments that are not 1..n of their year (the streak rollup answers those): counted from the reports
        complete_cur, complete_base = _complete(cur_ids), _complete(base_ids)
    # The whole base year is summed too: the cumulative chart draws the base year to its end.
    base_year_ids = [i.id for i in base_inst]
    side_of = {i: "current" for i in cur_ids}
    side_of.update({i: "base" for i in base_ids})
    series: dict[str, list[tuple[int, date, date, defaultdict[str, int]]]] = {
        "current": [(i.number, i.start, i.end, defaultdict(int)) for i in cur_inst if i.number in match.current],
        "base": [(i.number, i.start, i.end, defaultdict(int)) for i in base_inst],
    }
    slot = {i.id: s[3] for i, s in zip([cur_by_no[n] for n in match.current], series["current"])}
    slot.update({i.id: s[3] for i, s in zip(base_inst, series["base"])})
    paired_counts: dict = {}
    sums: Sequence[Any] = []
    by_lao: dict[int, tuple[int, int]] = {}
    if as_of is not None:
        sums = past.sums(as_of, cur_ids + base_year_ids, statuses, province_id, paired)
        paired_counts = _paired_counts(paired, province_id) if paired is not None else {}
    elif province_id is not None and (like or status == cmp.STATUS_CONFIRMED):
        by_lao, paired_counts = _province_figures(lao_years, year, base_year, [cur_by_no[n] for n in match.current],
                                                  [base_by_no[n] for n in match.base], base_inst, slot, like)
    elif like:
        sums, paired_counts = _like_for_like(year, base_year, [cur_by_no[n] for n in match.current],
                                             [base_by_no[n] for n in match.base], base_inst)
    elif province_id is not None:
        sums = _sums(cur_ids + base_year_ids, statuses, province_id)
    if province_id is not None and sums:
        by_lao = _fold_lao_sums(sums, side_of, slot, province_id)

    groups: list[tuple[cmp.Row, list[cmp.Row]]]
    if province is None:
        level, groups = "national", []
        by_province = (_national_from_sums(sums, side_of, slot) if like or as_of is not None
                       else _rollup_national(cur_ids, base_ids, base_year_ids, statuses, slot))
        rows, total = _national(by_province, complete_cur, complete_base, order, paired_counts)
    else:
        level = "province"
        rows, total, groups = _provincial(province, by_lao, complete_cur, complete_base, order, paired_counts)
    computed_at = utcnow()
    cur_cov, base_cov = total.coverage["current"], total.coverage["base"]
    selection = Selection(
        level=level,
        base_year=base_year,
        year=year,
        through=through,
        round=round_name,
        basis=basis,
        basis_used=match.basis,
        basis_fallback=match.fallback,
        status=status,
        statuses=tuple(statuses),
        province_code=province.code if province else None,
        province_name=province.name_th if province else None,
        current_installments=tuple(match.current),
        base_installments=tuple(match.base),
        current_period=(cur_by_no[match.current[0]].start.isoformat(),
                        cur_by_no[match.current[-1]].end.isoformat()),
        base_period=(base_by_no[match.base[0]].start.isoformat(), base_by_no[match.base[-1]].end.isoformat()),
        laos=cur_cov.laos,
        not_recorded=cur_cov.not_recorded,
        not_confirmed=cur_cov.not_confirmed,
        missing=cur_cov.missing(status),
        base_not_recorded=base_cov.not_recorded,
        base_not_confirmed=base_cov.not_confirmed,
        base_missing=base_cov.missing(status),
        paired=cur_cov.paired if like else None,
        order=order,
        computed_at=computed_at.isoformat(timespec="seconds"),
        as_of=as_of.isoformat(timespec="seconds") if as_of is not None else None,
    )
    return ComparisonResult(level, selection, rows, total, groups,
                            {k: [(n, a, b, dict(v)) for n, a, b, v in s] for k, s in series.items()}, computed_at)


def _lao_counts(province_id: int | None = None) -> dict:
    """Active LAOs per (province id, type), or per LAO id inside a province (1 each)."""
    if province_id is None:
        rows = db.session.execute(
            select(Lao.province_id, Lao.lao_type, func.count()).where(Lao.active.is_(True))
            .group_by(Lao.province_id, Lao.lao_type)
        )
        return {(p, t): n for p, t, n in rows}
    return {i: 1 for i in db.session.scalars(select(Lao.id).where(Lao.province_id == province_id,
                                                                   Lao.active.is_(True)))}


def _rollup_national(cur_ids: list[int], base_ids: list[int], base_year_ids: list[int], statuses: tuple[str, ...],
                     slot: dict) -> dict:
    """{province id: {"base"|"current": {LAO type: satang}}} from the rollup (app.totals); fills the chart
    slots (satang per installment and type). Three small GROUP BYs: each side per (province, type), and
    the chart per (installment, type)."""
    out: dict = defaultdict(lambda: {"base": defaultdict(int), "current": defaultdict(int)})
    for side, ids in (("current", cur_ids), ("base", base_ids)):
        for (province_id, lao_type), (_n, _late, amount) in totals.grouped(
                ids, ("province_id", "lao_type"), statuses=statuses).items():
            out[province_id][side][lao_type] += amount
    for (inst_id, lao_type), (_n, _late, amount) in totals.grouped(
            sorted(set(cur_ids) | set(base_year_ids)), ("installment_id", "lao_type"), statuses=statuses).items():
        if inst_id in slot:
            slot[inst_id][lao_type] += amount
    return out


def _national_from_sums(sums, side_of: dict, slot: dict) -> dict:
    """Like _rollup_national from _sums' (province id, type, installment id, satang) rows."""
    out: dict = defaultdict(lambda: {"base": defaultdict(int), "current": defaultdict(int)})
    for province_id, lao_type, inst_id, amount in sums:
        amount = int(amount or 0)
        if inst_id in slot:
            slot[inst_id][lao_type] += amount
        side = side_of.get(inst_id)
        if side is not None:
            out[province_id][side][lao_type] += amount
    return out


def _sort_key(order: str, code: str, name: str):
    """Sort key by code, or by Thai dictionary order of the name."""
    return code if order == "code" else (thai_sort_key(name), code)


def _national(by_province, complete_cur, complete_base, order, paired=None) -> tuple[list[cmp.Row], cmp.Row]:
    """One row per province that has LAOs or figures (by_province: see _rollup_national), and the total row.
    `paired`: like-for-like LAOs per (province id, type)."""
    paired = paired or {}
    counts = _lao_counts()
    province_ids = {p for p, _t in counts} | set(by_province)
    cached = reference.current().provinces  # detached rows: their columns only
    provinces = {pid: cached[pid] for pid in province_ids if pid in cached}
    rows = []
    for pid, p in provinces.items():
        data = by_province.get(pid, {"base": {}, "current": {}})
        row = cmp.build_row("province", p.code, p.name_th, data["base"], data["current"])
        for side, complete in (("current", complete_cur), ("base", complete_base)):
            row.coverage[side] = sum(
                (_coverage(counts.get((pid, t), 0), complete.get((pid, t)), paired.get((pid, t), 0))
                 for t in cmp.CATEGORIES), cmp.Coverage()
            )
        rows.append(row)
    rows.sort(key=lambda r: _sort_key(order, r.code, r.name))
    return rows, cmp.total_row(rows)


def _provincial(province, by_lao: dict[int, tuple[int, int]], complete_cur, complete_base, order,
                paired=None) -> tuple[list[cmp.Row], cmp.Row, list[tuple[cmp.Row, list[cmp.Row]]]]:
    """One row per LAO (active, or with figures) grouped by district with subtotals, and the total row.
    `by_lao`: {LAO id: (base satang, current satang)} of the LAOs with figures; `paired`: {lao id: 1} of the
    like-for-like LAOs."""
    paired = paired or {}
    expected = _lao_counts(province.id)
    shown = set(expected) | set(by_lao)
    laos = db.session.execute(
        select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, District.code, District.name_th)
        .join(District, District.id == Lao.district_id).where(Lao.id.in_(shown))
    ).all()
    districts: dict[str, list] = defaultdict(list)
    names = {}
    for lao_id, code, name, lao_type, d_code, d_name in laos:
        base_satang, current_satang = by_lao.get(lao_id, (0, 0))
        row = cmp.build_row("lao", code, name, {lao_type: base_satang}, {lao_type: current_satang},
                            categories=(lao_type,), lao_type=lao_type, district_code=d_code, district_name=d_name)
        exp = expected.get(lao_id, 0)
        for side, complete in (("current", complete_cur), ("base", complete_base)):
            row.coverage[side] = _coverage(exp, complete.get(lao_id) if exp else None, paired.get(lao_id, 0))
        districts[d_code].append(row)
        names[d_code] = d_name
    groups, rows = [], []
    for d_code in sorted(districts, key=lambda c: _sort_key(order, c, names[c])):
        members = sorted(districts[d_code], key=lambda r: (cmp.CATEGORIES.index(r.lao_type),
                                                           _sort_key(order, r.code, r.name)))
        subtotal = cmp.total_row(members, kind="district", code=d_code, name=names[d_code])
        groups.append((subtotal, members))
        rows.extend(members)
    # the sum of the district subtotals is the sum of their rows (exact), in a tenth of the additions
    return rows, cmp.total_row([subtotal for subtotal, _members in groups]), groups


# --------------------------------------------------------------------------------------------------
# Monitoring


@dataclass
class MonitoringRow:
    """One province's progress on one installment."""

    code: str
    name: str
    laos: int
    recorded: int
    confirmed: int
    recorded_late: int
    entry_overdue: int
    confirm_overdue: int
    confirm_extended_to: date | None = None  # the province's approved extension of the confirmation deadline

    @property
    def recorded_pct(self):
        """Recorded LAOs as a percent of the province's LAOs."""
        return cmp.rate(self.recorded, self.laos)

    @property
    def confirmed_pct(self):
        """Confirmed LAOs as a percent of the province's LAOs."""
        return cmp.rate(self.confirmed, self.laos)


@dataclass
class MonitoringResult:
    """Per-province progress on one installment, the national total, and the year's trend."""

    year: int
    installment: InstallmentInfo
    rows: list[MonitoringRow]
    total: MonitoringRow
    trend: list[dict]
    computed_at: datetime


def monitoring(year: int, number: int, today: date) -> MonitoringResult:
    """Recorded and confirmed rates per province for installment `number` of `year`, worst first.

    Recorded counts recorded, confirmed and returned reports; "recorded late" those recorded after
    the entry deadline; overdue counts are LAOs still missing the step once its deadline has passed.
    Raises DomainError('installment') when the installment does not exist.
    """
    inst = next((i for i in installments(year) if i.number == number), None)
    if inst is None:
        raise DomainError("installment", N_("ไม่มีงวดที่ %(n)s ในปีงบประมาณ %(year)s"), n=number, year=year)
    laos_of = dict(db.session.execute(
        select(Lao.province_id, func.count()).where(Lao.active.is_(True)).group_by(Lao.province_id)).all())
    counts = {p: (int(n), 0, 0, 0) for p, n in laos_of.items()}
    got = totals.grouped([inst.id], ("province_id", "status"), statuses=RECORDED_SET, active_only=True)
    for (pid, st), (n, late, _amount) in got.items():
        if pid in counts:
            laos, rec, conf, n_late = counts[pid]
            counts[pid] = (laos, rec + n, conf + (n if st == "confirmed" else 0), n_late + late)
    provinces = {p.id: p for p in db.session.scalars(select(Province).where(Province.id.in_(list(counts))))}
    entry_due = today > inst.entry_deadline
    # approved extensions (app.deadlines): an LAO whose extended entry deadline still runs is not overdue yet, nor a
    # province whose confirmation deadline was extended
    running = deadline_queries.entry_still_running(inst.id, today) if entry_due else {}
    confirm_ext = deadline_queries.confirm_extensions([inst.id])
    rows = []
    for pid, (laos, rec, conf, late) in counts.items():
        p = provinces[pid]
        extended = confirm_ext.get((pid, inst.id))
        confirm_due = today > max(inst.confirm_deadline, extended or inst.confirm_deadline)
        rows.append(MonitoringRow(p.code, p.name_th, laos, rec, conf, late,
                                  max(0, laos - rec - running.get(pid, 0)) if entry_due else 0,
                                  laos - conf if confirm_due else 0,
                                  extended if extended and extended > inst.confirm_deadline else None))
    rows.sort(key=lambda m: (m.confirmed_pct or 0, m.recorded_pct or 0, thai_sort_key(m.name)))
    total = MonitoringRow(cmp.TOTAL_CODE, "รวม", *(sum(getattr(m, f) for m in rows) for f in (
        "laos", "recorded", "confirmed", "recorded_late", "entry_overdue", "confirm_overdue")))
    return MonitoringResult(year, inst, rows, total, _trend(year, today, total.laos), utcnow())


def _trend(year: int, today: date, laos: int) -> list[dict]:
    """National recorded and confirmed rates of every ended installment of `year`."""
    ended = [i for i in installments(year) if i.end < today]
    if not ended:
        return []
    got: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for (inst_id, st), (n, _late, _amount) in totals.grouped(
            [i.id for i in ended], ("installment_id", "status"), statuses=RECORDED_SET, active_only=True).items():
        rec, conf = got[inst_id]
        got[inst_id] = (rec + n, conf + (n if st == "confirmed" else 0))
    out = []
    for i in ended:
        rec, conf = got.get(i.id, (0, 0))
        out.append({"number": i.number, "start": i.start, "end": i.end, "laos": laos, "recorded": rec,
                    "confirmed": conf, "recorded_pct": cmp.rate(rec, laos), "confirmed_pct": cmp.rate(conf, laos)})
    return out


# --------------------------------------------------------------------------------------------------
# KPI


def kpi_settings(year: int) -> cmp.KpiSettings:
    """The KPI thresholds and weights set for `year`, or the defaults (-10/-5/0/+5/+10 %, equal weights)."""
    row = db.session.get(KpiSetting, year)
    if row is None:
        return cmp.KpiSettings()
    # NUMERIC(9, 2) reads back -10.00: shown and exported as -10, 2.50 as 2.5 (as the admin typed them)
    thresholds = tuple(t.quantize(Decimal(1)) if t == t.to_integral_value() else t.normalize() for t in row.thresholds)
    return cmp.KpiSettings(
        thresholds,
        {"pao": Decimal(row.weight_pao), "mun": Decimal(row.weight_municipality), "sao": Decimal(row.weight_sao)},
    )


# --------------------------------------------------------------------------------------------------
# Provincial rollup


@dataclass
class Rollup:
    """Every LAO x item x installment of a province's fiscal year (long form) and per-LAO totals (wide)."""

    province: Province
    year: int
    installments: list[InstallmentInfo]
    long: list[dict]
    wide: list[dict]
    computed_at: datetime


def rollup(province: Province, year: int) -> Rollup:
    """The province's figures for `year`: one line per LAO x applicable item x installment with its status.

    An installment not recorded yet appears with an empty amount and status not_recorded, so the
    office sees what is missing. The wide summary's per-LAO installment totals are summed in SQL.
    Raises DomainError('year') for an unknown fiscal year.
    """
    from ..reference import items_for

    _fiscal_year_or_error(year, "year")
    insts = installments(year)
    inst_ids = [i.id for i in insts]
    laos = db.session.execute(
        select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, Lao.active, District.code, District.name_th)
        .join(District, District.id == Lao.district_id).where(Lao.province_id == province.id)
    ).all()
    lao_ids = [x[0] for x in laos]
    amounts, statuses, totals = {}, {}, {}
    if inst_ids and lao_ids:
        mine = (Entry.installment_id.in_(inst_ids), Entry.lao_id.in_(lao_ids))
        amounts = {(l_id, i_id, it_id): amt for l_id, i_id, it_id, amt in db.session.execute(
            select(Entry.lao_id, Entry.installment_id, Entry.item_id, Entry.amount_satang).where(*mine))}
        statuses = {(l_id, i_id): st for l_id, i_id, st in db.session.execute(
            select(InstallmentReport.lao_id, InstallmentReport.installment_id, InstallmentReport.status)
            .where(InstallmentReport.installment_id.in_(inst_ids), InstallmentReport.lao_id.in_(lao_ids)))}
        totals = {(l_id, i_id): int(s or 0) for l_id, i_id, s in db.session.execute(
            select(Entry.lao_id, Entry.installment_id, func.sum(Entry.amount_satang)).where(*mine)
            .group_by(Entry.lao_id, Entry.installment_id))}
    items = {t: items_for(t, year) for t in cmp.CATEGORIES}
    all_items = {it.id: it for it in db.session.scalars(select(RevenueItem))}
    # Items recorded although no longer applicable (e.g. an activation changed later) are listed too.
    recorded_items: dict[int, set[int]] = defaultdict(set)
    for l_id, _i, it_id in amounts:
        recorded_items[l_id].add(it_id)
    with_data = {k[0] for k in statuses} | set(recorded_items)
    laos = [x for x in laos if x[4] or x[0] in with_data]
    laos.sort(key=lambda x: (thai_sort_key(x[6]), cmp.CATEGORIES.index(x[3]), thai_sort_key(x[2])))
    long, wide = [], []
    for lao_id, code, name, lao_type, _active, d_code, d_name in laos:
        applicable = [it.id for it in items[lao_type]]
        extra = sorted(recorded_items[lao_id] - set(applicable), key=lambda i: all_items[i].sort_order)
        w: dict[str, str | int | None] = {"lao_code": code, "lao_name": name, "lao_type": lao_type,
                                          "district_code": d_code, "district_name": d_name}
        for inst in insts:
            st = statuses.get((lao_id, inst.id), "not_recorded")
            for it_id in applicable + extra:
                amt = amounts.get((lao_id, inst.id, it_id))
                long.append({"lao_code": code, "lao_name": name, "lao_type": lao_type, "district_code": d_code,
                             "district_name": d_name, "installment": inst.number, "period_start": inst.start,
                             "period_end": inst.end, "item_code": all_items[it_id].code,
                             "item_name": all_items[it_id].name_th, "amount_satang": amt, "status": st})
            w[f"i{inst.number}"] = totals.get((lao_id, inst.id))
            w[f"s{inst.number}"] = st
        wide.append(w)
    return Rollup(province, year, insts, long, wide, utcnow())
