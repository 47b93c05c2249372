"""The OpenAPI 3 description of API v1, as a Python dict served at /api/v1/openapi.json."""

import copy

from ..domain import comparison as cmp
from ..models import LAO_TYPES
from .schemas import MAX_INT, MAX_LIMIT

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
CODE_PATTERN = r"^[A-Za-z0-9_-]{1,20}$"
STATUSES = ["not_recorded", "recorded", "confirmed", "returned"]
COMPARISON_COLUMNS = list(cmp.AMOUNT_FIELDS)


def _ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    """`schema` or JSON null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(properties: dict, required: list[str] | None = None, extra: bool = False) -> dict:
    """An object schema; every property required unless told otherwise."""
    schema = {"type": "object", "properties": properties, "additionalProperties": extra}
    if required is None:
        required = list(properties)
    if required:
        schema["required"] = required
    return schema


def _json(schema: dict, description: str) -> dict:
    """A JSON response with `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(name: str) -> dict:
    """A reference to a shared error response."""
    return {"$ref": f"#/components/responses/{name}"}


def _responses(ok: dict, *codes: int) -> dict:
    """The 200 response plus 401, 405 and the error responses of `codes`."""
    names = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
             409: "Conflict", 422: "Unprocessable"}
    out = {"200": ok}
    for code in (401, 405, *codes):
        out[str(code)] = _error(names[code])
    return out


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    """A query parameter."""
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


_SHAPES = {
    "Money": {"type": "string", "pattern": MONEY_PATTERN, "example": "1234.50",
              "description": "Baht as a decimal string with exactly two places; never a JSON number."},
    "Percent": {"anyOf": [{"type": "string", "pattern": MONEY_PATTERN}, {"type": "null"}],
                "description": "Percent with two decimals as a string (rounded half away from zero); "
                               "null when undefined."},
    "Error": _obj({
        "error": {"type": "string", "description": "machine-readable code: bad_request, unauthorized, "
                  "invalid_token, forbidden, locked, not_found, method_not_allowed, conflict, "
                  "validation_error, domain_error"},
        "message": {"type": "string", "description": "human-readable message (Thai)"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "per-field messages keyed by JSON path, e.g. entries.SIGNBOARD or recorder.phone"},
    }, extra=True),
    "ConflictError": {"allOf": [_ref("Error"), {"type": "object", "required": ["current"],
                                                "properties": {"current": _ref("InstallmentState")}}]},
    "Lao": _obj({
        "code": {"type": "string"}, "name_th": {"type": "string"}, "name_en": {"type": "string"},
        "type": {"type": "string", "enum": list(LAO_TYPES)},
        "province_code": {"type": "string"}, "district_code": {"type": "string"},
    }),
    "FiscalYear": _obj({
        "fiscal_year": {"type": "integer", "description": "Buddhist-era fiscal year"},
        "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
        "schedule": {"type": "string", "enum": ["monthly", "dla2560", "annual"]},
        "installments": {"type": "array", "items": _obj({
            "number": {"type": "integer"},
            "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
            "entry_deadline": {"type": "string", "format": "date"},
            "confirm_deadline": {"type": "string", "format": "date"},
        })},
        "rounds": {"type": "array", "items": _obj({
            "name": {"type": "string"},
            "last_installment": {"type": "integer", "description": "cumulative through this installment"},
        })},
    }),
    "Item": _obj({
        "code": {"type": "string"}, "name_th": {"type": "string"}, "name_en": {"type": "string"},
        "lao_types": {"type": "array", "items": {"type": "string", "enum": list(LAO_TYPES)}},
    }),
    "Recorder": _obj({
        "name": {"type": "string"}, "position": {"type": "string"}, "phone": {"type": "string"},
        "recorded_at": {"type": "string", "format": "date-time"},
        "late": {"type": "boolean", "description": "recorded after the entry deadline"},
    }),
    "Confirmer": _obj({
        "name": {"type": "string"}, "position": {"type": "string"}, "phone": {"type": "string"},
        "confirmed_at": {"type": "string", "format": "date-time"},
        "late": {"type": "boolean", "description": "confirmed after the confirmation deadline"},
    }),
    "InstallmentState": _obj({
        "lao_code": {"type": "string"},
        "fiscal_year": {"type": "integer"},
        "installment": {"type": "integer"},
        "status": {"type": "string", "enum": STATUSES},
        "version": {"type": "integer", "minimum": 0,
                    "description": "send back in PUT and review; 0 when never recorded"},
        "entries": {"type": "object", "additionalProperties": _ref("Money"),
                    "description": "amount per revenue item code"},
        "explanations": {"type": "object", "additionalProperties": {"type": "string"},
                         "description": "the LAO's explanation of an unusual figure, per item code"},
        "recorder": _nullable(_ref("Recorder")),
        "confirmer": _nullable(_ref("Confirmer")),
        "return_reason": {"type": ["string", "null"],
                          "description": "the verifier's reason of the last return or unconfirm"},
    }),
    "RecordRequest": _obj({
        "version": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
        "entries": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 40},
                    "description": "amount per item code as a string: 1234.50 or 1,234.50 (numbers are refused)"},
        "explanations": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 500},
                         "description": "required for an amount far from the same period of last year"},
        "recorder": _obj({
            "name": {"type": "string", "maxLength": 200}, "position": {"type": "string", "maxLength": 200},
            "phone": {"type": "string", "maxLength": 50},
        }),
        "certify": {"type": "boolean", "description": "must be true: the recorder certifies the figures"},
    }, required=["version", "entries", "recorder", "certify"]),
    "ReviewRequest": _obj({
        "action": {"type": "string", "enum": ["confirm", "unconfirm", "return"]},
        "version": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
        "reason": {"type": "string", "maxLength": 500, "description": "required for unconfirm and return"},
        "position": {"type": "string", "maxLength": 200}, "phone": {"type": "string", "maxLength": 50},
    }, required=["action", "version", "position", "phone"]),
    "ComparisonRow": {
        "type": "object",
        "description": "The columns of the report CSV: province_code and province_name nationally, lao_code and "
                       "lao_name within a province (the total row has code TOTAL). Amounts are Money strings (null in "
                       "an LAO's row for the other categories), percentages Percent strings.",
        "properties": {
            "province_code": {"type": "string"}, "province_name": {"type": "string"},
            "lao_code": {"type": "string"}, "lao_name": {"type": "string"},
            **{col: _ref("Percent") if col.endswith("_pct") else _nullable(_ref("Money"))
               for col in COMPARISON_COLUMNS},
        },
        "required": COMPARISON_COLUMNS,
        "anyOf": [{"required": ["province_code", "province_name"]}, {"required": ["lao_code", "lao_name"]}],
        "additionalProperties": False,
    },
    "Comparison": _obj({
        "selection": {"type": "object", "description": "exactly what is counted: years, installments and periods "
                      "compared, basis, statuses, province, and how many LAOs' figures are missing"},
        "rows": {"type": "array", "items": _ref("ComparisonRow")},
        "total": _ref("ComparisonRow"),
    }),
    "StatusLao": _obj({
        "lao_code": {"type": "string"}, "lao_name": {"type": "string"},
        "type": {"type": "string", "enum": list(LAO_TYPES)},
        "province_code": {"type": "string"}, "province_name": {"type": "string"},
        "district_code": {"type": "string"}, "district_name": {"type": "string"},
        "status": {"type": "string", "enum": STATUSES}, "version": {"type": "integer"},
        "recorded_at": {"type": ["string", "null"], "format": "date-time"}, "recorded_late": {"type": "boolean"},
        "confirmed_at": {"type": ["string", "null"], "format": "date-time"}, "confirmed_late": {"type": "boolean"},
    }),
    "StatusReport": _obj({
        "fiscal_year": {"type": "integer"}, "installment": {"type": "integer"},
        "province_code": {"type": ["string", "null"]}, "type": {"type": ["string", "null"]},
        "district_code": {"type": ["string", "null"]},
        "total": {"type": "integer"},
        "recorded_count": {"type": "integer"}, "recorded_pct": _ref("Money"),
        "not_recorded_count": {"type": "integer"}, "not_recorded_pct": _ref("Money"),
        "confirmed_count": {"type": "integer"}, "returned_count": {"type": "integer"},
        "late_count": {"type": "integer"},
        "recorded": {"type": "array", "items": _ref("StatusLao")},
        "not_recorded": {"type": "array", "items": _ref("StatusLao")},
    }),
}

_ERROR_RESPONSES = {
    "BadRequest": _json(_ref("Error"), "The body is not a JSON object."),
    "Unauthorized": {
        "description": "No bearer token, or one that is unknown, revoked or of a disabled account.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}},
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "Forbidden": _json(_ref("Error"), "The role may not do this (error=forbidden), or the installment is "
                                      "confirmed and locked (error=locked)."),
    "NotFound": _json(_ref("Error"), "No such object, or it lies outside the account's scope."),
    "MethodNotAllowed": _json(_ref("Error"), "The path exists for other methods."),
    "Conflict": _json(_ref("ConflictError"), "The version sent is stale; `current` is the installment now."),
    "Unprocessable": _json(_ref("Error"), "Invalid values; `fields` says what is wrong with each."),
}

_PATH_PARAMS = [
    {"name": "lao_code", "in": "path", "required": True, "schema": {"type": "string", "pattern": CODE_PATTERN}},
    {"name": "fy", "in": "path", "required": True, "description": "Buddhist-era fiscal year, e.g. 2570",
     "schema": {"type": "integer", "minimum": 0, "maximum": 9999}},
    {"name": "n", "in": "path", "required": True, "description": "installment number",
     "schema": {"type": "integer", "minimum": 0, "maximum": 99}},
]

_PROVINCE = {"type": "string", "pattern": r"^[0-9]{2}$"}
_TYPE = {"type": "string", "enum": list(LAO_TYPES)}
_YEAR = {"type": "integer", "minimum": 0, "maximum": 9999}

_PATHS = {
    "/": {"get": {
        "operationId": "index", "summary": "API version", "security": [],
        "responses": {"200": _json(_obj({"version": {"type": "string"}, "openapi": {"type": "string"}}), "Version.")},
    }},
    "/openapi.json": {"get": {
        "operationId": "openapi", "summary": "This document", "security": [],
        "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
    }},
    "/laos": {"get": {
        "operationId": "listLaos",
        "summary": "LAOs in the account's scope",
        "description": "An LAO officer sees its own LAO, a provincial verifier its province's LAOs, national "
                       "viewers and administrators every LAO. Active LAOs only, ordered by code. At most "
                       f"{MAX_LIMIT} per request: page with `limit` and `offset`; `X-Total-Count` gives the total "
                       "and `Link: <...>; rel=\"next\"` the next page. A province outside the scope is 404.",
        "parameters": [
            _query("province", _PROVINCE, "province code (DOPA), e.g. 50"),
            _query("type", _TYPE, "LAO type"),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": MAX_LIMIT}, "page size"),
            _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_INT, "default": 0}, "rows to skip"),
        ],
        "responses": _responses({
            "description": "The LAOs of this page.",
            "headers": {
                "X-Total-Count": {"schema": {"type": "integer"}, "description": "LAOs matching, all pages"},
                "Link": {"schema": {"type": "string"}, "description": "the next page, when there is one"},
            },
            "content": {"application/json": {"schema": {"type": "array", "items": _ref("Lao")}}},
        }, 404, 422),
    }},
    "/years": {"get": {
        "operationId": "listYears", "summary": "Fiscal years, installments, deadlines and rounds",
        "responses": _responses(_json({"type": "array", "items": _ref("FiscalYear")}, "Every fiscal year.")),
    }},
    "/items": {"get": {
        "operationId": "listItems", "summary": "Revenue items active in a fiscal year",
        "description": "With `type`, the items that type records that year; without, those of any type, "
                       "each with the types that record it.",
        "parameters": [_query("year", _YEAR, "fiscal year", required=True), _query("type", _TYPE, "LAO type")],
        "responses": _responses(_json({"type": "array", "items": _ref("Item")}, "The items."), 404, 422),
    }},
    "/laos/{lao_code}/years/{fy}/installments/{n}": {
        "parameters": _PATH_PARAMS,
        "get": {
            "operationId": "getInstallment", "summary": "An LAO's installment",
            "responses": _responses(_json(_ref("InstallmentState"), "The installment."), 404),
        },
        "put": {
            "operationId": "recordInstallment", "summary": "Record or correct the figures (the LAO's officer)",
            "description": "All or nothing, with the same rules as the entry form: the period must have ended, "
                           "every item needs an amount (0 when nothing was collected), amounts are strings "
                           "with at most two decimals, an unusual amount needs an explanation, and the "
                           "recorder certifies. Send the `version` you read: a stale one is 409. Confirmed "
                           "installments are locked (403, error=locked).",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RecordRequest")}}},
            "responses": _responses(_json(_ref("InstallmentState"), "The installment as saved."),
                                    400, 403, 404, 409, 422),
        },
    },
    "/laos/{lao_code}/years/{fy}/installments/{n}/review": {
        "parameters": _PATH_PARAMS,
        "post": {
            "operationId": "reviewInstallment",
            "summary": "Confirm, unconfirm or return an installment (the province's verifier or an administrator)",
            "description": "confirm: recorded or returned -> confirmed; unconfirm: confirmed -> recorded; "
                           "return: recorded or confirmed -> returned. unconfirm and return need a reason. "
                           "A stale `version` is 409.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ReviewRequest")}}},
            "responses": _responses(_json(_ref("InstallmentState"), "The installment after the review."),
                                    400, 403, 404, 409, 422),
        },
    },
    "/reports/comparison": {"get": {
        "operationId": "comparisonReport",
        "summary": "Revenue comparison by province and category (INF508)",
        "description": "Rows and total as in the report's CSV. Without `province`, one row per province; with "
                       "it, one row per LAO of that province. A provincial verifier always gets its own "
                       "province; LAO officers may not read it (403).",
        "parameters": [
            _query("base", _YEAR, "base fiscal year", required=True),
            _query("year", _YEAR, "fiscal year compared with the base", required=True),
            _query("through", {"type": "integer", "minimum": 1, "maximum": 99},
                   "last installment of `year` included (default: the latest whose period has ended)"),
            _query("basis", {"type": "string", "enum": list(cmp.BASES), "default": cmp.BASIS_SAME_PERIOD},
                   "same-period compares the same months of the base year; full-year the whole base year"),
            _query("status", {"type": "string", "enum": list(cmp.STATUS_SETS), "default": cmp.STATUS_CONFIRMED},
                   "installments the provincial office confirmed, or everything the LAOs recorded"),
            _query("province", _PROVINCE, "one province: rows per LAO"),
        ],
        "responses": _responses(_json(_ref("Comparison"), "The comparison."), 403, 404, 422),
    }},
    "/reports/status": {"get": {
        "operationId": "statusReport",
        "summary": "LAOs that recorded an installment and those that did not (INR911)",
        "description": "Counts and percentages (two decimals, adding up to 100.00). A provincial verifier "
                       "always gets its own province; LAO officers may not read it (403).",
        "parameters": [
            _query("year", _YEAR, "fiscal year", required=True),
            _query("installment", {"type": "integer", "minimum": 0, "maximum": 99}, "installment number",
                   required=True),
            _query("province", _PROVINCE, "province code"),
            _query("type", _TYPE, "LAO type"),
            _query("district", {"type": "string", "pattern": r"^[0-9]{4}$"}, "district code"),
        ],
        "responses": _responses(_json(_ref("StatusReport"), "The status report."), 403, 404, 422),
    }},
}

SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "LAO revenue collection tracker API",
        "version": "1.0.0",
        "description": "Self-collected revenue of local administrative organisations. Authenticate with "
                       "`Authorization: Bearer <token>` (create one on your profile page). Money is always a "
                       "JSON string with two decimals; errors are {error, message, fields}.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": _PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": _SHAPES,
        "responses": _ERROR_RESPONSES,
    },
}


def spec() -> dict:
    """A copy of the OpenAPI document (callers may not alter the shared one)."""
    return copy.deepcopy(SPEC)
