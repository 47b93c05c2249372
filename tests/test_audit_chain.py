"""The audit trail's hash chain: written in one place for every path, verified by `flask audit verify` and the
admin page, forged or changed events detected, TRUNCATE and an app role's UPDATE/DELETE refused on PostgreSQL,
and the security events (recorded apart, throttled, shown to admins only)."""

import os
import re
import threading
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from flask_login import login_user
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from app import audit, db, migrate
from app.auth.loaders import require_scope
from app.domain.vocabulary import SECURITY_ACTIONS, AuditAction
from app.models import AuditEvent, Lao, User, utcnow
from tests import factories as f
from tests.conftest import login
from tests.test_schema import scratch_url  # noqa: F401  (fixture: a throwaway database to migrate)

ROLE_SQL = Path(__file__).resolve().parent.parent / "migrations" / "app_role.sql"


def _pg(engine) -> bool:
    return engine.dialect.name == "postgresql"


def _write_some(app) -> None:
    """Events through every writer: record() in the request's session, record_many(), and an apart() session."""
    with app.app_context():
        admin = f.user("admin", "admin")
        db.session.commit()
        db.begin_write()
        audit.record(admin, "10.0.0.1", AuditAction.USER_CREATED, "user", "a", new={"role": "admin", "n": 1})
        audit.record_many([audit.values(admin, "10.0.0.1", AuditAction.USER_CREATED, "user", f"bulk{i}",
                                        new={"bulk": True}) for i in range(3)])
        audit.record(None, None, AuditAction.FISCAL_YEAR_CREATED, "fiscal_year", "2570", old=None,
                     new={"schedule": "monthly", "ไทย": "ข้อความ"})
        db.session.commit()
        with db.apart() as side:
            audit.record(admin, None, AuditAction.PASSWORD_CHANGED, "user", "admin", session=side)


def _tamper(engine, sql: str, params: dict | None = None) -> None:
    """Run `sql` on audit_events with its append-only triggers set aside (as the owner could)."""
    with engine.begin() as conn:
        if _pg(engine):
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            conn.execute(text(sql), params or {})
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='trigger' "
                                         "AND tbl_name='audit_events'")).all()
            for name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            conn.execute(text(sql), params or {})
            for _name, trigger_sql in triggers:
                conn.execute(text(trigger_sql))


def _verdict(app) -> audit.Verdict:
    with app.app_context():
        return audit.verify()


def test_every_writer_chains_its_events_and_the_chain_verifies(app):
    _write_some(app)
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert len(rows) == 6
        assert rows[0].prev_hash == audit.GENESIS
        for before, after in pairwise(rows):
            assert after.prev_hash == before.hash and after.id > before.id
        assert all(len(r.hash) == 64 for r in rows)
    verdict = _verdict(app)
    assert verdict.intact and verdict.count == 6 and verdict.head == rows[-1].hash
    assert verdict.describe().startswith("intact, 6 events")


def test_an_empty_trail_is_intact(app):
    assert _verdict(app) == audit.Verdict(True, 0)


def test_a_forged_row_inserted_by_sql_is_found(app):
    _write_some(app)
    with app.app_context():
        head = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    _tamper(app.extensions["engine"], "INSERT INTO audit_events (id, at, username, action, object_type, prev_hash, "
            "hash) VALUES (100, :at, 'mallory', 'password_reset', 'user', :prev, :hash)",
            {"at": datetime(2026, 11, 1), "prev": head, "hash": "f" * 64})
    verdict = _verdict(app)
    assert (verdict.intact, verdict.broken_id, verdict.problem, verdict.count) == (False, 100, "hash", 6)


def test_a_changed_row_is_found(app):
    _write_some(app)
    _tamper(app.extensions["engine"], "UPDATE audit_events SET username = 'someone-else' WHERE id = 3")
    verdict = _verdict(app)
    assert (verdict.intact, verdict.broken_id, verdict.problem) == (False, 3, "hash")


def test_a_removed_row_is_found(app):
    _write_some(app)
    _tamper(app.extensions["engine"], "DELETE FROM audit_events WHERE id = 2")
    verdict = _verdict(app)
    assert (verdict.intact, verdict.broken_id, verdict.problem, verdict.count) == (False, 3, "link", 1)


