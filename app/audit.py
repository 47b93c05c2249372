"""Writing the append-only audit trail; operations call record() inside their transaction.

Every event carries a SHA-256 hash chained to the previous event's hash (`link`, the one place the
chain is computed, for rows added to any session and for record_many), `verify` walks the chain, and
`security_event` records refused requests (failed logins, access denials ...) in a transaction of their own.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app, g, has_request_context, request
from sqlalchemy import Connection, Table, event, insert, select, text
from sqlalchemy.orm import Session

from . import db
from .domain.vocabulary import SECURITY_ACTIONS, AuditAction
from .models import AuditEvent, Installment, Lao, User, utcnow

GENESIS = "0" * 64
"""The prev_hash of the first event of the chain."""

HASHED_COLUMNS = ("id", "at", "user_id", "username", "ip", "action", "object_type", "object_id", "lao_id",
                  "province_id", "old_values", "new_values", "prev_hash")
"""Every column of audit_events but the hash itself (migration 0004 freezes the same list)."""

CHAIN_LOCK = 0x4C414F_A0D1
"""PostgreSQL advisory lock key that serialises writers of the chain head (held until commit)."""

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

THROTTLE_SECONDS = 60
"""At most one ACCESS_DENIED per user and path, and one CSRF/token rejection per address, in this window."""


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
    username: str | None = None,
) -> dict:
    """The column values of one audit event: the one place an audit row is built (`username` names an
    actor without an account, e.g. the username a failed login tried)."""
    return {
        "at": at or utcnow(),
        "user_id": actor.id if actor is not None else None,
        "username": actor.username if actor is not None else (username[:80] if username else "system"),
        "ip": ip[:64] if ip else ip,
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
    """Add one AuditEvent to the request's session (flushed with the change it describes), or to `session`.
    Its id and hashes are given when the session flushes (see `_chain_new_events`)."""
    event_ = AuditEvent(**values(actor, ip, action, object_type, object_id, lao_id=lao_id, province_id=province_id,
                                 old=old, new=new, at=at))
    (session or db.session).add(event_)
    return event_


def record_many(rows: list[dict]) -> None:
    """Insert audit events built by values() with one executemany statement (bulk use cases), chained."""
    if rows:
        db.session.flush()  # events pending in the session take their place in the chain first
        link(db.session.connection(), rows)
        # A declarative class's __table__ is typed FromClause; a mapped class's is a Table.
        db.session.execute(insert(cast(Table, AuditEvent.__table__)), rows)


# --- the hash chain -------------------------------------------------------------------------------

def canonical(row: Mapping[Any, Any]) -> bytes:
    """The canonical encoding of an event that its hash covers: JSON with sorted keys, ISO time, no spaces."""
    fields = {name: row.get(name) for name in HASHED_COLUMNS}
    at = fields["at"]
    fields["at"] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else at
    return _ENCODER.encode(fields).encode()


def digest(row: Mapping[Any, Any]) -> str:
    """The SHA-256 hash (hex) of an event's canonical encoding, its prev_hash included."""
    return hashlib.sha256(canonical(row)).hexdigest()


def lock_chain(conn: Connection) -> None:
    """Serialise writers of the chain until this transaction ends. PostgreSQL: a transaction-level
    advisory lock; SQLite: the write transaction (BEGIN IMMEDIATE) already holds the only write lock,
    and a deferred one that read a stale head cannot write (its snapshot is refused)."""
    if conn.dialect.name == "postgresql":
        # Taken already in this very transaction (and savepoint: one rolled back may have released it)?
        transaction = (conn.get_transaction(), conn.get_nested_transaction())
        held = conn.info.get(_LOCKED_IN)
        if held is not None and held[0] is transaction[0] and held[1] is transaction[1]:
            return
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        conn.info[_LOCKED_IN] = transaction


_LOCKED_IN = "audit_chain_locked_in"  # conn.info: the transaction that holds the chain's advisory lock


def _head_and_ids(conn: Connection, n: int) -> tuple[str, list[int]]:
    """The chain head's hash and `n` ids for new events, increasing, taken while the chain is locked (so id
    order is chain order), in one statement. SQLite: the ids follow the last event's; PostgreSQL: from the
    sequence."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text(
            "SELECT nextval(pg_get_serial_sequence('audit_events', 'id')),"
            " (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) FROM generate_series(1, :n)"
        ), {"n": n}).all()
        return (rows[0][1] if rows else None) or GENESIS, sorted(row[0] for row in rows)
    last_id, head = conn.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc())
                                 .limit(1)).first() or (0, None)
    return head or GENESIS, list(range(last_id + 1, last_id + 1 + n))


def link(conn: Connection, rows: list[dict]) -> None:
    """Give `rows` (column dicts, in order) their id, prev_hash and hash, chained after the current head:
    the one place the chain is computed, for every way an event is written."""
    lock_chain(conn)
    prev, ids = _head_and_ids(conn, len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
        row["at"] = row.get("at") or utcnow()
        row["prev_hash"] = prev
        row["hash"] = prev = digest(row)


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Chain the AuditEvents a flush is about to insert, whatever session they were added to."""
    events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not events:
        return
    rows = [{c: getattr(e, c) for c in HASHED_COLUMNS if c not in ("id", "prev_hash")} for e in events]
    link(session.connection(), rows)
    for e, row in zip(events, rows, strict=True):
        e.id, e.at, e.prev_hash, e.hash = row["id"], row["at"], row["prev_hash"], row["hash"]


