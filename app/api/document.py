"""The OpenAPI 3 document of API v1, generated from the pydantic models and one table of operations."""

import copy
import typing
from dataclasses import dataclass, field
from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from . import models as m

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    """One method of a path: its models (query, body, response), error statuses and words for people."""

    method: str
    operation_id: str
    summary: str
    response: typing.Any  # a model, list[model], or a plain JSON schema dict
    ok: str  # description of the 200 response
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()  # besides 401 and 405, which every authenticated operation may answer
    public: bool = False
    headers: dict = field(default_factory=dict)
    plain_conflict: bool = False  # a 409 is the plain Error (no installment to show as `current`)


_INSTALLMENT = "/laos/{lao_code}/years/{fy}/installments/{n}"

PATHS: dict[str, tuple[type[BaseModel] | None, list[Operation]]] = {
    "/": (None, [Operation("get", "index", "API version", m.ApiIndex, "Version.", public=True)]),
    "/openapi.json": (None, [Operation("get", "openapi", "This document", {"type": "object"}, "The OpenAPI document.",
                                       public=True)]),
    "/laos": (None, [Operation(
        "get", "listLaos", "LAOs in the account's scope", list[m.Lao], "The LAOs of this page.",
        description="An LAO officer sees its own LAO, a provincial verifier its province's LAOs, national viewers "
                    "and administrators every LAO. Active LAOs only, ordered by code. At most "
                    f"{m.MAX_LIMIT} per request: page with `limit` and `offset`; `X-Total-Count` gives the total "
                    "and `Link: <...>; rel=\"next\"` the next page. A province outside the scope is 404.",
        query=m.LaosQuery, errors=(404, 422),
        headers={
            "X-Total-Count": {"schema": {"type": "integer"}, "description": "LAOs matching, all pages"},
            "Link": {"schema": {"type": "string"}, "description": "the next page, when there is one"},
        },
    )]),
    "/years": (None, [Operation("get", "listYears", "Fiscal years, installments, deadlines and rounds",
                                list[m.FiscalYear], "Every fiscal year.")]),
    "/years/{fy}/kpis": (m.YearPath, [Operation(
        "get", "listKpis", "KPI definitions of a fiscal year, every version", list[m.KpiDefinition],
        "The KPIs, by group and code, each version in order.", errors=(404,),
        description="Every reader may read them (they are the published targets). A mid-year revision is a new "
                    "version governing its `from_round` and later rounds.",
    )]),
    "/items": (None, [Operation(
        "get", "listItems", "Revenue items active in a fiscal year", list[m.Item], "The items.",
        description="With `type`, the items that type records that year; without, those of any type, "
                    "each with the types that record it.",
        query=m.ItemsQuery, errors=(404, 422),
    )]),
    _INSTALLMENT: (m.InstallmentPath, [
        Operation("get", "getInstallment", "An LAO's installment", m.InstallmentState, "The installment.",
                  errors=(404,)),
        Operation(
            "put", "recordInstallment", "Record or correct the figures (the LAO's officer)", m.InstallmentState,
            "The installment as saved.",
            description="All or nothing, with the same rules as the entry form: the period must have ended, every "
                        "item needs an amount (0 when nothing was collected), amounts are strings with at most two "
                        "decimals, an unusual amount needs an explanation, and the recorder certifies. Send the "
                        "`version` you read: a stale one is 409. Confirmed installments are locked (403, "
                        "error=locked).",
            body=m.RecordRequest, errors=(400, 403, 404, 409, 422),
        ),
    ]),
    _INSTALLMENT + "/review": (m.InstallmentPath, [Operation(
        "post", "reviewInstallment",
        "Confirm, unconfirm or return an installment (the province's verifier or an administrator)",
        m.InstallmentState, "The installment after the review.",
        description="confirm: recorded or returned -> confirmed; unconfirm: confirmed -> recorded; return: recorded "
                    "or confirmed -> returned. unconfirm and return need a reason. A stale `version` is 409.",
        body=m.ReviewRequest, errors=(400, 403, 404, 409, 422),
    )]),
    "/reports/comparison": (None, [Operation(
        "get", "comparisonReport", "Revenue comparison by province and category (INF508)", m.Comparison,
        "The comparison.",
        description="Rows and total as in the report's CSV. Without `province`, one row per province; with it, one "
                    "row per LAO of that province. A provincial verifier always gets its own province; LAO "
                    "officers may not read it (403).",
        query=m.ComparisonQuery, errors=(403, 404, 422),
    )]),
    "/reports/status": (None, [Operation(
        "get", "statusReport", "LAOs that recorded an installment and those that did not (INR911)", m.StatusReport,
        "The status report.",
        description="Counts and percentages (two decimals, adding up to 100.00). A provincial verifier always gets "
                    "its own province; LAO officers may not read it (403).",
        query=m.StatusQuery, errors=(403, 404, 422),
    )]),
    "/extensions": (None, [
        Operation(
            "get", "listExtensions", "Deadline-extension requests in the account's scope", list[m.Extension],
            "The requests, pending first, then newest first.",
            description="An LAO officer sees its LAO's requests, a provincial verifier its LAOs' and its province's, "
                        "national staff and administrators every request.",
            query=m.ExtensionsQuery, errors=(422,),
        ),
        Operation(
            "post", "requestExtension", "Ask for a later deadline", m.Extension, "The request, pending.",
            description="kind entry: an LAO officer asks its province's verifier for a later entry deadline of one "
                        "installment of its LAO (not once recorded; the period must have ended). kind confirm: a "
                        "provincial verifier asks national staff for a later confirmation deadline of its province. "
                        "The date must be after the deadline in force, not in the past, and at most "
                        "EXTENSION_MAX_DAYS (default 15) days after the original deadline; a reason is required; one "
                        "pending request per installment.",
            body=m.ExtensionRequest, errors=(400, 403, 404, 422),
        ),
    ]),
    "/extensions/{ext_id}": (m.ExtensionPath, [Operation(
        "get", "getExtension", "One deadline-extension request", m.Extension, "The request.", errors=(404,),
    )]),
    "/extensions/{ext_id}/decision": (m.ExtensionPath, [Operation(
        "post", "decideExtension", "Approve or refuse a pending request", m.Extension, "The request as decided.",
        description="An entry request is decided by its province's verifier, a confirmation request by national "
                    "staff (administrators either). approve needs new_deadline; both need a reason. An approval makes "
                    "a recording (or confirmation) up to the new date not late, including one already made. A "
                    "request already decided, or a stale `version`, is 409.",
        body=m.DecisionRequest, errors=(400, 403, 404, 409, 422), plain_conflict=True,
    )]),
    "/notifications": (None, [Operation(
        "get", "listNotifications", "The account's notifications", m.NotificationList, "A page of messages.",
        description="The token owner's own messages (reminders, notices, extension decisions), newest first; "
                    f"at most {m.MAX_NOTIFICATIONS} per request, paged with `limit` and `offset`; `unread=1` for "
                    "unread ones only. `url` is the page of this site to act on.",
        query=m.NotificationsQuery, errors=(422,),
    )]),
    "/notifications/read": (None, [Operation(
        "post", "markNotificationsRead", "Mark the account's notifications read", m.MarkReadResult,
        "How many were marked.",
        description="Either `ids` (ids of another account's messages are ignored) or `all: true`.",
        body=m.MarkReadRequest, errors=(400, 422),
    )]),
}