def test_a_forked_chain_cannot_be_stored(app):
    _write_some(app)
    with pytest.raises(DBAPIError):
        _tamper(app.extensions["engine"], "INSERT INTO audit_events (id, at, username, action, object_type, "
                "prev_hash, hash) VALUES (100, :at, 'x', 'password_reset', 'user', :prev, :hash)",
                {"at": datetime(2026, 11, 1), "prev": audit.GENESIS, "hash": "e" * 64})


def test_cli_verify_prints_the_verdict_and_exits_1_when_broken(app):
    _write_some(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("intact, 6 events")
    _tamper(app.extensions["engine"], "UPDATE audit_events SET new_values = NULL WHERE id = 5")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 5" in result.output and "changed or forged" in result.output


def test_the_admin_audit_page_shows_the_verdict_to_admins_only(app, client):
    _write_some(app)
    with app.app_context():
        f.user("national", "national_viewer")
        db.session.commit()
    login(client, "admin", f.PASSWORD)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="audit-verify"' in html and 'data-testid="audit-verdict"' not in html  # on request only
    html = client.get("/admin/audit?verify=1").get_data(as_text=True)
    assert 'data-testid="audit-verdict"' in html and "ครบถ้วน ไม่ถูกแก้ไข (6 รายการ)" in html
    _tamper(app.extensions["engine"], "UPDATE audit_events SET ip = '1.2.3.4' WHERE id = 4")
    html = client.get("/admin/audit?verify=1&action=user_created").get_data(as_text=True)
    assert "ประวัติการแก้ไขไม่ครบถ้วนหรือถูกแก้ไข" in html and "รายการเลขที่ 4" in html
    other = app.test_client()
    login(other, "national", f.PASSWORD)
    html = other.get("/admin/audit?verify=1").get_data(as_text=True)
    assert 'data-testid="audit-verdict"' not in html and 'data-testid="audit-verify"' not in html


def test_concurrent_writers_do_not_fork_the_chain(app):
    with app.app_context():
        f.user("admin", "admin")
        db.session.commit()
    n, errors = 6, []
    barrier = threading.Barrier(2 * n)

    def in_session(i: int) -> None:
        with app.app_context():
            try:
                admin = db.session.scalar(select(User).where(User.username == "admin"))
                db.session.commit()
                barrier.wait()
                db.begin_write()
                audit.record(admin, None, AuditAction.USER_UPDATED, "user", f"t{i}")
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    def apart(i: int) -> None:
        with app.test_request_context("/"):
            barrier.wait()
            if not audit.security_event(AuditAction.LOGIN_FAILED, username=f"guess{i}", ip="10.9.9.9"):
                errors.append(f"apart {i} not written")

    threads = [threading.Thread(target=fn, args=(i,)) for i in range(n) for fn in (in_session, apart)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    verdict = _verdict(app)
    assert verdict.intact and verdict.count == 2 * n


def test_migration_0004_chains_existing_events(scratch_url):  # noqa: F811
    migrate.upgrade(scratch_url, "0003")
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            for i in range(3):
                conn.execute(text("INSERT INTO audit_events (at, username, ip, action, object_type, object_id, "
                                  "old_values, new_values) VALUES (:at, 'old', '10.0.0.1', 'user_created', 'user', "
                                  ":oid, NULL, :new)"),
                             {"at": datetime(2026, 10, 1, 8, 0, i, 123456), "oid": f"u{i}",
                              "new": f'{{"role": "admin", "ชื่อ": "ทดสอบ", "n": {i}}}'})
        migrate.upgrade(scratch_url)
        with Session(engine) as session:
            verdict = audit.verify(session)
        assert verdict.intact and verdict.count == 3
        migrate.downgrade(scratch_url, "0003")
        migrate.upgrade(scratch_url)
        with Session(engine) as session:
            assert audit.verify(session).count == 3
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------ PostgreSQL only

def test_truncate_is_refused_on_postgresql(app):
    engine = app.extensions["engine"]
    if not _pg(engine):
        pytest.skip("PostgreSQL: SQLite has no TRUNCATE")
    _write_some(app)
    for sql in ("TRUNCATE audit_events", "TRUNCATE users CASCADE", "DELETE FROM audit_events",
                "UPDATE audit_events SET ip = NULL"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert _verdict(app).count == 6


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def test_the_app_role_may_only_select_and_insert_audit_events(app):
    engine = app.extensions["engine"]
    if not _pg(engine):
        pytest.skip("PostgreSQL: database roles")
    _write_some(app)
    role = f"lao_app_test_{os.getpid()}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        for stmt in _statements(ROLE_SQL.read_text().replace("lao_app", role)):
            conn.execute(text(stmt))
    try:
        with engine.begin() as conn:  # the app's ordinary work under the role: read and append
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            assert conn.execute(select(func.count(AuditEvent.id))).scalar() == 6
            rows = [audit.values(None, "10.0.0.9", AuditAction.LOGIN_FAILED, "security", "/login", username="x")]
            audit.link(conn, rows)
            conn.execute(insert(AuditEvent.__table__), rows)
            conn.execute(text("UPDATE users SET phone = '02-111-1111'"))  # other tables stay writable
        for sql in ("UPDATE audit_events SET ip = NULL", "DELETE FROM audit_events", "TRUNCATE audit_events",
                    "ALTER TABLE audit_events DISABLE TRIGGER USER",
                    "DROP TRIGGER audit_events_no_truncate ON audit_events"):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"), engine.begin() as conn:
                conn.execute(text(f"SET LOCAL ROLE {role}"))
                conn.execute(text(sql))
        assert _verdict(app).count == 7
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))


# ------------------------------------------------------------------------------------ security events

def _security(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(SECURITY_ACTIONS))
                                       .order_by(AuditEvent.id)))


