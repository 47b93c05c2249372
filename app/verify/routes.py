"""Views of the verify area: the verification screen, follow-up export, INR911, progress matrix, accounts."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from urllib.parse import quote

from markupsafe import Markup, escape

from .. import db
from .. import fiscal
from ..auth.loaders import fiscal_year_or_404, roles_required, scope_of
from ..deadlines import queries as deadline_queries
from ..domain.errors import N_, DomainError, NotPermittedError, ValidationError
from ..domain import typo_guard
from ..domain.money import format_baht, format_pct
from ..domain.workflow import ReviewAction, Role, Status
from ..models import User, utcnow
from ..notifications import escalation
from ..notifications.forms import NoticeForm
from ..i18n import is_thai
from ..web import action_time, domain_message, download, refuse, show_date, status_label, today
from . import bp, exports, operations, queries, reports_export, selection
from .forms import ActionForm, ReviewForm, parse_rows
from ..params import moment, whole
from ..web import domain_message

MARK_LABELS = {
    queries.MARK_NOT_RECORDED: N_("ยังไม่บันทึก"),
    queries.MARK_RECORDED: N_("บันทึกแล้ว"),
    queries.MARK_LATE: N_("บันทึกล่าช้า"),
    queries.MARK_CONFIRMED: N_("ยืนยันแล้ว"),
    queries.MARK_RETURNED: N_("ส่งกลับแก้ไข"),
    queries.MARK_OPEN: N_("ยังไม่ถึงงวด"),
}


@bp.context_processor
def _labels():
    """Label helpers for the verify templates."""
    return {"lao_type_label": selection.type_label, "mark_label": lambda m: _(MARK_LABELS[m]),
            "lao_types": selection.LAO_TYPES, "detail_url": detail_url, "page_labels": page_labels,
            "nf": count_text, "review_table_rows": review_table_rows}


def count_text(n: int | None) -> str:
    """A count with thousands separators (7,846), empty for None."""
    return "" if n is None else f"{n:,}"


def page_labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The LAO-type labels, status labels and typo-guard warnings translated once for a page (a table of
    hundreds of rows then looks them up instead of translating per row)."""
    return ({t: selection.type_label(t) for t in selection.LAO_TYPES},
            {s: status_label(s) for s in (Status.RECORDED.value, Status.CONFIRMED.value, Status.RETURNED.value)},
            {m: _(m) for m in typo_guard.WARNING_MESSAGES.values()})


def figure_cells(row: queries.ReviewRow, codes: list[str]) -> Markup:
    """A verification row's cells of figures: each item's amount, the total, the prior year's and the % change.
    Built in Python, as the comparison's cells are (app/reports/tables.py): they are most of the expressions of a
    table of hundreds of rows. Numbers and fixed markup only: nothing to escape."""
    amounts = row.amounts
    p = row.change_pct
    sign = "" if p is None or p == 0 else ("neg" if p < 0 else "pos")
    return Markup("".join(
        [f'<td class="num c-item">{format_baht(amounts[c]) if c in amounts else ""}</td>' for c in codes]
        + [f'<td class="num fw-semibold">{format_baht(row.total)}</td><td class="num">{format_baht(row.prior_total)}'
           f'</td><td class="num {sign}">{format_pct(p)}</td>']))


