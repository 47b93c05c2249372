"""Dates typed by a person in the Buddhist Era (วว/ดด/ปปปป): parsing, formatting back, and sanity windows."""

import re
from datetime import date

from .calendar import BE_OFFSET, be_year
from .errors import N_, DomainError

MIN_BE_YEAR, MAX_BE_YEAR = 2400, 2999
"""Years a typed B.E. date may have at all (CE 1857-2456); each use narrows this further."""
CE_LOOKING_YEARS = range(1900, MIN_BE_YEAR)
"""Four-digit years that are plausible as Common Era years: refused with a hint, never shifted by 543."""
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
"""Thai digits are normalised deliberately; any other Unicode digit (², ٣, full-width) stays malformed."""
# [0-9] rather than \d: \d matches every Unicode digit. Day and month have 1-2 digits, the year exactly 4,
# with the same separator twice; or 8 digits without separators (a phone's numeric keypad has no slash).
_SEPARATED = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
EXAMPLE = "20/11/2570"


def parse_be_date(text: str, field: str | None = None) -> date:
    """The CE date of `text` typed as วว/ดด/ปปปป in the Buddhist Era (e.g. 20/11/2570 -> 2027-11-20).

    Accepts 1-2 digit day and month, '/', '-' or '.' as separator, ASCII or Thai digits, or 8 digits
    ววดดปปปป. Raises DomainError (on `field`): malformed text, a year that looks like a CE year (2027
    for 2570: refused, never shifted), a year outside MIN_BE_YEAR..MAX_BE_YEAR, a day that does not
    exist (31/02/2570).
    """
    cleaned = text.strip().translate(THAI_DIGITS)
    separated, compact = _SEPARATED.fullmatch(cleaned), _COMPACT.fullmatch(cleaned)
    if separated:
        day, month, year = int(separated[1]), int(separated[3]), int(separated[4])
    elif compact:
        day, month, year = int(compact[1]), int(compact[2]), int(compact[3])
    else:
        raise DomainError(field, N_("กรุณากรอกวันที่ในรูปแบบ วว/ดด/ปปปป เป็นปีพุทธศักราช เช่น %(example)s"),
                          example=EXAMPLE)
    if year in CE_LOOKING_YEARS:
        raise DomainError(field, N_("ปี %(year)s ดูเหมือนเป็นปีคริสต์ศักราช กรุณากรอกปีพุทธศักราช (ค.ศ. %(year)s คือ พ.ศ. %(be)s)"),
                          year=year, be=be_year(year))
    if not MIN_BE_YEAR <= year <= MAX_BE_YEAR:
        raise DomainError(field, N_("ปี พ.ศ. %(year)s ไม่ถูกต้อง"), year=year)
    try:
        return date(year - BE_OFFSET, month, day)
    except ValueError:
        raise DomainError(field, N_("ไม่มีวันที่ %(text)s ในปฏิทิน"), text=f"{day}/{month}/{year}") from None


def format_be_date(d: date) -> str:
    """A date as typed back into a B.E. field: 2027-11-20 -> 20/11/2570 (day and month with two digits)."""
    return f"{d.day:02d}/{d.month:02d}/{be_year(d.year)}"


def check_be_year_window(d: date, earliest: int, latest: int, field: str | None = None) -> None:
    """Refuse a date whose B.E. year is outside earliest..latest (inclusive). Raises DomainError (on `field`)."""
    if not earliest <= be_year(d.year) <= latest:
        raise DomainError(field, N_("ปี พ.ศ. ต้องอยู่ระหว่าง %(low)s ถึง %(high)s"), low=earliest, high=latest)


def one_year_after(d: date) -> date:
    """The same day a year later (29 Feb becomes 28 Feb)."""
    try:
        return d.replace(year=d.year + 1)
    except ValueError:
        return d.replace(year=d.year + 1, day=28)


def deadline_problems(number: int, period_end: date, entry: date | None, confirm: date | None,
                      prefix: str = "") -> dict[str, DomainError]:
    """What is wrong with installment `number`'s deadlines, keyed `<prefix>entry_deadline` / `<prefix>confirm_deadline`.

    Entry deadline after the period's end and at most a year after it; confirmation deadline not before the
    entry deadline and at most a year after the period's end. Every message names the installment. Raises nothing.
    """
    problems: dict[str, DomainError] = {}
    latest = one_year_after(period_end)
    entry_key, confirm_key = f"{prefix}entry_deadline", f"{prefix}confirm_deadline"
    end_text = format_be_date(period_end)
    if entry is None or entry <= period_end:
        problems[entry_key] = DomainError(
            entry_key, N_("งวดที่ %(n)s: กำหนดบันทึกต้องอยู่หลังวันสิ้นสุดงวด (%(end)s)"), n=number, end=end_text)
    elif entry > latest:
        problems[entry_key] = DomainError(
            entry_key, N_("งวดที่ %(n)s: กำหนดบันทึกต้องไม่เกินหนึ่งปีหลังวันสิ้นสุดงวด (%(end)s)"), n=number, end=end_text)
    if confirm is None or (entry is not None and confirm < entry):
        problems[confirm_key] = DomainError(
            confirm_key, N_("งวดที่ %(n)s: กำหนดยืนยันต้องไม่ก่อนกำหนดบันทึก"), n=number)
    elif confirm > latest:
        problems[confirm_key] = DomainError(
            confirm_key, N_("งวดที่ %(n)s: กำหนดยืนยันต้องไม่เกินหนึ่งปีหลังวันสิ้นสุดงวด (%(end)s)"), n=number, end=end_text)
    return problems
