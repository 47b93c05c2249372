"""KPI scoring on the five-level method of Thai government scorecards."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .errors import DomainError, N_

FOUR_PLACES = Decimal("0.0001")
DEFAULT_GROWTH_THRESHOLDS = (Decimal(-10), Decimal(-5), Decimal(0), Decimal(5), Decimal(10))


def score(result: Decimal, thresholds: tuple[Decimal, ...], higher_is_better: bool = True,
          below_t1: Decimal = Decimal(0)) -> Decimal:
    """Score `result` against thresholds T1..T5: L + (result - T_L)/(T_L+1 - T_L), 5 at or past T5.

    Below T1 scores `below_t1` (the card's rule, usually 0). Lower-is-better reverses the direction.
    Rounded half away from zero to 4 decimals. Raises DomainError unless 5 strictly ordered thresholds.
    """
    t = [Decimal(x) for x in thresholds]
    if len(t) != 5:
        raise DomainError("thresholds", N_("ต้องกำหนดเกณฑ์ 5 ระดับ"))
    if not higher_is_better:
        t = [-x for x in t]
        result = -Decimal(result)
    if any(b <= a for a, b in zip(t, t[1:])):
        raise DomainError("thresholds", N_("เกณฑ์ต้องเรียงจากน้อยไปมาก"))
    r = Decimal(result)
    if r >= t[4]:
        value = Decimal(5)
    elif r < t[0]:
        value = Decimal(below_t1)
    else:
        level = max(i for i in range(5) if r >= t[i])
        value = Decimal(level + 1) + (r - t[level]) / (t[level + 1] - t[level])
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def weighted(score_value: Decimal, weight_pct: Decimal) -> Decimal:
    """Weighted score = score x weight% / 100, to 4 decimals."""
    return (Decimal(score_value) * Decimal(weight_pct) / 100).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def weighted_by_points(score_value: Decimal, points: Decimal, total_points: Decimal) -> Decimal:
    """Weighted score = score x points / total points, from the unrounded weight, to 4 decimals: a score of 5
    with 9 of 65 points weighs 0.6923 (not 5 x 13.85 % = 0.6925). Raises DomainError for a total of 0 or less."""
    if Decimal(total_points) <= 0:
        raise DomainError("weight", N_("น้ำหนักรวมต้องมากกว่า 0"))
    return (Decimal(score_value) * Decimal(points) / Decimal(total_points)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def weight_percent(points: Decimal, total_points: Decimal) -> Decimal:
    """The weight shown on the form: points as a percent of the total, to 2 decimals (display only)."""
    if Decimal(total_points) <= 0:
        raise DomainError("weight", N_("น้ำหนักรวมต้องมากกว่า 0"))
    return (Decimal(points) * 100 / Decimal(total_points)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CardLine:
    """One KPI of a scorecard in a round: its weight points and score (None: not measured in this round, e.g.
    a KPI removed mid-year; it then drops out of the weights)."""

    key: str
    points: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class CardResult:
    """Weighted scores per KPI (None when not applicable), their total, and the points they were weighed over."""

    weighted: dict[str, Decimal | None]
    total: Decimal
    total_points: Decimal


def card(lines: list[CardLine]) -> CardResult:
    """Weigh a scorecard: every applicable KPI by its points over the applicable KPIs' total points (a KPI not
    measured in the round drops out without distorting the others' relative weights); the card's result is the
    sum of the weighted scores as printed (4 decimals each), so the total equals the sum of its rows."""
    applicable = [line for line in lines if line.score is not None]
    total_points = sum((Decimal(line.points) for line in applicable), Decimal(0))
    out: dict[str, Decimal | None] = {}
    for line in lines:
        out[line.key] = None if line.score is None else weighted_by_points(line.score, line.points, total_points)
    total = sum((v for v in out.values() if v is not None), Decimal(0))
    return CardResult(out, total.quantize(FOUR_PLACES), total_points)


def halves(first: Decimal, second: Decimal, first_weight: Decimal = Decimal(50),
           second_weight: Decimal = Decimal(50)) -> Decimal:
    """A KPI measured in both halves of the year (first 6 months, last 6 months) and then weighted: the
    weighted mean of the two scores, to 4 decimals (default half and half)."""
    w1, w2 = Decimal(first_weight), Decimal(second_weight)
    if w1 < 0 or w2 < 0 or w1 + w2 <= 0:
        raise DomainError("weight", N_("น้ำหนักรวมต้องมากกว่า 0"))
    return ((Decimal(first) * w1 + Decimal(second) * w2) / (w1 + w2)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PenaltyRule:
    """How lateness costs points: `per_day` points for each calendar day, or each working day (Monday to Friday,
    public holidays excluded) when `working_days`."""

    per_day: Decimal
    working_days: bool = False


PER_CALENDAR_DAY = PenaltyRule(Decimal("0.01"))  # a late report: 0.01 point per day
PER_WORKING_DAY = PenaltyRule(Decimal("0.1"), working_days=True)  # some milestone KPIs: 0.1 per working day


def days_late(submitted: date, deadline: date, *, working_days: bool = False,
              holidays: Iterable[date] = ()) -> int:
    """Days after `deadline` up to and including `submitted` (0 when on time): calendar days, or working days
    (weekdays that are not in `holidays`)."""
    if submitted <= deadline:
        return 0
    if not working_days:
        return (submitted - deadline).days
    off = set(holidays)
    days = (submitted - deadline).days
    return sum(1 for n in range(1, days + 1)
               if (d := deadline + timedelta(days=n)).weekday() < 5 and d not in off)


def late_penalty(submitted: date, deadline: date, rule: PenaltyRule, holidays: Iterable[date] = ()) -> Decimal:
    """Points lost for submitting after the deadline under `rule`."""
    return Decimal(rule.per_day) * days_late(submitted, deadline, working_days=rule.working_days, holidays=holidays)


def after_penalty(score_value: Decimal, penalty: Decimal) -> Decimal:
    """A score after its late penalty, never below 0, to 4 decimals."""
    return max(Decimal(0), Decimal(score_value) - Decimal(penalty)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
