"""Views of the entry area: an LAO's year overview, the installment form, its detail, history and print page."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from .. import db
from .. import fiscal, reference, snapshots
from ..certificates import operations as certificates
from ..auth.loaders import can_see_lao, lao_or_404, may_see_addresses, roles_required
from ..deadlines import queries as deadline_queries
from ..domain import typo_guard
from ..domain.errors import ConflictError, DomainError, NotPermittedError, ValidationError
from ..domain.money import format_baht, parse_amount
from ..domain.vocabulary import AUDIT_ACTION_LABELS, LAO_TYPE_LABELS
from ..domain.workflow import Role
from ..models import Installment, Lao
from ..web import action_time, domain_message, late_text, refuse, show_date, show_period, status_badge, today, url_maker
from . import bp, operations, queries
from .forms import amount_field, entry_form, explain_field
from ..params import whole


@bp.context_processor
def _labels():
    """Labels the entry templates translate."""
    return {"lao_type_labels": LAO_TYPE_LABELS, "event_labels": AUDIT_ACTION_LABELS,
            "warning_messages": typo_guard.WARNING_MESSAGES, "domain_message": domain_message,
            "installment_rows": installment_rows}


def installment_rows(overview: queries.YearOverview, lao_code: str) -> Markup:
    """The <tr> of each installment on the LAO home: period, deadline, status, lateness, each item's amount, the
    total and the actions. Built in Python, as the verification screen's rows are: a dozen rows of a dozen links and
    labels each (the page's template renders in 1.4 ms instead of 1.8). Text is escaped."""
    year = overview.year
    edit_url = url_maker("entry.edit", "number", lao_code=lao_code, year=year)
    history_url = url_maker("entry.history", "number", lao_code=lao_code, year=year)
    print_url = url_maker("entry.print_view", "number", lao_code=lao_code, year=year)
    ask_url = url_maker("deadlines.request_entry", "number", lao_code=lao_code, year=year)
    extension_url = url_maker("deadlines.detail", "ext_id")
    actions = {"confirmed": ("btn-outline-secondary", escape(_("ดู"))),
               "not_recorded": ("btn-primary", escape(_("บันทึก")))}
    edit_label = ("btn-outline-primary", escape(_("แก้ไข")))
    history, printed = escape(_("ประวัติ")), escape(_("พิมพ์"))
    codes = [item.code for item in overview.items]
    out = []
    for row in overview.rows:
        inst, n, status = row.installment, row.installment.number, row.status.value
        future = "" if row.period_ended else ' class="future"'
        extended = (f'<div class="small text-success-emphasis" data-testid="extended-{n}">'
                    f'{escape(_("ขยายถึง %(date)s", date=show_date(row.extended_to)))}</div>' if row.extended_to else "")
        reason = (f'<div class="small text-body-secondary return-reason">'
                  f'{escape(_("เหตุผล: %(reason)s", reason=row.return_reason))}</div>' if row.return_reason else "")
        amounts = "".join(f'<td class="num">{format_baht(row.amounts.get(c))}</td>' for c in codes)
        if not row.period_ended:
            links = [f'<span class="small">{escape(_("เปิดบันทึก %(date)s", date=show_date(row.opens_on)))}</span>']
        else:
            css, label = actions.get(status, edit_label)
            links = [f'<a class="btn btn-sm {css}" href="{edit_url(number=n)}">{label}</a>']
        ext = row.extension
        if ext is not None and ext.status == "pending":
            links.append(f'<a class="badge text-bg-warning text-decoration-none" data-testid="extension-pending-{n}" '
                         f'href="{extension_url(ext_id=ext.id)}">{escape(_("รอพิจารณาขยายเวลา"))}</a>')
        elif row.may_ask_extension:
            links.append(f'<a class="btn btn-sm btn-link" data-testid="ask-extension-{n}" href="{ask_url(number=n)}">'
                         f'{escape(_("ขอขยายเวลา"))}</a>')
        if ext is not None and ext.status == "refused" and not row.extended_to:
            links.append(f'<a class="small text-body-secondary" href="{extension_url(ext_id=ext.id)}">'
                         f'{escape(_("ไม่อนุมัติขยายเวลา"))}</a>')
        if status != "not_recorded":
            links.append(f'<a class="btn btn-sm btn-link" href="{history_url(number=n)}">{history}</a>\n'
                         f'<a class="btn btn-sm btn-link" href="{print_url(number=n)}" target="_blank" rel="noopener">'
                         f'{printed}</a>')
        out.append(
            f'<tr data-number="{n}"{future}>\n'
            f'<td class="text-nowrap">{escape(_("งวดที่ %(n)s", n=n))} '
            f'<span class="period">{escape(show_period(inst.period_start, inst.period_end))}</span></td>\n'
            f'<td class="text-nowrap">{escape(show_date(inst.entry_deadline))}{extended}</td>\n'
            f'<td>{status_badge(row.status)}{reason}</td>\n'
            f'<td class="text-nowrap">{late_text(row.days_late)}</td>\n'
            f'{amounts}\n<td class="num fw-semibold">{format_baht(row.total)}</td>\n'
            f'<td class="text-nowrap d-print-none">\n' + "\n".join(links) + '\n</td>\n</tr>\n')
    return Markup("".join(out))



@bp.route("/")
@roles_required(Role.LAO_OFFICER)
def home():
    """The officer's LAO: installments of the chosen fiscal year and the comparison with the prior year."""
    lao = current_user.lao  # loaded with the account (the user loader's one query)
    if lao is None or not can_see_lao(current_user, lao):
        abort(404)
    ref = reference.current()
    years = list(ref.years)
    year = request.args.get("year", type=whole)
    if year is None:
        year = fiscal.current_year(today(), years)
    elif year not in years:
        abort(404)
    overview = queries.year_overview(lao, year, today()) if year is not None else None
    return render_template("entry/home.html", lao=lao, years=years, year=year, overview=overview,
                           district=ref.districts.get(lao.district_id), province=ref.provinces.get(lao.province_id))


def _initial(view: queries.InstallmentView) -> dict:
    """Form values of a GET: the recorded figures and explanations, the certification from the profile."""
    data = {
        "version": view.version,
        "recorder_name": current_user.full_name,
        "recorder_position": current_user.position,
        "recorder_phone": current_user.phone,
    }
    for line in view.lines:
        data[amount_field(line.item.code)] = format_baht(line.amount, dash_for_none=False)
        data[explain_field(line.item.code)] = line.explanation or ""
    return data


def _typed_warnings(form, view: queries.InstallmentView) -> dict[str, str]:
    """Typo-guard warning code per item for the amounts in the form (unparseable ones get none)."""
    warnings = {}
    for line in view.lines:
        try:
            amount = parse_amount(form.amount(line.item.code).data, ceiling=current_app.config["AMOUNT_CEILING"])
        except DomainError:
            continue
        code = typo_guard.check(amount, line.prior)
        if code:
            warnings[line.item.code] = code
    return warnings


def _render_form(view, form, status: int = 200, conflict: bool = False, error: str | None = None):
    """The entry page in the mode the installment is in (not open yet, locked, or editable)."""
    return render_template(
        "entry/edit.html", view=view, form=form, warnings=_typed_warnings(form, view) if form else {},
        conflict=conflict, error=error,
    ), status


def _lao_or_404(code: str) -> Lao:
    """The LAO `code` as lao_or_404 finds it; the officer's own LAO without a query (loaded with the account)."""
    own = current_user.lao if current_user.lao_id is not None else None
    if own is not None and own.code == code and can_see_lao(current_user, own):
        return own
    return lao_or_404(code, current_user)


def _installment_or_404(year: int, number: int) -> Installment:
    """Installment `number` of fiscal `year` from the reference cache (a detached row), or 404."""
    inst = reference.current().installment(year, number)
    if inst is None:
        abort(404)
    return inst


@bp.route("/<lao_code>/<int:year>/<int:number>", methods=["GET", "POST"])
@login_required
def edit(lao_code: str, year: int, number: int):
    """Record or correct an installment; other roles are sent to the read-only detail (POST: 403)."""
    lao = _lao_or_404(lao_code)
    installment = _installment_or_404(year, number)
    if not current_user.has_role(Role.LAO_OFFICER):
        if request.method == "POST":
            abort(403)
        return redirect(url_for(".detail", lao_code=lao.code, year=year, number=number))
    if request.method == "GET":
        view = queries.installment_view(lao, installment, today())
        return _render_form(view, entry_form([line.item for line in view.lines], data=_initial(view)))

    items = reference.current().items_for(lao.lao_type, installment.fiscal_year_id)  # the view's items
    form = entry_form(items)
    if not form.validate_on_submit():  # only the CSRF token is validated by the form
        view = queries.installment_view(lao, installment, today())
        return _render_form(view, form, 400, error=_("แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาลองใหม่"))
    try:
        version = int(form.version.data)
    except (TypeError, ValueError):
        version = None
    try:
        report = operations.record_installment(
            current_user._get_current_object(), request.remote_addr, lao, installment,
            version=version,
            amounts={item.code: form.amount(item.code).data for item in items},
            explanations={item.code: form.explanation(item.code).data for item in items},
            recorder=operations.Recorder(form.recorder_name.data or "", form.recorder_position.data or "",
                                         form.recorder_phone.data or ""),
            certify=bool(form.certify.data), today=today(), ceiling=current_app.config["AMOUNT_CEILING"],
            now=action_time(),
        )
    except NotPermittedError:
        raise  # the app's 403 page
    except ValidationError as err:
        refuse(form, err)
        view = queries.installment_view(lao, installment, today())
        return _render_form(view, form, error=_("ยังไม่ได้บันทึก กรุณาแก้ไขรายการที่มีข้อความสีแดง"))
    except ConflictError as err:
        db.session.rollback()
        view = queries.installment_view(lao, installment, today())
        form.version.data = view.version  # a second save now knowingly replaces the current figures
        return _render_form(view, form, 409, conflict=True, error=domain_message(err))
    except DomainError as err:  # locked (confirmed) or period not ended
        db.session.rollback()
        view = queries.installment_view(lao, installment, today())
        return _render_form(view, form, 409, error=domain_message(err))
    # the deadline in force is read only for a late save (the operation has just decided lateness)
    days = queries.late_days(installment, report, today(), deadline_queries.entry_deadline_of(lao.id, installment)
                             ) if report.recorded_late else 0
    if days:
        flash(_("บันทึกข้อมูลงวดที่ %(n)s เรียบร้อยแล้ว (บันทึกหลังกำหนด %(days)s วัน)", n=number, days=days),
              "success")
    else:
        flash(_("บันทึกข้อมูลงวดที่ %(n)s เรียบร้อยแล้ว", n=number), "success")
    return redirect(url_for(".home", year=year))


@bp.route("/<lao_code>/<int:year>/<int:number>/view")
@login_required
def detail(lao_code: str, year: int, number: int):
    """Read-only installment detail for the officer, the province's verifier, national staff and admins."""
    lao = _lao_or_404(lao_code)
    installment = _installment_or_404(year, number)
    confirmations = snapshots.confirmations(lao.id, installment.id)
    return render_template("entry/detail.html", view=queries.installment_view(lao, installment, today()),
                           confirmations=confirmations, diff=_chosen_diff(confirmations, lao, installment))


def _chosen_diff(confirmations: list[snapshots.Confirmation], lao: Lao,
                 installment: Installment) -> snapshots.Diff | None:
    """What changed between the two confirmations chosen (`old`, `new`: snapshot ids; default the last two), or
    None with fewer than two; an id not of this installment falls back to the default."""
    if len(confirmations) < 2:
        return None
    by_id = {c.id: c for c in confirmations}
    old = by_id.get(request.args.get("old", type=whole) or 0, confirmations[-2])
    new = by_id.get(request.args.get("new", type=whole) or 0, confirmations[-1])
    return snapshots.diff(old, new, lao.id, installment.id)


@bp.route("/<lao_code>/<int:year>/<int:number>/history")
@login_required
def history(lao_code: str, year: int, number: int):
    """Who changed what and when on an installment (read-only)."""
    lao = _lao_or_404(lao_code)
    installment = _installment_or_404(year, number)
    return render_template(
        "entry/history.html", view=queries.installment_view(lao, installment, today()),
        events=queries.history(lao, installment),
        show_ip=may_see_addresses(current_user),
    )


@bp.route("/<lao_code>/<int:year>/<int:number>/print")
@login_required
def print_view(lao_code: str, year: int, number: int):
    """The certification of a recorded installment laid out for A4 printing."""
    lao = _lao_or_404(lao_code)
    installment = _installment_or_404(year, number)
    view = queries.installment_view(lao, installment, today())
    stamp = certificates.issue_for_lao(view, current_user) if view.recorded else None
    return render_template("entry/print.html", view=view, stamp=stamp), (200 if view.recorded else 404)
