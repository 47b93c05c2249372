"""certificates: the verification codes of printed papers (kind, selection, moment, canonical payload, issuer)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 08:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('content_key', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('selection', sa.JSON(), nullable=False),
        sa.Column('moment', sa.DateTime(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('lao', 'province', 'national')", name='ck_certificates_kind'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('content_key'),
    )


def downgrade():
    op.drop_table('certificates')
