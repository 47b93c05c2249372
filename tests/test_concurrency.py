"""Concurrent saves: no lost update and no 'database is locked' (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL)."""

import threading
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import db
from app.domain.errors import ConflictError
from app.entry.operations import Recorder, record_installment
from app.models import AuditEvent, Entry, InstallmentReport, Lao, User
from app.auth.loaders import installment_or_404
from tests import factories as f


def _setup(app, n_laos: int):
    with app.app_context():
        f.fiscal_year(2570)
        for i in range(n_laos):
            lao = f.lao("SAO", "50", code=f"C{i:03d}")
            f.user(f"officer{i}", "lao_officer", lao_obj=lao)
        db.session.commit()


def _save(app, i: int, version: int, amount: str, results: list, barrier: threading.Barrier):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == f"officer{i}"))
        lao = db.session.scalar(select(Lao).where(Lao.code == f"C{i:03d}"))
        inst = installment_or_404(2570, 1)
        db.session.commit()  # end the read transaction, as a request does before its save
        barrier.wait()
        try:
            record_installment(
                user, "127.0.0.1", lao, inst, version=version,
                amounts={"LAND_BUILDING": amount, "SIGNBOARD": "10"}, explanations={},
                recorder=Recorder("ทดสอบ", "เจ้าพนักงาน", "053-000000"), certify=True,
                today=date(2026, 11, 21), ceiling=Decimal("10000000000"),
            )
            db.session.commit()
            results.append("ok")
        except ConflictError:
            db.session.rollback()
            results.append("conflict")
        except Exception as exc:  # noqa: BLE001 - the test reports any other failure
            db.session.rollback()
            results.append(f"error: {exc}")
        finally:
            db.session.remove()


def test_two_saves_on_the_same_version_one_wins_the_other_is_refused(app):
    _setup(app, 1)
    results: list = []
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=_save, args=(app, 0, 0, amt, results, barrier)) for amt in ("100", "200")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["conflict", "ok"], results
    with app.app_context():
        report = db.session.scalar(select(InstallmentReport))
        assert report.version == 1
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 1
        assert db.session.scalar(select(func.count(Entry.id))) == 2


def test_many_laos_saving_at_once_all_succeed(app):
    n = 8
    _setup(app, n)
    results: list = []
    barrier = threading.Barrier(n)
    threads = [threading.Thread(target=_save, args=(app, i, 0, "1,234.50", results, barrier)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == ["ok"] * n, results
    with app.app_context():
        total = db.session.scalar(select(func.sum(Entry.amount_satang)))
        assert total == n * (123450 + 1000)
