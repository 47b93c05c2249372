"""API v1 request and response shapes as pydantic models: they validate requests and generate the OpenAPI document."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, cast, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    create_model,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from ..domain import comparison as cmp
from ..domain.extensions import EXTENSION_KINDS, EXTENSION_STATUSES, Decision
from ..domain.limits import MAX_PHONE, MAX_POSITION, MAX_REASON
from ..domain.vocabulary import NotificationKind
from ..domain.workflow import ReviewAction, Status
from ..entry.operations import MAX_EXPLANATION, RECORDER_LIMITS
from ..models import LAO_TYPES

MAX_INT = 2**31 - 1  # INTEGER columns on PostgreSQL; larger numbers could never match a row
MAX_LIMIT = 1000
MAX_NOTIFICATIONS = 200
MAX_YEAR = 9999
MAX_INSTALLMENT = 99
MAX_AMOUNT_TEXT = 40  # "1,234,567,890.50" and the like; the operation parses and bounds the amount itself
MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
LAO_CODE = r"^[A-Za-z0-9_-]{1,20}$"
PROVINCE_CODE = r"^[0-9]{2}$"
DISTRICT_CODE = r"^[0-9]{4}$"
_QUERY_INT = re.compile(r"-?[0-9]{1,10}", re.ASCII)

# mypy needs a Literal's values spelled out; the check below keeps them the vocabulary's.
LaoType = Literal["PAO", "MUNICIPALITY", "SAO"]
StatusName = Literal["not_recorded", "recorded", "confirmed", "returned"]
Basis = Literal["same-period", "full-year"]
StatusSet = Literal["confirmed", "recorded"]
if (get_args(LaoType) != LAO_TYPES or get_args(StatusName) != tuple(s.value for s in Status)
        or get_args(Basis) != cmp.BASES or get_args(StatusSet) != tuple(cmp.STATUS_SETS)):
    raise RuntimeError("the API's literal types differ from the vocabulary")


# --- field types -----------------------------------------------------------------------------------

def _query_int(value):
    """A query string's digits as an int; anything else (signs aside, unicode digits, 11+ digits) is not one."""
    if isinstance(value, str):
        if not _QUERY_INT.fullmatch(value):
            raise PydanticCustomError("int_parsing", "not an integer")
        return int(value)
    return value


# An integer query parameter; its Field gives the bounds and strict=True (the validator has parsed the text).
QueryInt = Annotated[int, BeforeValidator(_query_int)]
# The past moment a report is asked as of (ISO 8601; an offset is honoured, none means Bangkok time).
AS_OF_DESCRIPTION = ("the figures as they stood at this past moment (ISO 8601, e.g. 2026-11-20T14:30:00+07:00; "
                     "without an offset: Bangkok time), from the confirmation snapshots and the report history; "
                     "a future moment is refused (422); absent: now")
# Code query parameters (province, district).
ProvinceCode = Annotated[str, Field(pattern=PROVINCE_CODE)]
DistrictCode = Annotated[str, Field(pattern=DISTRICT_CODE)]


def _storable(value: str) -> str:
    """Refuse characters a database cannot store (NUL); lone surrogates fail as string_unicode before this."""
    if "\x00" in value:
        raise PydanticCustomError("bad_characters", "characters a database cannot store")
    return value


def _absent_as_empty(value):
    """JSON null in an optional text field reads as empty text, as an absent field does."""
    return "" if value is None else value


# An optional JSON string (null reads as empty); its Field gives strict=True and the length limit.
Text = Annotated[str, AfterValidator(_storable), BeforeValidator(_absent_as_empty)]


def _no_number(value):
    """Refuse a JSON number as an amount: a float loses satang."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError("amount_number", "an amount must be a JSON string")
    return value


def _known_item(code: str, info: ValidationInfo) -> str:
    """An item code the LAO records in the installment's fiscal year (the `item_codes` of the validation context)."""
    codes = (info.context or {}).get("item_codes")
    if codes is not None and code not in codes:
        raise PydanticCustomError("unknown_item", "not an item of this LAO in this fiscal year")
    return code


ItemCode = Annotated[str, AfterValidator(_known_item)]
Amount = Annotated[str, Field(strict=True, max_length=MAX_AMOUNT_TEXT), AfterValidator(_storable),
                   BeforeValidator(_no_number)]
