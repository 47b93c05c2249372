"""API v1 endpoints: bearer authentication, JSON errors, thin views over the same loaders and operations as the web."""

from datetime import datetime, timezone
from typing import Any

from flask import current_app, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from .. import db
from ..auth.loaders import fiscal_year_or_404, in_scope, installment_or_404, lao_or_404, province_or_404, scope_province
from ..domain.errors import ConflictError, DomainError, LockedError, NotPermittedError, ValidationError
from ..domain.limits import MAX_API_BODY
from ..domain.workflow import Role, Status, check_version
from ..deadlines import operations as deadline_ops
from ..deadlines import queries as deadline_queries
from ..entry import operations as entry_ops
from ..figures import amounts_by_lao, explanations_for, report_for
from ..kpi import operations as kpi_operations
from ..i18n import is_thai
from ..models import (LAO_TYPES, DeadlineExtension, District, FiscalYear, Installment, Lao, Notification, Province,
                      User, utcnow)
from ..notifications import operations as notification_ops
from ..params import instant
from ..reference import items_for
from ..reports import queries as report_queries
from ..verify import operations as verify_ops
from ..verify.queries import status_report as build_status_report
from ..web import domain_message, today
from . import bp, parsing, responses, tokens
from .document import openapi_document
from .models import (
    ComparisonQuery,
    DecisionRequest,
    ExtensionRequest,
    ExtensionsQuery,
    ItemsQuery,
    LaosQuery,
    MarkReadRequest,
    NotificationsQuery,
    RecordRequest,
    ReviewRequest,
    StatusQuery,
)
from .parsing import RequestError

PUBLIC_ENDPOINTS = {"api.index", "api.openapi"}
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# --- authentication and errors -------------------------------------------------------------------

@bp.before_request
def _authenticate():
    """Resolve `Authorization: Bearer <token>`; the session cookie never authenticates an API call."""
    request.max_content_length = MAX_API_BODY  # before anything reads the body: a larger one is a JSON 413
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return error_response(401, "unauthorized", _("ต้องส่งโทเค็นในส่วนหัว Authorization: Bearer <token>"))
    user = tokens.user_for_token(raw.strip())
    if user is None:
        from .. import audit
        from ..domain.vocabulary import AuditAction

        audit.security_event(AuditAction.TOKEN_REJECTED)  # never the token itself; throttled per address
        return error_response(401, "invalid_token", _("โทเค็นไม่ถูกต้อง ถูกยกเลิกแล้ว หรือบัญชีถูกปิดการใช้งาน"))
    g.api_user = user
    g._login_user = user  # Flask-Login's current_user is the token's user here, never a cookie session's
    if user.must_change_password:  # as on the web: nothing but the password change until it is done
        return error_response(403, "password_change_required",
                              _("ต้องเปลี่ยนรหัสผ่านก่อน กรุณาเข้าสู่ระบบทางเว็บและตั้งรหัสผ่านใหม่ แล้วจึงใช้ API อีกครั้ง"))
    if user.scope.is_nothing:  # fail closed: an account whose assignment does not fit its role
        return error_response(403, "forbidden", _("บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้"))
    return None