@pytest.fixture
def people(app):
    """An LAO officer, a verifier, a national viewer and an admin."""
    with app.app_context():
        own = f.lao("SAO", "50", code="OWN01")
        f.user("officer", "lao_officer", lao_obj=own)
        f.user("verifier", "province_verifier", province_obj=f.province("50"))
        f.user("national", "national_viewer")
        f.user("admin", "admin")
        db.session.commit()


def test_security_event_records_a_failed_login_apart_from_the_request(app):
    with app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": "203.0.113.5"}):
        db.session.execute(select(1))
        assert audit.security_event(AuditAction.LOGIN_FAILED, username="nobody-" + "x" * 100,
                                    detail={"reason": "unknown_user"})
        db.session.rollback()  # the refused request's rollback does not take the event with it
    [event] = _security(app)
    assert (event.action, event.user_id, event.ip, event.object_type, event.object_id) == (
        "login_failed", None, "203.0.113.5", "security", "/login")
    assert event.username == ("nobody-" + "x" * 100)[:80]
    assert event.new_values == {"method": "POST", "reason": "unknown_user"}
    assert _verdict(app).intact
    with pytest.raises(ValueError), app.test_request_context("/"):
        audit.security_event(AuditAction.USER_CREATED)


def test_a_signed_in_users_403_and_404_are_recorded_once_a_minute_per_path(app, client, people):
    login(client, "officer", f.PASSWORD)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users").status_code == 403  # throttled: same user and path within a minute
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/static/no-such-file.css").status_code == 404  # static files are never recorded
    events = _security(app)
    assert [(e.action, e.username, e.object_id, e.new_values["status"]) for e in events] == [
        ("access_denied", "officer", "/admin/users", 403), ("access_denied", "officer", "/no-such-page", 404)]
    assert events[0].lao_id is not None


def test_anonymous_404s_are_not_recorded(app, client):
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/static/scanner.php").status_code == 404
    assert _security(app) == []


def test_the_scope_gate_records_its_refusal(app, people):
    with app.test_request_context("/reports/"):
        user = db.session.scalar(select(User).where(User.username == "admin"))
        login_user(user)
        user.lao_id = db.session.scalar(select(Lao.id))  # an admin assigned to an LAO: scope is nothing
        with pytest.raises(Forbidden), db.session.no_autoflush:
            require_scope()
        db.session.rollback()
    [event] = _security(app)
    assert (event.action, event.username, event.new_values["reason"]) == ("access_denied", "admin", "no_scope")


