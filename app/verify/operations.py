"""Use cases of the provincial office: review installments in bulk, and care for its LAOs' accounts."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from .. import audit, db, snapshots
from ..auth import operations as auth_operations
from ..deadlines import queries as deadline_queries
from ..domain.errors import N_, DomainError, NotPermittedError, ValidationError
from ..domain.extensions import effective_deadline, is_late
from ..domain.limits import MAX_REASON
from ..domain.vocabulary import review_audit_action
from ..domain.workflow import ReviewAction, Role, Status, review_transition
from ..models import Installment, InstallmentReport, Lao, User, utcnow


@dataclass
class ReviewResult:
    """What a bulk review did: the LAOs changed and those left alone because they changed meanwhile."""

    applied: list[Lao] = field(default_factory=list)
    stale: list[Lao] = field(default_factory=list)


def check_may_review(actor: User, lao: Lao) -> None:
    """A province verifier reviews its own province's LAOs, an admin any; NotPermittedError otherwise."""
    if actor.role == Role.ADMIN.value:
        return
    if actor.role != Role.PROVINCE_VERIFIER.value or not actor.scope.covers_province(lao.province_id):
        raise NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์ตรวจสอบข้อมูลของ อปท. นี้"))


def review_installments(
    actor: User,
    ip: str | None,
    installment: Installment,
    versions: dict[int, int],
    action: ReviewAction | str,
    *,
    reason: str | None,
    position: str,
    phone: str,
    today: date,
    now: datetime | None = None,
) -> ReviewResult:
    """Apply `action` to the reports of the LAOs in `versions` (lao id -> version the verifier saw).

    One transaction: a row whose version changed since the page loaded is left alone and reported in
    `stale`; any other broken rule (scope, state, missing reason/position/phone) raises and nothing
    is applied. Raises NotPermittedError, ValidationError, DomainError.
    """
    errors: dict[str, DomainError] = {}
    try:
        action = ReviewAction(action)
    except ValueError:
        raise ValidationError({"action": DomainError("action", N_("กรุณาเลือกการดำเนินการ"))}) from None
    if not versions:
        errors["laos"] = DomainError("laos", N_("กรุณาเลือก อปท. อย่างน้อย 1 แห่ง"))
    if not (position or "").strip():
        errors["position"] = DomainError("position", N_("กรุณากรอกตำแหน่งผู้ตรวจสอบ"))
    elif len(position.strip()) > 200:
        errors["position"] = DomainError("position", N_("ตำแหน่งยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=200)
    if not (phone or "").strip():
        errors["phone"] = DomainError("phone", N_("กรุณากรอกหมายเลขโทรศัพท์ผู้ตรวจสอบ"))
    elif len(phone.strip()) > 50:
        errors["phone"] = DomainError("phone", N_("หมายเลขโทรศัพท์ยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=50)
    if action != ReviewAction.CONFIRM and not (reason or "").strip():
        errors["reason"] = DomainError("reason", N_("กรุณาระบุเหตุผล"))
    if len((reason or "").strip()) > MAX_REASON:
        errors["reason"] = DomainError("reason", N_("เหตุผลยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=MAX_REASON)
    if errors:
        raise ValidationError(errors)
    reason_text = (reason or "").strip()

    db.begin_write()
    laos = {lao.id: lao for lao in db.session.scalars(select(Lao).where(Lao.id.in_(list(versions))))}
    if len(laos) != len(versions):
        raise DomainError("laos", N_("ไม่พบ อปท. บางแห่งที่เลือก"))
    for lao in laos.values():
        check_may_review(actor, lao)
    reports = {
        r.lao_id: r
        for r in db.session.scalars(db.locked(
            select(InstallmentReport)
            .where(InstallmentReport.installment_id == installment.id, InstallmentReport.lao_id.in_(list(versions)))
            .order_by(InstallmentReport.id)
        ))
    }
    now = now or utcnow()
    # confirmation deadlines in force per province: the installment's, or an approved extension (app.deadlines)
    # (an extension only moves it later: asked only once the installment's own deadline has passed)
    extended = deadline_queries.confirm_extensions(
        [installment.id], {lao.province_id for lao in laos.values()}) if today > installment.confirm_deadline else {}
    result = ReviewResult()
    for lao_id in sorted(versions, key=lambda i: laos[i].code):
        lao, report = laos[lao_id], reports.get(lao_id)
        current_version = report.version if report else 0
        if int(versions[lao_id]) != current_version:
            result.stale.append(lao)
            continue
        status = Status(report.status) if report else Status.NOT_RECORDED
        try:
            new_status = review_transition(status, action, reason)
        except DomainError as err:
            raise DomainError(err.field, N_("%(lao)s: %(problem)s"), lao=lao.name_th, problem=str(err)) from err
        if report is None:  # review_transition refuses every action on an installment never recorded
            raise RuntimeError(f"no report of LAO {lao.code} to {action.value}")
        old = {"status": status.value}
        report.status = new_status.value
        if action == ReviewAction.CONFIRM:
            report.confirmer_name = actor.full_name or actor.username
            report.confirmer_position = position.strip()
            report.confirmer_phone = phone.strip()
            report.confirmed_by_id = actor.id
            report.confirmed_at = now
            report.confirmed_late = is_late(today, effective_deadline(
                installment.confirm_deadline, [extended.get((lao.province_id, installment.id))]))
            report.return_reason = None  # settled: the LAO's form no longer shows an old request
        else:
            # unconfirm and return reopen the installment for the LAO, whose form shows the reason
            report.return_reason = reason_text
            report.confirmer_name = report.confirmer_position = report.confirmer_phone = None
            report.confirmed_at = None
            report.confirmed_by_id = None
            report.confirmed_late = False
        new: dict[str, str | bool] = {"status": new_status.value, "position": position.strip(), "phone": phone.strip()}
        if action != ReviewAction.CONFIRM:
            new["reason"] = reason_text
        else:
            new["late"] = report.confirmed_late
        audit.record(actor, ip, review_audit_action(action), "installment_report",
                     audit.installment_object_id(lao, installment),
                     lao_id=lao.id, province_id=lao.province_id, old=old, new=new, at=now)
        result.applied.append(lao)
    db.session.flush()
    # what each report now is, kept for good (a confirmation's snapshot; an unconfirm or return with its reason)
    snapshots.capture([(lao.id, installment.id) for lao in result.applied], event=action.value, at=now, actor=actor,
                      reason=reason_text if action != ReviewAction.CONFIRM else None)
    return result


def check_may_manage_account(actor: User, target: User) -> None:
    """An admin manages any account; a verifier only LAO-officer accounts of its province's LAOs.

    Raises NotPermittedError otherwise.
    """
    if actor.role == Role.ADMIN.value:
        return
    if (
        actor.role != Role.PROVINCE_VERIFIER.value
        or target.role != Role.LAO_OFFICER.value
        or target.lao is None
        or not actor.scope.covers_province(target.lao.province_id)
    ):
        raise NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์จัดการบัญชีผู้ใช้นี้"))


def reset_lao_password(actor: User, target: User, ip: str | None) -> str:
    """Give `target` a one-time password (shown once, changed at next login); audited.

    Raises NotPermittedError outside the actor's scope.
    """
    check_may_manage_account(actor, target)
    db.begin_write()
    target = db.session.get_one(User, target.id, populate_existing=True)
    return auth_operations.reset_password(actor, target, ip)


def set_lao_account_active(actor: User, target: User, active: bool, ip: str | None) -> None:
    """Enable or disable `target` (disabling ends its sessions); audited.

    Raises NotPermittedError outside the actor's scope, DomainError for one's own account.
    """
    check_may_manage_account(actor, target)
    db.begin_write()
    target = db.session.get_one(User, target.id, populate_existing=True)
    auth_operations.set_active(actor, target, active, ip)
