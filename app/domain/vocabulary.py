"""The product's words, defined once with their Thai labels (msgids; the view layer translates): LAO types,
municipality classes, the status sets reports filter by, and the audit trail's actions.

Roles, workflow states and review actions live beside their rules in `workflow`; they are re-exported
here so that a caller needs one import for the vocabulary.
"""

import enum

from .errors import N_
from .workflow import ACTION_LABELS, ROLE_LABELS, STATUS_LABELS, ReviewAction, Role, Status

__all__ = [
    "ACTION_LABELS", "AUDIT_ACTION_LABELS", "AuditAction", "CLASS_LABELS", "LAO_TYPES", "LAO_TYPE_LABELS",
    "LAO_TYPE_ORDER", "LaoType", "MUNICIPALITY_CLASSES", "RECORDED_STATUSES", "REVIEW_AUDIT_ACTIONS", "ROLE_LABELS", "SECURITY_ACTIONS",
    "ReviewAction", "Role", "STATUS_LABELS", "Status", "WORKFLOW_AUDIT_ACTIONS", "audit_action_label",
    "review_audit_action", "NotificationKind", "NOTIFICATION_KIND_LABELS",
]


class LaoType(enum.StrEnum):
    """The three kinds of LAO, in the order reports show them."""

    PAO = "PAO"
    MUNICIPALITY = "MUNICIPALITY"
    SAO = "SAO"


LAO_TYPES: tuple[str, ...] = tuple(t.value for t in LaoType)
LAO_TYPE_ORDER: dict[str, int] = {t: i for i, t in enumerate(LAO_TYPES)}
LAO_TYPE_LABELS: dict[str, str] = {LaoType.PAO: N_("อบจ."), LaoType.MUNICIPALITY: N_("เทศบาล"), LaoType.SAO: N_("อบต.")}

MUNICIPALITY_CLASSES: tuple[str, ...] = ("city", "town", "subdistrict")
CLASS_LABELS: dict[str, str] = {"city": N_("เทศบาลนคร"), "town": N_("เทศบาลเมือง"), "subdistrict": N_("เทศบาลตำบล")}

# Every state in which an LAO has recorded its figures (the verifier's and the reports' "recorded" filter).
RECORDED_STATUSES: tuple[str, ...] = (Status.RECORDED.value, Status.CONFIRMED.value, Status.RETURNED.value)


class AuditAction(enum.StrEnum):
    """What an audit event records."""

    RECORD_INSTALLMENT = "record_installment"
    CONFIRM_INSTALLMENT = "confirm_installment"
    UNCONFIRM_INSTALLMENT = "unconfirm_installment"
    RETURN_INSTALLMENT = "return_installment"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_ENABLED = "account_enabled"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_LOCKED = "account_locked"
    USER_CREATED = "user_created"
    USER_UPDATED = "user_updated"
    ACCOUNTS_BULK_CREATED = "accounts_bulk_created"
    FISCAL_YEAR_CREATED = "fiscal_year_created"
    FISCAL_YEAR_SCHEDULE_CHANGED = "fiscal_year_schedule_changed"
    DEADLINES_CHANGED = "deadlines_changed"
    ROUNDS_CHANGED = "rounds_changed"
    ITEM_ACTIVATION_CHANGED = "item_activation_changed"
    LAO_CREATED = "lao_created"
    LAO_UPDATED = "lao_updated"
    LAO_DEACTIVATED = "lao_deactivated"
    LAO_REACTIVATED = "lao_reactivated"
    LAO_IMPORT = "lao_import"
    HOLIDAY_ADDED = "holiday_added"
    HOLIDAY_REMOVED = "holiday_removed"
    KPI_DEFINED = "kpi_defined"
    SCORECARD_SUBMITTED = "scorecard_submitted"
    BASELINE_IMPORT = "baseline_import"
    ENTRIES_IMPORT = "entries_import"
    API_TOKEN_ISSUED = "api_token_issued"
    API_TOKEN_REVOKED = "api_token_revoked"
    KPI_SETTINGS_CHANGED = "kpi_settings_changed"
    SESSIONS_ENDED = "sessions_ended"
    # security events (their own category, shown to administrators only)
    LOGIN_FAILED = "login_failed"
    ACCESS_DENIED = "access_denied"
    CSRF_REJECTED = "csrf_rejected"
    TOKEN_REJECTED = "token_rejected"
    PUBLIC_PAGE_SWITCHED = "public_page_switched"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REFUSED = "extension_refused"
    EMAIL_CHANGED = "email_changed"
    EMAIL_VERIFIED = "email_verified"
    NOTICE_SENT = "notice_sent"  # a person sent a notice (national staff to provinces, a verifier to LAOs)