@dataclass(frozen=True)
class Verdict:
    """The result of walking the chain: intact with `count` events, or the first broken event and why."""

    intact: bool
    count: int
    head: str = GENESIS
    broken_id: int | None = None
    problem: str | None = None  # "link": prev_hash is not the previous event's hash; "hash": fields changed

    def describe(self) -> str:
        """The verdict in one English line (the CLI's output)."""
        if self.intact:
            return f"intact, {self.count} events (head {self.head})"
        what = {"link": "its prev_hash is not the previous event's hash (an event was removed, inserted or "
                        "reordered)",
                "hash": "its hash does not match its fields (the event was changed or forged)"}[self.problem or "hash"]
        return f"broken at event {self.broken_id}: {what}; {self.count} events before it are intact"


def verify(session: Session | None = None, batch: int = 2000) -> Verdict:
    """Walk the whole chain in id order and return its verdict (the first broken event, if any)."""
    s = session or db.session
    table = cast(Table, AuditEvent.__table__)
    prev, count = GENESIS, 0
    columns = [table.c[name] for name in HASHED_COLUMNS]
    result = s.execute(select(*columns, table.c.hash).order_by(table.c.id).execution_options(yield_per=batch))
    for *fields, stored in result:
        row = dict(zip(HASHED_COLUMNS, fields))
        if row["prev_hash"] != prev:
            result.close()
            return Verdict(False, count, prev, row["id"], "link")
        if stored != digest(row):
            result.close()
            return Verdict(False, count, prev, row["id"], "hash")
        prev, count = stored, count + 1
    return Verdict(True, count, prev)


# --- security events ------------------------------------------------------------------------------

def _throttled(side: Session, row: dict) -> bool:
    """Whether an event like `row` was recorded within THROTTLE_SECONDS: ACCESS_DENIED per user and path,
    CSRF and token rejections per address (a scanner's flood writes one row a minute, not one per request)."""
    action = row["action"]
    if action == AuditAction.ACCESS_DENIED.value:
        key = [AuditEvent.user_id.is_not_distinct_from(row["user_id"]),
               AuditEvent.object_id.is_not_distinct_from(row["object_id"])]
    elif action in (AuditAction.CSRF_REJECTED.value, AuditAction.TOKEN_REJECTED.value):
        key = [AuditEvent.ip.is_not_distinct_from(row["ip"])]
    else:
        return False  # failed logins and lockouts are each recorded (bounded by the lockout)
    since = row["at"] - timedelta(seconds=THROTTLE_SECONDS)
    return side.execute(select(AuditEvent.id).where(AuditEvent.action == action, AuditEvent.at >= since, *key)
                        .limit(1)).first() is not None


def security_event(action: AuditAction, *, user: User | None = None, username: str | None = None,
                   ip: str | None = None, detail: dict | None = None) -> bool:
    """Record a security event (SECURITY_ACTIONS) in a short transaction of its own that survives the refused
    request; rolls back nothing (callers whose request may hold a write lock call db.session.rollback()
    first). The path requested is the object id. Returns whether an event was written (False when
    throttled or when writing failed: a refusal is never turned into a server error)."""
    action = AuditAction(action)
    if action.value not in SECURITY_ACTIONS:
        raise ValueError(f"{action} is not a security event")
    path = request.path[:80] if has_request_context() else None
    if ip is None and has_request_context():
        ip = request.remote_addr
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    row = values(actor, ip, action, "security", path, username=username,
                 lao_id=actor.lao_id if actor is not None else None,
                 province_id=actor.province_id if actor is not None else None,
                 new={"method": request.method, **(detail or {})} if has_request_context() else detail)
    try:
        with db.apart() as side:
            lock_chain(side.connection())
            if _throttled(side, row):
                return False
            side.add(AuditEvent(**row))
    except Exception:  # logged; the refusal it describes must still be answered
        current_app.logger.exception("could not record security event %s", action.value)
        return False
    if has_request_context():
        g.security_event_recorded = True
    return True
