"""An index on audit_events.object_id: a report's events ("<LAO code>/<year>/<installment>") are read by the entry
form, the report's history and the verification screen, which otherwise went through all of an LAO's events, or
on SQLite through the whole trail when its statistics dated from an empty table (the demo's ANALYZE). On SQLite the
statistics of the tables that use fills from nearly nothing (the trail, the accounts) are dropped, as the demo now
does: SQLite's default estimates take a table to be large and use its indexes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 16:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_object_id', 'audit_events', ['object_id'])
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")).first():
        op.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('audit_events', 'users')")
        op.execute("ANALYZE sqlite_master")  # the planner rereads the statistics


def downgrade():
    op.drop_index('ix_audit_events_object_id', table_name='audit_events')