def test_a_csrf_failure_is_recorded(app, client, people):
    login(client, "officer", f.PASSWORD)
    assert client.post("/logout", data={}).status_code == 400
    [event] = _security(app)
    assert (event.action, event.username, event.object_id) == ("csrf_rejected", "officer", "/logout")
    assert "CSRF" in event.new_values["reason"]


def test_a_rejected_api_token_is_recorded_without_the_token(app, client):
    response = client.get("/api/v1/laos", headers={"Authorization": "Bearer not-a-real-token-123"})
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"
    assert client.get("/api/v1/laos").status_code == 401  # no token at all: not a rejected token
    [event] = _security(app)
    assert (event.action, event.username, event.object_id) == ("token_rejected", "system", "/api/v1/laos")
    assert "not-a-real-token" not in repr(event.new_values)


def test_security_events_are_shown_to_admins_only_as_their_own_category(app, client, people):
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.username == "officer"))
        lao = db.session.scalar(select(Lao).where(Lao.code == "OWN01"))
        audit.record(officer, None, AuditAction.RECORD_INSTALLMENT, "installment_report", "CHANGE-EVENT",
                     lao_id=lao.id, province_id=lao.province_id)
        db.session.commit()
    with app.test_request_context("/secret-path"):
        officer = db.session.scalar(select(User).where(User.username == "officer"))
        audit.security_event(AuditAction.ACCESS_DENIED, user=officer, detail={"status": 404})
    for username in ("officer", "verifier", "national"):
        c = app.test_client()
        login(c, username, f.PASSWORD)
        html = c.get("/admin/audit").get_data(as_text=True)
        assert "/secret-path" not in html and "CHANGE-EVENT" in html, username
        assert 'name="category"' not in html
        assert "/secret-path" not in c.get("/admin/audit?category=security").get_data(as_text=True)
        assert "/secret-path" not in c.get("/admin/audit.csv").get_data(as_text=True)
        assert 'value="access_denied"' not in html
    login(client, "admin", f.PASSWORD)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "/secret-path" in html and "CHANGE-EVENT" in html and 'value="access_denied"' in html
    assert "เหตุการณ์ด้านความปลอดภัย" in html and "การเปลี่ยนแปลงข้อมูล" in html
    security = client.get("/admin/audit?category=security").get_data(as_text=True)
    assert "/secret-path" in security and "CHANGE-EVENT" not in security
    changes = client.get("/admin/audit?category=changes").get_data(as_text=True)
    assert "/secret-path" not in changes and "CHANGE-EVENT" in changes
    assert re.search(r'<option value="security" selected>', security)


def test_a_flood_of_rejections_writes_one_event_a_minute_per_key(app):
    for _ in range(5):  # a scanner trying tokens from one address
        with app.test_request_context("/api/v1/laos", environ_base={"REMOTE_ADDR": "198.51.100.7"}):
            audit.security_event(AuditAction.TOKEN_REJECTED)
    with app.test_request_context("/api/v1/laos", environ_base={"REMOTE_ADDR": "198.51.100.8"}):
        assert audit.security_event(AuditAction.TOKEN_REJECTED)
    assert [e.ip for e in _security(app)] == ["198.51.100.7", "198.51.100.8"]
    with app.app_context():  # once the minute has passed, the next rejection is recorded again
        db.begin_write()
        audit.record(None, "198.51.100.9", AuditAction.TOKEN_REJECTED, "security", "/api/v1/laos",
                     at=utcnow() - timedelta(seconds=audit.THROTTLE_SECONDS + 5))
        db.session.commit()
    with app.test_request_context("/api/v1/laos", environ_base={"REMOTE_ADDR": "198.51.100.9"}):
        assert audit.security_event(AuditAction.TOKEN_REJECTED)
        assert not audit.security_event(AuditAction.TOKEN_REJECTED)
    assert len(_security(app)) == 4 and _verdict(app).intact
