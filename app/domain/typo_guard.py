"""Typo guard: flags amounts far from the same installment of the prior year.

An explanation belongs to a warning: it is required while the figure is flagged and dropped when a correction
clears the flag (the audit trail keeps the old one)."""

from decimal import Decimal

from .errors import N_

HIGH_FACTOR = Decimal(3)

WARN_HIGH = "high"
WARN_LOW = "low"
WARN_ZERO = "zero"
WARN_NEW = "new"

WARNING_MESSAGES = {
    WARN_HIGH: N_("สูงกว่างวดเดียวกันของปีก่อนเกิน 3 เท่า"),
    WARN_LOW: N_("ต่ำกว่า 1 ใน 3 ของงวดเดียวกันของปีก่อน"),
    WARN_ZERO: N_("เป็นศูนย์ ขณะที่งวดเดียวกันของปีก่อนมีรายได้"),
    WARN_NEW: N_("มีรายได้ ขณะที่งวดเดียวกันของปีก่อนเป็นศูนย์"),
}


def check(amount: Decimal, prior: Decimal | None) -> str | None:
    """Warning code when `amount` is > 3x or < 1/3 of `prior`, zero where prior had revenue, or revenue where
    prior was zero (an infinite jump); None when there is no prior figure."""
    if prior is None or prior < 0:
        return None
    if prior == 0:
        return WARN_NEW if amount > 0 else None
    if amount == 0:
        return WARN_ZERO
    if amount > prior * HIGH_FACTOR:
        return WARN_HIGH
    if amount * HIGH_FACTOR < prior:
        return WARN_LOW
    return None
