"""Reading API requests into the pydantic models, and pydantic's errors into the API's 400/422 contract (Thai)."""

import re
from functools import cache
from typing import TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..domain.workflow import ReviewAction
from .models import LAO_CODE

_LAO_CODE = re.compile(LAO_CODE)
M = TypeVar("M", bound=BaseModel)


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


def valid_lao_code(value: str | None) -> bool:
    """Whether an LAO code from a URL has the shape of a real code (anything else cannot exist: 404, no query)."""
    return value is not None and bool(_LAO_CODE.fullmatch(value))


# --- query strings ---------------------------------------------------------------------------------

def query(model: type[M]) -> M:
    """The request's query string as `model` (empty values count as absent); RequestError(422) naming each parameter."""
    values = {name: request.args.get(name) for name in model.model_fields}
    try:
        return model.model_validate({name: value for name, value in values.items() if value not in (None, "")})
    except ValidationError as err:
        fields: dict[str, str] = {}
        for error in err.errors(include_url=False):
            name = str(error["loc"][0])
            fields.setdefault(name, _query_message(model, name, error["type"]))
        raise invalid(fields) from None


@cache
def _parameter_schemas(model: type[BaseModel]) -> dict[str, dict]:
    """The JSON schema of each query parameter of `model` (null alternatives left out)."""
    out = {}
    for name, schema in model.model_json_schema()["properties"].items():
        options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
        out[name] = options[0]
    return out


def _query_message(model: type[BaseModel], name: str, kind: str) -> str:
    """The Thai message of one query parameter's error of pydantic type `kind`."""
    schema = _parameter_schemas(model).get(name, {})
    if kind == "missing":
        return _("ต้องระบุค่า %(name)s", name=name)
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("%(name)s ต้องอยู่ระหว่าง %(lo)s ถึง %(hi)s", name=name, lo=schema.get("minimum"),
                 hi=schema.get("maximum"))
    if kind in ("literal_error", "enum"):
        return _("%(name)s ต้องเป็นค่าใดค่าหนึ่งใน %(choices)s", name=name, choices=", ".join(schema.get("enum", ())))
    if kind == "string_pattern_mismatch":
        return _("รหัส %(name)s ไม่ถูกต้อง", name=name)
    if kind.startswith(("datetime", "date", "timezone")):
        return _("%(name)s ต้องเป็นวันเวลาแบบ ISO 8601 เช่น 2026-11-20T14:30:00+07:00", name=name)
    return _("%(name)s ต้องเป็นจำนวนเต็ม", name=name)  # int_parsing, int_type: the only other kind of parameter


# --- JSON bodies -----------------------------------------------------------------------------------

def json_object(body) -> dict:
    """`body` as a JSON object; raises RequestError(400) for anything else."""
    if not isinstance(body, dict):
        raise RequestError(400, "bad_request", _("เนื้อหาคำขอต้องเป็นออบเจกต์ JSON (Content-Type: application/json)"))
    return body


def json_body() -> dict:
    """The request body as a JSON object; RequestError(400) when it is not one, malformed or nested too deeply."""
    try:
        body = request.get_json(silent=True)  # None for malformed JSON or another content type
    except RecursionError:  # e.g. 100,000 nested '[': the parser gives up before building anything
        body = None
    return json_object(body)


def body(model: type[M], data: dict, **context) -> M:
    """A JSON object as `model`; RequestError(422) with a Thai message per JSON path (e.g. entries.SIGNBOARD).

    `context` reaches the model's validators (the PUT's `item_codes`, the items the LAO records).
    """
    try:
        return model.model_validate(data, context=context or None)
    except ValidationError as err:
        fields: dict[str, str] = {}
        for error in err.errors(include_url=False):
            loc = error["loc"]
            is_key = bool(loc) and loc[-1] == "[key]"
            path = ".".join(str(part) for part in (loc[:-1] if is_key else loc))
            message = _body_message(path, error, is_key)
            if is_key or path not in fields:  # an unknown item code says more than its value's error
                fields[path] = message
        raise invalid(fields) from None


def _body_message(path: str, error: ErrorDetails, is_key: bool) -> str:
    """The Thai message of one body field's error (a pydantic error dict)."""
    kind = error["type"]
    missing = kind == "missing" or error.get("input", "") is None
    if is_key or kind == "unknown_item":
        return _("อปท. นี้ไม่มีรายการรายได้นี้ในปีงบประมาณนี้")
    if path == "version":
        if missing:
            return _("ต้องระบุ version ที่ได้รับล่าสุด (0 ถ้ายังไม่เคยบันทึก)")
        return _("version ต้องเป็นจำนวนเต็มไม่ติดลบ")
    if path == "entries":
        return _("entries ต้องเป็นออบเจกต์ {รหัสรายการ: จำนวนเงิน}")
    if path == "explanations":
        return _("explanations ต้องเป็นออบเจกต์ {รหัสรายการ: คำชี้แจง}")
    if path == "recorder":
        return _("recorder ต้องเป็นออบเจกต์ {name, position, phone}")
    if path == "certify":
        return _("certify ต้องเป็น true หรือ false")
    if path == "action":
        return _("action ต้องเป็นค่าใดค่าหนึ่งใน %(choices)s", choices=", ".join(a.value for a in ReviewAction))
    if kind == "amount_number":
        return _('จำนวนเงินต้องส่งเป็นข้อความ เช่น "1234.50" ไม่ใช่ตัวเลข JSON')
    if missing:
        return _("ต้องระบุค่านี้")
    if kind in ("string_unicode", "bad_characters"):
        return _("มีอักขระที่ใช้ไม่ได้")
    if kind == "string_too_long":
        return _("ยาวได้ไม่เกิน %(n)s ตัวอักษร", n=error["ctx"]["max_length"])
    if kind == "string_type":
        return _("ต้องเป็นข้อความ (JSON string)")
    return _("ข้อมูลที่ส่งมาไม่ถูกต้อง")
