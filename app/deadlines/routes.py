"""Views of deadline extensions: the list in the user's scope, asking (an LAO officer for its entry deadline, a
verifier for its province's confirmation deadline), one request's page and its decision."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db, reference
from ..auth.loaders import lao_or_404, roles_required, scope_of
from ..domain.errors import ConflictError, DomainError, NotPermittedError
from ..domain.extensions import (
    DECISION_LABELS,
    EXTENSION_STATUSES,
    KIND_LABELS,
    STATUS_LABELS,
    ExtensionKind,
    ExtensionStatus,
    latest_allowed,
)
from ..domain.workflow import Role
from ..models import DeadlineExtension, Installment, Lao
from ..params import whole
from ..web import action_time, domain_message, refuse, today
from . import operations, queries
from .forms import DecisionForm, RequestForm

bp = Blueprint("deadlines", __name__)


@bp.context_processor
def _labels():
    """Labels the deadline templates translate."""
    return {"kind_labels": KIND_LABELS, "extension_status_labels": STATUS_LABELS, "decision_labels": DECISION_LABELS}


def _max_days() -> int:
    """How many days after the original deadline an extension may reach (config EXTENSION_MAX_DAYS)."""
    return int(current_app.config.get("EXTENSION_MAX_DAYS", 15))


def _installment_or_404(year: int, number: int) -> Installment:
    """Installment `number` of fiscal `year` from the reference cache, or 404."""
    inst = reference.current().installment(year, number) if year < 10_000 and number < 100 else None
    if inst is None:
        abort(404)
    return inst


def extension_or_404(ext_id: int) -> DeadlineExtension:
    """The request `ext_id` if the signed-in user's scope covers it; 404 otherwise (outsiders learn nothing)."""
    ext = db.session.get(DeadlineExtension, ext_id) if 0 < ext_id < 2**31 else None
    if ext is None or not queries.visible(ext, scope_of(current_user)):
        abort(404)
    return ext


@bp.route("/")
@login_required
def index():
    """The requests in the user's scope, those waiting for a decision first; ?status= narrows them."""
    status = request.args.get("status") or None
    if status not in (None, *EXTENSION_STATUSES):
        status = None
    page = min(request.args.get("page", 1, type=whole) or 1, 10_000)
    scope = scope_of(current_user)
    rows, more = queries.requests_in_scope(scope, status=status, offset=(page - 1) * queries.PAGE_SIZE)
    return render_template("deadlines/index.html", rows=rows, more=more, page=page, status=status,
                           pending=queries.pending_count(scope), statuses=EXTENSION_STATUSES)


def _request_page(form: RequestForm, kind: ExtensionKind, inst: Installment, current, standing, *, lao: Lao | None,
                  code: int = 200):
    """The request form with the deadline in force and the latest date allowed."""
    original = inst.entry_deadline if kind == ExtensionKind.ENTRY else inst.confirm_deadline
    return render_template("deadlines/request.html", form=form, kind=kind.value, inst=inst, lao=lao,
                           original=original, current=current, limit=latest_allowed(original, _max_days()),
                           standing=standing, max_days=_max_days()), code


def _ask(kind: ExtensionKind, inst, current, standing, lao, submit, done: str):
    """The request page of either kind: `submit(form)` runs the operation; a refusal re-renders with its messages
    (400), a success goes to the request's page with the flash `done`."""
    form = RequestForm()
    if form.validate_on_submit():
        try:
            ext = submit(form)
        except NotPermittedError:
            raise
        except DomainError as err:
            refuse(form, err)
            return _request_page(form, kind, inst, current, standing, lao=lao, code=400)
        flash(done, "success")
        return redirect(url_for(".detail", ext_id=ext.id))
    return _request_page(form, kind, inst, current, standing, lao=lao, code=400 if request.method == "POST" else 200)


@bp.route("/entry/<lao_code>/<int:year>/<int:number>", methods=["GET", "POST"])
@roles_required(Role.LAO_OFFICER)
def request_entry(lao_code: str, year: int, number: int):
    """An LAO officer asks for a later entry deadline of one installment of its LAO."""
    lao = lao_or_404(lao_code, current_user)
    inst = _installment_or_404(year, number)
    return _ask(ExtensionKind.ENTRY, inst, queries.entry_deadline_of(lao.id, inst),
                queries.standings(ExtensionKind.ENTRY, [inst.id], lao_id=lao.id).get(inst.id), lao,
                lambda form: operations.request_entry_extension(
                    current_user._get_current_object(), request.remote_addr, lao, inst,
                    requested=form.requested_deadline.data, reason=form.reason.data, today=today(),
                    max_days=_max_days(), now=action_time()),
                _("ส่งคำขอขยายกำหนดบันทึกข้อมูลงวดที่ %(n)s แล้ว รอ สถจ. พิจารณา", n=inst.number))


