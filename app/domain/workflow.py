"""Installment workflow: states, who may do what, and the transitions between states."""

import enum
from datetime import date, timedelta

from .calendar import thai_date
from .errors import ConflictError, DomainError, LockedError, N_


class Status(str, enum.Enum):
    """State of one LAO's installment report."""

    NOT_RECORDED = "not_recorded"
    RECORDED = "recorded"
    CONFIRMED = "confirmed"
    RETURNED = "returned"


STATUS_LABELS = {
    Status.NOT_RECORDED: N_("ยังไม่บันทึก"),
    Status.RECORDED: N_("บันทึกแล้ว"),
    Status.CONFIRMED: N_("ยืนยันแล้ว"),
    Status.RETURNED: N_("ส่งกลับแก้ไข"),
}


class Role(str, enum.Enum):
    """User roles."""

    LAO_OFFICER = "lao_officer"
    PROVINCE_VERIFIER = "province_verifier"
    NATIONAL_VIEWER = "national_viewer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.LAO_OFFICER: N_("เจ้าหน้าที่ อปท."),
    Role.PROVINCE_VERIFIER: N_("ผู้ตรวจสอบ สถจ."),
    Role.NATIONAL_VIEWER: N_("เจ้าหน้าที่ส่วนกลาง สถ."),
    Role.ADMIN: N_("ผู้ดูแลระบบ"),
}


class ReviewAction(str, enum.Enum):
    """What a provincial verifier does to a recorded installment."""

    CONFIRM = "confirm"
    UNCONFIRM = "unconfirm"
    RETURN = "return"


ACTION_LABELS = {
    ReviewAction.CONFIRM: N_("ยืนยันข้อมูล"),
    ReviewAction.UNCONFIRM: N_("ไม่ยืนยันข้อมูล"),
    ReviewAction.RETURN: N_("ส่งกลับแก้ไข"),
}


def check_version(expected: int | None, current: int) -> None:
    """Raise ConflictError when the version the user saw is not the current one."""
    if expected is None or int(expected) != int(current):
        raise ConflictError(
            "version", N_("ข้อมูลงวดนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่ท่านเปิดหน้านี้ กรุณาตรวจสอบตัวเลขปัจจุบันแล้วบันทึกใหม่")
        )


def check_can_record(status: Status, period_end: date, today: date) -> None:
    """An LAO may record an installment whose period has ended and which is not confirmed.

    Raises DomainError before the period ends, LockedError once confirmed.
    """
    if today <= period_end:
        raise DomainError(None, N_("งวดนี้ยังไม่สิ้นสุด เปิดให้บันทึกได้ตั้งแต่วันที่ %(opens)s"), opens=thai_date(period_end + timedelta(days=1)))
    if status == Status.CONFIRMED:
        raise LockedError(
            None, N_("งวดนี้ สถจ. ยืนยันข้อมูลแล้ว แก้ไขไม่ได้ หากต้องการแก้ไขโปรดติดต่อ สถจ. เพื่อยกเลิกการยืนยัน")
        )


def review_transition(status: Status, action: ReviewAction, reason: str | None) -> Status:
    """The state after a verifier's action, or DomainError when the action is not allowed.

    confirm: recorded or returned -> confirmed. unconfirm: confirmed -> recorded (reason required).
    return: recorded or confirmed -> returned (reason required).
    """
    reason = (reason or "").strip()
    if action == ReviewAction.CONFIRM:
        if status not in (Status.RECORDED, Status.RETURNED):
            if status == Status.CONFIRMED:
                raise DomainError("action", N_("งวดนี้ยืนยันแล้ว"))
            raise DomainError("action", N_("ยืนยันได้เฉพาะงวดที่ อปท. บันทึกข้อมูลแล้ว"))
        return Status.CONFIRMED
    if not reason:
        raise DomainError("reason", N_("กรุณาระบุเหตุผล"))
    if action == ReviewAction.UNCONFIRM:
        if status != Status.CONFIRMED:
            raise DomainError("action", N_("ยกเลิกการยืนยันได้เฉพาะงวดที่ยืนยันแล้ว"))
        return Status.RECORDED
    if action == ReviewAction.RETURN:
        if status not in (Status.RECORDED, Status.CONFIRMED):
            raise DomainError("action", N_("ส่งกลับแก้ไขได้เฉพาะงวดที่บันทึกแล้วหรือยืนยันแล้ว"))
        return Status.RETURNED
    raise DomainError("action", N_("ไม่รู้จักการดำเนินการนี้"))  # pragma: no cover