@bp.after_request
def _no_store(response):
    """API answers carry figures and personal data: never cache them. Messages are in the language Accept-Language
    chose (Thai by default), which the answer names."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = "th" if is_thai() else "en"
    response.vary.add("Accept-Language")
    return response


def ok(data, status: int = 200):
    """A JSON response keeping the keys in the order written (CSV column order, lao_code first ...)."""
    body = current_app.json.dumps(data, sort_keys=False)
    return current_app.response_class(body + "\n", status=status, mimetype="application/json")


def error_response(status: int, code: str, message: str, fields: dict | None = None, **extra):
    """The JSON error body {"error", "message", "fields"} with `status` (401 adds WWW-Authenticate)."""
    response = ok({"error": code, "message": message, "fields": fields or {}, **extra}, status)
    if status == 401:
        challenge = 'Bearer realm="api"'
        if code == "invalid_token":
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    return response


@bp.errorhandler(RequestError)
def _request_error(err: RequestError):
    """A request refused before any operation ran (400, 403, 422 with fields)."""
    db.session.rollback()
    return error_response(err.status, err.code, err.message, err.fields)


@bp.errorhandler(DomainError)
def _domain_error(err: DomainError):
    """NotPermitted and Locked -> 403, Conflict -> 409, Validation and other rules -> 422."""
    db.session.rollback()
    fields = responses.domain_field_errors(err, domain_message, g.get("item_codes", ()))
    if isinstance(err, LockedError):
        return error_response(403, "locked", domain_message(err), fields)
    if isinstance(err, NotPermittedError):
        return error_response(403, "forbidden", domain_message(err), fields)
    if isinstance(err, ConflictError):
        return error_response(409, "conflict", domain_message(err), fields)
    if isinstance(err, ValidationError):
        return error_response(422, "validation_error", _("ข้อมูลที่ส่งมาไม่ถูกต้อง"), fields)
    return error_response(422, "domain_error", domain_message(err), fields)


def _http_error(err: HTTPException):
    """HTTP errors as JSON (404 from the scoped loaders, 405, 413, 500 ...)."""
    db.session.rollback()
    # Looked up by err.code: None for an HTTPException raised without a status.
    messages: dict[int | None, str] = {
        400: _("คำขอไม่ถูกต้อง"),
        403: _("บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้"),
        404: _("ไม่พบข้อมูลที่ขอ หรือไม่อยู่ในขอบเขตของบัญชีนี้"),
        405: _("ไม่รองรับวิธีเรียกนี้"),
        413: _("คำขอมีขนาดใหญ่เกินไป"),
        500: _("เกิดข้อผิดพลาดภายในระบบ"),
    }
    codes: dict[int | None, str] = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(err.code, (err.name or "error").lower().replace(" ", "_"))
    response = error_response(err.code or 500, code, messages.get(err.code, err.description or ""))
    if isinstance(err, MethodNotAllowed) and err.valid_methods:
        response.headers["Allow"] = ", ".join(err.valid_methods)
    return response


# By code too: a blueprint's handler for HTTPException alone would lose to the app's HTML page for 404/500.
bp.register_error_handler(HTTPException, _http_error)
for _code in (400, 403, 404, 405, 413, 415, 500):
    bp.register_error_handler(_code, _http_error)


@bp.route("/<path:_path>", methods=ALL_METHODS)
def unknown(_path: str):
    """Any other path under /api/v1: a JSON 404, or 405 when the path exists for other methods."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ALL_METHODS:
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "api.unknown":
            allowed.add(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    raise NotFound()


def actor() -> User:
    """The user the bearer token belongs to."""
    return g.api_user


def forbidden_unless(*roles: Role) -> None:
    """Raise RequestError(403) unless the token's user has one of `roles`."""
    if not actor().has_role(*roles):
        raise RequestError(403, "forbidden", _("บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้"))


def installment_from_path(code: str, fy: int, n: int) -> tuple[Lao, Installment]:
    """The LAO (within the user's scope) and installment of the URL; 404 for malformed, unknown or out of scope.

    Values no row can have are refused before any query (a NUL byte or an integer beyond the column's
    range is an error in PostgreSQL, not an empty result).
    """
    if not parsing.valid_lao_code(code) or fy > 9999 or n > 99:
        raise NotFound()
    return lao_or_404(code, actor()), installment_or_404(fy, n)


# --- public ----------------------------------------------------------------------------------------

@bp.route("/")
def index():
    """API root: version and where the OpenAPI description is (no token needed)."""
    return ok({"version": "v1", "openapi": url_for("api.openapi")})


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API (no token needed)."""
    return ok(openapi_document())


# --- reference data --------------------------------------------------------------------------------

@bp.route("/laos")
def laos():
    """LAOs in the user's scope, optionally by province and type, ordered by code; limit/offset paging."""
    user = actor()
    q = parsing.query(LaosQuery)
    province_code, lao_type, limit, offset = q.province, q.type, q.limit, q.offset
    conditions: list[ColumnElement[bool]] = [Lao.active.is_(True)]
    if province_code:
        conditions.append(Lao.province_id == province_or_404(province_code, user).id)
    if lao_type:
        conditions.append(Lao.lao_type == lao_type)
    scope = user.scope
    total = db.session.execute(in_scope(select(func.count(Lao.id)).where(*conditions), scope,
                                        province_id=Lao.province_id, lao_id=Lao.id)).scalar_one()
    rows = db.session.execute(
        in_scope(select(Lao.code, Lao.name_th, Lao.name_en, Lao.lao_type, Province.code, District.code)
                 .join(Province, Province.id == Lao.province_id)
                 .join(District, District.id == Lao.district_id)
                 .where(*conditions), scope, province_id=Lao.province_id, lao_id=Lao.id)
        .order_by(Lao.code)
        .limit(limit)
        .offset(offset)
    ).all()
    response = ok([
        {"code": code, "name_th": th, "name_en": en, "type": typ, "province_code": prov, "district_code": dist}
        for code, th, en, typ, prov, dist in rows
    ])
    response.headers["X-Total-Count"] = str(total)
    if offset + limit < total:
        # Any: url_for's ** values share its signature with _external, _anchor ...; these are all query arguments.
        args: dict[str, Any] = {**request.args.to_dict(), "offset": offset + limit, "limit": limit}
        response.headers["Link"] = f'<{url_for("api.laos", **args)}>; rel="next"'
    return response


@bp.route("/years")
def years():
    """Fiscal years with their installments (periods, deadlines) and evaluation rounds."""
    fys = db.session.scalars(
        select(FiscalYear).options(selectinload(FiscalYear.installments), selectinload(FiscalYear.rounds))
        .order_by(FiscalYear.year)
    ).all()
    return ok([
        {
            "fiscal_year": fy.year,
            "start": fy.start_date.isoformat(),
            "end": fy.end_date.isoformat(),
            "schedule": fy.schedule,
            "installments": [
                {"number": i.number, "period_start": i.period_start.isoformat(), "period_end": i.period_end.isoformat(),
                 "entry_deadline": i.entry_deadline.isoformat(), "confirm_deadline": i.confirm_deadline.isoformat()}
                for i in fy.installments
            ],
            "rounds": [{"name": r.name, "last_installment": r.last_installment} for r in fy.rounds],
        }
        for fy in fys
    ])


@bp.route("/years/<int:fy>/kpis")
def kpis(fy: int):
    """Every version of every KPI of fiscal year `fy` (the published targets; 404 for an unknown year)."""
    fiscal_year_or_404(fy)
    return ok([
        {"code": k.code, "version": k.version, "from_round": k.from_round, "name": k.name_th, "group": k.group_th,
         "unit": k.unit, "direction": k.direction, "measure": k.measure, "category": k.category,
         "points": plain_number(k.points), "thresholds": [plain_number(t) for t in k.thresholds],
         "rounds": list(k.round_numbers), "base_year": k.base_year,
         "deadline": k.deadline.isoformat() if k.deadline else None, "penalty": k.penalty,
         "first_half_weight": plain_number(k.first_half_weight) if k.first_half_weight is not None else None}
        for k in kpi_operations.versions(fy)
    ])


def plain_number(value) -> str:
    """A stored decimal without trailing zeros: 2873.4400 -> "2873.44", 1.0000 -> "1"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@bp.route("/items")
def items():
    """Revenue items active in a fiscal year (for one LAO type, or any), with the types that collect them."""
    q = parsing.query(ItemsQuery)
    year, lao_type = q.year, q.type
    fiscal_year_or_404(year)
    by_code: dict[str, tuple] = {}
    for typ in (lao_type,) if lao_type else LAO_TYPES:
        for item in items_for(typ, year):
            by_code.setdefault(item.code, (item, []))[1].append(typ)
    ordered = sorted(by_code.values(), key=lambda pair: (pair[0].sort_order, pair[0].code))
    return ok([
        {"code": item.code, "name_th": item.name_th, "name_en": item.name_en, "lao_types": types}
        for item, types in ordered
    ])


# --- installments ----------------------------------------------------------------------------------

def _utc(dt: datetime | None) -> str | None:
    """A stored naive-UTC timestamp as ISO 8601 with its offset."""
    return dt.replace(tzinfo=timezone.utc).isoformat() if dt else None


def installment_state(lao: Lao, inst: Installment) -> dict:
    """An LAO's installment as JSON: status, version, figures as money strings, certification, confirmation."""
    report = report_for(lao.id, inst.id)
    order = [i.code for i in items_for(lao.lao_type, inst.fiscal_year_id)]
    sums = amounts_by_lao([lao.id], [inst.id]).get(lao.id, {})
    codes = [c for c in order if c in sums] + sorted(c for c in sums if c not in order)
    recorder = confirmer = None
    if report is not None and report.recorded_at is not None:
        recorder = {"name": report.recorder_name, "position": report.recorder_position,
                    "phone": report.recorder_phone, "recorded_at": _utc(report.recorded_at),
                    "late": bool(report.recorded_late)}
    if report is not None and report.status == Status.CONFIRMED.value:
        confirmer = {"name": report.confirmer_name, "position": report.confirmer_position,
                     "phone": report.confirmer_phone, "confirmed_at": _utc(report.confirmed_at),
                     "late": bool(report.confirmed_late)}
    return {
        "lao_code": lao.code,
        "fiscal_year": inst.fiscal_year_id,
        "installment": inst.number,
        "status": report.status if report else Status.NOT_RECORDED.value,
        "version": report.version if report else 0,
        "entries": {code: responses.money(sums[code]) for code in codes},
        "explanations": explanations_for(lao.id, inst.id),
        "recorder": recorder,
        "confirmer": confirmer,
        "return_reason": report.return_reason if report else None,
    }


def conflict(err: ConflictError, lao: Lao, inst: Installment):
    """409 with the installment as it is now, so the client can show the current figures and retry."""
    db.session.rollback()
    return error_response(409, "conflict", domain_message(err), {"version": domain_message(err)},
                          current=installment_state(lao, inst))


INSTALLMENT_PATH = "/laos/<lao_code>/years/<int:fy>/installments/<int:n>"


@bp.route(INSTALLMENT_PATH)
def installment(lao_code: str, fy: int, n: int):
    """One LAO's installment (within the user's scope)."""
    return ok(installment_state(*installment_from_path(lao_code, fy, n)))


@bp.route(INSTALLMENT_PATH, methods=["PUT"])
def record(lao_code: str, fy: int, n: int):
    """Record or correct the installment's figures (the LAO's own officer), like the entry form."""
    user = actor()
    lao, inst = installment_from_path(lao_code, fy, n)
    body = parsing.json_body()
    entry_ops.check_may_record(user, lao)  # refuse other roles before judging their request body
    g.item_codes = [i.code for i in items_for(lao.lao_type, inst.fiscal_year_id)]
    req = parsing.body(RecordRequest, body, item_codes=g.item_codes)
    try:
        entry_ops.record_installment(
            user, request.remote_addr, lao, inst, version=req.version, amounts=req.entries,
            explanations=req.explanations,
            recorder=entry_ops.Recorder(req.recorder.name, req.recorder.position, req.recorder.phone),
            certify=req.certify, today=today(), ceiling=current_app.config["AMOUNT_CEILING"],
        )
    except ConflictError as err:
        return conflict(err, lao, inst)
    return ok(installment_state(lao, inst))


@bp.route(INSTALLMENT_PATH + "/review", methods=["POST"])
def review(lao_code: str, fy: int, n: int):
    """Confirm, unconfirm or return the installment (the province's verifier or an administrator)."""
    user = actor()
    lao, inst = installment_from_path(lao_code, fy, n)
    body = parsing.json_body()
    verify_ops.check_may_review(user, lao)
    req = parsing.body(ReviewRequest, body)
    result = verify_ops.review_installments(
        user, request.remote_addr, inst, {lao.id: req.version}, req.action,
        reason=req.reason, position=req.position, phone=req.phone, today=today(),
    )
    if result.stale:
        report = report_for(lao.id, inst.id)
        try:
            check_version(req.version, report.version if report else 0)
        except ConflictError as err:
            return conflict(err, lao, inst)
    return ok(installment_state(lao, inst))


# --- reports ---------------------------------------------------------------------------------------

def report_province(code: str | None) -> Province | None:
    """The province a report covers: a verifier's own always, otherwise the one asked for (None: national).

    LAO officers get 403; a province outside a verifier's scope is 404 (province_or_404).
    """
    user = actor()
    forbidden_unless(Role.PROVINCE_VERIFIER, Role.NATIONAL_VIEWER, Role.ADMIN)
    if code:
        return province_or_404(code, user)
    return scope_province(user)


def _status_lao(row) -> dict:
    """One LAO of the status report as JSON."""
    return {
        "lao_code": row.lao_code, "lao_name": row.lao_name, "type": row.lao_type,
        "province_code": row.province_code, "province_name": row.province_name,
        "district_code": row.district_code, "district_name": row.district_name,
        "status": row.status, "version": row.version,
        "recorded_at": _utc(row.recorded_at), "recorded_late": bool(row.recorded_late),
        "confirmed_at": _utc(row.confirmed_at), "confirmed_late": bool(row.confirmed_late),
        "entry_extended_to": row.extended_to.isoformat() if row.extended_to else None,
    }


@bp.route("/reports/status")
def status_report():
    """INR911: who recorded an installment and who did not, with counts and percentages."""
    q = parsing.query(StatusQuery)
    year, number, lao_type, district_code = q.year, q.installment, q.type, q.district
    province = report_province(q.province)
    inst = installment_or_404(year, number)
    district = None
    if district_code:
        district = db.session.scalar(select(District).where(District.code == district_code))
        if district is None or (province is not None and district.province_id != province.id):
            raise NotFound()
    as_of = instant(q.as_of, utcnow()) if q.as_of is not None else None
    rep = build_status_report(inst, province_id=province.id if province else None, lao_type=lao_type,
                              district_id=district.id if district else None, as_of=as_of)
    return ok({
        "fiscal_year": rep.fiscal_year, "installment": rep.number,
        "province_code": province.code if province else None, "type": lao_type, "district_code": district_code,
        "total": rep.total,
        "recorded_count": rep.recorded_count, "recorded_pct": responses.jsonable(rep.recorded_pct),
        "not_recorded_count": rep.not_recorded_count, "not_recorded_pct": responses.jsonable(rep.not_recorded_pct),
        "confirmed_count": rep.confirmed_count, "returned_count": rep.returned_count, "late_count": rep.late_count,
        "as_of": _utc(as_of),
        "recorded": [_status_lao(r) for r in rep.recorded],
        "not_recorded": [_status_lao(r) for r in rep.not_recorded],
    })


@bp.route("/reports/comparison")
def comparison_report():
    """INF508: base year against fiscal year by province (or by LAO within one province) and category."""
    q = parsing.query(ComparisonQuery)
    province = report_province(q.province)
    as_of = instant(q.as_of, utcnow()) if q.as_of is not None else None
    result = report_queries.comparison(q.base, q.year, through=q.through, basis=q.basis, status=q.status,
                                       province_code=province.code if province else None, today=today(),
                                       as_of=as_of)
    *rows, total = (responses.jsonable(record) for record in result.records())
    return ok({"selection": responses.jsonable(result.selection.as_dict()), "rows": rows, "total": total})


# --- deadline extensions ---------------------------------------------------------------------------

def _extension(ext: DeadlineExtension) -> dict:
    """A request as JSON, with the deadline in force now."""
    inst = ext.installment
    in_force = (deadline_queries.entry_deadline_of(ext.lao_id, inst) if ext.lao_id is not None
                else deadline_queries.confirm_deadline_of(ext.province_id, inst))
    return {
        "id": ext.id, "kind": ext.kind, "status": ext.status, "version": ext.version,
        "fiscal_year": inst.fiscal_year_id, "installment": inst.number, "province_code": ext.province.code,
        "lao_code": ext.lao.code if ext.lao is not None else None,
        "original_deadline": ext.original_deadline.isoformat(), "requested_deadline": ext.requested_deadline.isoformat(),
        "reason": ext.reason, "new_deadline": ext.new_deadline.isoformat() if ext.new_deadline else None,
        "decision_reason": ext.decision_reason, "deadline_in_force": in_force.isoformat(),
        "requested_by": ext.requested_by.username if ext.requested_by else None, "requested_at": _utc(ext.requested_at),
        "decided_by": ext.decided_by.username if ext.decided_by else None, "decided_at": _utc(ext.decided_at),
    }


def extension_from_path(ext_id: int) -> DeadlineExtension:
    """The request `ext_id` inside the token owner's scope, or 404."""
    ext = db.session.get(DeadlineExtension, ext_id) if 0 < ext_id < 2**31 else None
    if ext is None or not deadline_queries.visible(ext, actor().scope):
        raise NotFound()
    return ext


def _max_days() -> int:
    """How far an extension may reach (config EXTENSION_MAX_DAYS)."""
    return int(current_app.config.get("EXTENSION_MAX_DAYS", 15))


@bp.route("/extensions")
def extensions():
    """The extension requests in the account's scope, pending first, then newest first."""
    q = parsing.query(ExtensionsQuery)
    rows, _more = deadline_queries.requests_in_scope(actor().scope, status=q.status, kind=q.kind, offset=q.offset,
                                                     limit=q.limit)
    return ok([_extension(ext) for ext in rows])


@bp.route("/extensions", methods=["POST"])
def request_extension():
    """Ask for a later deadline: an LAO officer for its LAO's entry deadline, a verifier for its province's
    confirmation deadline."""
    user = actor()
    body = parsing.json_body()
    req = parsing.body(ExtensionRequest, body)
    inst = installment_or_404(req.fiscal_year, req.installment)
    if req.kind == "entry":
        forbidden_unless(Role.LAO_OFFICER)
        code = req.lao_code or (user.lao.code if user.lao else "")
        if not parsing.valid_lao_code(code):
            raise NotFound()
        ext = deadline_ops.request_entry_extension(
            user, request.remote_addr, lao_or_404(code, user), inst, requested=req.requested_deadline,
            reason=req.reason, today=today(), max_days=_max_days())
    else:
        forbidden_unless(Role.PROVINCE_VERIFIER)
        province = scope_province(user)
        if province is None:
            raise RequestError(403, "forbidden", _("บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้"))
        ext = deadline_ops.request_confirm_extension(
            user, request.remote_addr, province, inst, requested=req.requested_deadline, reason=req.reason,
            today=today(), max_days=_max_days())
    return ok(_extension(ext))


@bp.route("/extensions/<int:ext_id>")
def extension(ext_id: int):
    """One extension request (within the account's scope)."""
    return ok(_extension(extension_from_path(ext_id)))


@bp.route("/extensions/<int:ext_id>/decision", methods=["POST"])
def decide_extension(ext_id: int):
    """Approve (with a date) or refuse a pending request: an entry request by its province's verifier, a
    confirmation request by national staff (administrators either)."""
    user = actor()
    ext = extension_from_path(ext_id)
    body = parsing.json_body()
    deadline_ops.check_may_decide(user, ext)
    req = parsing.body(DecisionRequest, body)
    try:
        deadline_ops.decide(user, request.remote_addr, ext, version=req.version, decision=req.decision,
                            new_deadline=req.new_deadline, reason=req.reason, today=today(), max_days=_max_days())
    except ValidationError as err:
        if "decision_reason" in err.errors:  # the operation's name for what the API calls `reason`
            err.errors["reason"] = err.errors.pop("decision_reason")
        raise
    return ok(_extension(ext))
# --- notifications ---------------------------------------------------------------------------------

def _unread(user: User) -> int:
    """How many of the user's messages are unread (uncapped)."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@bp.route("/notifications")
def notifications():
    """The token owner's messages, newest first, paged with limit/offset (only one's own, whatever the role)."""
    user = actor()
    q = parsing.query(NotificationsQuery)
    conditions: list[ColumnElement[bool]] = [Notification.user_id == user.id]
    if q.unread == "1":
        conditions.append(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(Notification).where(*conditions)) or 0
    rows = db.session.scalars(select(Notification).where(*conditions).options(selectinload(Notification.sender))
                              .order_by(Notification.id.desc()).limit(q.limit).offset(q.offset)).all()
    items = [{"id": n.id, "kind": n.kind, "subject": n.subject, "body": n.body, "url": n.url,
              "sender": (n.sender.full_name or n.sender.username) if n.sender is not None else None,
              "created_at": _utc(n.created_at), "read_at": _utc(n.read_at), "emailed_at": _utc(n.emailed_at)}
             for n in rows]
    return ok({"total": total, "unread": _unread(user), "limit": q.limit, "offset": q.offset, "items": items})


@bp.route("/notifications/read", methods=["POST"])
def notifications_read():
    """Mark the token owner's messages read: the ids given (another user's are ignored) or all."""
    user = actor()
    req = parsing.body(MarkReadRequest, parsing.json_body())
    marked = notification_ops.mark_read(user, None if req.all else (req.ids or []))
    return ok({"marked": marked, "unread": _unread(user)})