Version = Annotated[int, Field(strict=True, ge=0, le=MAX_INT, description="the version last read; 0 when never recorded")]


# --- query strings and path values -----------------------------------------------------------------

class LaosQuery(BaseModel):
    """Filters and paging of the LAO list."""

    province: ProvinceCode | None = Field(None, description="province code (DOPA), e.g. 50")
    type: LaoType | None = Field(None, description="LAO type")
    limit: QueryInt = Field(MAX_LIMIT, strict=True, ge=1, le=MAX_LIMIT, description="page size")
    offset: QueryInt = Field(0, strict=True, ge=0, le=MAX_INT, description="rows to skip")


class NotificationsQuery(BaseModel):
    """Paging (and the unread filter) of the token owner's notifications."""

    unread: Literal["1", "0"] | None = Field(None, description="1: unread messages only")
    limit: QueryInt = Field(MAX_NOTIFICATIONS, strict=True, ge=1, le=MAX_NOTIFICATIONS, description="page size")
    offset: QueryInt = Field(0, strict=True, ge=0, le=MAX_INT, description="messages to skip (newest first)")


class ItemsQuery(BaseModel):
    """The fiscal year (and LAO type) of the revenue item list."""

    year: QueryInt = Field(strict=True, ge=0, le=MAX_YEAR, description="fiscal year")
    type: LaoType | None = Field(None, description="LAO type")


class StatusQuery(BaseModel):
    """The installment and filters of the status report (INR911)."""

    year: QueryInt = Field(strict=True, ge=0, le=MAX_YEAR, description="fiscal year")
    installment: QueryInt = Field(strict=True, ge=0, le=MAX_INSTALLMENT, description="installment number")
    province: ProvinceCode | None = Field(None, description="province code")
    type: LaoType | None = Field(None, description="LAO type")
    district: DistrictCode | None = Field(None, description="district code")
    as_of: datetime | None = Field(None, description=AS_OF_DESCRIPTION)


class ComparisonQuery(BaseModel):
    """The years, installments, basis, statuses and province of the comparison report (INF508)."""

    base: QueryInt = Field(strict=True, ge=0, le=MAX_YEAR, description="base fiscal year")
    year: QueryInt = Field(strict=True, ge=0, le=MAX_YEAR, description="fiscal year compared with the base")
    # Inside a union or dict the Field goes before the validators (not Annotated[QueryInt, Field(...)]): after them
    # pydantic checks the bounds in a wrapper validator instead of the int schema, a different schema and document.
    through: Annotated[int, Field(strict=True, ge=1, le=MAX_INSTALLMENT), BeforeValidator(_query_int)] | None = Field(
        None, description="last installment of `year` included (default: the latest whose period has ended)")
    # The defaults are values of cmp.BASES and cmp.STATUS_SETS (checked above), typed str there.
    basis: Basis = Field(
        cast(Basis, cmp.BASIS_SAME_PERIOD),
        description="same-period compares the same months of the base year; full-year the whole base year")
    status: StatusSet = Field(
        cast(StatusSet, cmp.STATUS_CONFIRMED),
        description="installments the provincial office confirmed, or everything the LAOs recorded")
    province: ProvinceCode | None = Field(None, description="one province: rows per LAO")
    as_of: datetime | None = Field(None, description=AS_OF_DESCRIPTION)


class InstallmentPath(BaseModel):
    """The path values naming one LAO's installment (anything else is 404)."""

    lao_code: Annotated[str, Field(pattern=LAO_CODE)]
    fy: Annotated[int, Field(ge=0, le=MAX_YEAR, description="Buddhist-era fiscal year, e.g. 2570")]
    n: Annotated[int, Field(ge=0, le=MAX_INSTALLMENT, description="installment number")]


# --- request bodies --------------------------------------------------------------------------------

class RecorderInput(BaseModel):
    """Who certifies the figures; the operation requires each part."""

    name: Text = Field("", strict=True, max_length=RECORDER_LIMITS["recorder_name"])
    position: Text = Field("", strict=True, max_length=RECORDER_LIMITS["recorder_position"])
    phone: Text = Field("", strict=True, max_length=RECORDER_LIMITS["recorder_phone"])


