"""The migrated schema equals the models (types, CHECK constraints) and migration 0003 converts existing data."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import migrate
from app.db import Base, make_engine
from app.models import KpiSetting, RevenueItem, User

LITERAL = re.compile(r"'((?:[^']|'')*)'")


def _literals(sql: str) -> set[str]:
    """The quoted string values of a CHECK constraint's SQL (PostgreSQL adds casts around them)."""
    return {m.replace("''", "'") for m in LITERAL.findall(sql)}


def _model_checks() -> dict[tuple[str, str], str]:
    """(table, constraint name) -> SQL text of every CHECK constraint declared by the models."""
    return {
        (table.name, c.name): str(c.sqltext)
        for table in Base.metadata.sorted_tables
        for c in table.constraints
        if isinstance(c, CheckConstraint)
    }


@pytest.fixture
def engine(database_url):
    """An engine on the session's migrated test database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


def test_autogenerate_finds_no_difference_between_migrations_and_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_check_constraint_of_the_models_exists_with_the_same_values(engine):
    declared = _model_checks()
    assert {name for _t, name in declared} >= {
        "ck_laos_lao_type", "ck_laos_municipality_class", "ck_installment_reports_status", "ck_users_role",
        "ck_users_role_scope", "ck_item_activations_lao_type", "ck_fiscal_years_schedule",
        "ck_kpi_settings_thresholds_ordered", "ck_kpi_settings_weights_range",
    }
    insp = inspect(engine)
    found = {
        (table, c["name"]): c["sqltext"]
        for table in {t for t, _n in declared}
        for c in insp.get_check_constraints(table)
    }
    assert set(found) == set(declared)
    for key, sql in declared.items():
        assert _literals(found[key]) == _literals(sql), key
    assert _literals(declared[("users", "ck_users_role")]) == {"lao_officer", "province_verifier",
                                                               "national_viewer", "admin"}


USER_SQL = text(
    "INSERT INTO users (username, password_hash, full_name, position, phone, role, lao_id, province_id, active, "
    "must_change_password, failed_logins, session_token) VALUES (:u, 'x', '', '', '', :role, :lao, :prov, "
    ":t, :f, 0, 'tok')"
)


def _refused(engine, sql, params, constraint: str) -> None:
    """Executing `sql` fails on the named CHECK constraint; nothing is kept."""
    with engine.connect() as conn, pytest.raises(IntegrityError) as err, conn.begin():
        conn.execute(sql, params)
    assert constraint in str(err.value)


@pytest.mark.parametrize("role, lao, prov, constraint", [
    ("superuser", None, None, "ck_users_role"),
    ("lao_officer", None, None, "ck_users_role_scope"),
    ("lao_officer", None, 1, "ck_users_role_scope"),
    ("province_verifier", None, None, "ck_users_role_scope"),
    ("province_verifier", 1, 1, "ck_users_role_scope"),
    ("national_viewer", None, 1, "ck_users_role_scope"),
    ("admin", 1, None, "ck_users_role_scope"),
])
def test_the_database_refuses_a_bad_role_or_a_scope_that_does_not_fit_it(engine, role, lao, prov, constraint):
    _refused(engine, USER_SQL, {"u": "bad-user", "role": role, "lao": lao, "prov": prov, "t": True, "f": False},
             constraint)


def test_the_database_accepts_a_national_account_without_scope(engine):
    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(USER_SQL, {"u": "good-admin", "role": "admin", "lao": None, "prov": None, "t": True, "f": False})
        trans.rollback()


def test_the_database_refuses_an_unknown_status_lao_type_or_schedule(engine):
    _refused(engine, text("INSERT INTO installment_reports (lao_id, installment_id, status, recorded_late, "
                          "confirmed_late, version) VALUES (1, 1, 'approved', :f, :f, 1)"),
             {"f": False}, "ck_installment_reports_status")
    _refused(engine, text("INSERT INTO fiscal_years (year, start_date, end_date, schedule) "
                          "VALUES (2999, :d, :d, 'weekly')"), {"d": datetime(2999, 1, 1).date()},
             "ck_fiscal_years_schedule")
    _refused(engine, text("INSERT INTO laos (code, name_th, name_en, lao_type, province_id, district_id, active) "
                          "VALUES ('X1', 'x', 'x', 'CITY', 1, 1, :t)"), {"t": True}, "ck_laos_lao_type")
    _refused(engine, text("INSERT INTO item_activations (fiscal_year, item_id, lao_type, active) "
                          "VALUES (2999, 1, 'BMA', :t)"), {"t": True}, "ck_item_activations_lao_type")
    _refused(engine, text("INSERT INTO kpi_settings (fiscal_year, t1, t2, t3, t4, t5, weight_pao, "
                          "weight_municipality, weight_sao) VALUES (2999, 5, 4, 3, 2, 1, 40, 30, 30)"), {},
             "ck_kpi_settings_thresholds_ordered")


# -------------------------------------------------------------------------------- data conversion

@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database on the test engine for migrating step by step (PostgreSQL: a throwaway database)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_migration"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _old_data(conn, users: list[tuple]) -> None:
    """Rows in the formats of revision 0002: comma strings for KPI settings and LAO types."""
    conn.execute(text("INSERT INTO provinces (id, code, name_th, name_en) VALUES (1, '50', 'เชียงใหม่', 'Chiang Mai')"))
    conn.execute(text("INSERT INTO districts (id, code, province_id, name_th, name_en) VALUES (1, '5001', 1, 'a', 'a')"))
    conn.execute(text("INSERT INTO laos (id, code, name_th, name_en, lao_type, municipality_class, province_id, "
                      "district_id, active) VALUES (1, '6500101', 'x', 'x', 'SAO', NULL, 1, 1, :t)"), {"t": True})
    conn.execute(text("INSERT INTO revenue_items (id, code, name_th, name_en, lao_types, sort_order) VALUES "
                      "(1, 'PAO_OIL', 'a', 'a', 'PAO', 1), (2, 'SIGNBOARD', 'b', 'b', 'MUNICIPALITY,SAO', 2)"))
    conn.execute(text("INSERT INTO fiscal_years (year, start_date, end_date, schedule) VALUES "
                      "(2569, :s1, :e1, 'monthly'), (2570, :s2, :e2, 'monthly')"),
                 {"s1": datetime(2025, 10, 1).date(), "e1": datetime(2026, 9, 30).date(),
                  "s2": datetime(2026, 10, 1).date(), "e2": datetime(2027, 9, 30).date()})
    conn.execute(text("INSERT INTO kpi_settings (fiscal_year, thresholds, weight_pao, weight_municipality, "
                      "weight_sao, updated_at) VALUES (2569, '-20,-10,0,10,20', '50.00', '25.00', '25.00', :at), "
                      "(2570, '-7.5,-2.25,0,2.5,7.5', '33.34', '33.33', '33.33', NULL)"),
                 {"at": datetime(2026, 11, 30, 8, 0)})
    for username, role, lao_id, province_id in users:
        conn.execute(USER_SQL, {"u": username, "role": role, "lao": lao_id, "prov": province_id, "t": True,
                                "f": False})


def test_migration_0003_converts_strings_to_decimals_and_lists_and_back(scratch_url):
    migrate.upgrade(scratch_url, "0002")
    engine = make_engine(scratch_url)
    with engine.begin() as conn:
        _old_data(conn, [("officer", "lao_officer", 1, 1), ("verifier", "province_verifier", 1, 1),
                         ("viewer", "national_viewer", None, 1), ("admin", "admin", None, None)])
    migrate.upgrade(scratch_url, "0003")
    with Session(engine) as s:
        settings = {k.fiscal_year_id: k for k in s.scalars(select(KpiSetting))}
        assert settings[2569].thresholds == (Decimal(-20), Decimal(-10), Decimal(0), Decimal(10), Decimal(20))
        assert all(isinstance(t, Decimal) for t in settings[2570].thresholds)
        assert settings[2570].thresholds == tuple(Decimal(x) for x in ("-7.5", "-2.25", "0", "2.5", "7.5"))
        assert (settings[2569].weight_pao, settings[2569].weight_municipality, settings[2569].weight_sao) == (
            Decimal("50.00"), Decimal("25.00"), Decimal("25.00"))
        assert isinstance(settings[2570].weight_pao, Decimal) and settings[2570].weight_pao == Decimal("33.34")
        assert settings[2569].updated_at == datetime(2026, 11, 30, 8, 0)
        items = {i.code: i for i in s.scalars(select(RevenueItem))}
        assert items["PAO_OIL"].lao_types == ["PAO"] and items["SIGNBOARD"].lao_types == ["MUNICIPALITY", "SAO"]
        assert items["SIGNBOARD"].applies("SAO", 2570) and not items["SIGNBOARD"].applies("PAO", 2570)
        # columns, not the entity: the users table of revision 0003 lacks the columns later revisions add
        scopes = {u: (lao, prov) for u, lao, prov in s.execute(select(User.username, User.lao_id, User.province_id))}
        # the column a role does not use is cleared; what each account may see is unchanged
        assert scopes == {"officer": (1, None), "verifier": (None, 1), "viewer": (None, None), "admin": (None, None)}

    migrate.downgrade(scratch_url, "0002")
    with engine.connect() as conn:
        kpi = conn.execute(text("SELECT fiscal_year, thresholds, weight_pao, weight_sao FROM kpi_settings "
                                "ORDER BY fiscal_year")).all()
        assert [tuple(r) for r in kpi] == [(2569, "-20,-10,0,10,20", "50.00", "25.00"),
                                           (2570, "-7.5,-2.25,0,2.5,7.5", "33.34", "33.33")]
        types = dict(conn.execute(text("SELECT code, lao_types FROM revenue_items")).all())
        assert types == {"PAO_OIL": "PAO", "SIGNBOARD": "MUNICIPALITY,SAO"}
    migrate.upgrade(scratch_url)
    engine.dispose()


@pytest.mark.parametrize("users, message", [
    ([("orphan", "province_verifier", None, None)], "orphan (province_verifier)"),
    ([("nolao", "lao_officer", None, 1)], "nolao (lao_officer)"),
    ([("boss", "superuser", None, None)], "users.role: ['superuser']"),
])
def test_migration_0003_stops_with_a_clear_message_and_changes_nothing(scratch_url, users, message):
    migrate.upgrade(scratch_url, "0002")
    engine = make_engine(scratch_url)
    with engine.begin() as conn:
        _old_data(conn, users)
    with pytest.raises(RuntimeError, match=re.escape(message)):
        migrate.upgrade(scratch_url, "0003")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert conn.execute(text("SELECT thresholds FROM kpi_settings WHERE fiscal_year = 2569")).scalar() == (
            "-20,-10,0,10,20")
        assert conn.execute(text("SELECT province_id FROM users")).scalar() == users[0][3]
    engine.dispose()


# ------------------------------------------------------------------------------ typed KPI settings

def test_kpi_settings_are_stored_as_decimals_with_two_places_and_audited_as_strings(ctx):
    from app.domain.errors import ValidationError
    from app.models import AuditEvent
    from app.reports.operations import save_kpi_settings
    from app.reports.queries import kpi_settings
    from tests import factories as f

    f.fiscal_year(2569)
    admin = f.user("admin", "admin")
    weights = {"pao": "40", "mun": "30", "sao": "30"}
    save_kpi_settings(admin, None, 2569, ["-7.555", "-2.25", "0", "2.50", "7.5"], weights)
    ctx.commit()
    row = ctx.get(KpiSetting, 2569, populate_existing=True)
    assert row.thresholds == (Decimal("-7.56"), Decimal("-2.25"), 0, Decimal("2.5"), Decimal("7.5"))
    assert all(isinstance(v, Decimal) for v in (*row.thresholds, row.weight_pao, row.weight_sao))
    assert [str(t) for t in kpi_settings(2569).thresholds] == ["-7.56", "-2.25", "0", "2.5", "7.5"]
    event = ctx.scalar(select(AuditEvent).where(AuditEvent.action == "kpi_settings_changed"))
    assert event.new_values == {"thresholds": "-7.56,-2.25,0,2.5,7.5", "weight_pao": "40.00",
                                "weight_municipality": "30.00", "weight_sao": "30.00"}
    # rounding to the column's 2 places must not merge two levels; nor may a threshold overflow it
    with pytest.raises(ValidationError) as err:
        save_kpi_settings(admin, None, 2569, ["1.001", "1.004", "2", "3", "4"], weights)
    assert set(err.value.errors) == {"t2"}
    ctx.rollback()
    with pytest.raises(ValidationError) as err:
        save_kpi_settings(admin, None, 2569, ["-1e9", "1", "2", "3", "4"], weights)
    assert set(err.value.errors) == {"t1"}
    ctx.rollback()
    assert ctx.get(KpiSetting, 2569, populate_existing=True).t1 == Decimal("-7.56")
