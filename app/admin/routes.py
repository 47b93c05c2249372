"""Views of the admin area: fiscal years, LAO register, accounts, imports (admins), and the audit viewer (all roles)."""

import json
from collections.abc import Sequence

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice

from .. import db, snapshots
from ..audit import verify as verify_audit_chain
from ..auth.loaders import fiscal_year_or_404, lao_or_404, may_see_addresses, province_or_404
from ..domain import calendar as cal
from ..domain.errors import DomainError
from ..domain.money import from_satang
from ..domain.vocabulary import LAO_TYPES, AuditAction, audit_action_label
from ..domain.workflow import Role
from ..extensions import login_manager
from ..models import AuditEvent, FiscalYear, Lao, RevenueItem, User
from ..public import queries as public_queries
from ..reference import year_has_figures
from ..web import download, refuse, today
from . import accounts, bp, exports, queries, staging
from . import imports as file_imports
from . import register as lao_register
from . import holidays as holiday_calendar
from . import years as year_setup
from .forms import (
    CLASS_LABELS,
    LAO_TYPE_LABELS,
    SCHEDULE_LABELS,
    ApplyImportForm,
    AuditDatesForm,
    BulkAccountsForm,
    ButtonForm,
    DeadlinesForm,
    FiguresUploadForm,
    HolidayForm,
    HolidayRemoveForm,
    LaoForm,
    RoundsForm,
    ScheduleForm,
    UploadForm,
    UserForm,
    YearCreateForm,
    items_form_class,
)
from .imports import Upload
from ..params import whole

OPEN_TO_EVERY_ROLE = {"admin.audit", "admin.audit_export"}  # scoped on the server per role

def action_label(action: str) -> str:
    """Translated label of an audit action (its code when unknown)."""
    label = audit_action_label(action)
    return _(label) if label else action


def show_value(value, limit: int = 20) -> str:
    """An audit value as short text: long lists are cut, booleans said in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่")
    if isinstance(value, list):
        text = ", ".join(show_value(v) for v in value[:limit])
        return text + (f" … (+{len(value) - limit:,})" if len(value) > limit else "")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@bp.before_request
def _admins_only():
    """Every admin page needs an administrator, except the audit viewer that each role reads in its scope."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.endpoint not in OPEN_TO_EVERY_ROLE and not current_user.has_role(Role.ADMIN):
        abort(403)
    return None


@bp.context_processor
def _labels():
    return {"schedule_labels": SCHEDULE_LABELS, "type_labels": LAO_TYPE_LABELS, "class_labels": CLASS_LABELS,
            "action_label": action_label, "show_value": show_value}


def _page() -> int:
    return request.args.get("page", 1, type=whole) or 1


# ---------------------------------------------------------------------------------------------------
# Dashboard


@bp.route("/")
def home():
    """Admin dashboard: links to each task with the figures that say where work is waiting."""
    counts = {
        "laos": db.session.scalar(select(func.count(Lao.id))),
        "active_laos": db.session.scalar(select(func.count(Lao.id)).where(Lao.active.is_(True))),
        "users": db.session.scalar(select(func.count(User.id))),
        "active_users": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        "years": db.session.scalar(select(func.count(FiscalYear.year))),
        "without_account": sum(queries.missing_officer_counts().values()),
    }
    imports = db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == "import").order_by(AuditEvent.at.desc()).limit(5)
    ).scalars().all()
    return render_template("admin/home.html", counts=counts, imports=imports, public_open=public_queries.is_open())


@bp.route("/public", methods=["POST"])
def public_switch():
    """Switch the public page (/public) on or off; back to the dashboard."""
    form = FlaskForm()
    wanted = request.form.get("public")
    if form.validate_on_submit() and wanted in ("on", "off"):
        on = wanted == "on"
        public_queries.switch(current_user, request.remote_addr, on)
        flash(_("เปิดหน้าข้อมูลสาธารณะแล้ว") if on else _("ปิดหน้าข้อมูลสาธารณะแล้ว"), "success")
    return redirect(url_for("admin.home"))


# ---------------------------------------------------------------------------------------------------
# Fiscal years


