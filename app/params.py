"""The one reading of numbers in URLs: path converters and query parameters take ASCII digits within range.

Python's `int()` reads `๕` as 5 and `str.isdigit()` says yes to `²`; a 20-digit number overflows the
database's integers. So:
- `<int:...>` in every route is `AsciiInt`: ASCII digits up to 2**31 - 1, anything else is 404;
- `whole()` is the value reader for `request.args.get(..., type=whole)` and WTForms `coerce=whole`;
- `check_query()` runs before every request: a known numeric query parameter that is malformed sends a page
  back to the same address without it, with a Thai message saying what was dropped; a download (or the API)
  answers 400 instead. (The API reads its query through its pydantic models.)
"""

import re
from urllib.parse import urlencode

from flask import Flask, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

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
