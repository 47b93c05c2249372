"""kpi_definitions.first_half_weight: a KPI measured in both halves of the year, then weighted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kpi_definitions') as batch:
        batch.add_column(sa.Column('first_half_weight', sa.Numeric(precision=5, scale=2), nullable=True))


def downgrade():
    with op.batch_alter_table('kpi_definitions') as batch:
        batch.drop_column('first_half_weight')
