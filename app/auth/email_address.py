"""One's own e-mail address: set it (audited; a new address is unverified), verify it by a signed, expiring link
(itsdangerous with the app's key, bound to the account and the address), and turn e-mail off per kind of message."""

import re
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from .. import audit, db, mail
from ..domain.errors import N_, DomainError
from ..domain.vocabulary import AuditAction, NotificationKind
from ..domain.workflow import Role
from ..i18n import gettext as _
from ..models import User, utcnow

MAX_EMAIL = 254
_SALT = "email-verification"
# one @, something before it, a dotted domain after it, no spaces or controls (the mail server checks the rest)
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+", re.ASCII)


def normalise(address: str | None) -> str | None:
    """The address as stored (trimmed, domain lower-cased), None when empty; DomainError('email') when invalid."""
    text = (address or "").strip()
    if not text:
        return None
    if len(text) > MAX_EMAIL or not _EMAIL.fullmatch(text):
        raise DomainError("email", N_("รูปแบบที่อยู่อีเมลไม่ถูกต้อง"))
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


_KINDS_OF_ROLE: dict[str, tuple[NotificationKind, ...]] = {
    Role.LAO_OFFICER.value: (NotificationKind.ENTRY_REMINDER, NotificationKind.LAO_NUDGE,
                             NotificationKind.EXTENSION_DECISION),
    Role.PROVINCE_VERIFIER.value: (NotificationKind.CONFIRM_REMINDER, NotificationKind.PROVINCE_NOTICE,
                                   NotificationKind.EXTENSION_REQUEST, NotificationKind.EXTENSION_DECISION),
    Role.NATIONAL_VIEWER.value: (NotificationKind.NATIONAL_DIGEST, NotificationKind.EXTENSION_REQUEST,
                                 NotificationKind.EXTENSION_DECISION),
}


def kinds_for(user: User) -> tuple[NotificationKind, ...]:
    """The kinds of message the user's role receives (an administrator's: every kind), offered on the profile."""
    return _KINDS_OF_ROLE.get(user.role, tuple(NotificationKind))


def _for_update(user: User) -> User:
    """The user's row re-read for writing."""
    row = db.session.scalar(db.locked(select(User).where(User.id == user.id)))
    if row is None:
        raise DomainError(None, N_("ไม่พบบัญชีผู้ใช้"))
    return row


def save_settings(user: User, ip: str | None, address: str | None, mailed_kinds: set[str],
                  now: datetime | None = None) -> bool:
    """Set the user's address and which of its role's kinds are mailed (the others keep their setting); return
    whether the address changed (then it is unverified and the change is audited). Raises DomainError('email')."""
    new = normalise(address)
    row = _for_update(user)
    offered = {k.value for k in kinds_for(row)}
    kept = set(row.email_optout or []) - offered
    row.email_optout = sorted(kept | {k for k in offered if k not in mailed_kinds})
    changed = new != row.email
    if changed:
        audit.record(user, ip, AuditAction.EMAIL_CHANGED, "user", row.username,
                     old={"email": row.email}, new={"email": new})
        row.email, row.email_verified_at = new, None
    db.session.flush()
    return changed


def _serializer() -> URLSafeTimedSerializer:
    """The signer of verification links: the app's secret key, a salt of its own (no other token verifies)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(user: User) -> str:
    """A signed token naming the account and its current address (valid EMAIL_TOKEN_MAX_AGE seconds)."""
    return str(_serializer().dumps({"u": user.id, "e": user.email}))


def send_verification(user: User, link: str) -> bool:
    """Mail the verification `link` to the user's address now; False when no mail server is configured.
    Raises mail.MailError when the server cannot take it."""
    if not mail.configured() or not user.email:
        return False
    body = "\n".join([
        _("เรียน %(name)s", name=user.full_name or user.username), "",
        _("กรุณายืนยันที่อยู่อีเมลนี้สำหรับรับการแจ้งเตือนจากระบบติดตามรายได้ อปท. โดยเปิดลิงก์ต่อไปนี้"
          " (ใช้ได้ภายใน %(days)s วัน):", days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400), "", link, "",
        _("หากท่านไม่ได้ขอ กรุณาเพิกเฉยต่ออีเมลฉบับนี้"),
    ])
    with mail.connection() as smtp:
        mail.send(smtp, mail.message(user.email, _("ยืนยันที่อยู่อีเมล — ระบบติดตามรายได้ อปท."), body))
    return True


def verify(user: User, ip: str | None, token: str, now: datetime | None = None) -> None:
    """Mark the address verified when `token` is valid, not expired, the user's own and for its current address.
    Raises DomainError(None) saying which."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise DomainError(None, N_("ลิงก์ยืนยันอีเมลหมดอายุแล้ว กรุณาขอลิงก์ใหม่ที่หน้าข้อมูลส่วนตัว")) from None
    except BadSignature:
        raise DomainError(None, N_("ลิงก์ยืนยันอีเมลไม่ถูกต้อง")) from None
    if not isinstance(data, dict) or data.get("u") != user.id:
        raise DomainError(None, N_("ลิงก์ยืนยันอีเมลไม่ถูกต้อง"))
    row = _for_update(user)
    if not row.email or data.get("e") != row.email:
        raise DomainError(None, N_("ลิงก์นี้เป็นของที่อยู่อีเมลเดิม กรุณาใช้ลิงก์ที่ส่งไปยังที่อยู่ปัจจุบัน"))
    if row.email_verified_at is None:
        row.email_verified_at = now or utcnow()
        audit.record(user, ip, AuditAction.EMAIL_VERIFIED, "user", row.username, new={"email": row.email})
        db.session.flush()

