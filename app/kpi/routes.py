"""KPI pages: the KPIs of a fiscal year with their versions, a new KPI, a revision from a round on; the scorecard of
a round and its submission; the evaluation of LAOs and provincial offices."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from .. import db, reference
from ..auth.loaders import fiscal_year_or_404, province_or_404, roles_required, scope_province
from ..domain import calendar as cal
from ..domain.errors import DomainError
from ..domain.kpi import CATEGORIES, DIRECTIONS, MEASURES, PENALTIES
from ..domain.thai_sort import thai_sort_key
from ..domain.workflow import Role
from ..models import FiscalYear, Round
from ..params import whole
from ..web import action_time, download, refuse, today
from . import bp, evaluation, exports, operations, scorecard
from .forms import EvaluationRulesForm, KpiForm, ScorecardForm

EDITORS = (Role.NATIONAL_VIEWER, Role.ADMIN)
LABELS = {"direction": DIRECTIONS, "measure": MEASURES, "category": CATEGORIES, "penalty": PENALTIES}


@bp.route("/")
@roles_required(*EDITORS)
def definitions():
    """The KPIs of a fiscal year (?year=, B.E.; the current one by default) with every version."""
    years = list(db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())))
    year = request.args.get("year", type=whole) or cal.fiscal_year_of(today())
    if year not in years and years:
        year = years[0]
    return render_template("kpi/definitions.html", year=year, years=years, rows=operations.versions(year) if years else [],
                           rounds=scorecard.rounds_of(year), labels=LABELS)


def _render_form(form: KpiForm, year: int, rounds: list[Round], current=None):
    """The definition form page (new, or a revision of `current`)."""
    return render_template("kpi/edit.html", form=form, year=year, rounds=rounds, current=current)


@bp.route("/<int:year>/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new(year: int):
    """Define a new KPI of `year`."""
    fiscal_year_or_404(year)
    rounds = scorecard.rounds_of(year)
    form = KpiForm()
    form.from_round.choices = [SelectChoice("1", "1")]
    if form.validate_on_submit():
        try:
            row = operations.define(current_user, request.remote_addr, year, form.raw())
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("บันทึกตัวชี้วัด %(code)s แล้ว", code=row.code), "success")
            return redirect(url_for("kpi.definitions", year=year))
    return _render_form(form, year, rounds)


@bp.route("/<int:year>/<code>/revise", methods=["GET", "POST"])
@roles_required(*EDITORS)
def revise(year: int, code: str):
    """A new version of KPI `code` of `year` from a chosen round on, prefilled with the current version."""
    fiscal_year_or_404(year)
    current = operations.latest(year, code.upper()[:40])
    if current is None:
        abort(404)
    rounds = scorecard.rounds_of(year)
    data = None if request.method == "POST" else {
        "code": current.code, "name": current.name_th, "group": current.group_th, "unit": current.unit,
        "direction": current.direction, "measure": current.measure, "category": current.category,
        "points": _plain(current.points), "rounds": ",".join(str(n) for n in current.round_numbers),
        "base_year": str(current.base_year or ""), "deadline": current.deadline, "penalty": current.penalty,
        "first_half_weight": _plain(current.first_half_weight) if current.first_half_weight is not None else "",
        "from_round": str(current.from_round),
        **{f"t{n}": _plain(t) for n, t in enumerate(current.thresholds, start=1)}}
    form = KpiForm(data=data)
    form.from_round.choices = [SelectChoice(str(n), str(n))
                               for n in range(current.from_round, max(len(rounds), 1) + 1)]
    if form.validate_on_submit():
        try:
            from_round = whole(form.from_round.data)
        except ValueError:
            from_round = 0  # not a round: define() refuses it with its message
        try:
            row = operations.define(current_user, request.remote_addr, year, {**form.raw(), "code": current.code},
                                    from_round=from_round)
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("บันทึกตัวชี้วัด %(code)s ฉบับที่ %(v)s แล้ว", code=row.code, v=row.version), "success")
            return redirect(url_for("kpi.definitions", year=year))
    return _render_form(form, year, rounds, current)


@bp.app_template_filter("kpinum")
def _plain(value) -> str:
    """A stored number as typed back: thousands separated, no trailing zeros past the decimal point."""
    text = f"{value:,.4f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scorecard_selection():
    """(year, round number, province or None) from ?year=&round=&province=, limited to the user's scope: a
    provincial office sees its own province's card only."""
    years = list(db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())))
    if not years:
        abort(404)
    year = request.args.get("year", type=whole) or cal.fiscal_year_of(today())
    if year not in years:
        year = years[0]
    rounds = scorecard.rounds_of(year)
    round_no = request.args.get("round", type=whole) or len(rounds) or 1
    if not 1 <= round_no <= max(len(rounds), 1):
        round_no = len(rounds) or 1
    own = scope_province(current_user)
    code = (request.args.get("province") or "").strip()
    province = own if own is not None else (province_or_404(code[:10], current_user) if code else None)
    return years, year, rounds, round_no, province


