"""Year-over-year comparison math (INF508): period matching, rows from sums, totals, rates, KPI scorecards."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import N_, DomainError, ValidationError
from .money import from_satang, pct_change
from .scoring import DEFAULT_GROWTH_THRESHOLDS, score, weighted
from .vocabulary import LAO_TYPE_LABELS, LAO_TYPES, RECORDED_STATUSES, Status

CATEGORIES = LAO_TYPES
GROUPS = ("pao", "mun", "sao", "all")  # column groups: the three categories, then all together
GROUP_OF = {"PAO": "pao", "MUNICIPALITY": "mun", "SAO": "sao"}
GROUP_LABELS = {**{GROUP_OF[t]: LAO_TYPE_LABELS[t] for t in LAO_TYPES}, "all": N_("รวมทุกประเภท")}
AMOUNT_FIELDS = tuple(f"{g}_{k}" for g in GROUPS for k in ("base", "current", "pct"))
NATIONAL_FIELDS = ("province_code", "province_name", *AMOUNT_FIELDS)
PROVINCE_FIELDS = ("lao_code", "lao_name", *AMOUNT_FIELDS)
TOTAL_CODE = "TOTAL"

BASIS_SAME_PERIOD = "same-period"
BASIS_FULL_YEAR = "full-year"
BASES = (BASIS_SAME_PERIOD, BASIS_FULL_YEAR)
STATUS_CONFIRMED = "confirmed"
STATUS_RECORDED = "recorded"
# Like-for-like: only LAOs whose every compared installment is confirmed in BOTH years (each side then
# sums the same LAOs, so a missing confirmation shrinks coverage instead of turning into a fall).
STATUS_LIKE_FOR_LIKE = "like-for-like"
# Which installment_reports.status values each data selector counts (the machine interfaces' two).
STATUS_SETS = {
    STATUS_CONFIRMED: (Status.CONFIRMED.value,),
    STATUS_RECORDED: RECORDED_STATUSES,
}
# Every data selector of the report pages and the CLI, with the report statuses it counts.
SELECTORS = {STATUS_LIKE_FOR_LIKE: (Status.CONFIRMED.value,), **STATUS_SETS}
TWO = Decimal("0.01")


# --------------------------------------------------------------------------------------------------
# Which installments are compared


@dataclass(frozen=True)
class Period:
    """An installment of a fiscal year as plain values: its number and collection period."""

    number: int
    start: date
    end: date


@dataclass(frozen=True)
class PeriodMatch:
    """The installments compared: current 1..N against `base`, and the basis actually used.

    `fallback` is True when same-period was asked for but the base year's schedule cannot cover the
    same months exactly (e.g. an annual base year against part of a year): the whole base year is
    then used and the screen says so.
    """

    current: tuple[int, ...]
    base: tuple[int, ...]
    basis: str
    fallback: bool


def _month(d: date) -> int:
    """A month as one number (year * 12 + month), so periods compare by whole months."""
    return d.year * 12 + d.month - 1


def default_through(periods: list[Period], today: date) -> int | None:
    """Number of the latest installment whose period ended before `today`, or None."""
    ended = [p.number for p in periods if p.end < today]
    return max(ended) if ended else None


def match_periods(current: list[Period], base: list[Period], through: int, year_gap: int, basis: str) -> PeriodMatch:
    """The installments to compare for current installments 1..`through` against the base year.

    same-period: the base installments whose periods lie inside the current window shifted back by
    `year_gap` years, matched by months (not numbers) so FY2560's installment 1 (Oct-Feb) meets five
    monthly installments. If they do not tile the window exactly, fall back to the whole base year.
    full-year: every base installment (the prior year's collection is the target).
    Raises DomainError when `through` is not an installment of the current year or `basis` is unknown.
    """
    if basis not in BASES:
        raise DomainError("basis", N_("ไม่รู้จักฐานการเปรียบเทียบนี้"))
    numbers = sorted(p.number for p in current)
    if through not in numbers:
        raise DomainError("through", N_("ไม่มีงวดที่ %(n)s ในปีงบประมาณนี้"), n=through)
    cur = sorted((p for p in current if p.number <= through), key=lambda p: p.number)
    all_base = tuple(sorted(p.number for p in base))
    if basis == BASIS_FULL_YEAR:
        return PeriodMatch(tuple(p.number for p in cur), all_base, BASIS_FULL_YEAR, False)
    # Whole months, not days: shifting 28 Feb 2017 back a year must still reach 29 Feb 2016.
    window_start = _month(cur[0].start) - 12 * year_gap
    window_end = _month(cur[-1].end) - 12 * year_gap
    inside = sorted((p for p in base if _month(p.start) >= window_start and _month(p.end) <= window_end),
                    key=lambda p: p.start)
    tiles = bool(inside) and _month(inside[0].start) == window_start and _month(inside[-1].end) == window_end and all(
        _month(b.start) == _month(a.end) + 1 for a, b in zip(inside, inside[1:])
    )
    if not tiles:
        return PeriodMatch(tuple(p.number for p in cur), all_base, BASIS_FULL_YEAR, True)
    return PeriodMatch(tuple(p.number for p in cur), tuple(p.number for p in inside), BASIS_SAME_PERIOD, False)


# --------------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class Cell:
    """Base amount, current amount and percent change of one column group (None: not applicable)."""

    base: Decimal | None
    current: Decimal | None
    pct: Decimal | None

    @property
    def applicable(self) -> bool:
        """Whether the row has this category at all (an SAO row has no PAO cells)."""
        return self.base is not None

    @property
    def change(self) -> Decimal | None:
        """Current minus base in baht."""
        if self.base is None or self.current is None:  # make_cell sets both or neither
            return None
        return self.current - self.base


NOT_APPLICABLE = Cell(None, None, None)  # a category the row does not have


def make_cell(base: Decimal | None, current: Decimal | None) -> Cell:
    """A cell from two baht amounts; the percent is (current - base) / base x 100, None for a zero base."""
    if base is None and current is None:
        return Cell(None, None, None)
    base = base if base is not None else Decimal("0.00")
    current = current if current is not None else Decimal("0.00")
    return Cell(base, current, pct_change(base, current))


@dataclass
class Coverage:
    """How complete the counted figures are: LAOs expected, and those missing records or confirmations.

    `not_recorded`: LAOs lacking a record of at least one counted installment; `not_confirmed`: LAOs
    that recorded every installment but still have one not confirmed.
    """

    laos: int = 0
    not_recorded: int = 0
    not_confirmed: int = 0
    paired: int = 0  # LAOs confirmed in every compared installment of both years (like-for-like only)

    def __add__(self, other: "Coverage") -> "Coverage":
        """Coverage of two groups together."""
        return Coverage(self.laos + other.laos, self.not_recorded + other.not_recorded,
                        self.not_confirmed + other.not_confirmed, self.paired + other.paired)

    def missing(self, status: str) -> int:
        """LAOs whose figures are not (all) counted under the data selector `status`."""
        if status == STATUS_LIKE_FOR_LIKE:
            return max(self.laos - self.paired, 0)
        return self.not_recorded + (self.not_confirmed if status == STATUS_CONFIRMED else 0)

    def counted(self, status: str) -> int:
        """LAOs whose figures are all counted under the data selector `status`."""
        return self.laos - self.missing(status)

    def share(self, status: str) -> Decimal | None:
        """Counted LAOs as a percent of the LAOs expected (2 places), None when none are expected."""
        return rate(self.counted(status), self.laos)


@dataclass
class Row:
    """One line of the comparison: a province, an LAO, a district subtotal or the total (รวม)."""

    kind: str  # "province", "lao", "district" or "total"
    code: str
    name: str
    cells: dict[str, Cell]
    lao_type: str | None = None
    district_code: str | None = None
    district_name: str | None = None
    coverage: dict[str, Coverage] = field(default_factory=dict)  # "base" / "current"

    def record(self, level: str = "national") -> dict[str, str | Decimal | None]:
        """The row under the CSV field names: amounts and percents as Decimal (or None), code, name."""
        prefix = "province" if level == "national" else "lao"
        out: dict[str, str | Decimal | None] = {f"{prefix}_code": self.code, f"{prefix}_name": self.name}
        for g in GROUPS:
            c = self.cells[g]
            out[f"{g}_base"], out[f"{g}_current"], out[f"{g}_pct"] = c.base, c.current, c.pct
        return out

    def __getitem__(self, key: str):
        """Field access by CSV field name (amount fields, or code/name under either prefix)."""
        if key.endswith("_code"):
            return self.code
        if key.endswith("_name"):
            return self.name
        group, _, part = key.partition("_")
        return getattr(self.cells[group], part)


def build_row(kind: str, code: str, name: str, base: dict[str, int], current: dict[str, int],
              categories: tuple[str, ...] = CATEGORIES, **extra) -> Row:
    """A row from satang sums per category; categories outside `categories` are not applicable (None).

    The "all" group sums the applicable categories; every percent comes from the sums.
    """
    cells: dict[str, Cell] = {}
    for cat in CATEGORIES:
        if cat in categories:
            cells[GROUP_OF[cat]] = make_cell(from_satang(base.get(cat, 0)), from_satang(current.get(cat, 0)))
        else:
            cells[GROUP_OF[cat]] = NOT_APPLICABLE
    if len(categories) == 1:  # an LAO's row: "all" is its one category (cells are immutable)
        cells["all"] = cells[GROUP_OF[categories[0]]]
    else:
        cells["all"] = make_cell(from_satang(sum(base.get(c, 0) for c in categories)),
                                 from_satang(sum(current.get(c, 0) for c in categories)))
    return Row(kind, code, name, cells, **extra)


def total_row(rows: list[Row], kind: str = "total", code: str = TOTAL_CODE, name: str = "รวม", **extra) -> Row:
    """The sum of `rows` column by column; its percents come from the column totals, never from row percents."""
    cells: dict[str, Cell] = {}
    for g in GROUPS:
        # An applicable cell has both amounts (make_cell sets both or neither).
        present = [(c.base, c.current) for r in rows if (c := r.cells[g]).base is not None and c.current is not None]
        if not present:
            cells[g] = Cell(None, None, None)
            continue
        cells[g] = make_cell(sum((base for base, _current in present), Decimal("0.00")),
                             sum((current for _base, current in present), Decimal("0.00")))
    coverage: dict[str, Coverage] = {}
    for side in ("base", "current"):
        parts = [part for r in rows if (part := r.coverage.get(side)) is not None]
        coverage[side] = Coverage(sum(p.laos for p in parts), sum(p.not_recorded for p in parts),
                                  sum(p.not_confirmed for p in parts), sum(p.paired for p in parts))
    return Row(kind, code, name, cells, coverage=coverage, **extra)


def rate(part: int, whole: int) -> Decimal | None:
    """`part` as a percent of `whole`, rounded half away from zero to 2 places; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO, rounding=ROUND_HALF_UP)


