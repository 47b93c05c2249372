"""scorecard_reports: explanations, reporter block, report date and submission time of a round's scorecard

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scorecard_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('round_no', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=10), nullable=False),
        sa.Column('explanations', sa.JSON(), nullable=False),
        sa.Column('reporter_name', sa.String(length=200), nullable=False),
        sa.Column('reporter_position', sa.String(length=200), nullable=False),
        sa.Column('reporter_unit', sa.String(length=200), nullable=False),
        sa.Column('reporter_phone', sa.String(length=50), nullable=False),
        sa.Column('report_date', sa.Date(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_years.year'], ),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fiscal_year', 'round_no', 'place', name='uq_scorecard_report'),
    )


def downgrade():
    op.drop_table('scorecard_reports')
