"""Account use cases: authenticate with lockout, change and reset passwords, enable/disable."""

import secrets
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update

from .. import audit, db
from ..api import tokens
from ..domain.errors import N_, DomainError
from ..domain.limits import MAX_PASSWORD, MIN_PASSWORD
from ..domain.vocabulary import AuditAction
from ..models import User, utcnow
from .passwords import MIN_STRENGTH, hash_password, rehash_if_needed, strength, verify_password

_DUMMY_HASH = hash_password("timing-equaliser")
# words anyone would try first against this site's accounts, besides the username
_SITE_WORDS = ["lao", "revenue", "thailand", "admin", "password", "demo"]


def new_session_token() -> str:
    """A fresh random alternative id; storing it ends every existing session of the user."""
    return secrets.token_hex(16)


def validate_new_password(password: str, username: str, full_name: str = "") -> None:
    """Check a password someone chooses: MIN_PASSWORD..MAX_PASSWORD characters, not containing the username,
    and not common or guessable (zxcvbn score below MIN_STRENGTH; its lists ship with it, no network).

    Raises DomainError('new_password') saying which rule failed.
    """
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise DomainError("new_password", N_("รหัสผ่านต้องยาวอย่างน้อย %(n)s ตัวอักษร"), n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise DomainError("new_password", N_("รหัสผ่านยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=MAX_PASSWORD)
    name = (username or "").strip().lower()
    if name and name in password.lower():
        raise DomainError("new_password", N_("รหัสผ่านต้องไม่มีชื่อผู้ใช้อยู่ในรหัสผ่าน"))
    score, _warning = strength(password, [name, *(full_name or "").split(), *_SITE_WORDS])
    if score < MIN_STRENGTH:
        raise DomainError(
            "new_password",
            N_("รหัสผ่านนี้เดาง่ายเกินไป (เป็นรหัสผ่านที่ใช้กันทั่วไป หรือเป็นรูปแบบง่าย เช่น ตัวเลขเรียงกัน "
               "ตัวอักษรซ้ำ หรือแป้นที่อยู่ติดกัน) กรุณาใช้รหัสผ่านที่ยาวขึ้น เช่น หลายคำที่ไม่เกี่ยวข้องกัน"),
        )


def end_credentials(actor: User | None, user: User, ip: str | None, reason: str) -> int:
    """End every session (the rotating session token) and revoke every API token of `user`.

    `user` must be the row loaded for writing; returns the number of tokens revoked (each audited).
    """
    user.session_token = new_session_token()
    return tokens.revoke_all_tokens(actor, user, ip, reason)


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
    # an older (werkzeug scrypt/pbkdf2) hash becomes argon2id in this login's write
    rehash_if_needed(user, password or "")
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
    """Change `user`'s password, end its other sessions and revoke its API tokens.

    Raises DomainError on a wrong current password, a mismatch, or a weak new password.
    """
    db.begin_write()
    user = db.session.get_one(User, user.id, populate_existing=True)
    if not verify_password(user.password_hash, current or ""):
        raise DomainError("current_password", N_("รหัสผ่านปัจจุบันไม่ถูกต้อง"))
    if new != confirm:
        raise DomainError("confirm_password", N_("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน"))
    validate_new_password(new, user.username, user.full_name)
    if verify_password(user.password_hash, new):
        raise DomainError("new_password", N_("รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม"))
    user.password_hash = hash_password(new)
    user.must_change_password = False
    audit.record(user, ip, AuditAction.PASSWORD_CHANGED, "user", user.username, lao_id=user.lao_id,
                 province_id=user.scope.province_id)
    end_credentials(user, user, ip, "password_changed")
    db.session.flush()


def one_time_password() -> str:
    """A random password that is easy to read aloud and type (no 0/O, 1/l)."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def reset_password(actor: User, target: User, ip: str | None) -> str:
    """Give `target` a one-time password that must be changed at next login; returns it once.

    Ends `target`'s sessions and revokes its API tokens (the caller loaded `target` for writing).
    """
    password = one_time_password()
    target.password_hash = hash_password(password)
    target.must_change_password = True
    target.failed_logins = 0
    target.locked_until = None
    audit.record(actor, ip, AuditAction.PASSWORD_RESET, "user", target.username, lao_id=target.lao_id,
                 province_id=target.scope.province_id)
    end_credentials(actor, target, ip, "password_reset")
    db.session.flush()
    return password


def set_active(actor: User, target: User, active: bool, ip: str | None) -> None:
    """Enable or disable `target`; disabling ends its sessions and revokes its API tokens.

    Raises DomainError for one's own account.
    """
    if actor.id == target.id and not active:
        raise DomainError(None, N_("ไม่สามารถปิดการใช้งานบัญชีของตนเองได้"))
    old = target.active
    target.active = active
    action = AuditAction.ACCOUNT_ENABLED if active else AuditAction.ACCOUNT_DISABLED
    audit.record(actor, ip, action, "user", target.username,
                 lao_id=target.lao_id, province_id=target.scope.province_id,
                 old={"active": old}, new={"active": active})
    if not active:  # re-enabling brings back neither the sessions nor the tokens
        end_credentials(actor, target, ip, "account_disabled")
    db.session.flush()


def end_all_sessions(user: User, ip: str | None) -> int:
    """Sign out everywhere (ออกจากระบบทุกอุปกรณ์): end every session and revoke every API token of `user`; audited.

    Returns the number of tokens revoked.
    """
    user = db.session.scalars(db.locked(select(User).where(User.id == user.id))).one()
    revoked = end_credentials(user, user, ip, "sessions_ended")
    audit.record(user, ip, AuditAction.SESSIONS_ENDED, "user", user.username, lao_id=user.lao_id,
                 province_id=user.scope.province_id, new={"tokens_revoked": revoked})
    db.session.flush()
    return revoked