def review_table_rows(rows: list[queries.ReviewRow], items, ticked: set[int], inst) -> Markup:
    """The verification table's rows (part 1): tick box, number, LAO, figures, warnings and explanations, recorder,
    status. Built in Python, as the comparison's rows are (app/reports/tables.py): a province has hundreds of rows
    (the 300-row table renders in about 14 ms instead of 21). Labels are translated once for the table; text is
    escaped."""
    type_labels, status_labels, warn_texts = page_labels()
    item_names = {item.code: (item.name_th if is_thai() else item.name_en) for item in items}
    codes = [item.code for item in items]
    detail_base = detail_url("__LAO__", inst.fiscal_year_id, inst.number)
    t_explain, t_no_explain, t_phone, t_late, t_conf_late, t_reason, t_resubmitted, t_old_reason = (
        escape(_(t)) for t in ("คำชี้แจง", "ไม่มีคำชี้แจง", "โทร", "บันทึกล่าช้า", "ยืนยันล่าช้า", "เหตุผล",
                               "ส่งใหม่หลังตีกลับ", "เหตุผลที่ตีกลับ"))
    badge = {"confirmed": "text-bg-success", "returned": "text-bg-danger"}
    out = []
    for n, row in enumerate(rows, 1):
        code, name = escape(row.lao_code), escape(row.lao_name)
        type_text = escape(type_labels.get(row.lao_type) or selection.type_label(row.lao_type))
        meta = f"{code} · {type_text} · {escape(row.district_name)}"
        is_ticked = row.lao_id in ticked
        warnings = ""
        if row.warnings:
            items_html = []
            for w in row.warnings:
                text = warn_texts[w.message] if w.message in warn_texts else _(w.message)
                note = (f'<div class="explain">{t_explain}: {escape(w.explanation)}</div>' if w.explanation
                        else f'<div class="text-danger small">{t_no_explain}</div>')
                items_html.append(f'<li><span class="badge text-bg-warning">!</span> '
                                  f'{escape(item_names.get(w.item_code, w.item_code))}: {escape(text)}\n{note}</li>')
            warnings = '<ul class="warn-list text-warning-emphasis">\n' + "\n".join(items_html) + "\n</ul>"
        recorder: list[str] = [escape(row.recorder_name or "–")]
        if row.recorder_phone:
            recorder.append(f'<div class="text-muted">{t_phone} {escape(row.recorder_phone)}</div>')
        recorder.append(f"<div>{escape(show_date(row.recorded_at))}</div>")
        if row.recorded_late:
            recorder.append(f'<span class="badge text-bg-warning" data-testid="late-{code}">{t_late}</span>')
        if row.extended_to:
            recorder.append(f'<span class="badge bg-success-subtle text-success-emphasis" data-testid="extended-{code}">'
                            f'{escape(_("ขยายถึง %(date)s", date=show_date(row.extended_to)))}</span>')
        if row.resubmitted_at:
            status = [f'<span class="badge text-bg-info" data-testid="resubmitted-{code}">{t_resubmitted} '
                      f'{escape(show_date(row.resubmitted_at))}</span>']
            if row.return_reason:
                status.append(f'<div class="text-muted">{t_old_reason}: {escape(row.return_reason)}</div>')
        else:
            label = status_labels[row.status] if row.status in status_labels else status_label(row.status)
            status = [f'<span class="badge {badge.get(row.status, "text-bg-primary")}">{escape(label)}</span>']
            if row.status == "confirmed":
                status.append(f'<div class="text-muted">{escape(show_date(row.confirmed_at))}</div>')
                if row.confirmed_late:
                    status.append(f'<span class="badge text-bg-warning">{t_conf_late}</span>')
            if row.return_reason and row.status != "confirmed":
                status.append(f'<div class="text-danger">{t_reason}: {escape(row.return_reason)}</div>')
        out.append(
            f'<tr data-testid="row-{code}" class="{"ticked" if is_ticked else ""}">\n'
            f'<td class="text-center"><input class="form-check-input row-check" type="checkbox" name="row" '
            f'value="{row.lao_id}:{row.version}" data-warn="{1 if row.warnings else 0}" '
            f'data-open="{0 if row.status == "confirmed" else 1}" aria-label="{name}"{" checked" if is_ticked else ""}>'
            f'</td>\n<td class="num">{n}</td>\n'
            f'<td><a class="lao-name" href="{escape(detail_base.replace("__LAO__", quote(row.lao_code, safe="")))}" '
            f'title="{name}">{name}</a>\n<span class="lao-meta" title="{meta}">{meta}</span></td>\n'
            f'{figure_cells(row, codes)}\n<td>{warnings}</td>\n'
            f'<td class="small">' + "\n".join(recorder) + '</td>\n'
            f'<td class="small" data-testid="status-{code}">' + "\n".join(status) + "\n</td>\n</tr>\n")
    return Markup("".join(out))


