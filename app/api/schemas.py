"""Parsing API requests (query strings and JSON bodies) into plain values, and shaping JSON responses."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from ..domain.errors import DomainError
from ..domain.money import from_satang, plain_baht
from ..domain.workflow import ReviewAction
from ..models import LAO_TYPES

MAX_INT = 2**31 - 1  # INTEGER columns on PostgreSQL; larger numbers could never match a row
LAO_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
PROVINCE_CODE = re.compile(r"^[0-9]{2}$")
DISTRICT_CODE = re.compile(r"^[0-9]{4}$")
MAX_LIMIT = 1000
TEXT_LIMITS = {"name": 200, "position": 200, "phone": 50, "reason": 2000, "explanation": 2000}


class RequestError(Exception):
    """A request the API refuses before any operation runs: HTTP `status`, error `code`, per-field messages."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def invalid(fields: dict[str, str]) -> RequestError:
    """A 422 listing what is wrong with each field."""
    return RequestError(422, "validation_error", _("ข้อมูลที่ส่งมาไม่ถูกต้อง"), fields)


# --- query strings and path values -----------------------------------------------------------------

def valid_code(value: str | None, pattern: re.Pattern) -> bool:
    """Whether a code from a URL has the shape of a real code (anything else cannot exist: 404, no query)."""
    return value is not None and bool(pattern.match(value))


def query_int(args, name: str, *, required: bool = False, minimum: int = 0, maximum: int = MAX_INT,
              default: int | None = None) -> int | None:
    """An integer query parameter; raises RequestError(422) when missing (if required), not a number or out of range."""
    raw = args.get(name)
    if raw is None or raw == "":
        if required:
            raise invalid({name: _("ต้องระบุค่า %(name)s", name=name)})
        return default
    if not re.fullmatch(r"-?[0-9]{1,10}", raw):
        raise invalid({name: _("%(name)s ต้องเป็นจำนวนเต็ม", name=name)})
    value = int(raw)
    if not minimum <= value <= maximum:
        raise invalid({name: _("%(name)s ต้องอยู่ระหว่าง %(lo)s ถึง %(hi)s", name=name, lo=minimum, hi=maximum)})
    return value