# Models every document has though no operation names them directly (the error bodies)
_ERROR_MODELS = (m.Error, m.ConflictError)

_ERROR_RESPONSES = {
    400: ("BadRequest", "Error", "The body is not a JSON object."),
    401: ("Unauthorized", "Error", "No bearer token, or one that is unknown, revoked or of a disabled account."),
    403: ("Forbidden", "Error",
          "The role may not do this (error=forbidden), the installment is confirmed and locked (error=locked), or the "
          "account must change its password on the web first (error=password_change_required)."),
    404: ("NotFound", "Error", "No such object, or it lies outside the account's scope."),
    405: ("MethodNotAllowed", "Error", "The path exists for other methods."),
    409: ("Conflict", "ConflictError", "The version sent is stale; `current` is the installment now."),
    422: ("Unprocessable", "Error", "Invalid values; `fields` says what is wrong with each."),
}


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON schema without the titles it derives from field names (noise in an API document)."""

    def field_title_should_be_set(self, schema) -> bool:
        """No title on properties."""
        return False


def _ref(model: type[BaseModel]) -> dict:
    """A reference to a model's component schema."""
    return {"$ref": REF.format(model=model.__name__)}


def _response_schema(response) -> dict:
    """The schema of a 200 response: a model, a list of a model, or a schema given as is."""
    if isinstance(response, dict):
        return response
    if typing.get_origin(response) is list:
        return {"type": "array", "items": _ref(typing.get_args(response)[0])}
    return _ref(response)