def cumulative(values: list[int]) -> list[int]:
    """Running totals of `values` (installment amounts are per period, reports show them cumulated)."""
    out, running = [], 0
    for v in values:
        running += v
        out.append(running)
    return out


# --------------------------------------------------------------------------------------------------
# KPI scorecard


DEFAULT_WEIGHTS = {"pao": Decimal("33.34"), "mun": Decimal("33.33"), "sao": Decimal("33.33")}


@dataclass(frozen=True)
class KpiSettings:
    """Five growth thresholds T1..T5 (%) and a weight (%) per category, the weights summing to 100."""

    thresholds: tuple[Decimal, ...] = DEFAULT_GROWTH_THRESHOLDS
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


def _decimal(text, field_name: str) -> Decimal:
    """A Decimal from user text, or DomainError(field_name)."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except Exception as exc:
        raise DomainError(field_name, N_("กรุณากรอกตัวเลข")) from exc
    if not value.is_finite():
        raise DomainError(field_name, N_("กรุณากรอกตัวเลข"))
    return value


def validate_kpi_settings(thresholds: list, weights: dict) -> KpiSettings:
    """Check and convert five thresholds and three category weights typed by an admin.

    Thresholds must be numbers in strictly increasing order; weights numbers from 0 to 100 with at
    most 2 decimals that sum to exactly 100. Raises ValidationError mapping fields t1..t5,
    weight_pao, weight_mun, weight_sao to their errors.
    """
    errors: dict[str, DomainError] = {}
    values: list[Decimal | None] = []
    for i, text in enumerate(thresholds, start=1):
        try:
            values.append(_decimal(text, f"t{i}"))
        except DomainError as err:
            errors[f"t{i}"] = err
            values.append(None)
    if len(values) != 5:
        errors["t1"] = DomainError("t1", N_("ต้องกำหนดเกณฑ์ 5 ระดับ"))
    for i in range(1, len(values)):
        a, b = values[i - 1], values[i]
        if a is not None and b is not None and b <= a and f"t{i + 1}" not in errors:
            errors[f"t{i + 1}"] = DomainError(f"t{i + 1}", N_("เกณฑ์ระดับ %(n)s ต้องมากกว่าระดับ %(m)s"), n=i + 1, m=i)
    parsed: dict[str, Decimal] = {}
    for g in ("pao", "mun", "sao"):
        name = f"weight_{g}"
        try:
            w = _decimal(weights.get(g), name)
        except DomainError as err:
            errors[name] = err
            continue
        if w < 0 or w > 100:
            errors[name] = DomainError(name, N_("น้ำหนักต้องอยู่ระหว่าง 0 ถึง 100"))
        elif w != w.quantize(TWO):
            errors[name] = DomainError(name, N_("น้ำหนักมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"))
        else:
            parsed[g] = w.quantize(TWO)
    if len(parsed) == 3 and sum(parsed.values()) != 100:
        errors["weight_pao"] = DomainError("weight_pao", N_("น้ำหนักรวมต้องเท่ากับ 100 (ขณะนี้ %(total)s)"),
                                           total=f"{sum(parsed.values()):.2f}")
    if errors:
        raise ValidationError(errors)
    # No error: every threshold parsed, so no None is dropped here.
    return KpiSettings(tuple(v for v in values if v is not None), parsed)


@dataclass(frozen=True)
class KpiLine:
    """One category of a province's scorecard: growth (%), score (0-5), weight (%) and weighted score.

    A category without a base figure has no growth: it is not scored and its weight goes to the others.
    """

    group: str
    growth: Decimal | None
    score: Decimal | None
    weight: Decimal
    weighted: Decimal | None


@dataclass
class KpiRow:
    """A province's scorecard: one line per category, the weighted total and the national rank."""

    code: str
    name: str
    lines: dict[str, KpiLine]
    total: Decimal | None
    rank: int | None = None


