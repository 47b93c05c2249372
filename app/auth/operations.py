"""Account use cases: authenticate with lockout, change and reset passwords, enable/disable."""

import secrets
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update

from .. import audit, db
from ..domain.errors import N_, DomainError
from ..domain.vocabulary import AuditAction
from ..models import User, utcnow
from .passwords import hash_password, verify_password

MIN_PASSWORD_LENGTH = 8
_DUMMY_HASH = hash_password("timing-equaliser")


def new_session_token() -> str:
    """A fresh random alternative id; storing it ends every existing session of the user."""
    return secrets.token_hex(16)


def validate_new_password(password: str, username: str) -> None:
    """Raise DomainError('new_password') when the password is too short or is the username."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError("new_password", N_("รหัสผ่านต้องยาวอย่างน้อย %(n)s ตัวอักษร"), n=MIN_PASSWORD_LENGTH)
    if password.strip().lower() == (username or "").lower():
        raise DomainError("new_password", N_("รหัสผ่านต้องไม่เหมือนชื่อผู้ใช้"))


def authenticate(username: str, password: str, ip: str | None, max_failures: int, lock_minutes: int,
                 now: datetime | None = None) -> User:
    """The active user with these credentials; counts failures and locks the account for a while.

    Raises DomainError(None, ...) with a message that says whether the account is locked.
    """
    now = now or utcnow()
    user = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        raise DomainError(None, N_("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"))
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise DomainError(
            None, N_("บัญชีนี้ถูกระงับชั่วคราวเนื่องจากใส่รหัสผ่านผิดหลายครั้ง กรุณาลองใหม่ในอีก %(minutes)s นาที"),
            minutes=minutes,
        )
    # the slow hash is checked before any lock is taken, so logins never hold up other users' saves
    if not verify_password(user.password_hash, password or ""):
        if _count_failure(user, ip, max_failures, lock_minutes, now):
            raise DomainError(
                None, N_("ใส่รหัสผ่านผิดเกิน %(n)s ครั้ง บัญชีถูกระงับชั่วคราว %(minutes)s นาที"),
                n=max_failures, minutes=lock_minutes,
            )
        raise DomainError(None, N_("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"))
    if not user.active:
        raise DomainError(None, N_("บัญชีนี้ถูกปิดการใช้งาน กรุณาติดต่อ สถจ. หรือผู้ดูแลระบบ"))
    user = db.session.scalar(db.locked(select(User).where(User.id == user.id)))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _count_failure(user: User, ip: str | None, max_failures: int, lock_minutes: int, now: datetime) -> bool:
    """Count a wrong password in a transaction of its own (the refused request rolls back); lock the
    account when the count reaches `max_failures`. Returns whether this failure locked it."""
    with db.apart() as side:
        side.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        # Session.execute is typed Result; an UPDATE's result is a CursorResult, which has rowcount.
        locked = cast(CursorResult, side.execute(
            update(User).where(User.id == user.id, User.failed_logins >= max_failures)
            .values(locked_until=now + timedelta(minutes=lock_minutes), failed_logins=0)
        )).rowcount
        if locked:
            audit.record(user, ip, AuditAction.ACCOUNT_LOCKED, "user", user.username, lao_id=user.lao_id,
                         province_id=user.province_id, session=side)
    return bool(locked)


def change_password(user: User, current: str, new: str, confirm: str, ip: str | None) -> None:
    """Change `user`'s password and end its other sessions.

    Raises DomainError on a wrong current password, a mismatch, or a weak new password.
    """
    db.begin_write()
    user = db.session.get_one(User, user.id, populate_existing=True)
    if not verify_password(user.password_hash, current or ""):
        raise DomainError("current_password", N_("รหัสผ่านปัจจุบันไม่ถูกต้อง"))
    if new != confirm:
        raise DomainError("confirm_password", N_("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน"))
    validate_new_password(new, user.username)
    if verify_password(user.password_hash, new):
        raise DomainError("new_password", N_("รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม"))
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_token = new_session_token()
    audit.record(user, ip, AuditAction.PASSWORD_CHANGED, "user", user.username, lao_id=user.lao_id,
                 province_id=user.scope.province_id)
    db.session.flush()


def one_time_password() -> str:
    """A random password that is easy to read aloud and type (no 0/O, 1/l)."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def reset_password(actor: User, target: User, ip: str | None) -> str:
    """Give `target` a one-time password that must be changed at next login; returns it once."""
    password = one_time_password()
    target.password_hash = hash_password(password)
    target.must_change_password = True
    target.failed_logins = 0
    target.locked_until = None
    target.session_token = new_session_token()
    audit.record(actor, ip, AuditAction.PASSWORD_RESET, "user", target.username, lao_id=target.lao_id,
                 province_id=target.scope.province_id)
    db.session.flush()
    return password


def set_active(actor: User, target: User, active: bool, ip: str | None) -> None:
    """Enable or disable `target`; disabling ends its sessions. Raises DomainError for one's own account."""
    if actor.id == target.id and not active:
        raise DomainError(None, N_("ไม่สามารถปิดการใช้งานบัญชีของตนเองได้"))
    old = target.active
    target.active = active
    if not active:
        target.session_token = new_session_token()
    action = AuditAction.ACCOUNT_ENABLED if active else AuditAction.ACCOUNT_DISABLED
    audit.record(actor, ip, action, "user", target.username,
                 lao_id=target.lao_id, province_id=target.scope.province_id,
                 old={"active": old}, new={"active": active})
    db.session.flush()