def detail_url(lao_code: str, year: int, number: int) -> str:
    """The LAO's read-only installment page (entry.detail)."""
    return url_for("entry.detail", lao_code=lao_code, year=year, number=number)


# --------------------------------------------------------------------------- verification screen


def _screen(sel: selection.Selection, form: ReviewForm, ticked: set[int] | None = None, code: int = 200):
    """Render the verification screen for `sel` (also after a refused save, keeping the ticks)."""
    inst = sel.installment
    if inst is None:
        return render_template("verify/home.html", sel=sel, form=form, inst=None), code
    # approved extensions of this installment and the entry requests waiting, in one query (app.deadlines)
    extensions = deadline_queries.around(inst.id, scope_of(current_user), sel.province_id)
    report = queries.status_report(inst, sel.province_id, sel.lao_type, sel.district_id, extended=extensions.entry)
    rows = queries.review_rows(inst, sel.province_id, sel.lao_type, sel.district_id, sel.status,
                               extended=extensions.entry)
    confirm_deadline = max(inst.confirm_deadline, extensions.confirm or inst.confirm_deadline)
    days = (confirm_deadline - today()).days
    return render_template(
        "verify/home.html", sel=sel, form=form, inst=inst, report=report, rows=rows,
        followup=queries.followup_rows(report),
        items=queries.item_columns(inst.fiscal_year_id, {r.lao_type for r in rows}),  # columns the rows use
        ticked=ticked or set(), days_left=days, period_ended=inst.period_end < today(), notice_form=NoticeForm(),
        confirm_deadline=confirm_deadline,
        pending_requests=extensions.pending, pending_laos=extensions.pending_laos(inst.id),
    ), code


@bp.route("/")
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def home():
    """The verification screen: part 1 (recorded, to confirm), the review form, part 2 (not recorded)."""
    sel = selection.resolve(current_user, request.args, today())
    form = ReviewForm(formdata=None, data={**sel.args(), "position": current_user.position,
                                           "phone": current_user.phone, "action": ReviewAction.CONFIRM.value})
    return _screen(sel, form)


@bp.route("/review", methods=["POST"])
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def review():
    """Confirm, unconfirm or return the ticked LAOs' installment in one transaction."""
    sel = selection.resolve(current_user, request.form, today())
    form = ReviewForm()
    if sel.installment is None:
        abort(404)
    ticked: dict[int, int] = {}
    try:
        if not form.validate_on_submit():  # only the CSRF token; CSRFProtect normally refuses first
            abort(400)
        ticked = parse_rows(request.form.getlist("row"))
        result = operations.review_installments(
            current_user, request.remote_addr, sel.installment, ticked, form.action.data,
            reason=form.reason.data, position=form.position.data, phone=form.phone.data, today=today(),
            now=action_time(),
        )
    except NotPermittedError:
        raise  # the app's 403 page
    except DomainError as err:
        # form-level problems go next to their fields; a row's problem (its state) is a message
        refuse(form, err if isinstance(err, ValidationError) else DomainError(None, err.message, **err.params))
        flash(_("ยังไม่ได้บันทึกการดำเนินการใด ๆ กรุณาแก้ไขแล้วบันทึกอีกครั้ง"), "error")
        return _screen(sel, form, set(ticked), 400)
    _flash_result(result, form.action.data, sel.installment)
    return redirect(url_for("verify.home", **sel.args()))



def _names(laos: list, limit: int = 10) -> str:
    """LAO names for a message, the first `limit` of them and how many more."""
    names = ", ".join(lao.name_th for lao in laos[:limit])
    if len(laos) > limit:
        names += " " + _("และอีก %(n)s แห่ง", n=len(laos) - limit)
    return names


