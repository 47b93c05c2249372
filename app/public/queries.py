"""What the public page reads: the ended periods, confirmed totals by province and category against the base year
(reports.queries.comparison with the confirmed basis), a province's districts, the on/off switch and a version."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from .. import audit, db, totals
from ..domain import comparison as cmp
from ..domain.errors import N_, DomainError
from ..domain.money import from_satang
from ..domain.vocabulary import AuditAction, Status
from ..models import AuditEvent, District, FiscalYear, Installment, InstallmentReport, Lao, Province, Setting, User
from ..reports import queries as report_queries

VERSION = 1  # of the open-data layout: a new column or format changes every ETag
SETTING_KEY = "public_page"  # value "off" closes /public; no row (or anything else) leaves it open
CHANGE_ACTIONS = (AuditAction.RECORD_INSTALLMENT, AuditAction.CONFIRM_INSTALLMENT, AuditAction.UNCONFIRM_INSTALLMENT,
                  AuditAction.RETURN_INSTALLMENT, AuditAction.BASELINE_IMPORT, AuditAction.ENTRIES_IMPORT,
                  AuditAction.LAO_CREATED, AuditAction.LAO_UPDATED, AuditAction.LAO_DEACTIVATED,
                  AuditAction.LAO_REACTIVATED, AuditAction.LAO_IMPORT, AuditAction.FISCAL_YEAR_CREATED,
                  AuditAction.FISCAL_YEAR_SCHEDULE_CHANGED, AuditAction.ROUNDS_CHANGED)


# --------------------------------------------------------------------------------------------------
# The switch


def is_open() -> bool:
    """Whether the public page is on (an administrator can switch it off)."""
    return db.session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY)) != "off"


def switch(actor: User, ip: str | None, on: bool) -> None:
    """Turn the public page on or off (admin use case; audited). Flushes, never commits."""
    before = is_open()
    db.begin_write()
    row = db.session.get(Setting, SETTING_KEY)
    value = "on" if on else "off"
    if row is None:
        db.session.add(Setting(key=SETTING_KEY, value=value))
    else:
        row.value = value
    audit.record(actor, ip, AuditAction.PUBLIC_PAGE_SWITCHED, "setting", SETTING_KEY,
                 old={"public_page": "on" if before else "off"}, new={"public_page": value})
    db.session.flush()


# --------------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """A choice of the public page: a fiscal year through an ended installment, or an ended evaluation round."""

    year: int
    through: int
    round_id: int | None
    round_name: str | None
    end: date

    @property
    def value(self) -> str:
        """The URL value: '2570-3' (through installment 3) or '2570-r5' (round id 5)."""
        return f"{self.year}-r{self.round_id}" if self.round_id is not None else f"{self.year}-{self.through}"


def periods(today: date) -> list[Period]:
    """Every ended installment and round of the fiscal years that have a base year (the year before), newest first."""
    years = set(db.session.scalars(select(FiscalYear.year)))
    out: list[Period] = []
    for year in sorted(years, reverse=True):
        if year - 1 not in years:
            continue
        ends = {i.number: i.end for i in report_queries.installments(year) if i.end < today}
        for rnd in reversed(report_queries.rounds(year)):
            if rnd.last_installment in ends:
                out.append(Period(year, rnd.last_installment, rnd.id, rnd.name, ends[rnd.last_installment]))
        for number in sorted(ends, reverse=True):
            out.append(Period(year, number, None, None, ends[number]))
    return out


def period_of(value: str | None, choices: list[Period]) -> Period | None:
    """The period named by `value` among `choices` (the newest ended installment when empty); None when unknown."""
    if not choices:
        return None
    if not value:
        return next((p for p in choices if p.round_id is None), choices[0])
    return next((p for p in choices if p.value == value.strip()), None)


# --------------------------------------------------------------------------------------------------
# The national table


def national(period: Period, today: date) -> report_queries.ComparisonResult:
    """Confirmed totals by province and category against the same period of the year before."""
    return report_queries.comparison(period.year - 1, period.year, period.through, cmp.BASIS_SAME_PERIOD,
                                     cmp.STATUS_CONFIRMED, round_id=period.round_id, today=today)


def completeness(row: cmp.Row) -> tuple[int, int, Decimal | None]:
    """(confirmed LAOs, LAOs, percent) of a row: LAOs whose every compared installment is confirmed."""
    cov = row.coverage.get("current", cmp.Coverage())
    return cov.counted(cmp.STATUS_CONFIRMED), cov.laos, cov.share(cmp.STATUS_CONFIRMED)


# --------------------------------------------------------------------------------------------------
# A province's districts


@dataclass
class DistrictRow:
    """A district's confirmed totals by category (cells as in the comparison) and its completeness."""

    code: str
    name: str
    name_en: str
    cells: dict[str, cmp.Cell]
    laos: int = 0
    confirmed: int = 0

    @property
    def name_th(self) -> str:
        """The Thai name (for the `name` filter)."""
        return self.name

    @property
    def share(self) -> Decimal | None:
        """Confirmed LAOs as a percent of the district's LAOs."""
        return cmp.rate(self.confirmed, self.laos)


@dataclass
class ProvinceTable:
    """A province's districts and their total."""

    province: Province
    rows: list[DistrictRow]
    total: DistrictRow
    selection: report_queries.Selection
    extra: dict = field(default_factory=dict)


def _ids(year: int, numbers) -> list[int]:
    """Installment ids of `year` with the given numbers."""
    return list(db.session.scalars(select(Installment.id).where(Installment.fiscal_year_id == year,
                                                                Installment.number.in_(list(numbers)))))


