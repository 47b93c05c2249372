"""Views of the reports area: comparison (INF508) and drill-down, monitoring, KPI scorecard, exports."""

from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from .. import fiscal
from ..certificates import operations as certificates
from ..auth.loaders import (
    fiscal_year_or_404,
    installment_or_404,
    province_or_404,
    roles_required,
    scope_of,
    scope_province,
)
from ..domain import comparison as cmp
from ..domain.errors import N_, DomainError, NotPermittedError
from ..domain.workflow import Role
from ..notifications import escalation
from ..notifications.forms import NoticeForm
from ..web import action_time, domain_message, download, refuse, show_period, today
from . import bp, charts, exports, queries, tables
from .forms import ComparisonForm, KpiForm, KpiSettingsForm, MonitoringForm
from .operations import save_kpi_settings
from ..models import utcnow
from ..params import moment, whole
from ..web import action_time

ALL_READERS = (Role.NATIONAL_VIEWER, Role.PROVINCE_VERIFIER, Role.ADMIN)
NATIONAL = (Role.NATIONAL_VIEWER, Role.ADMIN)
SELECTION_ARGS = ("base", "year", "through", "basis", "status", "cats", "order", "as_of_date", "as_of_time")


# --------------------------------------------------------------------------------------------------
# Helpers


def _through_choices(year: int | None, ended_only: bool = True) -> list[SelectChoice]:
    """Options of the 'through' selector: the latest ended installment, each installment, each round.

    With `ended_only` (a same-period comparison) only installments and rounds whose period has ended
    are offered: an unfinished period against a finished one of the base year is no comparison.
    """
    choices = [SelectChoice("", _("งวดล่าสุดที่สิ้นสุดแล้ว"))]
    if year is None:
        return choices
    insts = queries.installments(year)
    ended = {i.number for i in insts if i.end < today()}
    for inst in insts:
        if ended_only and inst.number not in ended:
            continue
        choices.append(SelectChoice(str(inst.number), _("งวดที่ %(n)s (%(period)s)", n=inst.number,
                                                        period=show_period(inst.start, inst.end))))
    for rnd in queries.rounds(year):
        if ended_only and rnd.last_installment not in ended:
            continue
        choices.append(SelectChoice(f"r{rnd.id}", _("%(name)s (ถึงงวดที่ %(n)s)", name=rnd.name,
                                                     n=rnd.last_installment)))
    return choices


def _refuse_unended(year: int, through: int | None, round_id: int | None, basis: str) -> None:
    """DomainError('through') when a same-period comparison asks for an installment or round not ended yet."""
    if basis != cmp.BASIS_SAME_PERIOD or (through is None and round_id is None):
        return
    if round_id is not None:
        rnd = next((r for r in queries.rounds(year) if r.id == round_id), None)
        if rnd is None:
            return  # the query names the unknown round
        through = rnd.last_installment
    inst = next((i for i in queries.installments(year) if i.number == through), None)
    if inst is not None and inst.end >= today():
        raise DomainError("through", N_("งวดที่ %(n)s (%(period)s) ยังไม่สิ้นสุด จึงเปรียบเทียบกับช่วงเดียวกันของปีฐาน"
                                        "ไม่ได้ กรุณาเลือกงวดที่สิ้นสุดแล้ว หรือเปรียบเทียบกับทั้งปีของปีฐาน"),
                          n=inst.number, period=show_period(inst.start, inst.end))


def _parse_through(value: str | None) -> tuple[int | None, int | None]:
    """(through installment, round id) from the selector value '', 'N' or 'rID'; DomainError when garbled."""
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        if value.startswith("r"):
            return None, whole(value[1:])
        return whole(value), None
    except ValueError:
        pass
    raise DomainError("through", N_("ไม่รู้จักงวดหรือรอบที่เลือก"))


def _year_choices(years: list[int]) -> list[SelectChoice]:
    """Options of a fiscal-year selector."""
    return [SelectChoice(y, str(y)) for y in years]


def _selection_args() -> dict:
    """The report selectors of this request, to carry into links and exports."""
    return {k: request.args.getlist(k) if k == "cats" else request.args[k]
            for k in SELECTION_ARGS if k in request.args}


