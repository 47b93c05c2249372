"""typed KPI settings, revenue item LAO types as JSON, CHECK constraints on the closed vocabularies

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00.000000

Data conversion (both engines, in the migration's one transaction):

- kpi_settings: the comma string `thresholds` becomes five NUMERIC(9, 2) columns t1..t5 and the three
  weights NUMERIC(5, 2). A row whose values are not five strictly increasing numbers with at most
  2 decimals, or weights outside 0..100 with at most 2 decimals, stops the migration with a message
  naming the fiscal year (fix it on the KPI settings page, then upgrade again).
- revenue_items.lao_types: the comma string becomes a JSON list of LAO type codes.
- users, role/scope rule (an LAO officer has an LAO and no province, a verifier a province and no
  LAO, national viewers and admins neither). Decision: a column the role does not use is cleared
  (the app ignores it already: an officer's scope is its LAO's province, a verifier's its province,
  national roles see the whole country), so what every account may see is unchanged. A missing
  column the role needs (an officer without an LAO, a verifier without a province) cannot be
  invented: the migration stops and names the accounts; give them a scope or another role first.
- laos.lao_type / municipality_class, installment_reports.status, users.role,
  item_activations.lao_type and fiscal_years.schedule: a value outside the closed set stops the
  migration with a message naming the table, column and values.

The value lists are frozen here as they were at this revision; the models build theirs from the
Python enums and tuples, and tests/test_schema.py checks that both agree.

Downgrade restores the comma strings; cleared user scope columns are not restored.
"""

import json
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

LAO_TYPES = ("PAO", "MUNICIPALITY", "SAO")
MUNICIPALITY_CLASSES = ("city", "town", "subdistrict")
STATUSES = ("not_recorded", "recorded", "confirmed", "returned")
ROLES = ("lao_officer", "province_verifier", "national_viewer", "admin")
SCHEDULES = ("monthly", "dla2560", "annual")
TWO = Decimal("0.01")