class RecordRequest(BaseModel):
    """A PUT of an installment's figures; amounts are JSON strings (a JSON number is refused: floats lose satang)."""

    version: Version
    entries: dict[ItemCode, Amount] = Field(
        description="amount per item code as a string: 1234.50 or 1,234.50 (numbers are refused)")
    explanations: Annotated[
        dict[ItemCode, Annotated[str, Field(strict=True, max_length=MAX_EXPLANATION), AfterValidator(_storable),
                                 BeforeValidator(_absent_as_empty)]],
        BeforeValidator(lambda v: {} if v is None else v),
    ] = Field(default_factory=dict, description="required for an amount far from the same period of last year")
    recorder: RecorderInput
    certify: Annotated[bool, Field(strict=True), BeforeValidator(lambda v: False if v is None else v)] = Field(
        False, description="must be true: the recorder certifies the figures")


class MarkReadRequest(BaseModel):
    """Which of one's notifications to mark read: `ids`, or every unread one with `all`."""

    ids: list[Annotated[int, Field(strict=True, ge=1, le=MAX_INT)]] | None = Field(
        None, max_length=MAX_NOTIFICATIONS, description="ids of one's own messages (others' ids are ignored)")
    all: Annotated[bool, Field(strict=True)] = Field(False, description="true: every unread message")

    @model_validator(mode="after")
    def _one_of(self) -> "MarkReadRequest":
        """Exactly one of `ids` and `all`."""
        if (self.ids is None) == (not self.all):
            raise PydanticCustomError("ids_or_all", "give either ids or all: true")
        return self


class ReviewRequest(BaseModel):
    """A verifier's review of one installment."""

    action: ReviewAction
    version: Version
    reason: Text = Field("", strict=True, max_length=MAX_REASON, description="required for unconfirm and return")
    position: Text = Field("", strict=True, max_length=MAX_POSITION)
    phone: Text = Field("", strict=True, max_length=MAX_PHONE)


# --- responses -------------------------------------------------------------------------------------

class Shape(BaseModel):
    """A response object: exactly these keys."""

    model_config = ConfigDict(extra="forbid")


class Money(RootModel[Annotated[str, Field(pattern=MONEY_PATTERN, examples=["1234.50"])]]):
    """Baht as a decimal string with exactly two places; never a JSON number."""


class Percent(RootModel[Annotated[str, Field(pattern=MONEY_PATTERN)] | None]):
    """Percent with two decimals as a string (rounded half away from zero); null when undefined."""


class Error(BaseModel):
    """An error: a machine-readable code, a Thai message and per-field messages."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="machine-readable code: bad_request, unauthorized, invalid_token, forbidden, "
                                   "locked, password_change_required, not_found, method_not_allowed, conflict, "
                                   "validation_error, domain_error")
    message: str = Field(description="human-readable message (Thai)")
    fields: dict[str, str] = Field(
        description="per-field messages keyed by JSON path, e.g. entries.SIGNBOARD or recorder.phone")


class ApiIndex(Shape):
    """The API version and where this document is."""

    version: str
    openapi: str


class Lao(Shape):
    """A local administrative organisation."""

    code: str
    name_th: str
    name_en: str
    type: LaoType
    province_code: str
    district_code: str


NotificationKindName = Literal["entry_reminder", "confirm_reminder", "national_digest", "province_notice",
                               "lao_nudge", "extension_request", "extension_decision"]
if get_args(NotificationKindName) != tuple(k.value for k in NotificationKind):
    raise RuntimeError("the API's notification kinds differ from the vocabulary")


class NotificationItem(Shape):
    """One of the token owner's messages."""

    id: int
    kind: NotificationKindName
    subject: str
    body: str
    url: str = Field(description="the page to act on, a path of this site (may be empty)")
    sender: str | None = Field(description="who sent it; null for a scheduled reminder")
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None


class NotificationList(Shape):
    """A page of the token owner's messages, newest first, with the counts."""

    total: int = Field(description="messages matching, all pages")
    unread: int = Field(description="unread messages of the account")
    limit: int
    offset: int
    items: list[NotificationItem]


class MarkReadResult(Shape):
    """How many messages were marked read, and how many stay unread."""

    marked: int
    unread: int


class InstallmentDates(Shape):
    """An installment's period and deadlines."""

    number: int
    period_start: date
    period_end: date
    entry_deadline: date
    confirm_deadline: date


