"""holidays: the public holidays an administrator keeps (working-day lateness skips them)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'holidays',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('name_th', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )


def downgrade():
    op.drop_table('holidays')
