"""users.email (+ verified-at, per-kind e-mail opt-out) and fiscal_years.reminder_days for scheduled reminders

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('email_optout', sa.JSON(), nullable=True))
    with op.batch_alter_table('fiscal_years') as batch:
        batch.add_column(sa.Column('reminder_days', sa.Integer(), server_default='3', nullable=False))
        batch.create_check_constraint('ck_fiscal_years_reminder_days', 'reminder_days BETWEEN 0 AND 60')
    # the outbox: messages not mailed yet, oldest first
    op.create_index('ix_notifications_outbox', 'notifications', ['emailed_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_notifications_outbox', table_name='notifications')
    with op.batch_alter_table('fiscal_years') as batch:
        batch.drop_constraint('ck_fiscal_years_reminder_days', type_='check')
        batch.drop_column('reminder_days')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email_optout')
        batch.drop_column('email_verified_at')
        batch.drop_column('email')