class Round(Shape):
    """An evaluation round."""

    name: str
    last_installment: int = Field(description="cumulative through this installment")


class FiscalYear(Shape):
    """A fiscal year with its installments and evaluation rounds."""

    fiscal_year: int = Field(description="Buddhist-era fiscal year")
    start: date
    end: date
    schedule: Literal["monthly", "dla2560", "annual"]
    installments: list[InstallmentDates]
    rounds: list[Round]


class YearPath(BaseModel):
    """The path value naming a fiscal year (anything else is 404)."""

    fy: Annotated[int, Field(ge=0, le=MAX_YEAR, description="Buddhist-era fiscal year, e.g. 2560")]


class KpiDefinition(Shape):
    """One version of a KPI of a fiscal year, as the ministry's summary form states it."""

    code: str
    version: int
    from_round: int = Field(description="the first round this version governs (earlier rounds keep the earlier one)")
    name: str
    group: str
    unit: str
    direction: Literal["higher", "lower"]
    measure: Literal["amount_million", "amount_baht", "growth_pct", "share_pct"]
    category: Literal["ALL", "PAO", "MUNICIPALITY", "SAO"]
    points: str = Field(description="weight points (the weight is points / total points of the round's KPIs)")
    thresholds: list[str] = Field(description="T1..T5 as decimal strings; descending when lower is better")
    rounds: list[int] = Field(description="round numbers the KPI is measured in")
    base_year: int | None
    deadline: date | None
    penalty: Literal["none", "calendar", "working"]
    first_half_weight: str | None = Field(description="measured in both halves and then weighted: the first half's "
                                                      "weight in percent (null: the round as a whole)")


class Item(Shape):
    """A revenue item and the LAO types that record it."""

    code: str
    name_th: str
    name_en: str
    lao_types: list[LaoType]


class Recorder(Shape):
    """Who recorded and certified the figures."""

    name: str
    position: str
    phone: str
    recorded_at: datetime
    late: bool = Field(description="recorded after the entry deadline")


class Confirmer(Shape):
    """Who confirmed the figures."""

    name: str
    position: str
    phone: str
    confirmed_at: datetime
    late: bool = Field(description="confirmed after the confirmation deadline")


class InstallmentState(Shape):
    """An LAO's installment: status, version, figures, certification and confirmation."""

    lao_code: str
    fiscal_year: int
    installment: int
    status: StatusName
    version: int = Field(ge=0, description="send back in PUT and review; 0 when never recorded")
    entries: dict[str, Money] = Field(description="amount per revenue item code")
    explanations: dict[str, str] = Field(
        description="the LAO's explanation of an unusual figure, per item code")
    recorder: Recorder | None
    confirmer: Confirmer | None
    return_reason: str | None = Field(description="the verifier's reason of the last return or unconfirm")


class ConflictError(Error):
    """A stale version: the error and the installment as it is now."""

    current: InstallmentState


def _one_of_names(schema: dict) -> None:
    """A row names a province or an LAO (and an absent name has no default to document)."""
    for name in ("province_code", "province_name", "lao_code", "lao_name"):
        schema["properties"][name].pop("default", None)
    schema["anyOf"] = [{"required": ["province_code", "province_name"]}, {"required": ["lao_code", "lao_name"]}]


