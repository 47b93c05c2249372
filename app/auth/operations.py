"""Account use cases: authenticate with a back-off, change and reset passwords, enable/disable."""

import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit, db
from ..api import tokens
from ..domain import login
from ..domain.errors import N_, DomainError
from ..domain.limits import MAX_PASSWORD, MIN_PASSWORD
from ..domain.login import Throttle
from ..domain.vocabulary import AuditAction
from ..models import User, utcnow
from .passwords import MIN_STRENGTH, hash_password, needs_rehash, strength, verify_password

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


LOGIN_REFUSED = N_("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง หรือบัญชีนี้ยังเข้าใช้งานไม่ได้ในขณะนี้ "
                   "กรุณาตรวจสอบแล้วลองใหม่อีกครั้งในอีกสักครู่ หากยังเข้าไม่ได้โปรดติดต่อ สถจ. หรือผู้ดูแลระบบ")


def authenticate(username: str, password: str, ip: str | None, now: datetime | None = None) -> User:
    """The active user with these credentials.

    Raises DomainError(None, LOGIN_REFUSED) — one message, after one password hash, whether the username is
    unknown, the password wrong, the account in its back-off or disabled — so a refusal tells an outsider
    nothing about the account. A wrong password counts toward the account's back-off (domain.login); every
    refusal is recorded as a security event.
    """
    now = now or utcnow()
    name = (username or "").strip()
    user = _account(name)
    # the slow hash is checked in no transaction at all and holding no connection, so logins never hold up
    # other users' saves; the outcome is written afterwards in a short transaction of its own
    matches = verify_password(user.password_hash if user is not None else _DUMMY_HASH, password or "")
    if user is not None:
        user = db.session.merge(user, load=False)  # into the request's session, without reading it again
    throttle = Throttle(user.failed_logins, user.locked_until) if user is not None else Throttle()
    if user is None:
        reason = "unknown_user"
    elif login.must_wait(throttle, now):
        reason = "backoff"
    elif not matches:
        reason = "wrong_password"
    elif not user.active:
        reason = "disabled"
    else:
        _succeeded(user, password or "", now)
        return user
    _refused(user, name, ip, reason, now)
    raise DomainError(None, LOGIN_REFUSED)


def _account(name: str) -> User | None:
    """The account named `name` (any case), read in a short transaction of its own that has ended (and given its
    connection back) before the password is judged."""
    with Session(bind=current_app.extensions["engine"], expire_on_commit=False) as side:
        return side.scalar(select(User).where(func.lower(User.username) == name.lower()))


def _succeeded(user: User, password: str, now: datetime) -> None:
    """Record a successful sign-in in a short transaction of its own: the back-off cleared, the time of the
    login, and an older (werkzeug scrypt/pbkdf2) hash replaced by argon2id — hashed before the write starts.

    The request's session never writes the row (on SQLite a read transaction that later writes can fail with
    "database is locked"); `user` gets the stored values without becoming dirty.
    """
    values: dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    new_hash = rehashed(user, password)
    if new_hash is not None:
        values["password_hash"] = new_hash
    with db.apart() as side:
        side.execute(update(User).where(User.id == user.id).values(**values))
    for key, value in values.items():
        set_committed_value(user, key, value)


def rehashed(user: User, password: str) -> str | None:
    """The argon2id hash to store after a successful login when the stored one is older, else None (a
    one-time password is left as it is, as in passwords.rehash_if_needed); computed without the database."""
    if user.must_change_password or not needs_rehash(user.password_hash):
        return None
    return hash_password(password)


def _refused(user: User | None, username: str, ip: str | None, reason: str, now: datetime) -> None:
    """Record a refused sign-in in a transaction of its own (the refused request rolls back): the security
    event, and for a wrong password one more counted failure of the account's back-off."""
    province_id = user.scope.province_id if user is not None else None  # read before the side write starts
    with db.apart() as side:
        if user is not None and reason == "wrong_password":
            row = side.execute(select(User.failed_logins, User.locked_until).where(User.id == user.id)
                               .with_for_update()).one()
            later = login.after_failure(Throttle(row.failed_logins, row.locked_until), now)
            side.execute(update(User).where(User.id == user.id)
                         .values(failed_logins=later.failures, locked_until=later.not_before))
            if later.failures >= login.FREE_FAILURES:
                audit.record(user, ip, AuditAction.ACCOUNT_LOCKED, "user", user.username, lao_id=user.lao_id,
                             province_id=province_id, session=side,
                             new={"failures": later.failures, "wait_seconds": int(login.backoff(later.failures)
                                                                                  .total_seconds())})
        audit.record(user, ip, AuditAction.LOGIN_FAILED, "user", username[:80] or None,
                     lao_id=user.lao_id if user is not None else None,
                     province_id=province_id, new={"reason": reason}, session=side)


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