@bp.route("/years", methods=["GET", "POST"])
def years():
    """Fiscal years with their schedules, and the form that creates one."""
    form = YearCreateForm()
    if form.validate_on_submit():
        try:
            year_setup.create_year(current_user, request.remote_addr, form.year.data, form.schedule.data)
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("สร้างปีงบประมาณ %(year)s แล้ว", year=form.year.data), "success")
            return redirect(url_for("admin.year_edit", year=form.year.data))
    return render_template("admin/years.html", form=form, years=queries.years_overview())


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    """The public-holiday calendar of a fiscal year (working-day lateness skips these days) and the form that
    adds one; ?year= picks the fiscal year (B.E.), the current one by default."""
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            added = holiday_calendar.add_holiday(current_user, request.remote_addr, form.day.data, form.name.data)
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("เพิ่มวันหยุด %(name)s แล้ว", name=added.name_th), "success")
            return redirect(url_for("admin.holidays", year=cal.fiscal_year_of(added.day)))
    year = request.args.get("year", type=whole) or cal.fiscal_year_of(today())
    if not 2400 <= year <= 2800:
        year = cal.fiscal_year_of(today())
    start, end = cal.fiscal_year_bounds(year)
    return render_template("admin/holidays.html", form=form, year=year, remove_form=HolidayRemoveForm(),
                           days=holiday_calendar.holidays_between(start, end))


@bp.route("/holidays/remove", methods=["POST"])
def holiday_remove():
    """Remove one public holiday (its date from the row's hidden input); back to its fiscal year."""
    form = HolidayRemoveForm()
    if not form.validate_on_submit() or form.day.data is None:
        flash(_("ไม่พบวันหยุดนี้ในปฏิทิน อาจถูกลบไปแล้ว"), "error")
        return redirect(url_for("admin.holidays"))
    try:
        removed = holiday_calendar.remove_holiday(current_user, request.remote_addr, form.day.data)
    except DomainError as err:
        refuse(form, err, default="day")
        flash(" ".join(form.day.errors), "error")
        return redirect(url_for("admin.holidays", year=cal.fiscal_year_of(form.day.data)))
    flash(_("ลบวันหยุด %(name)s แล้ว", name=removed.name_th), "success")
    return redirect(url_for("admin.holidays", year=cal.fiscal_year_of(removed.day)))


def _items_keys() -> tuple[Sequence[RevenueItem], list[tuple[str, str]]]:
    items = db.session.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)).all()
    return items, [(i.code, t) for i in items for t in LAO_TYPES]


@bp.route("/years/<int:year>", methods=["GET", "POST"])
def year_edit(year: int):
    """One fiscal year: its schedule, deadlines, rounds and the revenue items of each LAO type."""
    fy = fiscal_year_or_404(year)
    which = request.form.get("which") if request.method == "POST" else None
    items, keys = _items_keys()
    items_form_cls = items_form_class(keys)

    def build(name, cls, data):
        # only the submitted form reads the request; the others show what is stored
        return cls(prefix=name, formdata=None, data=data) if which != name else cls(prefix=name)

    schedule_form = build("schedule", ScheduleForm, {"schedule": fy.schedule})
    deadlines_form = build("deadlines", DeadlinesForm, {"reminder_days": fy.reminder_days, "rows": [
        {"entry_deadline": i.entry_deadline, "confirm_deadline": i.confirm_deadline} for i in fy.installments]})
    rounds = [{"name": r.name, "last_installment": r.last_installment} for r in fy.rounds]
    rounds_form = build("rounds", RoundsForm, {"rows": rounds + [{}, {}]})
    matrix = queries.item_matrix(year)
    items_form = build("items", items_form_cls, {f"item_{c}_{t}": matrix[(c, t)] for c, t in keys})

    forms = {"schedule": schedule_form, "deadlines": deadlines_form, "rounds": rounds_form, "items": items_form}
    form = forms.get(which) if which is not None else None
    if form is not None and form.validate_on_submit():
        ip = request.remote_addr
        try:
            if which == "schedule":
                year_setup.change_schedule(current_user, ip, year, form.schedule.data)
                message = _("เปลี่ยนรูปแบบงวดแล้ว")
            elif which == "deadlines":
                n = year_setup.set_deadlines(current_user, ip, year, [
                    (row.form.entry_deadline.data, row.form.confirm_deadline.data) for row in form.rows],
                    reminder_days=form.reminder_days.data)
                message = _("แก้ไขกำหนดเวลาแล้ว %(n)s งวด", n=n)
            elif which == "rounds":
                year_setup.set_rounds(current_user, ip, year, [
                    (row.form.name.data, row.form.last_installment.data) for row in form.rows])
                message = _("บันทึกรอบการประเมินแล้ว")
            else:
                n = year_setup.set_item_activations(current_user, ip, year, {
                    (c, t): bool(form[f"item_{c}_{t}"].data) for c, t in keys})
                message = _("บันทึกรายการรายได้แล้ว (เปลี่ยน %(n)s รายการ)", n=n)
        except DomainError as err:
            refuse(form, err)
        else:
            flash(message, "success")
            return redirect(url_for("admin.year_edit", year=year))
    elif form is None and request.method == "POST":
        abort(400)
    return render_template("admin/year_edit.html", fy=fy, forms=forms, items=items, lao_types=LAO_TYPES,
                           has_figures=year_has_figures(year))


