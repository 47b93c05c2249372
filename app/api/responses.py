"""Shaping API responses: money as two-decimal strings, report values as JSON, operation errors keyed by JSON path."""

from collections.abc import Callable, Collection
from datetime import date, datetime
from decimal import Decimal

from ..domain.errors import DomainError
from ..domain.money import from_satang, plain_baht

# Operations name fields as the web forms do; the API reports its own JSON paths and parameter names.
_FIELD_PATHS = {
    "recorder_name": "recorder.name",
    "recorder_position": "recorder.position",
    "recorder_phone": "recorder.phone",
    "base_year": "base",  # the comparison's query parameter
}


def api_field(field: str, item_codes: Collection[str] = ()) -> str:
    """The JSON path of an operation's error field: item codes live under entries, explanations under explanations."""
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


def domain_field_errors(err: DomainError, translate: Callable[[DomainError], str],
                        item_codes: Collection[str] = ()) -> dict[str, str]:
    """Per-field messages of a DomainError (or ValidationError) keyed by JSON path."""
    errors: dict[str, DomainError] = getattr(err, "errors", None) or ({err.field: err} if err.field else {})
    return {api_field(name, item_codes): translate(e) for name, e in errors.items()}
