"""rollup_totals and rollup_streaks: the always-current rollups of the reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:40:00.000000

The always-current rollup the national reports read (kept by app/totals.py in every write's transaction).
rollup_totals: reports and entry satang per (installment, province, LAO type, status); rollup_streaks: LAOs
per (fiscal year, province, LAO type, active, recorded through k, confirmed through k).
Upgrade builds both from the existing reports and entries (the streak rule is frozen below as at this
revision; tests/test_rollup.py checks it agrees with app/totals.py); downgrade drops them.
"""

from collections import defaultdict

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


RECORDED = ("recorded", "confirmed", "returned")


def streaks(rows) -> dict:
    """{(fiscal year, province, type, active, recorded through, confirmed through): LAOs} from report rows
    (lao id, fiscal year, number, status, province id, type, active)."""
    per: dict = {}
    for lao_id, fy, number, status, province_id, lao_type, active in rows:
        per.setdefault((lao_id, fy), (province_id, lao_type, bool(active), {}))[3][number] = status
    out: dict = defaultdict(int)
    for (_lao, fy), (province_id, lao_type, active, statuses) in per.items():
        rec = 0
        while statuses.get(rec + 1) in RECORDED:
            rec += 1
        conf = 0
        while statuses.get(conf + 1) == "confirmed":
            conf += 1
        if rec:
            out[(fy, province_id, lao_type, active, rec, conf)] += 1
    return out


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
    op.create_table('rollup_streaks',
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('lao_type', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('recorded_through', sa.Integer(), nullable=False),
    sa.Column('confirmed_through', sa.Integer(), nullable=False),
    sa.Column('laos', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fiscal_year'], ['fiscal_years.year'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('fiscal_year', 'province_id', 'lao_type', 'active', 'recorded_through',
                            'confirmed_through')
    )
    rows = op.get_bind().execute(sa.text(
        "SELECT r.lao_id, i.fiscal_year, i.number, r.status, l.province_id, l.lao_type, l.active "
        "FROM installment_reports r JOIN installments i ON i.id = r.installment_id JOIN laos l ON l.id = r.lao_id"))
    built = streaks(rows)
    if built:
        table = sa.table('rollup_streaks', *(sa.column(c) for c in (
            'fiscal_year', 'province_id', 'lao_type', 'active', 'recorded_through', 'confirmed_through', 'laos')))
        op.bulk_insert(table, [dict(fiscal_year=k[0], province_id=k[1], lao_type=k[2], active=k[3],
                                    recorded_through=k[4], confirmed_through=k[5], laos=n)
                               for k, n in sorted(built.items())])


def downgrade() -> None:
    op.drop_table('rollup_streaks')
    op.drop_table('rollup_totals')