def query_choice(args, name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    """A query parameter limited to `choices`; raises RequestError(422) otherwise."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise invalid({name: _("%(name)s ต้องเป็นค่าใดค่าหนึ่งใน %(choices)s", name=name, choices=", ".join(choices))})
    return raw


def query_code(args, name: str, pattern: re.Pattern) -> str | None:
    """A code query parameter (province, district); raises RequestError(422) when malformed."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if not valid_code(raw, pattern):
        raise invalid({name: _("รหัส %(name)s ไม่ถูกต้อง", name=name)})
    return raw


def lao_type_param(args) -> str | None:
    """The optional `type` filter (PAO, MUNICIPALITY, SAO)."""
    return query_choice(args, "type", LAO_TYPES)


# --- JSON bodies ---------------------------------------------------------------------------------

def json_object(body) -> dict:
    """The request body as a JSON object; raises RequestError(400) for anything else."""
    if not isinstance(body, dict):
        raise RequestError(400, "bad_request", _("เนื้อหาคำขอต้องเป็นออบเจกต์ JSON (Content-Type: application/json)"))
    return body


def _text(value, field: str, limit: int, errors: dict[str, str], required: bool = False) -> str:
    """A JSON string field checked for type, length and characters a database cannot store."""
    if value is None:
        if required:
            errors[field] = _("ต้องระบุค่านี้")
        return ""
    if not isinstance(value, str):
        errors[field] = _("ต้องเป็นข้อความ (JSON string)")
        return ""
    if "\x00" in value or not _encodable(value):
        errors[field] = _("มีอักขระที่ใช้ไม่ได้")
        return ""
    if len(value) > limit:
        errors[field] = _("ยาวได้ไม่เกิน %(n)s ตัวอักษร", n=limit)
        return ""
    return value


def _encodable(value: str) -> bool:
    """Whether `value` can be stored as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from "\ud800" escapes
        return False
    return True


def _version(body: dict, errors: dict[str, str]) -> int | None:
    """The `version` the client last saw: a non-negative JSON integer (0 = never recorded)."""
    value = body.get("version")
    if value is None:
        errors["version"] = _("ต้องระบุ version ที่ได้รับล่าสุด (0 ถ้ายังไม่เคยบันทึก)")
    elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
        errors["version"] = _("version ต้องเป็นจำนวนเต็มไม่ติดลบ")
    else:
        return value
    return None


@dataclass
class RecordRequest:
    """A parsed PUT of an installment's figures."""

    version: int
    entries: dict[str, str]
    explanations: dict[str, str]
    name: str
    position: str
    phone: str
    certify: bool


def parse_record(body, item_codes: list[str]) -> RecordRequest:
    """Parse a PUT body; amounts must be JSON strings (a JSON number is refused: floats lose satang).

    Raises RequestError(400) for a non-object body, RequestError(422) with per-field messages for wrong
    types, item codes this LAO does not collect, or missing parts. Amount formats and certification
    contents are checked by the operation itself, like the web form.
    """
    body = json_object(body)
    errors: dict[str, str] = {}
    version = _version(body, errors)
    entries_in = body.get("entries")
    entries: dict[str, str] = {}
    if not isinstance(entries_in, dict):
        errors["entries"] = _("entries ต้องเป็นออบเจกต์ {รหัสรายการ: จำนวนเงิน}")
    else:
        for code, value in entries_in.items():
            field = f"entries.{code}"
            if code not in item_codes:
                errors[field] = _("อปท. นี้ไม่มีรายการรายได้นี้ในปีงบประมาณนี้")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                errors[field] = _('จำนวนเงินต้องส่งเป็นข้อความ เช่น "1234.50" ไม่ใช่ตัวเลข JSON')
            else:
                entries[code] = _text(value, field, 40, errors, required=True)
    explanations: dict[str, str] = {}
    expl_in = body.get("explanations")
    if expl_in is None:
        expl_in = {}
    if not isinstance(expl_in, dict):
        errors["explanations"] = _("explanations ต้องเป็นออบเจกต์ {รหัสรายการ: คำชี้แจง}")
    else:
        for code, value in expl_in.items():
            field = f"explanations.{code}"
            if code not in item_codes:
                errors[field] = _("อปท. นี้ไม่มีรายการรายได้นี้ในปีงบประมาณนี้")
            else:
                explanations[code] = _text(value, field, TEXT_LIMITS["explanation"], errors)
    recorder = body.get("recorder")
    if not isinstance(recorder, dict):
        errors["recorder"] = _("recorder ต้องเป็นออบเจกต์ {name, position, phone}")
        recorder = {}
    texts = {part: _text(recorder.get(part), f"recorder.{part}", TEXT_LIMITS[part], errors)
             for part in ("name", "position", "phone")}
    certify = body.get("certify")
    if certify is not True and certify is not False and certify is not None:
        errors["certify"] = _("certify ต้องเป็น true หรือ false")
    if errors:
        raise invalid(errors)
    return RecordRequest(version, entries, explanations, texts["name"], texts["position"], texts["phone"],
                         certify is True)


@dataclass
class ReviewRequest:
    """A parsed POST of a verifier's review of one installment."""

    action: ReviewAction
    version: int
    reason: str
    position: str
    phone: str


def parse_review(body) -> ReviewRequest:
    """Parse a review body. Raises RequestError(400) for a non-object body, RequestError(422) for bad fields."""
    body = json_object(body)
    errors: dict[str, str] = {}
    action = body.get("action")
    choices = tuple(a.value for a in ReviewAction)
    if action not in choices:
        errors["action"] = _("action ต้องเป็นค่าใดค่าหนึ่งใน %(choices)s", choices=", ".join(choices))
    version = _version(body, errors)
    texts = {part: _text(body.get(part), part, TEXT_LIMITS[part], errors) for part in ("reason", "position", "phone")}
    if errors:
        raise invalid(errors)
    return ReviewRequest(ReviewAction(action), version, texts["reason"], texts["position"], texts["phone"])


# --- responses -----------------------------------------------------------------------------------

# Operations name fields as the web forms do; the API reports its own JSON paths and parameter names.
_FIELD_PATHS = {
    "recorder_name": "recorder.name",
    "recorder_position": "recorder.position",
    "recorder_phone": "recorder.phone",
    "base_year": "base",  # the comparison's query parameter
}


def api_field(field: str | None, item_codes=()) -> str | None:
    """The JSON path of an operation's error field: item codes live under entries, explanations under explanations."""
    if field is None:
        return None
    if field in item_codes:
        return f"entries.{field}"
    if field.startswith("explain_"):
        return f"explanations.{field.removeprefix('explain_')}"
    return _FIELD_PATHS.get(field, field)


def money(satang: int | None) -> str:
    """Integer satang as a JSON money string with two decimals ("1234.50"); never a float."""
    return plain_baht(from_satang(satang))


def jsonable(value):
    """A report value as JSON: Decimal as a 2-decimal string, dates as ISO strings, containers recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return plain_baht(value)
    if isinstance(value, float):  # defensive: never let a float through as a JSON number
        return plain_baht(Decimal(str(value)))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return str(value)


def domain_field_errors(err: DomainError, translate, item_codes=()) -> dict[str, str]:
    """Per-field messages of a DomainError (or ValidationError) keyed by JSON path."""
    errors = getattr(err, "errors", None) or ({err.field: err} if err.field else {})
    return {api_field(name, item_codes): translate(e) for name, e in errors.items()}
