"""Use cases of the notification centre, shared by the web, the CLI (reminders) and the API.

`notify` is the one way a message is created: it inserts one row per recipient in the caller's transaction
(nothing is sent before that transaction commits), skipping a recipient who already has a message with the same
`dedupe_key` — so a scheduled job that runs twice on a day creates nothing twice. Reading and marking read touch
only the signed-in user's own rows.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import db
from ..domain.vocabulary import NotificationKind
from ..models import Notification, User, utcnow

PAGE_SIZE = 50
# the header's bell counts at most this many unread messages ("99+" beyond), so the count stays one cheap index scan
UNREAD_CAP = 100


def notify(recipients: Iterable[User | int], kind: NotificationKind, subject: str, body: str = "", url: str = "",
           sender: User | None = None, dedupe_key: str | None = None, now: datetime | None = None) -> int:
    """Create the message for every recipient (users or user ids); return how many rows were created.

    With `dedupe_key`, a recipient who already has a message with that key gets nothing new (INSERT … ON CONFLICT
    DO NOTHING on both engines, so two jobs running at once cannot duplicate it either).
    """
    return notify_each([Message(recipients, subject, body, url)], kind, sender, dedupe_key, now)


class Message(NamedTuple):
    """One text for some recipients (a batch of `notify_each` holds many, e.g. one per LAO)."""

    recipients: Iterable[User | int]
    subject: str
    body: str = ""
    url: str = ""


def notify_each(messages: Iterable[Message], kind: NotificationKind, sender: User | None = None,
                dedupe_key: str | None = None, now: datetime | None = None) -> int:
    """`notify` for many texts at once (one INSERT for the whole batch): how many rows were created.

    A user named by two messages of the batch gets the first one only (one row per user and key)."""
    stamp = now or utcnow()
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for msg in messages:
        for uid in sorted({r if isinstance(r, int) else r.id for r in msg.recipients}):
            if dedupe_key is not None and uid in seen:
                continue
            seen.add(uid)
            rows.append({"user_id": uid, "kind": kind.value, "subject": msg.subject[:300], "body": msg.body,
                         "url": msg.url[:500], "sender_id": sender.id if sender is not None else None,
                         "created_at": stamp, "dedupe_key": dedupe_key})
    if not rows:
        return 0
    session = db.session()
    bind = session.get_bind()
    table: Any = Notification.__table__
    ins: Any = postgresql.insert(table) if bind.dialect.name == "postgresql" else sqlite.insert(table)
    if dedupe_key is not None:
        ins = ins.on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
    result = session.execute(ins.returning(table.c.id), rows)
    return len(result.all())


def unread_count_column(user_id_column) -> Any:
    """A scalar subquery counting a user's unread messages up to UNREAD_CAP (for the request's first query)."""
    capped = (select(Notification.id).where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
              .limit(UNREAD_CAP).correlate_except(Notification).subquery())
    return select(func.count()).select_from(capped).scalar_subquery()


def page_of(user: User, page: int = 1) -> tuple[list[Notification], bool]:
    """The user's messages, newest first, `PAGE_SIZE` per page, and whether an older page exists."""
    page = max(1, page)
    rows = list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def mark_read(user: User, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark the user's messages `ids` (all unread ones when None) read; another user's ids are ignored."""
    db.begin_write()  # SQLite: a write transaction of its own (the request has read; a side write may have followed)
    stmt = (update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=now or utcnow()))
    if ids is not None:
        wanted = [i for i in ids if 0 < i < 2**63]
        if not wanted:
            return 0
        stmt = stmt.where(Notification.id.in_(wanted))
    return len(db.session.execute(stmt.returning(Notification.id).execution_options(synchronize_session=False)).all())


def unread_count(user: User) -> int:
    """How many of the user's messages are unread (capped at UNREAD_CAP)."""
    return int(db.session.scalar(select(unread_count_column(user.id))) or 0)