def _flash_result(result: operations.ReviewResult, action: str, inst) -> None:
    """Tell the verifier what was applied and which rows were left because the LAO changed them."""
    if result.applied:
        n, names = len(result.applied), _names(result.applied)
        if action == ReviewAction.CONFIRM.value:
            flash(_("ยืนยันข้อมูลแล้ว %(n)s แห่ง: %(names)s", n=n, names=names), "success")
            deadline = deadline_queries.confirm_deadline_of(result.applied[0].province_id, inst)
            if today() > deadline:
                flash(_("การยืนยันครั้งนี้เลยกำหนดวันที่ต้องยืนยัน (%(deadline)s) ระบบบันทึกว่ายืนยันล่าช้า",
                        deadline=show_date(deadline)), "info")
        elif action == ReviewAction.UNCONFIRM.value:
            flash(_("ยกเลิกการยืนยันแล้ว %(n)s แห่ง: %(names)s", n=n, names=names), "success")
        else:
            flash(_("ส่งกลับให้ อปท. แก้ไขแล้ว %(n)s แห่ง: %(names)s", n=n, names=names), "success")
    if result.stale:
        flash(_("ข้อมูลของ อปท. ต่อไปนี้ถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้ จึงยังไม่ได้ดำเนินการ "
                "กรุณาตรวจสอบตัวเลขใหม่: %(names)s", names=_names(result.stale)), "warning")


@bp.route("/nudge", methods=["POST"])
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def nudge():
    """Remind the officers of the ticked LAOs of Part 2 to record the installment shown (scope-checked: one LAO
    outside the verifier's province refuses the whole send)."""
    sel = selection.resolve(current_user, request.form, today())
    form = NoticeForm()
    if sel.installment is None:
        abort(404)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("ส่งการแจ้งเตือนไม่ได้: %(e)s", e="; ".join(form.message.errors)), "error")
        return redirect(url_for("verify.home", **sel.args()))
    try:
        ids = [whole(v) for v in request.form.getlist("lao")[:escalation.MAX_TARGETS]]
    except ValueError:
        abort(404)
    try:
        sent = escalation.nudge_laos(current_user, request.remote_addr, sel.installment, ids, form.message.data,
                                     today(), now=action_time())
    except NotPermittedError:
        raise  # the app's 403 page; nothing was sent
    except DomainError as err:
        flash(domain_message(err), "error")
        return redirect(url_for("verify.home", **sel.args()))
    if sent.messages:
        flash(_("ส่งการแจ้งเตือนถึง อปท. %(n)s แห่งแล้ว (ผู้รับ %(m)s คน)", n=sent.targets, m=sent.messages), "success")
    if sent.skipped:
        flash(_("ไม่ได้ส่งถึง อปท. ต่อไปนี้ (บันทึกแล้ว หรือไม่มีบัญชีเจ้าหน้าที่ที่ใช้งานอยู่): %(names)s",
                names=", ".join(sent.skipped[:20])), "warning")
    return redirect(url_for("verify.home", **sel.args()))