def _comparison(province_code: str | None = None):
    """(form, result or None, shown groups) for the comparison selectors of this request."""
    years = fiscal.fiscal_years()
    base_default, year_default = fiscal.compared_years(today())
    form = ComparisonForm(formdata=request.args or None, base=base_default, year=year_default)
    form.base.choices = form.year.choices = _year_choices(years)
    form.through.choices = _through_choices(form.year.data if form.year.data in years else year_default,
                                            ended_only=form.basis.data != cmp.BASIS_FULL_YEAR)
    if "cats" not in request.args or not form.cats.data:
        form.cats.data = ["pao", "mun", "sao"]  # none ticked shows them all: an empty table helps nobody
    chosen = form.cats.data
    groups = tuple(g for g in cmp.GROUPS if g in chosen or g == "all")
    if form.year.data is None or form.base.data is None:
        flash(_("ยังไม่มีปีงบประมาณที่มีข้อมูลให้เปรียบเทียบ"), "warning")
        return form, None, groups
    try:
        through, round_id = _parse_through(form.through.data)
        _refuse_unended(form.year.data, through, round_id, form.basis.data)
        as_of = moment(request.args.get("as_of_date"), request.args.get("as_of_time"), action_time() or utcnow())
        result = queries.comparison(form.base.data, form.year.data, through, form.basis.data, form.status.data,
                                    province_code, round_id=round_id, order=form.order.data or "name",
                                    today=today(), as_of=as_of)
    except DomainError as err:
        refuse(form, err)
        return form, None, groups
    return form, result, groups


def _entry_view_url(lao_code: str, year: int, number: int) -> str:
    """Link to an LAO's read-only installment detail (entry.detail)."""
    return url_for("entry.detail", lao_code=lao_code, year=year, number=number)


def _comparison_charts(result, groups) -> dict[str, str]:
    """Figure JSON for the page: percent bars per shown group (national only) and the cumulative lines."""
    pct, lines = tables.chart_rows(result)
    out = {}
    labels = tables.group_labels()
    if result.level == "national":
        for g in groups:
            out[f"pct_{g}"] = charts.to_json(charts.pct_bars(
                pct[g], _("ร้อยละที่เปลี่ยนแปลงรายจังหวัด: %(group)s", group=labels[g]),
                _("ร้อยละที่เปลี่ยนแปลง")))
    scope = result.selection.province_name or _("ทั้งประเทศ")
    out["cumulative"] = charts.to_json(charts.cumulative_lines(
        lines, _("ยอดสะสมรายงวด %(scope)s (รวมทุกประเภท)", scope=scope), _("บาท")))
    return out


def _verifier_province_code() -> str | None:
    """The province code a non-national reader is limited to (None for national roles); 403 for no scope."""
    province = scope_province(current_user)
    return province.code if province is not None else None


def _scoped_province_code() -> str | None:
    """The `province` asked for (404 outside the user's scope); a verifier always gets its own."""
    code = request.args.get("province") or _verifier_province_code()
    return province_or_404(code, current_user).code if code else None


def _render_comparison(template: str, form, result, groups, **extra):
    """Render a comparison page with its statement lines, charts and the selection carried into links."""
    coverage = (tables.coverage_text(result.total.coverage.get("current", cmp.Coverage()), result.selection.status)
                if result else "")
    return render_template(template, form=form, result=result, groups=groups,
                           lines=tables.selection_lines(result) if result else [],
                           partial=tables.is_partial(result) if result else False,
                           heads=tables.headlines(result, groups) if result else [], coverage=coverage,
                           short_name=cmp.short_lao_name,
                           figures=_comparison_charts(result, groups) if result else {},
                           args=_selection_args(), labels=tables.group_labels(), as_of_text=tables.as_of_text,
                           **extra)


# --------------------------------------------------------------------------------------------------
# Comparison


@bp.route("/")
@roles_required(*ALL_READERS)
def home():
    """The national comparison (INF508); a provincial verifier is taken to its own province."""
    own = _verifier_province_code()
    if own is not None:
        return redirect(url_for("reports.province", code=own, **_selection_args()))
    return _render_comparison("reports/comparison.html", *_comparison())