def _body_models() -> list[type[BaseModel]]:
    """Every model an operation names as its body or response, and the error bodies."""
    found: list[type[BaseModel]] = list(_ERROR_MODELS)
    for _model, operations in PATHS.values():
        for op in operations:
            for candidate in (op.body, op.response):
                if typing.get_origin(candidate) is list:
                    candidate = typing.get_args(candidate)[0]
                if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in found:
                    found.append(candidate)
    return found


def _parameters(model: type[BaseModel], where: str) -> list[dict]:
    """The properties of a query or path model as OpenAPI parameters (null alternatives and null defaults dropped)."""
    schema = model.model_json_schema(ref_template=REF, schema_generator=_Schemas)
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", None)
        options = [s for s in prop.pop("anyOf", []) if s.get("type") != "null"]
        if options:
            prop.update(options[0])
        if prop.get("default", 0) is None:
            del prop["default"]
        param = {"name": name, "in": where, "required": where == "path" or name in required, "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out


def _responses(op: Operation) -> dict:
    """The 200 response plus 401, 405 and the error statuses of `op` (public operations: 200 only)."""
    ok = {"description": op.ok, "content": {"application/json": {"schema": _response_schema(op.response)}}}
    if op.headers:
        ok["headers"] = op.headers
    out = {"200": ok}
    if not op.public:
        for status in (401, 405, *op.errors):
            name = "Stale" if status == 409 and op.plain_conflict else _ERROR_RESPONSES[status][0]
            out[str(status)] = {"$ref": f"#/components/responses/{name}"}
    return out


def _operation(op: Operation) -> dict:
    """One operation object."""
    out: dict[str, typing.Any] = {"operationId": op.operation_id, "summary": op.summary}  # an OpenAPI object
    if op.description:
        out["description"] = op.description
    if op.public:
        out["security"] = []
    if op.query is not None:
        out["parameters"] = _parameters(op.query, "query")
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(op.body)}}}
    out["responses"] = _responses(op)
    return out


def _error_responses() -> dict:
    """The shared error responses (401 also says how to authenticate)."""
    out = {}
    for status, (name, model, description) in _ERROR_RESPONSES.items():
        response = {"description": description,
                    "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"},
                                                        "description": 'Bearer realm="api"'}}
        out[name] = response
    out["Stale"] = {"description": "The request was decided already, or the version sent is stale.",
                    "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}
    return out


@cache
def _document() -> dict:
    """The document, built once per process."""
    _refs, top = models_json_schema([(model, "validation") for model in _body_models()],
                                    ref_template=REF, schema_generator=_Schemas)
    paths = {}
    for path, (path_model, operations) in PATHS.items():
        item: dict[str, typing.Any] = {}  # a path item: parameters and one operation object per method
        if path_model is not None:
            item["parameters"] = _parameters(path_model, "path")
        for op in operations:
            item[op.method] = _operation(op)
        paths[path] = item
    return {
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
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": top["$defs"],
            "responses": _error_responses(),
        },
    }


def openapi_document() -> dict:
    """A copy of the OpenAPI document (callers may not alter the shared one)."""
    return copy.deepcopy(_document())
