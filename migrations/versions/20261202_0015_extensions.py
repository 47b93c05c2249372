"""deadline_extensions: requests for a later entry deadline (an LAO) or confirmation deadline (a province)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deadline_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('installment_id', sa.Integer(), nullable=False),
        sa.Column('province_id', sa.Integer(), nullable=False),
        sa.Column('lao_id', sa.Integer(), nullable=True),
        sa.Column('original_deadline', sa.Date(), nullable=False),
        sa.Column('requested_deadline', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('new_deadline', sa.Date(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('pending_key', sa.String(length=60), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('entry', 'confirm')", name='ck_deadline_extensions_kind'),
        sa.CheckConstraint("status IN ('pending', 'approved', 'refused')", name='ck_deadline_extensions_status'),
        sa.CheckConstraint("(kind = 'entry' AND lao_id IS NOT NULL) OR (kind = 'confirm' AND lao_id IS NULL)",
                           name='ck_deadline_extensions_target'),
        sa.CheckConstraint("(status = 'approved' AND new_deadline IS NOT NULL)"
                           " OR (status <> 'approved' AND new_deadline IS NULL)",
                           name='ck_deadline_extensions_decision'),
        sa.ForeignKeyConstraint(['installment_id'], ['installments.id']),
        sa.ForeignKeyConstraint(['province_id'], ['provinces.id']),
        sa.ForeignKeyConstraint(['lao_id'], ['laos.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('pending_key'),
    )
    op.create_index('ix_deadline_extensions_installment', 'deadline_extensions',
                    ['installment_id', 'status', 'province_id', 'lao_id'], unique=False)
    op.create_index('ix_deadline_extensions_province', 'deadline_extensions', ['province_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_deadline_extensions_province', table_name='deadline_extensions')
    op.drop_index('ix_deadline_extensions_installment', table_name='deadline_extensions')
    op.drop_table('deadline_extensions')
