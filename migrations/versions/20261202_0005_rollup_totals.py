"""rollup_totals: reports and entry satang per (installment, province, LAO type, status)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:40:00.000000

The always-current rollup the national reports read (kept by app/totals.py in every write's transaction).
Upgrade builds it from the existing reports and entries; downgrade drops it.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BUILD = """
INSERT INTO rollup_totals (installment_id, province_id, lao_type, status, reports, late, amount_satang)
SELECT r.installment_id, l.province_id, l.lao_type, r.status, count(*),
       sum(CASE WHEN r.recorded_late THEN 1 ELSE 0 END), sum(coalesce(e.amount, 0))
FROM installment_reports r
JOIN laos l ON l.id = r.lao_id
LEFT JOIN (SELECT installment_id, lao_id, sum(amount_satang) AS amount FROM entries
           GROUP BY installment_id, lao_id) e
  ON e.installment_id = r.installment_id AND e.lao_id = r.lao_id
GROUP BY r.installment_id, l.province_id, l.lao_type, r.status
"""


def upgrade() -> None:
    op.create_table('rollup_totals',
    sa.Column('installment_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('lao_type', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('amount_satang', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['installment_id'], ['installments.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('installment_id', 'province_id', 'lao_type', 'status')
    )
    op.execute(BUILD)


def downgrade() -> None:
    op.drop_table('rollup_totals')
