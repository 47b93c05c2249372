"""API tokens: issue (raw value shown once, SHA-256 stored), revoke, and resolve a bearer token to its user."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from .. import audit, db
from ..domain.errors import N_, DomainError, NotPermittedError
from ..domain.vocabulary import AuditAction
from ..domain.workflow import Role
from ..models import ApiToken, User, utcnow

TOKEN_PREFIX = "lrt_"  # recognisable in a leaked-secret scan; carries no meaning otherwise
MAX_NAME = 100
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    """The SHA-256 hex digest stored for a raw token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, name: str = "", *, actor: User | None = None, ip: str | None = None) -> str:
    """Create an API token for `user` and return the raw value; only its hash is kept, so this is the only time.

    `actor` is who asked (None: a command-line administrator, audited as "system").
    Raises DomainError('name') when the name is too long.
    """
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise DomainError("name", N_("ชื่อโทเค็นยาวได้ไม่เกิน %(n)s ตัวอักษร"), n=MAX_NAME)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.begin_write()
    token = ApiToken(user_id=user.id, token_hash=hash_token(raw), name=name, created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    audit.record(actor, ip, AuditAction.API_TOKEN_ISSUED, "api_token", str(token.id), lao_id=user.lao_id,
                 province_id=user.scope.province_id, new={"user": user.username, "name": name})
    db.session.flush()
    return raw


def revoke_token(actor: User | None, token_id: int, ip: str | None) -> ApiToken:
    """Revoke token `token_id`: its owner or an administrator may (None: a command-line administrator).

    Raises DomainError when there is no such token or it is already revoked, NotPermittedError when
    `actor` is neither its owner nor an administrator.
    """
    token = db.session.scalar(db.locked(select(ApiToken).where(ApiToken.id == token_id)))
    if token is None:
        raise DomainError("token", N_("ไม่พบโทเค็นนี้"))
    if actor is not None and actor.id != token.user_id and actor.role != Role.ADMIN.value:
        raise NotPermittedError("token", N_("บัญชีนี้ไม่มีสิทธิ์ยกเลิกโทเค็นนี้"))
    if token.revoked_at is not None:
        raise DomainError("token", N_("โทเค็นนี้ถูกยกเลิกไปแล้ว"))
    token.revoked_at = utcnow()
    owner = token.user
    audit.record(actor, ip, AuditAction.API_TOKEN_REVOKED, "api_token", str(token.id), lao_id=owner.lao_id,
                 province_id=owner.scope.province_id, new={"user": owner.username, "name": token.name})
    db.session.flush()
    return token


def revoke_all_tokens(actor: User | None, user: User, ip: str | None, reason: str) -> int:
    """Revoke every unrevoked token of `user` (one audit row each, with `reason`); returns how many.

    Called when the password is reset or changed, the account is disabled, or the user signs out
    everywhere: a revoked token stays dead when the account is re-enabled. The caller holds the write.
    """
    now = utcnow()
    live = list(db.session.scalars(db.locked(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
    )))
    for token in live:
        token.revoked_at = now
        audit.record(actor, ip, AuditAction.API_TOKEN_REVOKED, "api_token", str(token.id), lao_id=user.lao_id,
                     province_id=user.scope.province_id,
                     new={"user": user.username, "name": token.name, "reason": reason})
    db.session.flush()
    return len(live)


def user_for_token(raw: str | None, now: datetime | None = None) -> User | None:
    """The active user owning the unrevoked token `raw`, or None.

    Records last_used_at at most once a minute so a busy client does not write on every request;
    that small write is committed here (it must survive a request that fails or only reads).
    """
    if not raw:
        return None
    row = db.session.execute(
        select(ApiToken.id, ApiToken.last_used_at, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.User.active:
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        with db.apart() as side:
            side.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return row.User


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones included, so the history stays visible)."""
    return list(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    )