@bp.route("/province/<code>")
@roles_required(*ALL_READERS)
def province(code: str):
    """One province's comparison: an LAO per row grouped by district with subtotals."""
    prov = province_or_404(code, current_user)
    form, result, groups = _comparison(prov.code)

    # the LAO's installment detail at the last installment compared: one url_for for the page, not one per row
    pattern = _entry_view_url("__lao__", result.selection.year, result.selection.through) if result else ""

    def entry_url(lao_code: str) -> str:
        """The LAO's installment detail at the last installment compared."""
        return pattern.replace("__lao__", quote(lao_code, safe=""))

    return _render_comparison("reports/province.html", form, result, groups, province=prov, entry_url=entry_url,
                              national=scope_of(current_user).is_national)


@bp.route("/export/comparison.<fmt>")
@roles_required(*ALL_READERS)
def export(fmt: str):
    """The comparison as .xlsx or .csv, nationally or for `province` (a verifier: its own province only)."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    code = _scoped_province_code()
    form, result, groups = _comparison(code)
    if result is None:
        return redirect(url_for("reports.province", code=code, **_selection_args()) if code
                        else url_for("reports.home", **_selection_args()))
    s = result.selection
    name = f"comparison_{s.year}_vs_{s.base_year}_{code or 'national'}"
    if s.as_of:
        name += "_as_of_" + s.as_of.replace("-", "").replace(":", "")[:13]
    if fmt == "csv":  # the command line's rows under the workbook's Thai headers
        return download(tables.comparison_csv(result, bom=True, excel_safe=True), f"{name}.csv")
    return download(exports.xlsx_bytes([tables.comparison_sheet(result, groups)]), f"{name}.xlsx")


@bp.route("/print/comparison")
@roles_required(*ALL_READERS)
def print_comparison():
    """The comparison laid out for printing on A4 landscape."""
    form, result, groups = _comparison(_scoped_province_code())
    if result is None:
        return redirect(url_for("reports.home"))
    stamp = certificates.issue_for_comparison(result, _parse_through(form.through.data)[1], current_user)
    return render_template("reports/print_comparison.html", result=result, groups=groups,
                           lines=tables.selection_lines(result), title=tables.comparison_title(result),
                           short_name=cmp.short_lao_name,
                           labels=tables.group_labels(), stamp=stamp)


@bp.route("/province/<code>/rollup.xlsx")
@roles_required(*ALL_READERS)
def rollup(code: str):
    """A province's fiscal year in long form (LAO x item x installment, with status) and as a wide summary."""
    prov = province_or_404(code, current_user)
    year = request.args.get("year", type=whole) or fiscal.compared_years(today())[1]
    if year is None:
        abort(404)
    fiscal_year_or_404(year)
    data = queries.rollup(prov, year)
    return download(exports.xlsx_bytes(tables.rollup_sheets(data)), f"rollup_{prov.code}_{year}.xlsx")


# --------------------------------------------------------------------------------------------------
# Monitoring


def _monitoring():
    """(form, result or None) for the monitoring selectors of this request."""
    years = fiscal.fiscal_years()
    year_default = fiscal.compared_years(today())[1]
    form = MonitoringForm(formdata=request.args or None, year=year_default)
    form.year.choices = _year_choices(years)
    year = form.year.data if form.year.data in years else year_default
    insts = queries.installments(year) if year else []
    form.number.choices = [SelectChoice(i.number, _("งวดที่ %(n)s (%(period)s)", n=i.number,
                                                    period=show_period(i.start, i.end))) for i in insts]
    if form.number.data is None or not request.args.get("number"):
        latest = fiscal.latest_closed_installment(today(), year) if year else None
        form.number.data = latest.number if latest else None
        if form.number.data is None and insts:
            form.number.data = insts[0].number
    if year is None or form.number.data is None:
        flash(_("ยังไม่มีงวดให้ติดตาม"), "warning")
        return form, None
    try:
        return form, queries.monitoring(year, form.number.data, today())
    except DomainError as err:
        refuse(form, err)
        return form, None


