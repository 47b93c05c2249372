"""Writing the append-only audit trail; operations call record() inside their transaction."""

from datetime import datetime

from sqlalchemy.orm import Session

from . import db
from .models import AuditEvent, User, utcnow


def record(
    actor: User | None,
    ip: str | None,
    action: str,
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
    event = AuditEvent(
        at=at or utcnow(),
        user_id=actor.id if actor is not None else None,
        username=actor.username if actor is not None else "system",
        ip=ip,
        action=action,
        object_type=object_type,
        object_id=object_id,
        lao_id=lao_id,
        province_id=province_id,
        old_values=old,
        new_values=new,
    )
    (session or db.session).add(event)
    return event