def _in(column: str, values) -> str:
    """SQL text `column IN ('a', 'b')`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


ROLE_SCOPE = (
    "(role = 'lao_officer' AND lao_id IS NOT NULL AND province_id IS NULL)"
    " OR (role = 'province_verifier' AND province_id IS NOT NULL AND lao_id IS NULL)"
    " OR (role IN ('national_viewer', 'admin') AND lao_id IS NULL AND province_id IS NULL)"
)

CHECKS = {
    "laos": (
        ("ck_laos_lao_type", _in("lao_type", LAO_TYPES)),
        ("ck_laos_municipality_class", "municipality_class IS NULL OR " + _in("municipality_class", MUNICIPALITY_CLASSES)),
    ),
    "installment_reports": (("ck_installment_reports_status", _in("status", STATUSES)),),
    "users": (("ck_users_role", _in("role", ROLES)), ("ck_users_role_scope", ROLE_SCOPE)),
    "item_activations": (("ck_item_activations_lao_type", _in("lao_type", LAO_TYPES)),),
    "fiscal_years": (("ck_fiscal_years_schedule", _in("schedule", SCHEDULES)),),
}

KPI_CHECKS = (
    ("ck_kpi_settings_thresholds_ordered", "t1 < t2 AND t2 < t3 AND t3 < t4 AND t4 < t5"),
    ("ck_kpi_settings_weights_range",
     "weight_pao BETWEEN 0 AND 100 AND weight_municipality BETWEEN 0 AND 100 AND weight_sao BETWEEN 0 AND 100"),
)


class MigrationRefused(RuntimeError):
    """Existing data cannot be converted without a human decision; nothing was changed."""


# ------------------------------------------------------------------------------------------ checks

def _refuse_unknown_values(conn) -> None:
    """Stop when a column about to get a CHECK holds a value outside its closed set."""
    closed = (("laos", "lao_type", LAO_TYPES), ("laos", "municipality_class", MUNICIPALITY_CLASSES),
              ("installment_reports", "status", STATUSES), ("users", "role", ROLES),
              ("item_activations", "lao_type", LAO_TYPES), ("fiscal_years", "schedule", SCHEDULES))
    problems = []
    for table, column, values in closed:
        bad = conn.execute(sa.text(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL AND NOT ({_in(column, values)})"
        )).scalars().all()
        if bad:
            problems.append(f"{table}.{column}: {sorted(bad)} (allowed: {list(values)})")
    if problems:
        raise MigrationRefused("values outside the allowed set, correct them first: " + "; ".join(problems))


def _fix_user_scopes(conn) -> None:
    """Clear scope columns a role does not use; stop when a role lacks the scope it needs."""
    missing = conn.execute(sa.text(
        "SELECT username, role FROM users WHERE (role = 'lao_officer' AND lao_id IS NULL)"
        " OR (role = 'province_verifier' AND province_id IS NULL) ORDER BY username"
    )).all()
    if missing:
        names = ", ".join(f"{u} ({r})" for u, r in missing)
        raise MigrationRefused(
            "accounts without the scope their role needs (an LAO officer needs an LAO, a provincial verifier "
            f"a province); give them one or change their role, then upgrade again: {names}"
        )
    conn.execute(sa.text("UPDATE users SET province_id = NULL WHERE role = 'lao_officer' AND province_id IS NOT NULL"))
    conn.execute(sa.text("UPDATE users SET lao_id = NULL WHERE role = 'province_verifier' AND lao_id IS NOT NULL"))
    conn.execute(sa.text(
        "UPDATE users SET lao_id = NULL, province_id = NULL WHERE role IN ('national_viewer', 'admin')"
        " AND (lao_id IS NOT NULL OR province_id IS NOT NULL)"
    ))


def _add_checks() -> None:
    """Add the named CHECK constraints (SQLite: by rebuilding each table in batch mode)."""
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)


def _drop_checks() -> None:
    """Drop the CHECK constraints added by this revision."""
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(name, type_="check")


# ---------------------------------------------------------------------------------------- settings

def _decimal(text, year, what: str, limit: Decimal) -> Decimal:
    """`text` as a Decimal with at most 2 decimals and below `limit`, or MigrationRefused naming the year."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > limit or value != value.quantize(TWO):
        raise MigrationRefused(f"kpi_settings of fiscal year {year}: {what} {text!r} is not a number with at most "
                               "2 decimals in range; correct it on the KPI settings page, then upgrade again")
    return value.quantize(TWO)


def _kpi_table(typed: bool) -> sa.Table:
    """kpi_settings as it is after (typed) or before this revision."""
    meta = sa.MetaData()
    sa.Table("fiscal_years", meta, sa.Column("year", sa.Integer, primary_key=True))
    if typed:
        values = [sa.Column(f"t{i}", sa.Numeric(9, 2), nullable=False) for i in range(1, 6)]
        weight = sa.Numeric(5, 2)
    else:
        values = [sa.Column("thresholds", sa.String(100), nullable=False)]
        weight = sa.String(20)
    checks = [sa.CheckConstraint(condition, name=name) for name, condition in KPI_CHECKS] if typed else []
    return sa.Table(
        "kpi_settings", meta,
        sa.Column("fiscal_year", sa.Integer, sa.ForeignKey("fiscal_years.year"), primary_key=True),
        *values,
        sa.Column("weight_pao", weight, nullable=False),
        sa.Column("weight_municipality", weight, nullable=False),
        sa.Column("weight_sao", weight, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=True),
        *checks,
    )