# ---------------------------------------------------------------------------------------------------
# LAO register


@bp.route("/laos")
def laos():
    """The LAO register: search by name or code, filter by province, district, type and state; paginated."""
    a = request.args
    filters = queries.LaoFilters(q=a.get("q", "").strip(), province=a.get("province", ""),
                                 district=a.get("district", ""), lao_type=a.get("lao_type", ""),
                                 active=a.get("active", ""))
    page = queries.laos_page(filters, _page())
    return render_template("admin/laos.html", page=page, filters=filters, provinces=queries.provinces(),
                           districts=queries.districts())


def _province_choices(blank) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(p.code, f"{p.code} {p.name_th}") for p in queries.provinces()]


def _lao_form_choices(form: LaoForm) -> None:
    form.province.choices = _province_choices("–")
    # data-province lets the page offer only the chosen province's districts; save_lao checks the pair
    form.district.choices = [SelectChoice("", "–")] + [
        SelectChoice(code, name, render_kw={"data-province": province}) for code, name, province in queries.districts()]


@bp.route("/laos/new", methods=["GET", "POST"], defaults={"code": None})
@bp.route("/laos/<code>", methods=["GET", "POST"])
def lao_edit(code: str | None):
    """Create an LAO, or edit one (its code stays); deactivation is a separate button."""
    lao = lao_or_404(code, current_user) if code else None
    data = None
    if lao is not None:
        data = {"code": lao.code, "name_th": lao.name_th, "name_en": lao.name_en, "lao_type": lao.lao_type,
                "municipality_class": lao.municipality_class or "", "province": lao.province.code,
                "district": lao.district.code}
    form = LaoForm(data=data)
    _lao_form_choices(form)
    if lao is not None:
        form.code.data = lao.code  # the code names the LAO everywhere: never changed here
    if form.validate_on_submit():
        details = lao_register.LaoDetails(
            code=form.code.data, name_th=form.name_th.data, name_en=form.name_en.data or "",
            lao_type=form.lao_type.data, municipality_class=form.municipality_class.data or None,
            province_code=form.province.data, district_code=form.district.data)
        try:
            saved = lao_register.save_lao(current_user, request.remote_addr, lao, details)
        except DomainError as err:
            refuse(form, err)
        else:
            flash(_("บันทึกข้อมูล %(name)s แล้ว", name=saved.name_th), "success")
            return redirect(url_for("admin.lao_edit", code=saved.code))
    users = db.session.scalars(select(User).where(User.lao_id == lao.id)).all() if lao else []
    return render_template("admin/lao_edit.html", form=form, lao=lao, users=users, button=ButtonForm())