def province_table(province: Province, result: report_queries.ComparisonResult) -> ProvinceTable:
    """The province's districts: confirmed satang of installment_reports joined to laos.district, current and base
    installments of the national comparison `result`, by LAO category; completeness per district."""
    s = result.selection
    cur_ids, base_ids = _ids(s.year, s.current_installments), _ids(s.base_year, s.base_installments)
    side = {i: "current" for i in cur_ids} | {i: "base" for i in base_ids}
    r = InstallmentReport
    sums: dict[tuple[int, str, str], int] = {}
    for district_id, lao_type, inst_id, amount in db.session.execute(
            select(Lao.district_id, Lao.lao_type, r.installment_id, func.sum(r.amount_satang))
            .join(Lao, Lao.id == r.lao_id)
            .where(Lao.province_id == province.id, r.status == Status.CONFIRMED.value,
                   r.installment_id.in_(cur_ids + base_ids))
            .group_by(Lao.district_id, Lao.lao_type, r.installment_id)):
        key = (district_id, cmp.GROUP_OF[lao_type], side[inst_id])
        sums[key] = sums.get(key, 0) + int(amount or 0)
    laos = db.session.execute(select(Lao.id, Lao.district_id, Lao.lao_type, Lao.active)
                              .where(Lao.province_id == province.id)).all()
    complete = set(db.session.scalars(
        select(r.lao_id).join(Lao, Lao.id == r.lao_id)
        .where(Lao.province_id == province.id, r.status == Status.CONFIRMED.value, r.installment_id.in_(cur_ids))
        .group_by(r.lao_id).having(func.count() == len(cur_ids)))) if cur_ids else set()
    districts = {d.id: d for d in db.session.scalars(select(District).where(District.province_id == province.id))}
    types: dict[int, set[str]] = {}
    counts: dict[int, list[int]] = {}
    for lao_id, district_id, lao_type, active in laos:
        types.setdefault(district_id, set()).add(cmp.GROUP_OF[lao_type])
        if active:
            c = counts.setdefault(district_id, [0, 0])
            c[0] += 1
            c[1] += lao_id in complete
    rows = []
    for district_id in sorted(types, key=lambda d: districts[d].code if d in districts else ""):
        d = districts.get(district_id)
        if d is None:
            continue
        rows.append(_row(d.code, d.name_th, d.name_en, types[district_id], sums, district_id,
                         *counts.get(district_id, [0, 0])))
    all_types = set().union(*types.values()) if types else set()
    total_sums: dict[tuple[int, str, str], int] = {}
    for (_d, g, sd), amount in sums.items():
        total_sums[(0, g, sd)] = total_sums.get((0, g, sd), 0) + amount
    total = _row(cmp.TOTAL_CODE, "", "", all_types, total_sums, 0, sum(r.laos for r in rows),
                 sum(r.confirmed for r in rows))
    return ProvinceTable(province, rows, total, s)


def _row(code: str, name: str, name_en: str, groups: set[str], sums: dict, key: int, laos: int,
         confirmed: int) -> DistrictRow:
    """A district (or total) row from the satang sums per (key, group, side)."""
    cells: dict[str, cmp.Cell] = {}
    for g in ("pao", "mun", "sao"):
        if g in groups:
            cells[g] = cmp.make_cell(from_satang(sums.get((key, g, "base"), 0)),
                                     from_satang(sums.get((key, g, "current"), 0)))
        else:
            cells[g] = cmp.Cell(None, None, None)
    base = sum(sums.get((key, g, "base"), 0) for g in ("pao", "mun", "sao"))
    current = sum(sums.get((key, g, "current"), 0) for g in ("pao", "mun", "sao"))
    cells["all"] = cmp.make_cell(from_satang(base), from_satang(current))
    return DistrictRow(code, name, name_en, cells, laos, confirmed)


def province_or_error(code: str) -> Province:
    """The province with `code`; DomainError (a 404 for the public) when unknown."""
    province = db.session.scalar(select(Province).where(Province.code == code))
    if province is None:
        raise DomainError("province", N_("ไม่พบจังหวัดรหัส %(code)s"), code=code)
    return province


# --------------------------------------------------------------------------------------------------
# Version (Last-Modified)


def version(period: Period, province_id: int | None = None) -> str:
    """A cheap version of the public figures of `period` (for the ETag), computed before any table is: the newest
    audited change, the rollup's confirmed reports and satang over the period's installments and the base year's,
    and the active LAOs. Any confirmation, correction, import or register change moves one of them."""
    ids = list(db.session.scalars(select(Installment.id).where(
        ((Installment.fiscal_year_id == period.year) & (Installment.number <= period.through))
        | (Installment.fiscal_year_id == period.year - 1))))
    rollup = totals.grouped(ids, (), statuses=(Status.CONFIRMED.value,), province_id=province_id).get((), (0, 0, 0))
    laos = db.session.scalar(select(func.count()).select_from(Lao).where(
        Lao.active.is_(True), *([Lao.province_id == province_id] if province_id is not None else [])))
    changed = last_change()
    parts = [VERSION, period.value, province_id, changed.isoformat() if changed else None, *rollup, laos]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def last_change() -> datetime | None:
    """When a public figure last may have changed: the newest audited change to figures, workflow or the register
    (None when the trail has none)."""
    at = db.session.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.action.in_([a.value for a in CHANGE_ACTIONS])))
    return at.replace(microsecond=0) if at is not None else None