@bp.route("/scorecard", methods=["GET", "POST"])
@roles_required(Role.NATIONAL_VIEWER, Role.ADMIN, Role.PROVINCE_VERIFIER)
def scorecard_page():
    """The scorecard of a round in the summary-form layout (national, or one province; a provincial office its own);
    POST: the responsible person's explanations, reporter block and report date."""
    years, year, rounds, round_no, province = _scorecard_selection()
    card = scorecard.build(year, round_no, province)
    report = card.report
    form = ScorecardForm(data=None if request.method == "POST" or report is None else {
        "reporter_name": report.reporter_name, "reporter_position": report.reporter_position,
        "reporter_unit": report.reporter_unit, "reporter_phone": report.reporter_phone,
        "report_date": report.report_date})
    if request.method == "GET":
        form.version.data = str(report.version if report is not None else 0)
    explanations = ({line.kpi.code: request.form.get(f"explain_{line.kpi.code}", "") for line in card.lines}
                    if request.method == "POST" else dict(report.explanations if report is not None else {}))
    if form.validate_on_submit():
        try:
            version = whole(form.version.data)
        except ValueError:
            version = -1  # not a version this page wrote: refused as a conflict
        try:
            operations.submit_scorecard(
                current_user, request.remote_addr, year, round_no, province, explanations=explanations,
                reporter={name: form[name].data for name in operations.REPORTER_FIELDS},
                report_date=form.report_date.data, version=version,
                missed=[line.kpi.code for line in card.lines if line.met is False],
                known=[line.kpi.code for line in card.lines], today=today(), now=action_time())
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("ส่งแบบสรุปผลแล้ว"), "success")
            return redirect(url_for("kpi.scorecard_page", year=year, round=round_no,
                                    province=province.code if province else None))
    provinces = [] if scope_province(current_user) is not None else sorted(
        reference.current().provinces.values(), key=lambda p: thai_sort_key(p.name_th))
    return render_template("kpi/scorecard.html", card=card, years=years, rounds=rounds, provinces=provinces,
                           labels=LABELS, form=form, explanations=explanations)


@bp.route("/scorecard.xlsx")
@roles_required(Role.NATIONAL_VIEWER, Role.ADMIN, Role.PROVINCE_VERIFIER)
def scorecard_xlsx():
    """The same scorecard as an xlsx sheet (numbers as numbers, scores to 4 decimals)."""
    _years, year, _rounds, round_no, province = _scorecard_selection()
    card = scorecard.build(year, round_no, province)
    name = f"scorecard_{province.code if province else 'all'}_{year}_r{round_no}.xlsx"
    return download(exports.scorecard_xlsx(card), name)


@bp.route("/evaluation", methods=["GET", "POST"])
@roles_required(Role.NATIONAL_VIEWER, Role.ADMIN, Role.PROVINCE_VERIFIER)
def evaluation_page():
    """The evaluation of LAOs (ranked in their province and nationally) and of provincial offices for a round; a
    provincial office sees its own LAOs and its own evaluation. POST (national staff): the year's thresholds."""
    years, year, rounds, round_no, province = _scorecard_selection()
    national_staff = scope_province(current_user) is None
    form = EvaluationRulesForm(data=None if request.method == "POST" else _rules_data(evaluation.rules_for(year)))
    if request.method == "POST" and not national_staff:
        abort(403)
    if form.validate_on_submit():
        try:
            evaluation.set_rules(current_user, request.remote_addr, year, form.raw())
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("บันทึกเกณฑ์การประเมินแล้ว"), "success")
            return redirect(url_for("kpi.evaluation_page", year=year, round=round_no,
                                    province=province.code if province else None))
    result = evaluation.evaluate(year, round_no, province, today())
    provinces = [] if not national_staff else sorted(reference.current().provinces.values(),
                                                     key=lambda p: thai_sort_key(p.name_th))
    return render_template("kpi/evaluation.html", ev=result, years=years, rounds=rounds, province=province,
                           provinces=provinces, form=form if national_staff else None)


@bp.route("/evaluation.xlsx")
@roles_required(Role.NATIONAL_VIEWER, Role.ADMIN, Role.PROVINCE_VERIFIER)
def evaluation_xlsx():
    """The evaluation as an xlsx workbook: LAOs, then provincial offices."""
    _years, year, _rounds, round_no, province = _scorecard_selection()
    result = evaluation.evaluate(year, round_no, province, today())
    name = f"evaluation_{province.code if province else 'all'}_{year}_r{round_no}.xlsx"
    return download(exports.evaluation_xlsx(result, province), name)


def _rules_data(rules) -> dict:
    """The rules as the form shows them."""
    data = {f"{part}_{n}": _plain(t) for part in ("punctuality", "growth", "complete")
            for n, t in enumerate(getattr(rules, part), start=1)}
    data.update(lao_weight=_plain(rules.lao_punctuality_weight), office_weight=_plain(rules.office_punctuality_weight))
    return data