@bp.route("/followup.<fmt>")
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def followup_export(fmt: str):
    """Part 2 (LAOs that have not recorded, with whom to call) as CSV or xlsx."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    sel = selection.resolve(current_user, request.args, today())
    if sel.installment is None:
        abort(404)
    report = queries.status_report(sel.installment, sel.province_id, sel.lao_type, sel.district_id)
    followup = queries.followup_rows(report)
    name = f"followup_{sel.province.code if sel.province else 'all'}_{sel.installment.fiscal_year_id}" \
           f"_{sel.installment.number}.{fmt}"
    if fmt == "csv":
        return download(exports.followup_csv(followup), name)
    return download(exports.followup_xlsx(followup, sel.installment, sel.place()), name)


# --------------------------------------------------------------------------- INR911 and matrix


LIST_PAGE_SIZE = 500  # LAOs per page of the whole-country INR911 lists (about 200 KB of HTML a page)


def _as_of(download_: bool):
    """The past moment INR911 is asked as of (as_of_date, as_of_time; None: now) and the args carrying it into links.

    A malformed or future moment is a warning and today's report on the page, 400 for a download.
    """
    args = {k: request.args[k] for k in ("as_of_date", "as_of_time") if request.args.get(k)}
    try:
        return moment(args.get("as_of_date"), args.get("as_of_time"), action_time() or utcnow()), args
    except DomainError as err:
        if download_:
            abort(400)
        flash(domain_message(err) + " " + _("จึงแสดงข้อมูลปัจจุบันแทน"), "warning")
        return None, {}


def _status_data(sel: selection.Selection, as_of=None):
    """INR911 of a selection: the report and, for the whole country, its per-province lines (with `as_of`, naive
    UTC: as they stood then)."""
    report = by_province = None
    if sel.installment is not None:
        report = queries.status_report(sel.installment, sel.province_id, sel.lao_type, sel.district_id, as_of=as_of)
        if sel.province_id is None:  # the whole country: per-province counts first, 7,800 names on request
            by_province = queries.status_by_province(sel.installment, sel.lao_type, as_of=as_of)
    return report, by_province


@bp.route("/status")
@roles_required(Role.PROVINCE_VERIFIER, Role.NATIONAL_VIEWER, Role.ADMIN)
def status():
    """INR911: the LAOs that recorded and those that did not, side by side with counts and percentages.

    The whole country's lists come in pages of LIST_PAGE_SIZE LAOs (in province order), so no page is megabytes.
    """
    sel = selection.resolve(current_user, request.args, today(), allow_all_provinces=True)
    as_of, as_of_args = _as_of(False)
    report, by_province = _status_data(sel, as_of)
    show_lists = sel.province_id is not None or request.args.get("lists") == "1"
    listing = None
    if report is not None and show_lists:
        listing = queries.list_page(report, request.args.get("page", type=whole) or 1,
                                    LIST_PAGE_SIZE if sel.province_id is None else None)
    return render_template("verify/status.html", sel=sel, inst=sel.installment, report=report,
                           by_province=by_province, show_lists=show_lists, listing=listing,
                           list_page_size=LIST_PAGE_SIZE, as_of=as_of, as_of_args=as_of_args)


@bp.route("/status.<fmt>")
@roles_required(Role.PROVINCE_VERIFIER, Role.NATIONAL_VIEWER, Role.ADMIN)
def status_export(fmt: str):
    """INR911 as xlsx (summary with totals and the list of LAOs) or CSV (the summary with its totals line)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    sel = selection.resolve(current_user, request.args, today(), allow_all_provinces=True)
    if sel.installment is None:
        abort(404)
    as_of, _args = _as_of(True)
    report, by_province = _status_data(sel, as_of)
    if report is None:
        abort(404)
    stamp = f"_as_of_{as_of:%Y%m%dT%H%M}" if as_of is not None else ""
    name = f"inr911_{sel.province.code if sel.province else 'all'}_{sel.installment.fiscal_year_id}" \
           f"_{sel.installment.number}{stamp}.{fmt}"
    if fmt == "csv":
        return download(reports_export.status_csv(report, by_province), name)
    return download(reports_export.status_xlsx(report, by_province, sel.installment, sel.place()), name)


def _matrix_selection():
    """The matrix's province, fiscal year and sort from the query args (the page and its exports)."""
    province = selection.resolve_province(current_user, request.args.get("province"))
    year = request.args.get("year", type=whole)
    if year is None:
        latest = fiscal.default_installment(today())
        year = latest.fiscal_year_id if latest else None
    fy = fiscal_year_or_404(year) if year is not None else None
    sort = request.args.get("sort", "district")
    if sort not in queries.MATRIX_SORTS:
        sort = "district"
    grid = queries.progress_matrix(fy.year, province.id, today(), sort) if fy and province else None
    return province, fy, sort, grid


@bp.route("/matrix")
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def matrix():
    """The province's LAOs x installments of a fiscal year with a status mark per cell."""
    province, fy, sort, grid = _matrix_selection()
    provinces = selection.province_choices(current_user)
    return render_template("verify/matrix.html", province=province, fy=fy, grid=grid, sort=sort,
                           years=fiscal.fiscal_years(), provinces=provinces, marks=queries.MARKS)


