"""rollup_lao_years: per LAO and fiscal year, the confirmed installments (a bit mask) and their satang, which
like-for-like reads instead of grouping every report; built here from the existing reports. The LAO index by
province and type also holds `active`, so the reports' LAO counts read the index alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

SLOTS = 12


def upgrade():
    op.create_table(
        'rollup_lao_years',
        sa.Column('lao_id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('confirmed_mask', sa.Integer(), nullable=False),
        *[sa.Column(f'c{k}', sa.BigInteger(), nullable=False) for k in range(1, SLOTS + 1)],
        sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_years.year'], ),
        sa.ForeignKeyConstraint(['lao_id'], ['laos.id'], ),
        sa.PrimaryKeyConstraint('lao_id', 'fiscal_year'),
    )
    op.create_index('ix_rollup_lao_years_year', 'rollup_lao_years', ['fiscal_year', 'confirmed_mask', 'lao_id'],
                    unique=False)
    # The same rows app/totals.py keeps (a frozen copy of its rule: a migration must not change with the app).
    slots = ", ".join(
        f"SUM(CASE WHEN r.status = 'confirmed' AND i.number = {k} THEN r.amount_satang ELSE 0 END)"
        for k in range(1, SLOTS + 1))
    op.execute(
        "INSERT INTO rollup_lao_years (lao_id, fiscal_year, confirmed_mask, "
        + ", ".join(f"c{k}" for k in range(1, SLOTS + 1)) + ") "
        "SELECT r.lao_id, i.fiscal_year, "
        "SUM(CASE WHEN r.status = 'confirmed' THEN (1 << (i.number - 1)) ELSE 0 END), " + slots + " "
        "FROM installment_reports r JOIN installments i ON i.id = r.installment_id "
        "WHERE r.status = 'confirmed' GROUP BY r.lao_id, i.fiscal_year")


    op.drop_index('ix_laos_province_type', table_name='laos')
    op.create_index('ix_laos_province_type', 'laos', ['province_id', 'lao_type', 'active'], unique=False)


def downgrade():
    op.drop_index('ix_laos_province_type', table_name='laos')
    op.create_index('ix_laos_province_type', 'laos', ['province_id', 'lao_type'], unique=False)
    op.drop_index('ix_rollup_lao_years_year', table_name='rollup_lao_years')
    op.drop_table('rollup_lao_years')
