"""Administrators' use cases for accounts: creating and changing one account, and LAO-officer accounts in bulk.

Each use case checks its rules, changes rows, writes the audit trail and flushes; the caller commits.
`actor` None means the server's command line (an operator with shell access acts as administrator).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast, overload

from sqlalchemy import Table, func, insert, select

from .. import audit, db
from ..auth import operations as auth_ops
from ..auth.passwords import hash_many
from ..domain.errors import N_, DomainError
from ..domain.vocabulary import AuditAction
from ..domain.workflow import Role
from ..models import Lao, Province, User, utcnow
from .access import check_admin
from .queries import laos_without_officer

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


@dataclass
class AccountDetails:
    """What an administrator sets on an account: person, role and scope (LAO or province code)."""

    full_name: str
    position: str
    phone: str
    role: str
    scope: str | None = None


def _scope_ids(role: str, scope: str | None) -> tuple[int | None, int | None]:
    """(lao id, province id) of a role's scope; DomainError('scope') when missing, unknown or not allowed."""
    scope = (scope or "").strip()
    if role == Role.LAO_OFFICER.value:
        if not scope:
            raise DomainError("scope", N_("เจ้าหน้าที่ อปท. ต้องระบุรหัส อปท."))
        lao_id = db.session.scalar(select(Lao.id).where(Lao.code == scope))
        if lao_id is None:
            raise DomainError("scope", N_("ไม่พบรหัส อปท. %(code)s"), code=scope)
        return lao_id, None
    if role == Role.PROVINCE_VERIFIER.value:
        if not scope:
            raise DomainError("scope", N_("ผู้ตรวจสอบ สถจ. ต้องระบุรหัสจังหวัด"))
        province_id = db.session.scalar(select(Province.id).where(Province.code == scope))
        if province_id is None:
            raise DomainError("scope", N_("ไม่พบรหัสจังหวัด %(code)s"), code=scope)
        return None, province_id
    if role not in (Role.NATIONAL_VIEWER.value, Role.ADMIN.value):
        raise DomainError("role", N_("ไม่รู้จักบทบาท %(role)s"), role=role)
    if scope:
        raise DomainError("scope", N_("บทบาทนี้เห็นข้อมูลทั้งประเทศ ไม่ต้องระบุขอบเขต"))
    return None, None

def _scope_label(user: User) -> str | None:
    if user.lao_id:
        return db.session.scalar(select(Lao.code).where(Lao.id == user.lao_id))
    if user.province_id:
        return db.session.scalar(select(Province.code).where(Province.id == user.province_id))
    return None

def _scope_province(lao_id: int | None, province_id: int | None) -> int | None:
    if lao_id is not None:
        return db.session.scalar(select(Lao.province_id).where(Lao.id == lao_id))
    return province_id

@overload
def create_user(actor: User | None, ip: str | None, username: str, details: AccountDetails,
                password: None = None) -> tuple[User, str]: ...
@overload
def create_user(actor: User | None, ip: str | None, username: str, details: AccountDetails,
                password: str | None) -> tuple[User, str | None]: ...
def create_user(actor: User | None, ip: str | None, username: str, details: AccountDetails,
                password: str | None = None) -> tuple[User, str | None]:
    """Create an account; without `password` it gets a one-time password (returned once) to change at login.

    Raises NotPermittedError, DomainError('username' | 'role' | 'scope' | 'password').
    """
    check_admin(actor)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError("username", N_("ชื่อผู้ใช้ต้องยาว 3–80 ตัว ใช้อักษรอังกฤษตัวเล็ก ตัวเลข จุด ขีด หรือขีดล่าง"))
    if password is not None:
        try:
            auth_ops.validate_new_password(password, username, details.full_name)
        except DomainError as err:
            raise DomainError("password", err.message, **err.params) from err
    db.begin_write()
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)) is not None:
        raise DomainError("username", N_("ชื่อผู้ใช้ %(username)s มีอยู่แล้ว"), username=username)
    lao_id, province_id = _scope_ids(details.role, details.scope)
    one_time: str | None = None
    if password is None:
        password = one_time = auth_ops.one_time_password()
    user = User(username=username, password_hash=auth_ops.hash_password(password),
                full_name=(details.full_name or "").strip(), position=(details.position or "").strip(),
                phone=(details.phone or "").strip(), role=details.role, lao_id=lao_id, province_id=province_id,
                active=True, must_change_password=one_time is not None, failed_logins=0,
                session_token=auth_ops.new_session_token())
    db.session.add(user)
    db.session.flush()
    audit.record(actor, ip, AuditAction.USER_CREATED, "user", username, lao_id=lao_id,
                 province_id=_scope_province(lao_id, province_id),
                 new={"role": details.role, "scope": (details.scope or "").strip() or None,
                      "full_name": user.full_name, "one_time_password": one_time is not None})
    db.session.flush()
    return user, one_time