@bp.route("/matrix.<fmt>")
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def matrix_export(fmt: str):
    """The progress matrix as xlsx or CSV: Thai headers and marks, totals rows per installment."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    province, fy, _sort, grid = _matrix_selection()
    if grid is None or province is None or fy is None:
        abort(404)
    name = f"matrix_{province.code}_{fy.year}.{fmt}"
    if fmt == "csv":
        return download(reports_export.matrix_csv(grid, mark_text), name)
    return download(reports_export.matrix_xlsx(grid, mark_text, _("จังหวัด%(name)s", name=province.name_th)), name)


def mark_text(mark: str) -> str:
    """The translated label of a matrix mark."""
    return _(MARK_LABELS[mark])


# --------------------------------------------------------------------------- accounts


def account_or_404(user_id: int) -> User:
    """An LAO-officer account the current user may manage (admin: any account); 404 otherwise."""
    target = db.session.get(User, user_id)
    if target is None:
        abort(404)
    try:
        operations.check_may_manage_account(current_user, target)
    except NotPermittedError:
        abort(404)
    return target


@bp.route("/accounts")
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def accounts():
    """The province's LAO-officer accounts: last login, state, and reset / disable / enable buttons."""
    province = selection.resolve_province(current_user, request.args.get("province"))
    search = (request.args.get("q") or "").strip()[:100]
    users = queries.lao_accounts(province.id if province else None, search or None)
    provinces = selection.province_choices(current_user)
    return render_template("verify/accounts.html", users=users, province=province, provinces=provinces,
                           search=search, form=ActionForm(), now_utc=utcnow())


@bp.route("/accounts/<int:user_id>/reset", methods=["POST"])
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def account_reset(user_id: int):
    """Reset an LAO officer's password; the one-time password is shown on this response only."""
    target = account_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = operations.reset_lao_password(current_user, target, request.remote_addr)
    resp = make_response(render_template("verify/password_reset.html", target=target, new_password=password))
    resp.headers["Cache-Control"] = "no-store"  # the one-time password must not stay in a cache
    return resp


def _set_active(user_id: int, active: bool):
    """Enable or disable an account, then return to the list."""
    target = account_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operations.set_lao_account_active(current_user, target, active, request.remote_addr)
    except DomainError as err:
        refuse(ActionForm(), err)
    else:
        flash(_("เปิดใช้งานบัญชี %(u)s แล้ว", u=target.username) if active
              else _("ปิดใช้งานบัญชี %(u)s แล้ว", u=target.username), "success")
    province = target.lao.province.code if target.lao else None
    return redirect(url_for("verify.accounts", province=province if current_user.role == Role.ADMIN.value else None))


@bp.route("/accounts/<int:user_id>/disable", methods=["GET"])
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def account_disable_confirm(user_id: int):
    """Ask before disabling an LAO officer's account (what it does, then a confirm button)."""
    target = account_or_404(user_id)
    return render_template("verify/disable_confirm.html", target=target, form=ActionForm())


@bp.route("/accounts/<int:user_id>/disable", methods=["POST"])
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def account_disable(user_id: int):
    """Disable an LAO officer's account (its sessions end), only with the confirmation step's `confirm`."""
    target = account_or_404(user_id)
    if request.form.get("confirm") != "yes":  # not through the confirmation page: nothing changes
        if not ActionForm().validate_on_submit():
            abort(400)
        flash(_("กรุณายืนยันการปิดใช้งานบัญชีก่อน"), "error")
        return render_template("verify/disable_confirm.html", target=target, form=ActionForm()), 400
    return _set_active(user_id, False)


@bp.route("/accounts/<int:user_id>/enable", methods=["POST"])
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def account_enable(user_id: int):
    """Re-enable an LAO officer's account."""
    return _set_active(user_id, True)