class _RowNames(Shape):
    """The names of a comparison row: a province's nationally, an LAO's within a province."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: _one_of_names(schema))

    province_code: str | SkipJsonSchema[None] = None
    province_name: str | SkipJsonSchema[None] = None
    lao_code: str | SkipJsonSchema[None] = None
    lao_name: str | SkipJsonSchema[None] = None


# Any: a ** dict must fit every keyword of create_model (__config__, __doc__, ...), whatever the field names.
_AMOUNT_COLUMNS: dict[str, Any] = {
    col: (Percent if col.endswith("_pct") else Money | None, ...) for col in cmp.AMOUNT_FIELDS}
ComparisonRow = create_model(
    "ComparisonRow",
    __base__=_RowNames,
    __doc__="The columns of the report CSV: province_code and province_name nationally, lao_code and lao_name "
            "within a province (the total row has code TOTAL). Amounts are Money strings (null in an LAO's row "
            "for the other categories), percentages Percent strings.",
    **_AMOUNT_COLUMNS,
)


class Comparison(Shape):
    """The comparison report: what it counts, its rows and total."""

    selection: dict[str, Any] = Field(
        description="exactly what is counted: years, installments and periods compared, basis, statuses, "
                    "province, and how many LAOs' figures are missing")
    rows: list[ComparisonRow]
    total: ComparisonRow


class StatusLao(Shape):
    """One LAO of the status report."""

    lao_code: str
    lao_name: str
    type: LaoType
    province_code: str
    province_name: str
    district_code: str
    district_name: str
    status: StatusName
    version: int
    recorded_at: datetime | None
    recorded_late: bool
    confirmed_at: datetime | None
    confirmed_late: bool
    entry_extended_to: date | None = Field(description="an approved extension of the LAO's entry deadline")


class StatusReport(Shape):
    """The status report: counts, percentages, and the LAOs that recorded and did not."""

    fiscal_year: int
    installment: int
    province_code: str | None
    type: str | None
    district_code: str | None
    total: int
    recorded_count: int
    recorded_pct: Money
    not_recorded_count: int
    not_recorded_pct: Money
    confirmed_count: int
    returned_count: int
    late_count: int
    as_of: datetime | None = Field(description="the past moment the report is as of (UTC), null: now")
    recorded: list[StatusLao]
    not_recorded: list[StatusLao]


# --- deadline extensions ---------------------------------------------------------------------------

ExtensionKindName = Literal["entry", "confirm"]
ExtensionStatusName = Literal["pending", "approved", "refused"]
DecisionName = Literal["approve", "refuse"]
if (get_args(ExtensionKindName) != EXTENSION_KINDS or get_args(ExtensionStatusName) != EXTENSION_STATUSES
        or get_args(DecisionName) != tuple(d.value for d in Decision)):
    raise RuntimeError("the API's extension literals differ from the domain's")


class ExtensionsQuery(BaseModel):
    """Filters and paging of the extension requests in the account's scope."""

    status: ExtensionStatusName | None = Field(None, description="pending, approved or refused")
    kind: ExtensionKindName | None = Field(None, description="entry (an LAO's) or confirm (a province's)")
    limit: QueryInt = Field(100, strict=True, ge=1, le=MAX_LIMIT, description="page size")
    offset: QueryInt = Field(0, strict=True, ge=0, le=MAX_INT, description="rows to skip")


class ExtensionPath(BaseModel):
    """The path value naming one extension request (anything else is 404)."""

    ext_id: Annotated[int, Field(ge=0, le=MAX_INT, description="the request's number")]


class ExtensionRequest(BaseModel):
    """A request for a later deadline: an LAO officer's entry deadline (lao_code: its LAO) or a provincial
    verifier's confirmation deadline (its province)."""

    kind: ExtensionKindName
    fiscal_year: Annotated[int, Field(strict=True, ge=0, le=MAX_YEAR, description="Buddhist-era fiscal year")]
    installment: Annotated[int, Field(strict=True, ge=0, le=MAX_INSTALLMENT, description="installment number")]
    lao_code: Annotated[str, Field(pattern=LAO_CODE)] | None = Field(
        None, description="the LAO (kind entry; default the officer's own)")
    requested_deadline: date = Field(description="the later deadline asked for (ISO date)")
    reason: Text = Field("", strict=True, max_length=MAX_REASON, description="why (required)")


class DecisionRequest(BaseModel):
    """A decision on a pending request."""

    version: Version
    decision: DecisionName
    new_deadline: date | None = Field(None, description="required to approve: at most EXTENSION_MAX_DAYS days "
                                                        "after the original deadline")
    reason: Text = Field("", strict=True, max_length=MAX_REASON, description="why (required)")


class Extension(Shape):
    """A request for a later deadline and its decision."""

    id: int
    kind: ExtensionKindName
    status: ExtensionStatusName
    version: int = Field(description="send back with the decision")
    fiscal_year: int
    installment: int
    province_code: str
    lao_code: str | None = Field(description="the LAO of an entry request; null for a confirmation request")
    original_deadline: date
    requested_deadline: date
    reason: str
    new_deadline: date | None = Field(description="the approved date")
    decision_reason: str | None
    deadline_in_force: date = Field(description="the deadline lateness is measured against now")
    requested_by: str | None
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