@bp.route("/laos/<code>/active", methods=["POST"])
def lao_set_active(code: str):
    """Deactivate or reactivate an LAO (never deleted: its figures and audit trail stay)."""
    lao = lao_or_404(code, current_user)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    lao_register.set_lao_active(current_user, request.remote_addr, lao, active)
    flash(_("เปิดใช้ %(name)s แล้ว", name=lao.name_th) if active else _("ปิดใช้ %(name)s แล้ว", name=lao.name_th),
          "success")
    return redirect(url_for("admin.lao_edit", code=lao.code))


# ---------------------------------------------------------------------------------------------------
# Imports: upload -> dry run report -> apply the file kept on the server


def _run_import(kind: str, upload: Upload, dry_run: bool, confirm: bool):
    """Run the LAO or figures import use case for a web request."""
    if kind == "laos":
        return file_imports.import_laos(current_user, request.remote_addr, upload, dry_run=dry_run)
    return file_imports.import_figures(current_user, request.remote_addr, upload, kind, confirm=confirm,
                                     dry_run=dry_run, today=today(),
                                     ceiling=current_app.config["AMOUNT_CEILING"])


def _import_view(kind_of_page: str, template: str, upload_form, done_endpoint: str):
    """Shared flow of the two import pages: check an upload (dry run) or apply a staged file."""
    apply_form = ApplyImportForm(prefix="apply")
    plan = upload = None
    kind, confirm = kind_of_page, False
    if request.method == "POST" and "apply-sha256" in request.form:
        if not apply_form.validate_on_submit():
            abort(400)
        kind = kind_of_page if kind_of_page == "laos" else apply_form.kind.data
        if kind not in (("laos",) if kind_of_page == "laos" else ("baseline", "entries")):
            abort(400)
        confirm = apply_form.confirm.data == "1"
        upload = staging.load(apply_form.sha256.data, apply_form.filename.data)
        if upload is None:
            flash(_("ไม่พบแฟ้มที่ตรวจสอบไว้ (อาจหมดอายุ) กรุณาอัปโหลดใหม่"), "error")
            return redirect(request.path)
        try:
            plan = _run_import(kind, upload, dry_run=False, confirm=confirm)
        except DomainError as err:
            refuse(apply_form, err)
            return redirect(request.path)
        if plan.errors:
            db.session.rollback()  # all or nothing: a plan with errors writes nothing
            flash(_("ข้อมูลมีข้อผิดพลาด ไม่ได้บันทึกแม้แต่รายการเดียว"), "error")
        else:
            staging.discard(upload.sha256)
            if plan.has_changes:
                flash(_("นำเข้าแฟ้ม %(file)s แล้ว: เพิ่ม %(created)s เปลี่ยน %(changed)s ไม่เปลี่ยน %(same)s",
                        file=upload.filename, created=len(plan.creates), changed=len(plan.updates),
                        same=plan.unchanged), "success")
            else:
                flash(_("ข้อมูลในแฟ้มตรงกับระบบอยู่แล้ว ไม่มีการเปลี่ยนแปลง"), "info")
            return redirect(url_for(done_endpoint))
    elif upload_form.validate_on_submit():
        file = upload_form.file.data
        upload = Upload(file.filename or "upload", file.read())
        if kind_of_page != "laos":
            kind = upload_form.kind.data
            confirm = kind == "entries" and bool(upload_form.confirm.data)
        try:
            plan = _run_import(kind, upload, dry_run=True, confirm=confirm)
        except DomainError as err:
            refuse(upload_form, err, default="file")
        else:
            if not plan.errors and plan.has_changes:
                staging.stage(upload)  # kept for the apply button, which names it by its SHA-256
        db.session.rollback()  # a dry run never writes
    if plan is not None and upload is not None:
        apply_form = ApplyImportForm(prefix="apply", formdata=None, data={
            "sha256": upload.sha256, "filename": upload.filename, "kind": kind, "confirm": "1" if confirm else ""})
    return render_template(template, form=upload_form, apply_form=apply_form, plan=plan, upload=upload,
                           kind=kind, confirm=confirm, from_satang=from_satang)


