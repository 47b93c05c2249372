"""confirmation_snapshots and report_states: immutable confirmation snapshots and the append-only report history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:40:00.000000

Both tables are append-only in the database itself (UPDATE and DELETE raise: SQLite triggers, a PostgreSQL
trigger function), as audit_events is.

Existing data: every installment report already in the database gets one report_states row (event "existing")
copying it as it stands now, dated by its confirmation time, else its recording time; every report already
CONFIRMED also gets a confirmation_snapshots row (source "existing") made from its current entries, with its
recorder, confirmer and confirmation time. Earlier states (saves and reviews before this revision) are not
reconstructed: a report as of a moment before its last recording or confirmation shows it as not recorded.
Downgrade drops the triggers and both tables.
"""

import hashlib
import json
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ("confirmation_snapshots", "report_states")
CHUNK = 2000


def _canonical(value) -> str:
    """Canonical JSON as app/snapshots.py writes it: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _iso(value):
    """A timestamp in ISO form with microseconds (None stays None)."""
    return value.isoformat(timespec="microseconds") if value is not None else None


def _digest(row: dict) -> str:
    """The snapshot digest of app/snapshots.py (kept identical here: migrations do not import the app)."""
    content = {"lao_id": row["lao_id"], "installment_id": row["installment_id"],
               "confirmed_at": _iso(row["confirmed_at"]), "confirmed_by_id": row["confirmed_by_id"],
               "confirmer_name": row["confirmer_name"], "recorder_name": row["recorder_name"],
               "recorded_at": _iso(row["recorded_at"]), "total_satang": row["total_satang"],
               "items": json.loads(row["items"])}
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def _append_only(sqlite: bool) -> None:
    """Triggers refusing UPDATE and DELETE on both tables."""
    for table in TABLES:
        if sqlite:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        else:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION history_append_only()")


def _seed(bind) -> None:
    """A state per existing report, a snapshot per confirmed one, from the current reports and entries."""
    meta = sa.MetaData()
    reports = sa.Table("installment_reports", meta, autoload_with=bind)
    entries = sa.Table("entries", meta, autoload_with=bind)
    items_t = sa.Table("revenue_items", meta, autoload_with=bind)
    states = sa.Table("report_states", meta, autoload_with=bind)
    snaps = sa.Table("confirmation_snapshots", meta, autoload_with=bind)
    inst_ids = [i for (i,) in bind.execute(sa.select(reports.c.installment_id).distinct().order_by(
        reports.c.installment_id))]
    for inst_id in inst_ids:
        figures: dict = defaultdict(dict)
        for lao_id, code, satang in bind.execute(
                sa.select(entries.c.lao_id, items_t.c.code, entries.c.amount_satang)
                .select_from(entries.join(items_t, items_t.c.id == entries.c.item_id))
                .where(entries.c.installment_id == inst_id)):
            figures[lao_id][code] = int(satang)
        rows = bind.execute(sa.select(reports).where(reports.c.installment_id == inst_id)
                            .order_by(reports.c.lao_id)).mappings().all()
        for start in range(0, len(rows), CHUNK):
            state_rows, snap_rows = [], []
            for m in rows[start:start + CHUNK]:
                moment = m["confirmed_at"] or m["recorded_at"]
                if moment is None:
                    continue
                items = figures.get(m["lao_id"], {})
                state_rows.append({
                    "lao_id": m["lao_id"], "installment_id": inst_id, "at": moment, "event": "existing",
                    "status": m["status"], "amount_satang": sum(items.values()), "items": _canonical(items),
                    "version": m["version"], "recorded_at": m["recorded_at"],
                    "recorded_late": bool(m["recorded_late"]), "confirmed_at": m["confirmed_at"],
                    "confirmed_late": bool(m["confirmed_late"]), "actor_id": None, "actor_name": None,
                    "reason": None, "snapshot_id": None})
                if m["status"] == "confirmed":
                    snap = {"lao_id": m["lao_id"], "installment_id": inst_id, "confirmed_at": moment,
                            "confirmed_by_id": m["confirmed_by_id"], "confirmer_name": m["confirmer_name"],
                            "recorder_name": m["recorder_name"], "recorded_at": m["recorded_at"],
                            "total_satang": sum(items.values()), "items": _canonical(items), "source": "existing"}
                    snap["digest"] = _digest(snap)
                    snap_rows.append((len(state_rows) - 1, snap))
            if snap_rows:
                ids = list(bind.scalars(sa.insert(snaps).returning(snaps.c.id, sort_by_parameter_order=True),
                                        [s for _n, s in snap_rows]))
                for (n, _s), snap_id in zip(snap_rows, ids):
                    state_rows[n]["snapshot_id"] = snap_id
            if state_rows:
                bind.execute(sa.insert(states), state_rows)


def upgrade():
    """Create both tables and their indexes, seed them from the existing reports, make them append-only."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table('confirmation_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lao_id', sa.Integer(), nullable=False),
    sa.Column('installment_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmer_name', sa.String(length=200), nullable=True),
    sa.Column('recorder_name', sa.String(length=200), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.Column('total_satang', sa.BigInteger(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['installment_id'], ['installments.id'], ),
    sa.ForeignKeyConstraint(['lao_id'], ['laos.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_confirmation_snapshots_lao_installment', 'confirmation_snapshots',
                    ['lao_id', 'installment_id', 'confirmed_at'], unique=False)
    op.create_table('report_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lao_id', sa.Integer(), nullable=False),
    sa.Column('installment_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('event', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount_satang', sa.BigInteger(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_late', sa.Boolean(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_late', sa.Boolean(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('not_recorded', 'recorded', 'confirmed', 'returned')",
                       name='ck_report_states_status'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['installment_id'], ['installments.id'], ),
    sa.ForeignKeyConstraint(['lao_id'], ['laos.id'], ),
    sa.ForeignKeyConstraint(['snapshot_id'], ['confirmation_snapshots.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_report_states_installment_lao_at', 'report_states',
                    ['installment_id', 'lao_id', 'at', 'id'], unique=False)
    _seed(bind)
    if not sqlite:
        op.execute("CREATE FUNCTION history_append_only() RETURNS trigger AS $$ "
                   "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql")
    _append_only(sqlite)


def downgrade():
    """Drop the triggers and both tables."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS history_append_only()")
    op.drop_index('ix_report_states_installment_lao_at', table_name='report_states')
    op.drop_table('report_states')
    op.drop_index('ix_confirmation_snapshots_lao_installment', table_name='confirmation_snapshots')
    op.drop_table('confirmation_snapshots')
