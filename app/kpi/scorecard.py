"""The scorecard of a round, national or for one province, in the ministry's summary-form layout: each KPI's
result from confirmed figures (read from the rollup), its five-level score, its weight from unrounded points,
the weighted score, met or not, grouped subtotals and the total, with the completeness of the figures it rests on.

Two queries over the rollup (this year's installments and the base year's) and one count of LAOs, whatever the
number of KPIs.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from .. import db, reference, totals
from ..domain import scoring
from ..domain.calendar import fiscal_year_bounds, month_end
from ..domain.money import pct_change
from ..figures import shift_year
from ..models import Holiday, KpiDefinition, Lao, Province, Round, ScorecardReport
from ..web import to_local
from . import operations

MILLION = Decimal(1_000_000)
MET_LEVEL = Decimal(3)  # the target (ค่าเป้าหมาย) is level 3 of the five-level scale


@dataclass
class Line:
    """One KPI row of the form."""

    kpi: KpiDefinition
    applicable: bool
    result: Decimal | None = None
    base: Decimal | None = None
    score: Decimal | None = None
    weight_pct: Decimal | None = None
    weighted: Decimal | None = None
    days_late: int = 0
    penalty: Decimal = Decimal(0)
    score_after: Decimal | None = None  # after the late-submission penalty
    weighted_after: Decimal | None = None
    half_results: list[Decimal | None] | None = None  # a KPI measured in each half: the halves' results

    @property
    def met(self) -> bool | None:
        """Met (the result reached the target level) or not; None when not measured."""
        return None if self.score is None else self.score >= MET_LEVEL


@dataclass
class Group:
    """A grouping row of the form with its own weight subtotal."""

    name: str
    total_points: Decimal
    lines: list[Line] = field(default_factory=list)

    @property
    def weight_pct(self) -> Decimal:
        """The group's share of the weight, computed from its points (not summed from the rounded row percents)."""
        points = sum((line.kpi.points for line in self.lines if line.applicable), Decimal(0))
        return scoring.weight_percent(points, self.total_points) if self.total_points > 0 else Decimal(0)

    @property
    def weighted(self) -> Decimal:
        """The group's weighted score (sum of its rows)."""
        return sum((line.weighted or Decimal(0) for line in self.lines), Decimal(0))


@dataclass
class Scorecard:
    """The scorecard of fiscal `year`, round `round_no` (national when `province` is None)."""

    year: int
    round_no: int
    round: Round | None
    province: Province | None
    groups: list[Group]
    total: Decimal
    confirmed: int  # installment reports confirmed in the round's installments
    expected: int  # active LAOs x installments of the round
    total_points: Decimal = Decimal(0)
    report: ScorecardReport | None = None
    total_after: Decimal | None = None  # after late-submission penalties (None until submitted)

    @property
    def completeness(self) -> Decimal | None:
        """Confirmed reports as a percent of those expected, rounded half away from zero."""
        if not self.expected:
            return None
        return (Decimal(self.confirmed) * 100 / self.expected).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def weight_pct(self) -> Decimal:
        """The whole card's weight from the points (100.00 when anything is measured), as a total row shows it."""
        return scoring.weight_percent(self.total_points, self.total_points) if self.total_points > 0 else Decimal(0)

    @property
    def lines(self) -> list[Line]:
        """Every KPI row in order."""
        return [line for g in self.groups for line in g.lines]


def rounds_of(year: int) -> list[Round]:
    """The year's rounds in order: round number n is the n-th."""
    return list(db.session.scalars(select(Round).where(Round.fiscal_year_id == year).order_by(Round.last_installment)))


def _by_installment(installment_ids: list[int], province_id: int | None) -> dict[tuple[int, str], int]:
    """Confirmed satang per (installment id, LAO type) over the installments (from the rollup, one query)."""
    grouped = totals.grouped(installment_ids, ("installment_id", "lao_type"), statuses=["confirmed"],
                             province_id=province_id)
    return {(k[0], k[1]): v[2] for k, v in grouped.items()}


def _total(sums: dict[tuple[int, str], int], installment_ids: list[int], category: str) -> int:
    """The satang of a category (ALL: every type) over some of the installments."""
    wanted = set(installment_ids)
    return sum(v for (inst, lao_type), v in sums.items()
               if inst in wanted and (category == "ALL" or lao_type == category))