def _trend_figure(result) -> str:
    """The national recorded/confirmed trend as figure JSON."""
    rows = [{"label": _("งวด %(n)s", n=t["number"]), "recorded_pct": t["recorded_pct"],
             "confirmed_pct": t["confirmed_pct"]} for t in result.trend]
    return charts.to_json(charts.rate_trend(
        rows, _("อัตราการบันทึกและยืนยันทั้งประเทศรายงวด ปีงบประมาณ %(year)s", year=result.year),
        {"recorded_pct": _("ร้อยละที่บันทึก"), "confirmed_pct": _("ร้อยละที่ยืนยัน")}))


@bp.route("/monitoring")
@roles_required(*NATIONAL)
def monitoring():
    """Per-province recording and confirmation on one installment (worst first) and the national trend."""
    form, result = _monitoring()
    return render_template("reports/monitoring.html", form=form, result=result, notice_form=NoticeForm(),
                           trend_figure=_trend_figure(result) if result else None,
                           as_of=tables.as_of(result.computed_at) if result else None)


@bp.route("/monitoring/notice", methods=["POST"])
@roles_required(*NATIONAL)
def monitoring_notice():
    """Send the ticked provinces' verifiers a notice about the installment shown (national staff)."""
    form = NoticeForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("ส่งการแจ้งเตือนไม่ได้: %(e)s", e="; ".join(form.message.errors)), "error")
        return redirect(url_for("reports.monitoring"))
    year, number = request.form.get("year", type=whole), request.form.get("number", type=whole)
    if year is None or number is None:
        flash(_("กรุณาเลือกปีงบประมาณและงวด"), "error")
        return redirect(url_for("reports.monitoring"))
    inst = installment_or_404(year, number)
    back = url_for("reports.monitoring", year=year, number=number)
    try:
        sent = escalation.send_province_notice(current_user, request.remote_addr, inst,
                                               request.form.getlist("province")[:100], form.message.data, today(),
                                               now=action_time())
    except NotPermittedError:
        raise
    except DomainError as err:
        flash(domain_message(err), "error")
        return redirect(back)
    if sent.messages:
        flash(_("ส่งการแจ้งเตือนถึง สถจ. %(n)s จังหวัดแล้ว (ผู้รับ %(m)s คน)", n=sent.targets, m=sent.messages),
              "success")
    if sent.skipped:
        flash(_("จังหวัดต่อไปนี้ไม่มีบัญชีผู้ตรวจสอบที่ใช้งานอยู่ จึงไม่ได้ส่ง: %(names)s",
                names=", ".join(sent.skipped)), "warning")
    return redirect(back)


