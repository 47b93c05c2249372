"""The one reading of numbers in URLs: path converters and query parameters take ASCII digits within range.

Python's `int()` reads `๕` as 5 and `str.isdigit()` says yes to `²`; a 20-digit number overflows the
database's integers. So:
- `<int:...>` in every route is `AsciiInt`: ASCII digits up to 2**31 - 1, anything else is 404;
- `whole()` is the value reader for `request.args.get(..., type=whole)` and WTForms `coerce=whole`;
- `moment()` / `instant()` read the "as of" moment of a report (a B.E. date and a time, or an ISO timestamp), never
  a future one;
- `check_query()` runs before every request: a known numeric query parameter that is malformed sends a page
  back to the same address without it, with a Thai message saying what was dropped; a download (or the API)
  answers 400 instead. (The API reads its query through its pydantic models.)
"""

import re
from datetime import datetime, time, timedelta, timezone
from urllib.parse import urlencode

from flask import Flask, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from .domain import thai_dates
from .domain.errors import N_, DomainError

MAX_INT = 2**31 - 1  # the largest value of a PostgreSQL INTEGER column
_DIGITS = re.compile(r"[0-9]{1,10}")
_THROUGH = re.compile(r"r?[0-9]{1,10}")


def whole(value: object) -> int:
    """`value` as a whole number 0..MAX_INT written in ASCII digits; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise ValueError(value)
    if number > MAX_INT:
        raise ValueError(value)
    return number


def _through(value: str) -> bool:
    """Whether `value` is a 'through' selector: '', an installment number or 'r' and a round id."""
    return value == "" or (_THROUGH.fullmatch(value) is not None and whole(value.removeprefix("r")) >= 0)


BANGKOK = timezone(timedelta(hours=7))
_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")


def _utc(local: datetime) -> datetime:
    """A Bangkok (or aware) time as naive UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=BANGKOK)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def instant(value: datetime, now: datetime, field: str = "as_of") -> datetime:
    """An "as of" timestamp (aware: its own offset; naive: Bangkok time) as naive UTC; DomainError(`field`) when it is
    after `now` (naive UTC): figures of a moment not yet come do not exist."""
    try:
        at = _utc(value)
    except (OverflowError, ValueError):  # year 1 at +07:00 is before the calendar's first day in UTC
        raise DomainError(field, N_("กรุณากรอกวันเวลาแบบ วว/ดด/ปปปป ชช:นน หรือ ISO 8601")) from None
    if at > now:
        raise DomainError(field, N_("ข้อมูล ณ เวลาที่ยังมาไม่ถึงไม่มี กรุณาเลือกวันเวลาที่ผ่านมาแล้ว"))
    return at


def moment(day: str | None, clock: str | None, now: datetime) -> datetime | None:
    """The "as of" moment typed on a page: a B.E. date วว/ดด/ปปปป and an optional time ชช:นน (Bangkok), as naive UTC;
    None when both are blank. A date alone is the end of that day (now, when the day is today).

    Raises DomainError on as_of_date or as_of_time: malformed text, a time without a date, a moment after `now`.
    """
    day, clock = (day or "").strip(), (clock or "").strip().translate(thai_dates.THAI_DIGITS)
    if not day and not clock:
        return None
    if not day:
        raise DomainError("as_of_date", N_("กรุณากรอกวันที่ของเวลาที่ต้องการดูข้อมูลย้อนหลัง"))
    if len(day) > 20 or len(clock) > 10:
        raise DomainError("as_of_date" if len(day) > 20 else "as_of_time", N_("ค่าที่กรอกยาวเกินไป"))
    the_day = thai_dates.parse_be_date(day, "as_of_date")
    if not clock:
        end = _utc(datetime.combine(the_day, time.max))
        return min(end, now) if _utc(datetime.combine(the_day, time.min)) <= now else instant(end, now, "as_of_date")
    match = _CLOCK.fullmatch(clock)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise DomainError("as_of_time", N_("กรุณากรอกเวลาในรูปแบบ ชช:นน เช่น 14:30"))
    return instant(datetime.combine(the_day, time(int(match[1]), int(match[2]))), now, "as_of_time")


def moment_text(text: str, now: datetime) -> datetime:
    """An "as of" moment written on a command line: `วว/ดด/ปปปป [ชช:นน]` (B.E., Bangkok) or ISO 8601 (an offset is
    honoured, none is Bangkok time), as naive UTC. Raises DomainError('as_of')."""
    text = text.strip()
    if "/" in text:
        day, _, clock = text.partition(" ")
        at = moment(day, clock, now)
        if at is None:
            raise DomainError("as_of", N_("กรุณากรอกวันที่ของเวลาที่ต้องการดูข้อมูลย้อนหลัง"))
        return at
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("as_of", N_("กรุณากรอกวันเวลาแบบ วว/ดด/ปปปป ชช:นน หรือ ISO 8601")) from None
    return instant(value, now)


class AsciiInt(IntegerConverter):
    """`<int:...>` in routes: ASCII digits only, at most MAX_INT (a larger or odd value is 404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INT,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


# query parameters read as numbers anywhere in the application, with the label a person knows them by
NUMERIC_QUERY = {
    "year": _l("ปีงบประมาณ"),
    "base": _l("ปีฐาน"),
    "number": _l("งวด"),
    "page": _l("หน้า"),
    "through": _l("ถึงงวด / รอบ"),
}


def _valid(name: str, value: str) -> bool:
    if name == "through":
        try:
            return _through(value)
        except ValueError:
            return False
    if value == "":
        return True  # empty is "not chosen"
    try:
        whole(value)
    except ValueError:
        return False
    return True


def _is_download() -> bool:
    """Whether this request asks for a file (the last path segment has an extension)."""
    rule = request.url_rule.rule if request.url_rule else request.path
    return "." in rule.rsplit("/", 1)[-1]


def check_query():
    """Before every request: drop malformed numeric query parameters (pages) or refuse them (downloads, API)."""
    if request.path.startswith("/api/"):
        return None  # the API reads its query through its own models (400 with the fields named)
    bad = [name for name, values in request.args.lists()
           if name in NUMERIC_QUERY and any(not _valid(name, v) for v in values)]
    if not bad:
        return None
    labels = ", ".join(str(NUMERIC_QUERY[name]) for name in bad)
    message = _("ค่า %(names)s ในลิงก์ไม่ถูกต้อง (ต้องเป็นตัวเลขอารบิก 0-9)", names=labels)
    if _is_download() or request.method != "GET":
        return render_template("errors/400.html", messages=[message]), 400
    flash(message + " " + _("จึงแสดงค่าเริ่มต้นแทน"), "warning")
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in bad]
    return redirect(request.path + ("?" + urlencode(kept) if kept else ""))


def init_app(app: Flask) -> None:
    """Install the ASCII integer converter (before any route is added) and the query check."""
    app.url_map.converters["int"] = AsciiInt
    app.before_request(check_query)