def _result(kpi: KpiDefinition, current: int, base: int | None, base_whole: int | None) -> Decimal | None:
    """The KPI's result from satang: an amount in its unit, or a percent against the base year (None when the base
    is zero or missing)."""
    baht = Decimal(current) / 100
    if kpi.measure == "amount_million":
        return (baht / MILLION).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if kpi.measure == "amount_baht":
        return baht.quantize(Decimal("0.01"))
    if kpi.measure == "growth_pct":
        return pct_change(Decimal(base) / 100, baht) if base else None
    if base_whole:
        return (Decimal(current) * 100 / base_whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return None


def build(year: int, round_no: int, province: Province | None) -> Scorecard:
    """The scorecard of `year`'s round `round_no` for `province` (None: the whole country)."""
    rounds = rounds_of(year)
    the_round = rounds[round_no - 1] if 1 <= round_no <= len(rounds) else None
    ref = reference.current()
    installments = [i for i in ref.installments.get(year, [])
                    if the_round is not None and i.number <= the_round.last_installment]
    ids = [i.id for i in installments]
    province_id = province.id if province is not None else None
    current = _by_installment(ids, province_id)
    kpis = [k for k in operations.governing(year, round_no)]
    base = {y: (ref.installments.get(y, []), _by_installment([i.id for i in ref.installments.get(y, [])], province_id))
            for y in sorted({k.base_year for k in kpis if k.base_year})}
    fy_start, _fy_end = fiscal_year_bounds(year)
    half_end = date(fy_start.year + 1, 3, 31)  # the first six months: October to March
    halves = ([i for i in installments if i.period_end <= half_end], [i for i in installments if i.period_end > half_end])

    def measure(kpi: KpiDefinition, part: list) -> tuple[Decimal | None, int | None]:
        """(result, base satang of the same period) of `kpi` over the installments `part`."""
        cur = _total(current, [i.id for i in part], kpi.category)
        same = whole = None
        if kpi.base_year in base and part:
            back = year - kpi.base_year
            base_installments, base_sums = base[kpi.base_year]
            start, end = shift_year(part[0].period_start, -back), shift_year(part[-1].period_end, -back)
            end = month_end(end.year, end.month)
            same = _total(base_sums, [i.id for i in base_installments if i.period_start >= start and i.period_end <= end],
                          kpi.category)
            whole = _total(base_sums, [i.id for i in base_installments], kpi.category)
        if kpi.first_half_weight is not None and kpi.measure == "share_pct":
            whole = same  # a half is compared with the same half of the base year
        return _result(kpi, cur, same, whole), same

    def scored(kpi: KpiDefinition, result: Decimal | None) -> Decimal:
        """The five-level score of a result (0 when there is none)."""
        return scoring.score(result, kpi.thresholds, kpi.direction == "higher") if result is not None else Decimal(0)

    lines = []
    for kpi in kpis:
        applicable = the_round is not None and round_no in kpi.round_numbers
        line = Line(kpi, applicable)
        if applicable:
            line.result, same = measure(kpi, installments)
            line.base = Decimal(same) / 100 if same is not None else None
            line.score = scored(kpi, line.result)
            if kpi.first_half_weight is not None and halves[0]:
                parts = [measure(kpi, part)[0] for part in halves if part]
                line.half_results = parts
                line.score = (scoring.halves(scored(kpi, parts[0]), scored(kpi, parts[1]), kpi.first_half_weight,
                                             100 - kpi.first_half_weight) if len(parts) == 2 else scored(kpi, parts[0]))
        lines.append(line)
    weighed = scoring.card([scoring.CardLine(str(line.kpi.id), line.kpi.points,
                                             line.score if line.applicable else None) for line in lines])
    for line in lines:
        line.weighted = weighed.weighted[str(line.kpi.id)]
        if line.applicable and weighed.total_points > 0:
            line.weight_pct = scoring.weight_percent(line.kpi.points, weighed.total_points)
    groups: dict[str, Group] = {}
    for line in lines:
        groups.setdefault(line.kpi.group_th, Group(line.kpi.group_th, weighed.total_points)).lines.append(line)
    confirmed, expected = _completeness(ids, province_id)
    report = operations.report_of(year, round_no, province)
    total_after = _penalise(lines, report, weighed.total_points) if report is not None else None
    return Scorecard(year, round_no, the_round, province, list(groups.values()), weighed.total, confirmed, expected,
                     weighed.total_points, report, total_after)


PENALTY_RULES = {"calendar": scoring.PER_CALENDAR_DAY, "working": scoring.PER_WORKING_DAY}


def _penalise(lines: list[Line], report: ScorecardReport, total_points: Decimal) -> Decimal:
    """Late-submission penalties: each measured KPI with a deadline and a rule loses its points per day (or working
    day, holidays skipped) that the report was submitted after the deadline; returns the total after them."""
    submitted = to_local(report.submitted_at).date()
    deadlines = [line.kpi.deadline for line in lines if line.kpi.deadline is not None]
    holidays = [h for h in db.session.scalars(select(Holiday.day).where(Holiday.day >= min(deadlines),
                                                                         Holiday.day <= submitted))] \
        if deadlines and submitted > min(deadlines) else []
    total = Decimal(0)
    for line in lines:
        if not line.applicable or line.score is None:
            continue
        rule = PENALTY_RULES.get(line.kpi.penalty)
        if rule is not None and line.kpi.deadline is not None:
            line.days_late = scoring.days_late(submitted, line.kpi.deadline, working_days=rule.working_days,
                                               holidays=holidays)
            line.penalty = scoring.late_penalty(submitted, line.kpi.deadline, rule, holidays)
        line.score_after = scoring.after_penalty(line.score, line.penalty)
        line.weighted_after = scoring.weighted_by_points(line.score_after, line.kpi.points, total_points)
        total += line.weighted_after
    return total


def _completeness(installment_ids: list[int], province_id: int | None) -> tuple[int, int]:
    """(confirmed reports of active LAOs, active LAOs x installments) over the installments."""
    if not installment_ids:
        return 0, 0
    grouped = totals.grouped(installment_ids, ("installment_id",), statuses=["confirmed"], province_id=province_id,
                             active_only=True)
    confirmed = sum(v[0] for v in grouped.values())
    laos = select(func.count(Lao.id)).where(Lao.active.is_(True))
    if province_id is not None:
        laos = laos.where(Lao.province_id == province_id)
    return confirmed, (db.session.scalar(laos) or 0) * len(installment_ids)