AUDIT_ACTION_LABELS: dict[str, str] = {
    AuditAction.RECORD_INSTALLMENT: N_("บันทึก/แก้ไขข้อมูล"),
    AuditAction.CONFIRM_INSTALLMENT: N_("ยืนยันข้อมูล"),
    AuditAction.UNCONFIRM_INSTALLMENT: N_("ไม่ยืนยันข้อมูล (ยกเลิกการยืนยัน)"),
    AuditAction.RETURN_INSTALLMENT: N_("ส่งกลับแก้ไข"),
    AuditAction.PASSWORD_CHANGED: N_("เปลี่ยนรหัสผ่าน"),
    AuditAction.PASSWORD_RESET: N_("ตั้งรหัสผ่านใหม่"),
    AuditAction.ACCOUNT_ENABLED: N_("เปิดใช้บัญชี"),
    AuditAction.ACCOUNT_DISABLED: N_("ปิดใช้บัญชี"),
    AuditAction.ACCOUNT_LOCKED: N_("ระงับบัญชีชั่วคราว"),
    AuditAction.USER_CREATED: N_("สร้างบัญชีผู้ใช้"),
    AuditAction.USER_UPDATED: N_("แก้ไขบัญชีผู้ใช้"),
    AuditAction.ACCOUNTS_BULK_CREATED: N_("สร้างบัญชี อปท. ทั้งชุด"),
    AuditAction.FISCAL_YEAR_CREATED: N_("สร้างปีงบประมาณ"),
    AuditAction.FISCAL_YEAR_SCHEDULE_CHANGED: N_("เปลี่ยนรูปแบบงวด"),
    AuditAction.DEADLINES_CHANGED: N_("แก้ไขกำหนดเวลา"),
    AuditAction.ROUNDS_CHANGED: N_("แก้ไขรอบการประเมิน"),
    AuditAction.ITEM_ACTIVATION_CHANGED: N_("แก้ไขรายการรายได้ที่ใช้"),
    AuditAction.LAO_CREATED: N_("เพิ่ม อปท."),
    AuditAction.LAO_UPDATED: N_("แก้ไขข้อมูล อปท."),
    AuditAction.LAO_DEACTIVATED: N_("ปิดใช้ อปท."),
    AuditAction.LAO_REACTIVATED: N_("เปิดใช้ อปท."),
    AuditAction.LAO_IMPORT: N_("นำเข้าทะเบียน อปท."),
    AuditAction.HOLIDAY_ADDED: N_("เพิ่มวันหยุดราชการ"),
    AuditAction.HOLIDAY_REMOVED: N_("ลบวันหยุดราชการ"),
    AuditAction.KPI_DEFINED: N_("กำหนดตัวชี้วัด"),
    AuditAction.SCORECARD_SUBMITTED: N_("ส่งแบบสรุปผลตัวชี้วัด"),
    AuditAction.BASELINE_IMPORT: N_("นำเข้าข้อมูลฐานรายปี"),
    AuditAction.ENTRIES_IMPORT: N_("นำเข้าข้อมูลรายงวด"),
    AuditAction.API_TOKEN_ISSUED: N_("ออกโทเค็น API"),
    AuditAction.API_TOKEN_REVOKED: N_("ยกเลิกโทเค็น API"),
    AuditAction.KPI_SETTINGS_CHANGED: N_("แก้ไขเกณฑ์คะแนน KPI"),
    AuditAction.SESSIONS_ENDED: N_("ออกจากระบบทุกอุปกรณ์"),
    AuditAction.LOGIN_FAILED: N_("เข้าสู่ระบบไม่สำเร็จ"),
    AuditAction.ACCESS_DENIED: N_("ถูกปฏิเสธการเข้าถึง"),
    AuditAction.CSRF_REJECTED: N_("แบบฟอร์มถูกปฏิเสธ (CSRF)"),
    AuditAction.TOKEN_REJECTED: N_("โทเค็น API ถูกปฏิเสธ"),
    AuditAction.PUBLIC_PAGE_SWITCHED: N_("เปิดหรือปิดหน้าข้อมูลสาธารณะ"),
    AuditAction.EXTENSION_REQUESTED: N_("ขอขยายกำหนดเวลา"),
    AuditAction.EXTENSION_APPROVED: N_("อนุมัติการขยายกำหนดเวลา"),
    AuditAction.EXTENSION_REFUSED: N_("ไม่อนุมัติการขยายกำหนดเวลา"),
    AuditAction.EMAIL_CHANGED: N_("เปลี่ยนที่อยู่อีเมล"),
    AuditAction.EMAIL_VERIFIED: N_("ยืนยันที่อยู่อีเมล"),
    AuditAction.NOTICE_SENT: N_("ส่งการแจ้งเตือน"),
}

