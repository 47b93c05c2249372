"""Views of /public: no account needed, Thai first; confirmed totals by province and category, a province's districts,
the same tables as CSV and JSON (ETag, Last-Modified, 304), the data dictionary and licence; rate limited, and
closed (404, "ปิดให้บริการ") when an administrator switches the page off."""

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from .. import db
from ..domain import comparison as cmp
from ..domain.errors import DomainError
from ..extensions import limiter
from ..models import Province
from ..reports import charts, tables
from ..web import download, today
from . import bp, opendata, queries


def _limit() -> str:
    """The /public rate limit (PUBLIC_LIMIT)."""
    return str(current_app.config["PUBLIC_LIMIT"])


@bp.before_request
def _closed():
    """The page switched off by an administrator: a Thai 'closed' page with 404, for every /public address."""
    if not queries.is_open():
        return render_template("public/off.html"), 404
    return None


def _period():
    """(choices, chosen period) of this request; 404 for a period that is not an ended one."""
    choices = queries.periods(today())
    chosen = queries.period_of(request.args.get("period"), choices)
    if chosen is None and request.args.get("period"):
        abort(404)
    return choices, chosen


def _national(chosen):
    """The confirmed comparison of `chosen` (None when there is nothing to compare)."""
    if chosen is None:
        return None
    try:
        return queries.national(chosen, today())
    except DomainError:
        return None


def _names_en() -> dict[str, str]:
    """English province names by code."""
    return {code: name for code, name in db.session.execute(select(Province.code, Province.name_en))}


def _chart(result) -> str:
    """The percent change of every province (all categories) as plotly figure JSON."""
    pct, _lines = tables.chart_rows(result)
    return charts.to_json(charts.pct_bars(pct["all"], _("ร้อยละที่เปลี่ยนแปลงรายจังหวัด"),
                                          _("ร้อยละที่เปลี่ยนแปลง")))


@bp.route("/")
@limiter.limit(_limit)
def index():
    """Confirmed totals by category and by province against the base year, completeness, a chart."""
    choices, chosen = _period()
    result = _national(chosen)
    return render_template("public/index.html", choices=choices, chosen=chosen, result=result,
                           lines=tables.selection_lines(result)[:2] if result else [],
                           figure=_chart(result) if result else None, groups=cmp.GROUPS,
                           labels=cmp.GROUP_LABELS, completeness=queries.completeness)


def _province(code: str):
    """(province, chosen, table or None) for /public/province/<code>; 404 for an unknown province."""
    try:
        province = queries.province_or_error(code)
    except DomainError:
        abort(404)
    choices, chosen = _period()
    result = _national(chosen)
    table = queries.province_table(province, result) if result is not None else None
    return province, choices, chosen, table, result


@bp.route("/province/<code>")
@limiter.limit(_limit)
def province(code: str):
    """A province's districts: confirmed totals by category against the base year and completeness."""
    prov, choices, chosen, table, result = _province(code)
    return render_template("public/province.html", province=prov, choices=choices, chosen=chosen, table=table,
                           lines=tables.selection_lines(result)[:1] if result else [], groups=cmp.GROUPS,
                           labels=cmp.GROUP_LABELS)


def _unchanged(etag: str):
    """A 304 answer when the client already holds the version `etag` (nothing computed), else None."""
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        return response
    return None


def _open_data(body: bytes, filename: str, etag: str):
    """The body as a download with its version's ETag and Last-Modified; 304 when the client has it already."""
    response = download(body, filename)
    response.set_etag(etag)
    changed = queries.last_change()
    if changed is not None:
        response.last_modified = changed
    return response.make_conditional(request)


@bp.route("/data.<fmt>")
@limiter.limit(_limit)
def data(fmt: str):
    """The national table as open data (.csv UTF-8 with BOM, or .json); a client holding this version gets 304."""
    if fmt not in ("csv", "json"):
        abort(404)
    _choices, chosen = _period()
    if chosen is None:
        abort(404)
    etag = f"{queries.version(chosen)}-{fmt}"
    unchanged = _unchanged(etag)
    if unchanged is not None:
        return unchanged
    result = _national(chosen)
    if result is None:
        abort(404)
    records = opendata.national_records(result, _names_en())
    name = f"lao_revenue_{chosen.value}"
    if fmt == "csv":
        return _open_data(opendata.csv_body(records, opendata.NATIONAL_FIELDS), f"{name}.csv", etag)
    return _open_data(opendata.json_body(records, opendata.NATIONAL_FIELDS, opendata.selection_of(result.selection)),
                      f"{name}.json", etag)


@bp.route("/province/<code>/data.<fmt>")
@limiter.limit(_limit)
def province_data(code: str, fmt: str):
    """A province's district table as open data (.csv UTF-8 with BOM, or .json); 304 for a client holding it."""
    if fmt not in ("csv", "json"):
        abort(404)
    try:
        prov = queries.province_or_error(code)
    except DomainError:
        abort(404)
    _choices, chosen = _period()
    if chosen is None:
        abort(404)
    etag = f"{queries.version(chosen, prov.id)}-{fmt}"
    unchanged = _unchanged(etag)
    if unchanged is not None:
        return unchanged
    prov, _choices, chosen, table, result = _province(code)
    if table is None or result is None:
        abort(404)
    records = opendata.province_records(table)
    name = f"lao_revenue_{prov.code}_{chosen.value}"
    if fmt == "csv":
        return _open_data(opendata.csv_body(records, opendata.PROVINCE_FIELDS), f"{name}.csv", etag)
    selection = {**opendata.selection_of(result.selection), "province_code": prov.code}
    return _open_data(opendata.json_body(records, opendata.PROVINCE_FIELDS, selection), f"{name}.json", etag)


@bp.route("/dictionary")
@limiter.limit(_limit)
def dictionary():
    """The data dictionary of the downloads (columns, units, meaning) and the licence."""
    return render_template("public/dictionary.html", national=opendata.NATIONAL_FIELDS,
                           province=opendata.PROVINCE_FIELDS, licence=opendata.LICENCE,
                           group_labels=opendata.GROUP_MEANING)
