"""installment_reports.amount_satang: each report's satang, kept with its entries (app/totals.py)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:45:00.000000

The reports that pair LAOs across years (like-for-like) or list a province's LAOs sum this column over the
reports instead of the entries. Upgrade fills it from the entries; `flask rollup verify` checks it.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('installment_reports') as batch:
        batch.add_column(sa.Column('amount_satang', sa.BigInteger(), server_default='0', nullable=False))
    op.execute("""
        UPDATE installment_reports SET amount_satang = coalesce(
            (SELECT sum(e.amount_satang) FROM entries e
             WHERE e.lao_id = installment_reports.lao_id AND e.installment_id = installment_reports.installment_id), 0)
    """)


def downgrade():
    with op.batch_alter_table('installment_reports') as batch:
        batch.drop_column('amount_satang')
