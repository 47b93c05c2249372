"""KPI scoring on the five-level method of Thai government scorecards."""

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
