"""Evaluation of LAOs and provincial offices for a round, as the circular intends the recorded figures to be used.

An LAO: the installments it recorded by their deadline, its days late in total, and its growth against the same
period of the base year. A provincial office: the installments it confirmed by their deadline, its days late, and
the share of its LAOs whose every due installment is confirmed. Each part is scored on the five-level method with
thresholds the national staff set (EvaluationRules); the score is the weighted mean of the parts.
"""

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import N_, DomainError, ValidationError
from .money import pct_change
from .scoring import FOUR_PLACES, score

DEFAULT_PUNCTUALITY = (Decimal(60), Decimal(70), Decimal(80), Decimal(90), Decimal(100))  # % on time
DEFAULT_GROWTH = (Decimal(-10), Decimal(-5), Decimal(0), Decimal(5), Decimal(10))  # % against the base year
DEFAULT_COMPLETE = (Decimal(60), Decimal(70), Decimal(80), Decimal(90), Decimal(100))  # % of LAOs complete


@dataclass(frozen=True)
class EvaluationRules:
    """Thresholds T1..T5 of each part and the weight (%) of punctuality in an LAO's score (growth takes the rest)
    and of confirmation punctuality in an office's (completeness takes the rest)."""

    punctuality: tuple[Decimal, ...] = DEFAULT_PUNCTUALITY
    growth: tuple[Decimal, ...] = DEFAULT_GROWTH
    complete: tuple[Decimal, ...] = DEFAULT_COMPLETE
    lao_punctuality_weight: Decimal = Decimal(50)
    office_punctuality_weight: Decimal = Decimal(50)

    def as_dict(self) -> dict:
        """The rules as JSON-ready strings."""
        return {"punctuality": [str(t) for t in self.punctuality], "growth": [str(t) for t in self.growth],
                "complete": [str(t) for t in self.complete],
                "lao_punctuality_weight": str(self.lao_punctuality_weight),
                "office_punctuality_weight": str(self.office_punctuality_weight)}


def rules_from(raw: dict | None) -> EvaluationRules:
    """Rules stored as JSON (as_dict), or the defaults; ValidationError when they do not check."""
    if not raw:
        return EvaluationRules()
    errors: dict[str, DomainError] = {}
    parts: dict[str, tuple[Decimal, ...]] = {}
    for name in ("punctuality", "growth", "complete"):
        try:
            values = tuple(Decimal(str(v)) for v in raw.get(name, []))
            if len(values) != 5 or any(not v.is_finite() for v in values) or any(b <= a for a, b in zip(values, values[1:])):
                raise ValueError(name)
            parts[name] = values
        except (ValueError, ArithmeticError):
            errors[name] = DomainError(name, N_("เกณฑ์ต้องเป็นตัวเลข 5 ระดับเรียงจากน้อยไปมาก"))
    weights: dict[str, Decimal] = {}
    for name in ("lao_punctuality_weight", "office_punctuality_weight"):
        try:
            w = Decimal(str(raw.get(name, "50")))
            if not w.is_finite() or not 0 <= w <= 100:
                raise ValueError(name)
            weights[name] = w
        except (ValueError, ArithmeticError):
            errors[name] = DomainError(name, N_("น้ำหนักต้องอยู่ระหว่าง 0 ถึง 100"))
    if errors:
        raise ValidationError(errors)
    return EvaluationRules(parts["punctuality"], parts["growth"], parts["complete"],
                           weights["lao_punctuality_weight"], weights["office_punctuality_weight"])


def _pct(part: int, whole: int) -> Decimal | None:
    """part / whole as a percent rounded half away from zero (None for nothing due)."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if whole else None


def _mean(a: Decimal | None, b: Decimal | None, weight_a: Decimal) -> Decimal | None:
    """Weighted mean of two part scores; a missing part leaves the other alone; None when both are missing."""
    if a is None and b is None:
        return None
    if a is None:
        return b
    if b is None:
        return a
    return ((a * weight_a + b * (100 - weight_a)) / 100).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class LaoResult:
    """An LAO's evaluation for a round (its percents and score are worked out once, on first use)."""

    lao_id: int
    due: int  # installments whose entry deadline has come
    on_time: int
    days_late: int
    current_satang: int
    base_satang: int
    rules: EvaluationRules = field(repr=False, default_factory=EvaluationRules)

    @cached_property
    def on_time_pct(self) -> Decimal | None:
        """Installments recorded on time, percent of those due."""
        return _pct(self.on_time, self.due)

    @cached_property
    def growth_pct(self) -> Decimal | None:
        """Recorded revenue against the same period of the base year, percent change (None without a base)."""
        return pct_change(self.base_satang, self.current_satang) if self.base_satang else None

    @cached_property
    def score(self) -> Decimal | None:
        """The weighted mean of the punctuality and growth scores."""
        p = score(self.on_time_pct, self.rules.punctuality) if self.on_time_pct is not None else None
        g = score(self.growth_pct, self.rules.growth) if self.growth_pct is not None else None
        return _mean(p, g, self.rules.lao_punctuality_weight)


@dataclass
class OfficeResult:
    """A provincial office's evaluation for a round (read its percents and score once its counts are final)."""

    province_id: int
    due: int  # its LAOs' recorded installments whose confirmation deadline has come
    on_time: int
    days_late: int
    laos: int
    complete: int  # LAOs with every due installment confirmed
    rules: EvaluationRules = field(repr=False, default_factory=EvaluationRules)

    @cached_property
    def on_time_pct(self) -> Decimal | None:
        """Installments confirmed on time, percent of those due."""
        return _pct(self.on_time, self.due)

    @cached_property
    def complete_pct(self) -> Decimal | None:
        """LAOs complete, percent of its active LAOs."""
        return _pct(self.complete, self.laos)

    @cached_property
    def score(self) -> Decimal | None:
        """The weighted mean of the confirmation-punctuality and completeness scores."""
        p = score(self.on_time_pct, self.rules.punctuality) if self.on_time_pct is not None else None
        c = score(self.complete_pct, self.rules.complete) if self.complete_pct is not None else None
        return _mean(p, c, self.rules.office_punctuality_weight)


def late_by(deadline: date, done_on: date | None, today: date) -> int:
    """Days after `deadline`: of the day it was done, or of today when not done yet (0 when on time)."""
    return max(0, ((done_on or today) - deadline).days)


def ranked(results: list, key_name) -> list[tuple[int | None, object]]:
    """(rank, result) by score (highest first), then fewer days late, then `key_name(result)`; equal score and
    days share a rank; results without a score come last, unranked."""
    scored = sorted((r for r in results if r.score is not None),
                    key=lambda r: (-r.score, r.days_late, key_name(r)))
    out: list[tuple[int | None, object]] = []
    previous = None
    for i, r in enumerate(scored, start=1):
        rank = out[-1][0] if previous == (r.score, r.days_late) else i
        out.append((rank, r))
        previous = (r.score, r.days_late)
    out += [(None, r) for r in sorted((r for r in results if r.score is None), key=key_name)]
    return out