def score_row(row: Row, settings: KpiSettings) -> KpiRow:
    """Score each category's growth on the five-level method and sum the weighted scores.

    Weights of unscored categories (zero or missing base) are shared among the scored ones in
    proportion, so the total stays on the 0-5 scale.
    """
    scored = {g: row.cells[g].pct for g in ("pao", "mun", "sao") if row.cells[g].pct is not None}
    weight_sum = sum((Decimal(settings.weights[g]) for g in scored), Decimal(0))
    lines: dict[str, KpiLine] = {}
    total = Decimal(0)
    for g in ("pao", "mun", "sao"):
        growth = scored.get(g)
        if growth is None or weight_sum == 0:
            lines[g] = KpiLine(g, growth, None if growth is None else score(growth, settings.thresholds),
                               Decimal(0), None)
            continue
        effective = (Decimal(settings.weights[g]) * 100 / weight_sum).quantize(TWO, rounding=ROUND_HALF_UP)
        s = score(growth, settings.thresholds)
        w = weighted(s, Decimal(settings.weights[g]) * 100 / weight_sum)
        lines[g] = KpiLine(g, growth, s, effective, w)
        total += w
    return KpiRow(row.code, row.name, lines, total if scored and weight_sum else None)


def scorecard(rows: list[Row], settings: KpiSettings) -> list[KpiRow]:
    """Score every province and rank them nationally (highest total first; equal totals share a rank)."""
    out = [score_row(r, settings) for r in rows]
    ranked = sorted(((r, r.total) for r in out if r.total is not None), key=lambda rt: rt[1], reverse=True)
    previous: Decimal | None = None
    rank = 0
    for i, (r, total) in enumerate(ranked, start=1):
        if total != previous:
            rank, previous = i, total
        r.rank = rank
    return sorted(out, key=lambda r: (r.rank is None, r.rank or 0))


# --------------------------------------------------------------------------------------------------
# Progress toward a target, short names for print


def progress(done: Decimal | int, target: Decimal | int | None) -> Decimal | None:
    """`done` as a percent of `target` (done / target x 100), half away from zero to 2 places; None for no target.

    The LAO home's "reached X % of the target": the year to date against the prior full year.
    """
    if target is None or Decimal(target) <= 0:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(TWO, rounding=ROUND_HALF_UP)


# Longest first: เทศบาลตำบล must not be read as a shorter prefix of something else.
TYPE_PREFIXES = (
    ("องค์การบริหารส่วนจังหวัด", "อบจ."),
    ("องค์การบริหารส่วนตำบล", "อบต."),
    ("เทศบาลตำบล", "ทต."),
    ("เทศบาลเมือง", "ทม."),
    ("เทศบาลนคร", "ทน."),
)


def short_lao_name(name: str) -> str:
    """An LAO's name with its type prefix abbreviated for print (องค์การบริหารส่วนตำบลแม่ริม -> อบต.แม่ริม).

    Only a leading prefix is replaced; a name without one is returned unchanged.
    """
    text = name.strip()
    for long, short in TYPE_PREFIXES:
        if text.startswith(long):
            return short + text[len(long):].lstrip()
    return text