@bp.route("/confirm/<int:year>/<int:number>", methods=["GET", "POST"])
@roles_required(Role.PROVINCE_VERIFIER)
def request_confirm(year: int, number: int):
    """A provincial verifier asks national staff for a later confirmation deadline of one installment."""
    province = current_user.province
    if province is None:
        abort(403)
    inst = _installment_or_404(year, number)
    return _ask(ExtensionKind.CONFIRM, inst, queries.confirm_deadline_of(province.id, inst),
                queries.standings(ExtensionKind.CONFIRM, [inst.id], province_id=province.id).get(inst.id), None,
                lambda form: operations.request_confirm_extension(
                    current_user._get_current_object(), request.remote_addr, province, inst,
                    requested=form.requested_deadline.data, reason=form.reason.data, today=today(),
                    max_days=_max_days(), now=action_time()),
                _("ส่งคำขอขยายกำหนดยืนยันข้อมูลงวดที่ %(n)s แล้ว รอส่วนกลางพิจารณา", n=inst.number))


def _may_decide(ext: DeadlineExtension) -> bool:
    """Whether the signed-in user may decide `ext` now (pending, and the right role and province)."""
    if ext.status != ExtensionStatus.PENDING.value:
        return False
    try:
        operations.check_may_decide(current_user, ext)
    except NotPermittedError:
        return False
    return True


def _detail_page(ext: DeadlineExtension, form: DecisionForm | None = None, code: int = 200,
                 error: str | None = None):
    """One request with, for whoever may decide it, the decision form."""
    inst = reference.current().installment_by_id.get(ext.installment_id) or db.session.get_one(
        Installment, ext.installment_id)
    kind = ExtensionKind(ext.kind)
    original = inst.entry_deadline if kind == ExtensionKind.ENTRY else inst.confirm_deadline
    current = (queries.entry_deadline_of(ext.lao_id, inst) if ext.lao_id is not None
               else queries.confirm_deadline_of(ext.province_id, inst))
    may_decide = _may_decide(ext)
    if may_decide and form is None:
        form = DecisionForm(formdata=None, data={"version": ext.version, "new_deadline": ext.requested_deadline,
                                                 "decision": "approve"})
    return render_template("deadlines/detail.html", ext=ext, inst=inst, original=original, current=current,
                           limit=latest_allowed(original, _max_days()), max_days=_max_days(),
                           form=form if may_decide else None, error=error), code


@bp.route("/<int:ext_id>")
@login_required
def detail(ext_id: int):
    """One request: what was asked, why, and the decision (or the form to decide it)."""
    return _detail_page(extension_or_404(ext_id))


@bp.route("/<int:ext_id>/decide", methods=["POST"])
@login_required
def decide(ext_id: int):
    """Approve (with a date) or refuse a pending request, with a reason."""
    ext = extension_or_404(ext_id)
    operations.check_may_decide(current_user, ext)  # 403 for a role that may not decide
    form = DecisionForm()
    if not form.validate_on_submit():
        return _detail_page(ext, form, 400)
    try:
        version = int(form.version.data) if form.version.data else None
    except (TypeError, ValueError):
        version = None
    try:
        operations.decide(current_user._get_current_object(), request.remote_addr, ext, version=version,
                          decision=form.decision.data or "", new_deadline=form.new_deadline.data,
                          reason=form.decision_reason.data, today=today(), max_days=_max_days(), now=action_time())
    except NotPermittedError:
        raise
    except ConflictError as err:
        db.session.rollback()
        fresh = extension_or_404(ext_id)
        db.session.refresh(fresh)
        return _detail_page(fresh, None, 409, error=domain_message(err))
    except DomainError as err:
        refuse(form, err)
        return _detail_page(extension_or_404(ext_id), form, 400)
    flash(_("บันทึกผลการพิจารณาแล้ว"), "success")
    return redirect(url_for(".detail", ext_id=ext_id))
