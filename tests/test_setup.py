"""Configuration guards, migrations on the configured database, reference data and the audit trail."""

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DatabaseError

from app import create_app, db
from app.models import AuditEvent, District, Province, RevenueItem
from app.reference import create_fiscal_year


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.delenv("CERTIFICATE_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    with pytest.raises(RuntimeError, match="CERTIFICATE_KEY"):
        create_app("production")
    monkeypatch.setenv("CERTIFICATE_KEY", "x" * 32)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="apart from SECRET_KEY"):
        create_app("production")


def test_production_refuses_demo_data(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("CERTIFICATE_KEY", "y" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    prod = create_app("production", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    result = prod.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "refused" in result.output


def test_migration_built_every_table(app):
    with app.app_context():
        names = set(inspect(db.session.get_bind()).get_table_names())
    assert {"provinces", "districts", "laos", "revenue_items", "fiscal_years", "installments", "rounds",
            "entries", "installment_reports", "audit_events", "users", "alembic_version"} <= names


def test_amount_column_is_an_integer_type(app):
    with app.app_context():
        cols = {c["name"]: c for c in inspect(db.session.get_bind()).get_columns("entries")}
    assert "INT" in str(cols["amount_satang"]["type"]).upper()


def test_reference_data_is_real_geography_and_the_circulars_items(ctx):
    assert ctx.scalar(select(func.count(Province.id))) == 77
    assert ctx.scalar(select(func.count(District.id))) == 928
    items = {i.code: i for i in ctx.scalars(select(RevenueItem))}
    assert {c for c, i in items.items() if i.applies("PAO", 2560)} == {"PAO_OIL", "PAO_TOBACCO", "PAO_HOTEL"}
    assert {c for c, i in items.items() if i.applies("SAO", 2560)} == {"HOUSE_LAND", "LOCAL_MAINT", "SIGNBOARD"}
    assert {c for c, i in items.items() if i.applies("MUNICIPALITY", 2563)} == {"LAND_BUILDING", "SIGNBOARD"}
    assert {c for c, i in items.items() if i.applies("PAO", 2570)} == {"PAO_OIL", "PAO_TOBACCO", "PAO_HOTEL"}


def test_fiscal_year_creation_builds_the_schedule(ctx):
    fy = create_fiscal_year(2560, "dla2560")
    ctx.commit()
    assert [i.number for i in fy.installments] == list(range(1, 9))
    assert str(fy.installments[0].entry_deadline) == "2017-03-20"
    assert [r.last_installment for r in fy.rounds] == [6, 8]


def test_audit_trail_is_append_only_in_the_database(app):
    with app.app_context():
        db.session.add(AuditEvent(action="test", object_type="x"))
        db.session.commit()
        with pytest.raises((DatabaseError, RuntimeError)):
            db.session.execute(text("UPDATE audit_events SET action = 'changed'"))
        db.session.rollback()
        with pytest.raises((DatabaseError, RuntimeError)):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()
        event = db.session.scalar(select(AuditEvent))
        event.action = "changed"
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent.action)) == "test"


def test_migrations_downgrade_and_upgrade_cleanly(tmp_path):
    from app import migrate

    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    from sqlalchemy import create_engine

    engine = create_engine(url)
    assert "audit_events" in inspect(engine).get_table_names()
    engine.dispose()


def test_server_error_page_is_thai_and_hides_the_traceback(database_url):
    broken = create_app("testing", DATABASE_URL=database_url)

    @broken.route("/boom")
    def boom():
        raise ValueError("secret internals")

    broken.config["PROPAGATE_EXCEPTIONS"] = False
    resp = broken.test_client().get("/boom")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "ระบบขัดข้อง" in html and "secret internals" not in html and "Traceback" not in html


def test_behind_a_trusted_proxy_the_client_address_is_recorded(database_url):
    proxied = create_app("testing", DATABASE_URL=database_url, TRUSTED_PROXIES=1)

    @proxied.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    client = proxied.test_client()
    resp = client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert resp.get_data(as_text=True) == "203.0.113.7"
    direct = create_app("testing", DATABASE_URL=database_url)
    direct.add_url_rule("/whoami", "whoami", whoami)
    resp = direct.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                                    environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert resp.get_data(as_text=True) == "10.0.0.1"  # untrusted header ignored
