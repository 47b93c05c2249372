"""rollup_lao_years.recorded_mask: per LAO and fiscal year, the installments recorded (recorded, confirmed or
returned), so a province's drill-down reads its LAOs' completeness from the rollup instead of grouping their
reports; the rows are rebuilt here from the existing reports (now one per LAO and year with a recorded report).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 14:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

SLOTS = 12


def upgrade():
    op.add_column('rollup_lao_years', sa.Column('recorded_mask', sa.Integer(), server_default='0', nullable=False))
    # The same rows app/totals.py keeps (a frozen copy of its rule: a migration must not change with the app).
    slots = ", ".join(
        f"SUM(CASE WHEN r.status = 'confirmed' AND i.number = {k} THEN r.amount_satang ELSE 0 END)"
        for k in range(1, SLOTS + 1))
    op.execute("DELETE FROM rollup_lao_years")
    op.execute(
        "INSERT INTO rollup_lao_years (lao_id, fiscal_year, confirmed_mask, "
        + ", ".join(f"c{k}" for k in range(1, SLOTS + 1)) + ", recorded_mask) "
        "SELECT r.lao_id, i.fiscal_year, "
        "SUM(CASE WHEN r.status = 'confirmed' THEN (1 << (i.number - 1)) ELSE 0 END), " + slots + ", "
        "SUM(CASE WHEN r.status IN ('recorded', 'confirmed', 'returned') THEN (1 << (i.number - 1)) ELSE 0 END) "
        "FROM installment_reports r JOIN installments i ON i.id = r.installment_id "
        "WHERE r.status IN ('recorded', 'confirmed', 'returned') GROUP BY r.lao_id, i.fiscal_year")


def downgrade():
    op.execute("DELETE FROM rollup_lao_years WHERE confirmed_mask = 0")
    with op.batch_alter_table('rollup_lao_years') as batch:
        batch.drop_column('recorded_mask')