# Security events: recorded in a transaction of their own (the request they describe is refused) and shown
# to administrators only, as their own category of the audit trail.
SECURITY_ACTIONS: tuple[str, ...] = (AuditAction.LOGIN_FAILED.value, AuditAction.ACCOUNT_LOCKED.value,
                                     AuditAction.ACCESS_DENIED.value, AuditAction.CSRF_REJECTED.value,
                                     AuditAction.TOKEN_REJECTED.value)

REVIEW_AUDIT_ACTIONS: dict[ReviewAction, AuditAction] = {
    ReviewAction.CONFIRM: AuditAction.CONFIRM_INSTALLMENT,
    ReviewAction.UNCONFIRM: AuditAction.UNCONFIRM_INSTALLMENT,
    ReviewAction.RETURN: AuditAction.RETURN_INSTALLMENT,
}
WORKFLOW_AUDIT_ACTIONS: tuple[str, ...] = (AuditAction.RECORD_INSTALLMENT.value,
                                           *(a.value for a in REVIEW_AUDIT_ACTIONS.values()))


def review_audit_action(action: ReviewAction) -> AuditAction:
    """The audit action that records a verifier's review action."""
    return REVIEW_AUDIT_ACTIONS[ReviewAction(action)]


def audit_action_label(action: str) -> str | None:
    """The label msgid of an audit action code, or None for a code this version does not know."""
    return AUDIT_ACTION_LABELS.get(action)


class NotificationKind(enum.StrEnum):
    """What a notification is about (a user may turn e-mail off per kind)."""

    ENTRY_REMINDER = "entry_reminder"          # an LAO's open installment is not recorded yet
    CONFIRM_REMINDER = "confirm_reminder"      # a verifier's recorded installments wait for confirmation
    NATIONAL_DIGEST = "national_digest"        # national staff: provinces behind schedule
    PROVINCE_NOTICE = "province_notice"        # national staff push a late province (its verifiers receive it)
    LAO_NUDGE = "lao_nudge"                    # a verifier reminds selected LAOs
    EXTENSION_REQUEST = "extension_request"    # someone asks for a later deadline
    EXTENSION_DECISION = "extension_decision"  # the request was approved or refused


NOTIFICATION_KIND_LABELS: dict[str, str] = {
    NotificationKind.ENTRY_REMINDER: N_("เตือนการบันทึกข้อมูล"),
    NotificationKind.CONFIRM_REMINDER: N_("เตือนการยืนยันข้อมูล"),
    NotificationKind.NATIONAL_DIGEST: N_("สรุปจังหวัดที่ล่าช้าประจำวัน"),
    NotificationKind.PROVINCE_NOTICE: N_("หนังสือแจ้งเตือนจังหวัด"),
    NotificationKind.LAO_NUDGE: N_("การแจ้งเตือนจากจังหวัด"),
    NotificationKind.EXTENSION_REQUEST: N_("คำขอขยายกำหนดเวลา"),
    NotificationKind.EXTENSION_DECISION: N_("ผลการพิจารณาขยายกำหนดเวลา"),
}