def _kpi_settings_to_numeric(conn) -> None:
    """Rebuild kpi_settings with numeric columns, converting and validating every row."""
    old = _kpi_table(typed=False)
    rows = conn.execute(sa.select(old)).mappings().all()
    converted = []
    for row in rows:
        year = row["fiscal_year"]
        parts = [p for p in row["thresholds"].split(",") if p.strip()]
        if len(parts) != 5:
            raise MigrationRefused(f"kpi_settings of fiscal year {year}: thresholds {row['thresholds']!r} are not "
                                   "five numbers; correct them on the KPI settings page, then upgrade again")
        t = [_decimal(p, year, "threshold", Decimal("9999999.99")) for p in parts]
        if any(b <= a for a, b in pairwise(t)):
            raise MigrationRefused(f"kpi_settings of fiscal year {year}: thresholds {row['thresholds']!r} are not "
                                   "strictly increasing; correct them on the KPI settings page, then upgrade again")
        weights = {k: _decimal(row[k], year, k, Decimal(100))
                   for k in ("weight_pao", "weight_municipality", "weight_sao")}
        if any(w < 0 for w in weights.values()):
            raise MigrationRefused(f"kpi_settings of fiscal year {year}: a weight is negative; correct it on the "
                                   "KPI settings page, then upgrade again")
        converted.append({"fiscal_year": year, **{f"t{i}": v for i, v in enumerate(t, start=1)}, **weights,
                          "updated_at": row["updated_at"]})
    op.drop_table("kpi_settings")
    new = _kpi_table(typed=True)
    new.create(conn)
    if converted:
        conn.execute(new.insert(), converted)


def _plain(value) -> str:
    """A Decimal as plain text without trailing zeros (-10.00 -> "-10")."""
    text = format(Decimal(value).quantize(TWO), "f")
    return text.rstrip("0").rstrip(".")


def _kpi_settings_to_strings(conn) -> None:
    """Rebuild kpi_settings with the comma-string and text columns of revision 0002."""
    new = _kpi_table(typed=True)
    rows = conn.execute(sa.select(new)).mappings().all()
    op.drop_table("kpi_settings")
    old = _kpi_table(typed=False)
    old.create(conn)
    if rows:
        conn.execute(old.insert(), [
            {"fiscal_year": r["fiscal_year"], "thresholds": ",".join(_plain(r[f"t{i}"]) for i in range(1, 6)),
             **{k: f"{Decimal(r[k]):.2f}" for k in ("weight_pao", "weight_municipality", "weight_sao")},
             "updated_at": r["updated_at"]}
            for r in rows
        ])


# ----------------------------------------------------------------------------------- revenue items

def _convert_lao_types(conn, to_json: bool) -> None:
    """Replace revenue_items.lao_types by a column of the other format, converting every row."""
    new_type = sa.JSON() if to_json else sa.String(60)
    with op.batch_alter_table("revenue_items") as batch_op:
        batch_op.add_column(sa.Column("lao_types_new", new_type, nullable=True))
    items = sa.table("revenue_items", sa.column("id", sa.Integer),
                     sa.column("lao_types", sa.String if to_json else sa.JSON),
                     sa.column("lao_types_new", new_type))
    for item_id, value in conn.execute(sa.select(items.c.id, items.c.lao_types)).all():
        if to_json:
            converted = [t.strip() for t in (value or "").split(",") if t.strip()]
        else:
            converted = ",".join(json.loads(value) if isinstance(value, str) else (value or []))
        conn.execute(items.update().where(items.c.id == item_id).values(lao_types_new=converted))
    with op.batch_alter_table("revenue_items") as batch_op:
        batch_op.drop_column("lao_types")
        batch_op.alter_column("lao_types_new", new_column_name="lao_types", existing_type=new_type, nullable=False)


# ------------------------------------------------------------------------------------------ upgrade

def upgrade() -> None:
    """Check and convert the data, then type the columns and add the constraints."""
    conn = op.get_bind()
    _refuse_unknown_values(conn)
    _fix_user_scopes(conn)
    _kpi_settings_to_numeric(conn)
    _convert_lao_types(conn, to_json=True)
    _add_checks()


def downgrade() -> None:
    """Drop the constraints and restore the string formats of revision 0002."""
    conn = op.get_bind()
    _drop_checks()
    _convert_lao_types(conn, to_json=False)
    _kpi_settings_to_strings(conn)
