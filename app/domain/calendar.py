"""Fiscal calendar: Buddhist-era years, fiscal years, installment schedules, deadlines, Thai dates."""

import calendar as _cal
from dataclasses import dataclass
from datetime import date, datetime

from .errors import N_, DomainError

BE_OFFSET = 543
SCHEDULES = ("monthly", "dla2560", "annual")

THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
THAI_MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
EN_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def be_year(ce_year: int) -> int:
    """Buddhist-era year of a Common-era year."""
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    """Common-era year of a Buddhist-era year."""
    return be - BE_OFFSET


def fiscal_year_of(d: date) -> int:
    """The B.E. fiscal year containing date `d` (FY N runs 1 Oct N-1 to 30 Sep N)."""
    return be_year(d.year + 1 if d.month >= 10 else d.year)


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day (CE dates) of B.E. fiscal year `fy`."""
    y = ce_year(fy)
    return date(y - 1, 10, 1), date(y, 9, 30)


def month_end(year: int, month: int) -> date:
    """Last day of a CE month."""
    return date(year, month, _cal.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass(frozen=True)
class InstallmentSpec:
    """One installment of a schedule: the collection period and its two deadlines."""

    number: int
    period_start: date
    period_end: date
    entry_deadline: date
    confirm_deadline: date


def deadlines_after(period_end: date) -> tuple[date, date]:
    """Entry deadline (20th of the next month) and confirmation deadline (end of the next month)."""
    y, m = _next_month(period_end.year, period_end.month)
    return date(y, m, 20), month_end(y, m)


def _spec(number: int, start: date, end: date) -> InstallmentSpec:
    entry, confirm = deadlines_after(end)
    return InstallmentSpec(number, start, end, entry, confirm)


def build_schedule(fy: int, kind: str) -> list[InstallmentSpec]:
    """Installments of fiscal year `fy` for schedule `kind`.

    monthly: 12 monthly installments; dla2560: the circular's 8 (Oct-Feb, then Mar..Sep);
    annual: one installment for the whole year (historical totals). Raises DomainError on unknown kind.
    """
    start, end = fiscal_year_bounds(fy)
    if kind == "annual":
        return [_spec(1, start, end)]
    months: list[tuple[int, int]] = []
    y, m = start.year, start.month
    for _ in range(12):
        months.append((y, m))
        y, m = _next_month(y, m)
    if kind == "monthly":
        return [_spec(i + 1, date(y, m, 1), month_end(y, m)) for i, (y, m) in enumerate(months)]
    if kind == "dla2560":
        first_end = month_end(*months[4])  # end of February
        specs = [_spec(1, start, first_end)]
        for i, (y, m) in enumerate(months[5:]):
            specs.append(_spec(i + 2, date(y, m, 1), month_end(y, m)))
        return specs
    raise DomainError("schedule", N_("ไม่รู้จักรูปแบบงวด %(kind)s"), kind=kind)


def days_late(deadline: date, done_on: date | None, today: date) -> int:
    """Days past `deadline`: of the day it was done, or of today when not done; 0 when on time."""
    ref = done_on if done_on is not None else today
    return max(0, (ref - deadline).days)


def thai_date(d: date | datetime | None, long: bool = False, with_time: bool = False) -> str:
    """A date in Thai with the Buddhist year: 20 มี.ค. 2560 (or 20 มีนาคม 2560 when long)."""
    if d is None:
        return "–"
    months = THAI_MONTHS_LONG if long else THAI_MONTHS_SHORT
    text = f"{d.day} {months[d.month - 1]} {be_year(d.year)}"
    if with_time and isinstance(d, datetime):
        text += f" {d:%H:%M} น."
    return text


def english_date(d: date | datetime | None, with_time: bool = False) -> str:
    """A date in English with the Buddhist year: 20 Mar 2560 (B.E.)."""
    if d is None:
        return "–"
    text = f"{d.day} {EN_MONTHS_SHORT[d.month - 1]} {be_year(d.year)}"
    if with_time and isinstance(d, datetime):
        text += f" {d:%H:%M}"
    return text


def thai_period(start: date, end: date) -> str:
    """A period as Thai month names with B.E. years: ต.ค. 2559 – ก.พ. 2560 (one month: ต.ค. 2559)."""
    a = f"{THAI_MONTHS_SHORT[start.month - 1]} {be_year(start.year)}"
    b = f"{THAI_MONTHS_SHORT[end.month - 1]} {be_year(end.year)}"
    return a if (start.year, start.month) == (end.year, end.month) else f"{a} – {b}"


def english_period(start: date, end: date) -> str:
    """A period with English month names and B.E. years: Oct 2559 – Feb 2560 (one month: Oct 2559)."""
    a = f"{EN_MONTHS_SHORT[start.month - 1]} {be_year(start.year)}"
    b = f"{EN_MONTHS_SHORT[end.month - 1]} {be_year(end.year)}"
    return a if (start.year, start.month) == (end.year, end.month) else f"{a} – {b}"