def update_user(actor: User | None, ip: str | None, target: User, details: AccountDetails) -> bool:
    """Change an account's person details, role and scope; a new role or scope ends its sessions.

    Returns whether anything changed. Raises NotPermittedError, DomainError('role' | 'scope').
    """
    check_admin(actor)
    db.begin_write()
    target = db.session.get_one(User, target.id, populate_existing=True)
    lao_id, province_id = _scope_ids(details.role, details.scope)
    if actor is not None and actor.id == target.id and details.role != target.role:
        raise DomainError("role", N_("ไม่สามารถเปลี่ยนบทบาทของบัญชีตนเองได้"))
    full_name, position, phone = (
        (details.full_name or "").strip(), (details.position or "").strip(), (details.phone or "").strip())
    wanted = {"full_name": full_name, "position": position, "phone": phone, "role": details.role,
              "scope": (details.scope or "").strip() or None}
    current = {"full_name": target.full_name, "position": target.position, "phone": target.phone,
               "role": target.role, "scope": _scope_label(target)}
    old = {k: v for k, v in current.items() if wanted[k] != v}
    if not old:
        return False
    target.full_name, target.position, target.phone = full_name, position, phone
    if "role" in old or "scope" in old:
        target.role, target.lao_id, target.province_id = details.role, lao_id, province_id
        target.session_token = auth_ops.new_session_token()  # what the user may see changed: log in again
    audit.record(actor, ip, AuditAction.USER_UPDATED, "user", target.username, lao_id=lao_id,
                 province_id=_scope_province(lao_id, province_id), old=old, new={k: wanted[k] for k in old})
    db.session.flush()
    return True

def reset_user_password(actor: User, ip: str | None, target: User) -> str:
    """Give an account a one-time password (returned once); raises NotPermittedError."""
    check_admin(actor)
    db.begin_write()
    target = db.session.get_one(User, target.id, populate_existing=True)
    return auth_ops.reset_password(actor, target, ip)

def set_user_active(actor: User, ip: str | None, target: User, active: bool) -> None:
    """Disable (ending its sessions) or re-enable an account; raises NotPermittedError, DomainError (own account)."""
    check_admin(actor)
    db.begin_write()
    target = db.session.get_one(User, target.id, populate_existing=True)
    if target.active != active:
        auth_ops.set_active(actor, target, active, ip)

@dataclass
class IssuedAccount:
    """A bulk-created LAO officer account and its one-time password, for the distribution sheet."""

    province: str
    district: str
    lao_code: str
    lao_name: str
    lao_type: str
    username: str
    password: str

@dataclass
class BulkResult:
    """What a bulk account creation did and how long the password hashing took."""

    accounts: list[IssuedAccount] = field(default_factory=list)
    hash_seconds: float = 0.0
    seconds: float = 0.0
    workers: int = 1

def bulk_create_lao_accounts(actor: User | None, ip: str | None, province: Province | None,
                             workers: int | None = None,
                             progress: Callable[[str], None] | None = None) -> BulkResult:
    """Create one LAO-officer account with a one-time password for every active LAO (of `province`, or the
    country) that has none; usernames are the LAO codes. Returns the accounts with their passwords, once.

    Passwords are hashed before the write transaction opens (it can take minutes nationally) and the LAOs
    are checked again inside it, so LAOs that got an account meanwhile are skipped. Raises NotPermittedError.
    """
    check_admin(actor)
    started = time.perf_counter()
    province_id = province.id if province is not None else None
    candidates = [r[0] for r in laos_without_officer(province_id)]
    result = BulkResult()
    if not candidates:
        return result
    passwords = [auth_ops.one_time_password() for _ in candidates]
    if progress:
        progress(f"hashing {len(passwords)} passwords")
    t0 = time.perf_counter()
    hashes, result.workers = hash_many(passwords, workers)
    result.hash_seconds = time.perf_counter() - t0

    db.begin_write()
    still = {r[0]: r for r in laos_without_officer(province_id)}
    taken = {u.lower() for u in db.session.scalars(select(User.username))}
    users, events, now = [], [], utcnow()
    for lao_id, password, pw_hash in zip(candidates, passwords, hashes):
        if lao_id not in still:
            continue
        _id, code, name, lao_type, pid, province_name, district_name = still[lao_id]
        username, n = code.lower(), 1
        while username in taken or not USERNAME_RE.match(username):
            n += 1
            username = f"lao{code.lower()}" if n == 2 else f"lao{code.lower()}-{n}"
        taken.add(username)
        users.append({"username": username, "password_hash": pw_hash, "full_name": "", "position": "", "phone": "",
                      "role": Role.LAO_OFFICER.value, "lao_id": lao_id, "province_id": None, "active": True,
                      "must_change_password": True, "failed_logins": 0,
                      "session_token": auth_ops.new_session_token()})
        events.append(audit.values(actor, ip, AuditAction.USER_CREATED, "user", username, lao_id=lao_id, province_id=pid,
                                   new={"role": Role.LAO_OFFICER.value, "scope": code, "bulk": True,
                                        "one_time_password": True}, at=now))
        result.accounts.append(IssuedAccount(province_name, district_name, code, name, lao_type, username, password))
    if users:
        # A declarative class's __table__ is typed FromClause; a mapped class's is a Table.
        db.session.execute(insert(cast(Table, User.__table__)), users)
        audit.record_many(events)
        audit.record(actor, ip, AuditAction.ACCOUNTS_BULK_CREATED, "user", None, province_id=province_id,
                     new={"province": province.code if province else None, "accounts": len(users)})
        db.session.flush()
    result.accounts.sort(key=lambda a: (a.province, a.district, a.lao_code))
    result.seconds = time.perf_counter() - started
    return result
