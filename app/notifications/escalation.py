"""Notices people send by hand: national staff push late provinces (their verifiers receive a PROVINCE_NOTICE), a
verifier reminds selected LAOs of its province (their officers receive an LAO_NUDGE). Each is scope-checked here,
failing closed (one target outside the sender's scope refuses the whole send, nothing written), audited as
NOTICE_SENT, and shows its sender to the receiver."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select

from .. import audit, db
from ..auth.loaders import scope_of
from ..domain.errors import N_, DomainError, NotPermittedError
from ..domain.vocabulary import RECORDED_STATUSES, AuditAction, NotificationKind
from ..domain.workflow import Role
from ..i18n import gettext as _
from ..models import Installment, InstallmentReport, Lao, Province, User
from .operations import Message, notify_each
from .reminders import due_text, entry_deadline_of, installment_text, path_for, recipients_of, stored_texts

MAX_MESSAGE = 1000
MAX_TARGETS = 10_000
_OUTSIDE = N_("มี อปท. ที่อยู่นอกขอบเขตของบัญชีนี้ จึงไม่ได้ส่งการแจ้งเตือนใด ๆ")


@dataclass
class Sent:
    """What a notice reached: targets (provinces or LAOs) with someone to receive it, messages, and targets skipped
    (no active account; or, for LAOs, already recorded)."""

    targets: int
    messages: int
    skipped: list[str]


def _clean_message(text: str | None) -> str:
    """The sender's optional words, trimmed; DomainError('message') when too long."""
    text = (text or "").strip()
    if len(text) > MAX_MESSAGE:
        raise DomainError("message", N_("ข้อความยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=MAX_MESSAGE)
    return text


def _sender_name(user: User) -> str:
    """The sender as the receiver reads it."""
    return user.full_name or user.username


def send_province_notice(actor: User, ip: str | None, installment: Installment, codes: list[str],
                         message: str | None, today: date, now: datetime | None = None) -> Sent:
    """National staff tell the verifiers of the provinces `codes` that they are behind on `installment`.

    Raises NotPermittedError (not national staff, or a province outside the scope), DomainError('provinces') when
    none is chosen or one is unknown, DomainError('message')."""
    from ..reports.queries import monitoring

    if not actor.has_role(Role.NATIONAL_VIEWER, Role.ADMIN) or not scope_of(actor).is_national:
        raise NotPermittedError(None, N_("เฉพาะเจ้าหน้าที่ส่วนกลางและผู้ดูแลระบบเท่านั้น"))
    text = _clean_message(message)
    wanted = sorted(set(codes))
    if not wanted:
        raise DomainError("provinces", N_("กรุณาเลือกจังหวัดอย่างน้อย 1 จังหวัด"))
    if len(wanted) > MAX_TARGETS:
        raise DomainError("provinces", N_("เลือกจังหวัดไม่ถูกต้อง"))
    provinces = {p.code: p for p in db.session.scalars(select(Province).where(Province.code.in_(wanted)))}
    if len(provinces) != len(wanted):
        raise DomainError("provinces", N_("เลือกจังหวัดไม่ถูกต้อง"))
    rows = {r.code: r for r in monitoring(installment.fiscal_year_id, installment.number, today).rows}
    verifiers = recipients_of(Role.PROVINCE_VERIFIER, User.province_id, [p.id for p in provinces.values()])
    messages, skipped = [], []
    with stored_texts():
        url = path_for("verify.home", year=installment.fiscal_year_id, number=installment.number)
        for code in wanted:
            province = provinces[code]
            if province.id not in verifiers:
                skipped.append(province.name_th)
                continue
            row = rows.get(code)
            lines = [_("%(sender)s (ส่วนกลาง) แจ้ง สถจ.%(province)s เรื่อง %(inst)s", sender=_sender_name(actor),
                       province=province.name_th, inst=installment_text(installment))]
            if row is not None:
                lines.append(_("บันทึกแล้ว %(rec)s จาก %(laos)s แห่ง · ยืนยันแล้ว %(conf)s แห่ง",
                               rec=f"{row.recorded:,}", laos=f"{row.laos:,}", conf=f"{row.confirmed:,}"))
            lines.append(due_text(installment.entry_deadline, today, _("กำหนดบันทึก")))
            lines.append(due_text(installment.confirm_deadline, today, _("กำหนดยืนยัน")))
            if text:
                lines += ["", _("ข้อความ: %(text)s", text=text)]
            subject = _("แจ้งเตือนจากส่วนกลาง: จังหวัด%(province)s %(inst)s", province=province.name_th,
                        inst=installment_text(installment))
            messages.append(Message(verifiers[province.id], subject, "\n".join(lines), url))
    created = notify_each(messages, NotificationKind.PROVINCE_NOTICE, sender=actor, now=now)
    if messages:
        reached = [c for c in wanted if provinces[c].id in verifiers]
        audit.record(actor, ip, AuditAction.NOTICE_SENT, "notice",
                     f"{installment.fiscal_year_id}/{installment.number}",
                     new={"kind": NotificationKind.PROVINCE_NOTICE.value, "provinces": reached, "recipients": created,
                          "message": text or None}, at=now)
        db.session.flush()
    return Sent(len(messages), created, skipped)


def nudge_laos(actor: User, ip: str | None, installment: Installment, lao_ids: list[int], message: str | None,
               today: date, now: datetime | None = None) -> Sent:
    """A verifier (or an administrator) reminds the officers of the LAOs `lao_ids` to record `installment`; LAOs
    that have recorded it meanwhile are skipped.

    Raises NotPermittedError (another role, or any LAO outside the sender's scope: nothing is sent),
    DomainError('laos') when none is chosen, DomainError('message')."""
    scope = scope_of(actor)
    if not actor.has_role(Role.PROVINCE_VERIFIER, Role.ADMIN) or scope.is_nothing:
        raise NotPermittedError(None, N_("เฉพาะผู้ตรวจสอบของจังหวัดและผู้ดูแลระบบเท่านั้น"))
    text = _clean_message(message)
    wanted = sorted({i for i in lao_ids if 0 < i < 2**31})
    if not wanted or len(wanted) > MAX_TARGETS:
        raise DomainError("laos", N_("กรุณาเลือก อปท. อย่างน้อย 1 แห่ง"))
    if len(wanted) != len(set(lao_ids)):
        raise NotPermittedError(None, _OUTSIDE)
    deadline = entry_deadline_of(Lao.id)
    rows = db.session.execute(
        select(Lao, InstallmentReport.status, deadline).select_from(Lao)
        .join(Installment, Installment.id == installment.id)
        .outerjoin(InstallmentReport, and_(InstallmentReport.lao_id == Lao.id,
                                           InstallmentReport.installment_id == installment.id))
        .where(Lao.id.in_(wanted))).all()
    if len(rows) != len(wanted) or not all(scope.covers_lao(lao.id, lao.province_id) for lao, _s, _d in rows):
        raise NotPermittedError(None, _OUTSIDE)  # fail closed: one LAO the sender may not reach refuses the whole send
    officers = recipients_of(Role.LAO_OFFICER, User.lao_id, wanted)
    messages, skipped, codes = [], [], []
    with stored_texts():
        for lao, status, due in sorted(rows, key=lambda r: r[0].code):
            if status in RECORDED_STATUSES or lao.id not in officers:
                skipped.append(lao.name_th)
                continue
            codes.append(lao.code)
            sender = (_("สถจ.%(province)s", province=actor.province.name_th) if actor.province is not None
                      else _("ผู้ดูแลระบบ"))
            lines = [_("%(sender)s (%(who)s) ขอให้ %(lao)s บันทึกข้อมูลรายได้ %(inst)s", sender=_sender_name(actor),
                       who=sender, lao=lao.name_th, inst=installment_text(installment)),
                     due_text(due, today, _("กำหนดบันทึก"))]
            if text:
                lines += ["", _("ข้อความ: %(text)s", text=text)]
            subject = _("%(sender)s แจ้งเตือน: กรุณาบันทึก%(inst)s", sender=sender,
                        inst=installment_text(installment))
            url = path_for("entry.edit", lao_code=lao.code, year=installment.fiscal_year_id, number=installment.number)
            messages.append(Message(officers[lao.id], subject, "\n".join(lines), url))
    created = notify_each(messages, NotificationKind.LAO_NUDGE, sender=actor, now=now)
    if messages:
        audit.record(actor, ip, AuditAction.NOTICE_SENT, "notice",
                     f"{installment.fiscal_year_id}/{installment.number}",
                     province_id=scope.province_id if not scope.is_national else None,
                     new={"kind": NotificationKind.LAO_NUDGE.value, "laos": codes, "recipients": created,
                          "message": text or None}, at=now)
        db.session.flush()
    return Sent(len(messages), created, skipped)

