"""audit trail hash chain (prev_hash, hash) and a PostgreSQL trigger refusing TRUNCATE of audit_events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:10:00.000000

Every audit event gets prev_hash (the previous event's hash; the first event's is 64 zeros, unique so the
chain cannot fork) and hash (SHA-256 over the canonical JSON of every column but the hash, prev_hash
included). Existing events are chained in id order here, with the append-only triggers set aside for
the update (SQLite: dropped and recreated; PostgreSQL: disabled and enabled in the same transaction).
The canonical encoding is frozen below as it is at this revision; tests/test_audit_chain.py checks it
agrees with app/audit.py.

PostgreSQL also gets a statement-level BEFORE TRUNCATE trigger (the row triggers do not fire on TRUNCATE).

Downgrade drops the columns and the TRUNCATE trigger.
"""

import hashlib
import json
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
HASHED_COLUMNS = ("id", "at", "user_id", "username", "ip", "action", "object_type", "object_id", "lao_id",
                  "province_id", "old_values", "new_values", "prev_hash")

SQLITE_TRIGGERS = {
    verb: f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
          "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    for verb in ("UPDATE", "DELETE")
}


def digest(row) -> str:
    """SHA-256 (hex) of the canonical JSON of an event: sorted keys, ISO time with microseconds, no spaces."""
    fields = {name: row[name] for name in HASHED_COLUMNS}
    if isinstance(fields["at"], datetime):
        fields["at"] = fields["at"].isoformat(timespec="microseconds")
    return hashlib.sha256(
        json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def _events_table():
    return sa.table(
        "audit_events",
        sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("user_id", sa.Integer),
        sa.column("username", sa.String), sa.column("ip", sa.String), sa.column("action", sa.String),
        sa.column("object_type", sa.String), sa.column("object_id", sa.String), sa.column("lao_id", sa.Integer),
        sa.column("province_id", sa.Integer), sa.column("old_values", sa.JSON), sa.column("new_values", sa.JSON),
        sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
    )


def _set_aside_triggers(sqlite: bool) -> None:
    if sqlite:
        for verb in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{verb.lower()}")
    else:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER USER")


def _restore_triggers(sqlite: bool) -> None:
    if sqlite:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)
    else:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER USER")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _set_aside_triggers(sqlite)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    events = _events_table()
    prev, updates = GENESIS, []
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings():
        row = dict(row, prev_hash=prev)
        prev = digest(row)
        updates.append({"b_id": row["id"], "b_prev": row["prev_hash"], "b_hash": prev})
    if updates:
        bind.execute(
            events.update().where(events.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash")),
            updates,
        )

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_audit_events_prev_hash'), ['prev_hash'], unique=True)
    _restore_triggers(sqlite)
    if not sqlite:
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    _set_aside_triggers(sqlite)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_prev_hash'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    _restore_triggers(sqlite)