@bp.route("/monitoring/export.<fmt>")
@roles_required(*NATIONAL)
def monitoring_export(fmt: str):
    """The monitoring table (and the trend, in the workbook) as .xlsx or .csv; `table=trend` for the trend's CSV."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    form, result = _monitoring()
    if result is None:
        return redirect(url_for("reports.monitoring"))
    sheet = tables.monitoring_sheet(result)
    name = f"monitoring_{result.year}_{result.installment.number}"
    if request.args.get("table") == "trend":
        sheet, name = tables.trend_sheet(result), f"monitoring_trend_{result.year}"
    if fmt == "csv":
        return download(exports.csv_bytes(sheet.df, sheet.columns), f"{name}.csv")
    return download(exports.xlsx_bytes([sheet, tables.trend_sheet(result)]), f"{name}.xlsx")


@bp.route("/print/monitoring")
@roles_required(*NATIONAL)
def print_monitoring():
    """The monitoring table laid out for printing on A4 landscape."""
    form, result = _monitoring()
    if result is None:
        return redirect(url_for("reports.monitoring"))
    return render_template("reports/print_table.html", sheet=tables.monitoring_sheet(result))


# --------------------------------------------------------------------------------------------------
# KPI


def _kpi():
    """(form, comparison result, scorecard rows, settings) for the KPI selectors of this request."""
    years = fiscal.fiscal_years()
    year_default = fiscal.compared_years(today())[1]
    form = KpiForm(formdata=request.args or None, year=year_default)
    form.year.choices = _year_choices(years)
    year = form.year.data if form.year.data in years else year_default
    form.through.choices = _through_choices(year)
    if year is None:
        flash(_("ยังไม่มีปีงบประมาณที่มีข้อมูลให้เปรียบเทียบ"), "warning")
        return form, None, [], None
    settings = queries.kpi_settings(year)
    try:
        through, round_id = _parse_through(form.through.data)
        _refuse_unended(year, through, round_id, cmp.BASIS_SAME_PERIOD)
        result = queries.comparison(year - 1, year, through, cmp.BASIS_SAME_PERIOD, form.status.data,
                                    round_id=round_id, today=today())
    except DomainError as err:
        if err.field == "base_year":
            err = DomainError("year", N_("ไม่มีข้อมูลปีก่อนหน้า (%(year)s) ให้เปรียบเทียบ"), year=year - 1)
        refuse(form, err)
        return form, None, [], settings
    return form, result, cmp.scorecard(result.rows, settings), settings


@bp.route("/kpi")
@roles_required(*NATIONAL)
def kpi():
    """Each province's growth per category scored on the five-level method, weighted and ranked."""
    form, result, rows, settings = _kpi()
    coverage, partial = "", False
    if result is not None:
        cov = result.total.coverage.get("current", cmp.Coverage())
        share = cov.share(result.selection.status)
        coverage, partial = tables.coverage_text(cov, result.selection.status), share is None or share < 100
    return render_template("reports/kpi.html", form=form, result=result, rows=rows, settings=settings,
                           coverage=coverage, partial=partial,
                           lines=tables.selection_lines(result) if result else [],
                           labels=tables.group_labels(), args=request.args.to_dict())


@bp.route("/kpi/export.<fmt>")
@roles_required(*NATIONAL)
def kpi_export(fmt: str):
    """The KPI scorecard as .xlsx or .csv."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    form, result, rows, settings = _kpi()
    if result is None:
        return redirect(url_for("reports.kpi"))
    sheet = tables.kpi_sheet(rows, result, settings)
    name = f"kpi_{result.selection.year}_{result.selection.through}"
    if fmt == "csv":
        return download(exports.csv_bytes(sheet.df, sheet.columns), f"{name}.csv")
    return download(exports.xlsx_bytes([sheet]), f"{name}.xlsx")


@bp.route("/print/kpi")
@roles_required(*NATIONAL)
def print_kpi():
    """The KPI scorecard laid out for printing on A4 landscape."""
    form, result, rows, settings = _kpi()
    if result is None:
        return redirect(url_for("reports.kpi"))
    return render_template("reports/print_table.html", sheet=tables.kpi_sheet(rows, result, settings))


@bp.route("/kpi/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def kpi_settings():
    """An admin sets the KPI thresholds and category weights of a fiscal year."""
    years = fiscal.fiscal_years()
    year = request.values.get("year", type=whole) or fiscal.compared_years(today())[1]
    if year is None:
        flash(_("ยังไม่มีปีงบประมาณในระบบ"), "warning")
        return redirect(url_for("reports.kpi"))
    fiscal_year_or_404(year)
    current = queries.kpi_settings(year)
    form = KpiSettingsForm(year=str(year), **{f"t{i}": str(t) for i, t in enumerate(current.thresholds, start=1)},
                           weight_pao=str(current.weights["pao"]), weight_mun=str(current.weights["mun"]),
                           weight_sao=str(current.weights["sao"]))
    if form.validate_on_submit():
        try:
            save_kpi_settings(current_user, request.remote_addr, year,
                              [form[f"t{i}"].data for i in range(1, 6)],
                              {"pao": form.weight_pao.data, "mun": form.weight_mun.data, "sao": form.weight_sao.data})
        except NotPermittedError:
            raise  # the app's 403 page
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("บันทึกเกณฑ์ KPI ของปีงบประมาณ %(year)s แล้ว", year=year), "success")
            return redirect(url_for("reports.kpi_settings", year=year))
    return render_template("reports/kpi_settings.html", form=form, year=year, years=years, current=current,
                           defaults=cmp.KpiSettings())
