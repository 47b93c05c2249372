"""kpi_definitions: KPIs per fiscal year as the summary form states them, versioned within the year

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kpi_definitions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('from_round', sa.Integer(), nullable=False),
        sa.Column('name_th', sa.String(length=300), nullable=False),
        sa.Column('group_th', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=False),
        sa.Column('category', sa.String(length=12), nullable=False),
        sa.Column('points', sa.Numeric(precision=17, scale=4), nullable=False),
        sa.Column('t1', sa.Numeric(precision=17, scale=4), nullable=False),
        sa.Column('t2', sa.Numeric(precision=17, scale=4), nullable=False),
        sa.Column('t3', sa.Numeric(precision=17, scale=4), nullable=False),
        sa.Column('t4', sa.Numeric(precision=17, scale=4), nullable=False),
        sa.Column('t5', sa.Numeric(precision=17, scale=4), nullable=False),
        sa.Column('rounds', sa.String(length=60), nullable=False),
        sa.Column('base_year', sa.Integer(), nullable=True),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('penalty', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('version >= 1 AND from_round >= 1', name='ck_kpi_definitions_version'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_years.year'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fiscal_year', 'code', 'version', name='uq_kpi_definition_version'),
    )


def downgrade():
    op.drop_table('kpi_definitions')
