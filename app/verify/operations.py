"""Use cases of the provincial office: confirm, unconfirm or return installments in bulk."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from .. import audit, db
from ..domain.errors import DomainError, N_, NotPermittedError, ValidationError
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
    if actor.role != Role.PROVINCE_VERIFIER.value or actor.province_id != lao.province_id:
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
    action = ReviewAction(action)
    errors: dict[str, DomainError] = {}
    if not versions:
        errors["laos"] = DomainError("laos", N_("กรุณาเลือก อปท. อย่างน้อย 1 แห่ง"))
    if not (position or "").strip():
        errors["position"] = DomainError("position", N_("กรุณากรอกตำแหน่งผู้ตรวจสอบ"))
    if not (phone or "").strip():
        errors["phone"] = DomainError("phone", N_("กรุณากรอกหมายเลขโทรศัพท์ผู้ตรวจสอบ"))
    if action != ReviewAction.CONFIRM and not (reason or "").strip():
        errors["reason"] = DomainError("reason", N_("กรุณาระบุเหตุผล"))
    if errors:
        raise ValidationError(errors)

    db.begin_write()
    laos = {lao.id: lao for lao in db.session.scalars(select(Lao).where(Lao.id.in_(list(versions))))}
    if len(laos) != len(versions):
        raise DomainError("laos", N_("ไม่พบ อปท. บางแห่งที่เลือก"))
    for lao in laos.values():
        check_may_review(actor, lao)
    reports = {
        r.lao_id: r
        for r in db.session.scalars(
            select(InstallmentReport)
            .where(InstallmentReport.installment_id == installment.id, InstallmentReport.lao_id.in_(list(versions)))
            .order_by(InstallmentReport.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    now = now or utcnow()
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
        old = {"status": status.value}
        report.status = new_status.value
        if action == ReviewAction.CONFIRM:
            report.confirmer_name = actor.full_name or actor.username
            report.confirmer_position = position.strip()
            report.confirmer_phone = phone.strip()
            report.confirmed_by_id = actor.id
            report.confirmed_at = now
            report.confirmed_late = today > installment.confirm_deadline
        else:
            report.return_reason = reason.strip()
            report.confirmed_at = None
            report.confirmed_by_id = None
            report.confirmed_late = False
        new = {"status": new_status.value, "position": position.strip(), "phone": phone.strip()}
        if action != ReviewAction.CONFIRM:
            new["reason"] = reason.strip()
        else:
            new["late"] = report.confirmed_late
        audit.record(actor, ip, f"{action.value}_installment", "installment_report",
                     f"{lao.code}/{installment.fiscal_year_id}/{installment.number}",
                     lao_id=lao.id, province_id=lao.province_id, old=old, new=new)
        result.applied.append(lao)
    db.session.flush()
    return result
