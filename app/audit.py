"""Writing the append-only audit trail; operations call record() inside their transaction."""

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from . import db
from .domain.vocabulary import AuditAction
from .models import AuditEvent, Installment, Lao, User, utcnow


def installment_object_id(lao: Lao, installment: Installment) -> str:
    """The audit object id of an LAO's installment report: LAO code / fiscal year / installment number."""
    return f"{lao.code}/{installment.fiscal_year_id}/{installment.number}"


def values(
    actor: User | None,
    ip: str | None,
    action: AuditAction,
    object_type: str,
    object_id: str | None = None,
    *,
    lao_id: int | None = None,
    province_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    at: datetime | None = None,
) -> dict:
    """The column values of one audit event: the one place an audit row is built."""
    return {
        "at": at or utcnow(),
        "user_id": actor.id if actor is not None else None,
        "username": actor.username if actor is not None else "system",
        "ip": ip,
        "action": AuditAction(action).value,
        "object_type": object_type,
        "object_id": object_id,
        "lao_id": lao_id,
        "province_id": province_id,
        "old_values": old,
        "new_values": new,
    }


def record(
    actor: User | None,
    ip: str | None,
    action: AuditAction,
    object_type: str,
    object_id: str | None = None,
    *,
    lao_id: int | None = None,
    province_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    at: datetime | None = None,
    session: Session | None = None,
) -> AuditEvent:
    """Add one AuditEvent to the request's session (flushed with the change it describes), or to `session`."""
    event = AuditEvent(**values(actor, ip, action, object_type, object_id, lao_id=lao_id, province_id=province_id,
                                old=old, new=new, at=at))
    (session or db.session).add(event)
    return event


def record_many(rows: list[dict]) -> None:
    """Insert audit events built by values() with one executemany statement (bulk use cases)."""
    if rows:
        # A declarative class's __table__ is typed FromClause; a mapped class's is a Table.
        db.session.execute(insert(cast(Table, AuditEvent.__table__)), rows)
