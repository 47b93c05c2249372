"""Exact money: parsing user input, satang conversion, formatting and percent change."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import DomainError, N_

DEFAULT_CEILING = Decimal("10000000000")  # 10,000 million baht
SATANG = Decimal(100)
TWO_PLACES = Decimal("0.01")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# digits with optional correctly placed thousands separators, optional 1-2 decimals
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_PLAIN = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_amount(text: str | None, field: str = "amount", ceiling: Decimal = DEFAULT_CEILING) -> Decimal:
    """Parse a baht amount typed by a user into a Decimal with 2 places.

    Accepts `1234567.89`, `1,234,567.89`, surrounding spaces and Thai digits.
    Raises DomainError(field, ...) on empty, negative, letters, NaN/inf, exponents,
    more than two decimals, misplaced separators, or an amount above `ceiling`.
    """
    if text is None or not str(text).strip():
        raise DomainError(field, N_("กรุณากรอกจำนวนเงิน (ถ้าไม่มีรายได้ให้กรอก 0)"))
    s = str(text).strip().translate(_THAI_DIGITS)
    if s.startswith("-"):
        raise DomainError(field, N_("จำนวนเงินต้องไม่ติดลบ"))
    if not (_PLAIN.match(s) or _GROUPED.match(s)):
        raise DomainError(field, N_("รูปแบบจำนวนเงินไม่ถูกต้อง ให้กรอกเป็นตัวเลข เช่น 1,234,567.89"))
    whole, _, frac = s.replace(",", "").partition(".")
    if len(frac) > 2:
        raise DomainError(field, N_("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"))
    try:
        value = Decimal(f"{whole}.{frac or '0'}").quantize(TWO_PLACES)
    except InvalidOperation as exc:  # pragma: no cover - regexes exclude this
        raise DomainError(field, N_("รูปแบบจำนวนเงินไม่ถูกต้อง")) from exc
    if value > ceiling:
        raise DomainError(field, N_("จำนวนเงินเกินเพดานที่กำหนด (%(ceiling)s บาท)"), ceiling=format_baht(ceiling))
    return value


def to_satang(amount: Decimal) -> int:
    """Convert a Decimal baht amount (at most 2 places) to integer satang; raises ValueError otherwise."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be Decimal")
    q = amount * SATANG
    if q != q.to_integral_value():
        raise ValueError(f"{amount} has more than 2 decimal places")
    return int(q)


def from_satang(satang: int | None) -> Decimal:
    """Convert integer satang (None counts as 0) to a Decimal baht amount with 2 places."""
    return (Decimal(int(satang or 0)) / SATANG).quantize(TWO_PLACES)


def format_baht(amount: Decimal | None, dash_for_none: bool = True) -> str:
    """Format baht with thousands separators and 2 decimals: Decimal('-1234.5') -> '-1,234.50'."""
    if amount is None:
        return "–" if dash_for_none else ""
    return f"{amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):,.2f}"


def plain_baht(amount: Decimal | None) -> str:
    """Format baht as a plain decimal with 2 places and no separators (CSV, API)."""
    if amount is None:
        return ""
    return f"{amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):.2f}"


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round half away from zero to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def pct_change(base: Decimal | int, current: Decimal | int) -> Decimal | None:
    """Percent change (current - base) / base * 100 rounded half away from zero; None for a zero base."""
    base_d, cur_d = Decimal(base), Decimal(current)
    if base_d == 0:
        return None
    return round_half_up((cur_d - base_d) * 100 / base_d)


def format_pct(pct: Decimal | None) -> str:
    """Format a percentage with 2 decimals, or an en dash when undefined."""
    return "–" if pct is None else f"{pct:,.2f}"


def shares(counts: list[int]) -> list[Decimal]:
    """Percent share of each count with 2 decimals, adjusted (largest remainder) so they sum to 100.00."""
    total = sum(counts)
    if total == 0:
        return [Decimal("0.00") for _ in counts]
    exact = [Decimal(c) * 10000 / total for c in counts]  # in hundredths of a percent
    floors = [int(e) for e in exact]
    left = 10000 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]