@bp.route("/laos/import", methods=["GET", "POST"])
def lao_import():
    """Import the LAO register from CSV or XLSX: a dry run shows every change and bad row, then apply."""
    return _import_view("laos", "admin/lao_import.html", UploadForm(), "admin.laos")


@bp.route("/import", methods=["GET", "POST"])
def import_figures():
    """Import baseline years or installment figures from CSV or XLSX: dry run, then apply."""
    return _import_view("figures", "admin/import_figures.html", FiguresUploadForm(), "admin.home")


# ---------------------------------------------------------------------------------------------------
# Accounts


@bp.route("/users")
def users():
    """Accounts: search by username, name or LAO; filter by role, province and state; paginated."""
    a = request.args
    filters = queries.UserFilters(q=a.get("q", "").strip(), role=a.get("role", ""), province=a.get("province", ""),
                                  active=a.get("active", ""))
    return render_template("admin/users.html", page=queries.users_page(filters, _page()), filters=filters,
                           provinces=queries.provinces(), roles=[r.value for r in Role])


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _password_page(user: User, password: str, created: bool):
    """Show a one-time password once, on this response only (never in a flash or the session)."""
    response = Response(render_template("admin/password_once.html", user=user, password=password, created=created))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int | None):
    """Create an account (with a one-time password) or change its person details, role and scope."""
    user = _user_or_404(user_id) if user_id else None
    data = None
    if user is not None:
        data = {"username": user.username, "full_name": user.full_name, "position": user.position,
                "phone": user.phone, "role": user.role, "lao_code": user.lao.code if user.lao else "",
                "province": user.province.code if user.province else ""}
    form = UserForm(data=data)
    form.province.choices = _province_choices("–")
    if user is not None:
        form.username.data = user.username
    if form.validate_on_submit():
        role = form.role.data
        scope = {Role.LAO_OFFICER.value: form.lao_code.data,
                 Role.PROVINCE_VERIFIER.value: form.province.data}.get(role)
        details = accounts.AccountDetails(form.full_name.data or "", form.position.data or "",
                                            form.phone.data or "", role, (scope or "").strip() or None)
        try:
            if user is None:
                saved, password = accounts.create_user(current_user, request.remote_addr, form.username.data,
                                                         details)
            else:
                accounts.update_user(current_user, request.remote_addr, user, details)
        except DomainError as err:
            if err.field == "scope":
                err.field = "lao_code" if role == Role.LAO_OFFICER.value else "province"
            refuse(form, err)
        else:
            if user is None:
                return _password_page(saved, password, created=True)
            flash(_("บันทึกบัญชี %(username)s แล้ว", username=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", form=form, user=user, button=ButtonForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_set_active(user_id: int):
    """Disable (ends its sessions) or re-enable an account."""
    user = _user_or_404(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        accounts.set_user_active(current_user, request.remote_addr, user, active)
    except DomainError as err:
        refuse(ButtonForm(), err)
    else:
        flash(_("เปิดใช้บัญชี %(u)s แล้ว", u=user.username) if active else _("ปิดใช้บัญชี %(u)s แล้ว", u=user.username),
              "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
def user_reset(user_id: int):
    """Give an account a one-time password, shown once."""
    user = _user_or_404(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    password = accounts.reset_user_password(current_user, request.remote_addr, user)
    return _password_page(user, password, created=False)


@bp.route("/users/bulk", methods=["GET", "POST"])
def users_bulk():
    """One LAO-officer account for every LAO (of a province or the country) without one; the one-time passwords
    come back as an xlsx to hand to each LAO through its provincial office."""
    provinces = queries.provinces()
    missing = queries.missing_officer_counts()
    form = BulkAccountsForm()
    form.province.choices = _province_choices(_("ทั้งประเทศ"))
    if form.validate_on_submit():
        province = province_or_404(form.province.data, current_user) if form.province.data else None
        result = accounts.bulk_create_lao_accounts(current_user, request.remote_addr, province)
        if not result.accounts:
            flash(_("ทุก อปท. ที่เลือกมีบัญชีผู้ใช้แล้ว"), "info")
            return redirect(url_for("admin.users_bulk"))
        current_app.logger.info("bulk accounts: %s created in %.1f s (hashing %.1f s, %s processes)",
                                len(result.accounts), result.seconds, result.hash_seconds, result.workers)
        name = f"lao-accounts-{province.code if province else 'all'}-{today().isoformat()}.xlsx"
        return download(exports.accounts_xlsx(result.accounts), name)
    return render_template("admin/users_bulk.html", form=form, provinces=provinces, missing=missing)


# ---------------------------------------------------------------------------------------------------
# Audit viewer (every role, scoped)


def _audit_filters() -> queries.AuditFilters:
    """The audit viewer's filters from the query string. Dates are B.E. (วว/ดด/ปปปป) from 2500 to next year:
    a malformed or out-of-window one is not applied; the page says why, the CSV export answers 400."""
    a = request.args
    dates = AuditDatesForm(a)
    dates.validate()
    errors = {f.name: str(f.errors[0]) for f in (dates.date_from, dates.date_to) if f.errors}
    if errors and request.endpoint == "admin.audit_export":
        abort(Response("\n".join(errors.values()) + "\n", 400, mimetype="text/plain; charset=utf-8"))
    filters = queries.AuditFilters(province=a.get("province", ""), lao=a.get("lao", "").strip(),
                                   user=a.get("user", "").strip(), action=a.get("action", ""),
                                   date_from=None if dates.date_from.errors else dates.date_from.data,
                                   date_to=None if dates.date_to.errors else dates.date_to.data,
                                   date_from_text=dates.date_from._value(), date_to_text=dates.date_to._value(),
                                   errors=errors,
                                   category=a.get("category", "") if current_user.has_role(Role.ADMIN) else "")
    if current_user.role == Role.LAO_OFFICER.value:
        filters.province = filters.lao = ""  # one LAO only: the scope already says which
    return filters


@bp.route("/audit")
def audit():
    """The audit trail, newest first, filtered; national viewers and admins see all, others their scope."""
    filters = _audit_filters()
    page = queries.paginate(queries.audit_query(current_user, filters), _page())
    national = current_user.role in (Role.NATIONAL_VIEWER.value, Role.ADMIN.value)
    # Walking the whole chain takes seconds per 100,000 events: only when an admin asks (?verify=1), not on
    # every filter or page change.
    verdict = verify_audit_chain() if current_user.has_role(Role.ADMIN) and request.args.get("verify") else None
    return render_template("admin/audit.html", page=page, filters=filters, national=national,
                           show_ip=may_see_addresses(current_user), snapshot_links=_snapshot_links(page.items),
                           provinces=queries.provinces() if national else [],
                           actions=queries.audit_actions(current_user), verdict=verdict,
                           categories=(queries.CHANGES, queries.SECURITY))


def _snapshot_links(items: Sequence) -> dict[int, str]:
    """{audit event id: link to the confirmation snapshot it wrote} for the confirmations on a page of the trail
    (the snapshot of an LAO confirmed at the event's moment, shown on the installment's detail page)."""
    events = [e for e, *_rest in items if e.action == AuditAction.CONFIRM_INSTALLMENT.value and e.lao_id]
    found = snapshots.snapshot_ids_at((e.lao_id, e.at) for e in events)
    links = {}
    for e in events:
        snap_id = found.get((e.lao_id, e.at))
        code, _sep, rest = (e.object_id or "").partition("/")
        year, _sep, number = rest.partition("/")
        if snap_id is not None and year.isdigit() and number.isdigit():
            links[e.id] = url_for("entry.detail", lao_code=code, year=int(year), number=int(number), new=snap_id,
                                  _anchor=f"snap-{snap_id}")
    return links


@bp.route("/audit.csv")
def audit_export():
    """The filtered audit trail as CSV (UTF-8 with BOM so Excel reads Thai), in the viewer's scope; the IP
    column only for those who may see addresses."""
    stmt = queries.audit_query(current_user, _audit_filters())
    body = stream_with_context(exports.audit_csv(queries.audit_stream(stmt), action_label,
                                                 with_ip=may_see_addresses(current_user)))
    return download(body, f"audit-{today().isoformat()}.csv")
