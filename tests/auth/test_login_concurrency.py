"""Sign-ins never block work: 128 simultaneous logins all succeed (no "database is locked"), and officers'
saves keep succeeding while they happen. The password is judged in no write transaction; only the outcome is
written, in a short transaction of its own."""

import threading
from datetime import date
from decimal import Decimal

from sqlalchemy import event, func, select

from app import db
from app.domain.errors import ConflictError
from app.entry.operations import Recorder, record_installment
from app.auth.loaders import installment_or_404
from app.models import AuditEvent, InstallmentReport, Lao, User
from tests import factories as f
from tests.conftest import csrf_from

N_LOGINS = 128
N_SAVERS = 4


def _accounts(app) -> None:
    with app.app_context():
        f.fiscal_year(2570)
        for i in range(N_SAVERS):
            lao = f.lao("SAO", "50", code=f"S{i:03d}")
            f.user(f"saver{i}", "lao_officer", lao_obj=lao)
        for i in range(N_LOGINS):
            f.user(f"user{i:03d}", "national_viewer")
        db.session.commit()


def _login(app, i: int, barrier: threading.Barrier, results: list) -> None:
    client = app.test_client()
    try:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        barrier.wait(timeout=120)
        resp = client.post("/login", data={"username": f"user{i:03d}", "password": f.PASSWORD, "csrf_token": token})
        results.append(resp.status_code)
    except Exception as exc:  # noqa: BLE001 - the test reports any failure
        results.append(f"error: {exc!r}")


def _keep_saving(app, i: int, stop: threading.Event, results: list) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == f"saver{i}"))
        lao = db.session.scalar(select(Lao).where(Lao.code == f"S{i:03d}"))
        inst = installment_or_404(2570, 1)
        db.session.commit()
        version, n = 0, 0
        while not stop.is_set() or n == 0:
            n += 1
            try:
                report = record_installment(
                    user, "127.0.0.1", lao, inst, version=version,
                    amounts={"LAND_BUILDING": str(100 + n), "SIGNBOARD": "10"}, explanations={},
                    recorder=Recorder("ทดสอบ", "เจ้าพนักงาน", "053-000000"), certify=True,
                    today=date(2026, 11, 21), ceiling=Decimal("10000000000"),
                )
                db.session.commit()
                version = report.version
                results.append("ok")
            except ConflictError:
                db.session.rollback()
                results.append("conflict")
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()
            # an officer does not save back to back: between saves other writers get SQLite's lock (its busy
            # handler is not fair, and four savers in a tight loop could starve a login's short write)
            stop.wait(0.01)


def test_128_simultaneous_logins_all_succeed_while_saves_go_on(app):
    _accounts(app)
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "10000/minute"
    logins: list = []
    saves: list = []
    barrier = threading.Barrier(N_LOGINS)
    stop = threading.Event()
    savers = [threading.Thread(target=_keep_saving, args=(app, i, stop, saves)) for i in range(N_SAVERS)]
    for t in savers:
        t.start()
    threads = [threading.Thread(target=_login, args=(app, i, barrier, logins)) for i in range(N_LOGINS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    stop.set()
    for t in savers:
        t.join(timeout=120)
    assert logins == [302] * N_LOGINS, sorted(map(str, logins))[:5]
    assert saves and all(r == "ok" for r in saves), [r for r in saves if r != "ok"][:5]
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.last_login_at.is_not(None))) == N_LOGINS
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login_failed")) == 0
        assert db.session.scalar(select(func.sum(InstallmentReport.version))) == len(saves)


def test_the_password_is_judged_before_any_write_and_the_request_itself_writes_nothing(app, client):
    _accounts(app)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).upper())

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        resp = client.post("/login", data={"username": "user000", "password": f.PASSWORD, "csrf_token": token})
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    assert resp.status_code == 302
    writes = [s for s in seen if s.startswith(("UPDATE", "INSERT", "DELETE", "BEGIN IMMEDIATE"))
              or "FOR UPDATE" in s]
    # one short write: the outcome (BEGIN IMMEDIATE on SQLite, then the UPDATE), nothing locked before it
    assert [s.split()[0] for s in writes if not s.startswith("BEGIN")] == ["UPDATE"], writes
    assert not any("FOR UPDATE" in s for s in writes), writes
