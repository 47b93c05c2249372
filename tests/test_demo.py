"""The national demo-data generator, built at a small scale into its own temporary SQLite database."""

import datetime

from sqlalchemy import event, func, select

from app import create_app, db
from app.auth.loaders import load_user
from app.auth.passwords import verify_password
from app.db import Base
from app.demo import DEMO_PASSWORD, DEMO_SETTING, build_demo
from app.domain.calendar import build_schedule, fiscal_year_of
from app.models import Entry, FiscalYear, Installment, InstallmentReport, Lao, Province, Setting, User
from tests.conftest import login

TODAY = datetime.date(2026, 11, 21)
SCALE = 0.03


def _build(tmp_path, name: str):
    """Build the demo at SCALE into a fresh database; returns (app, counts). Restores the session bind."""
    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path / name}", TODAY=TODAY.isoformat())
    with app.app_context():
        Base.metadata.create_all(db.session.get_bind())
        messages = []
        counts = build_demo(TODAY, scale=SCALE, progress=messages.append)
        assert messages
        db.session.remove()
    return app, counts


def _audit_plans(app, client, url: str) -> list[str]:
    """SQLite's query plan of every statement of GET `url` that reads the audit trail."""
    engine = app.extensions["engine"]
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "audit_events" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as conn:
        return [" / ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, params))
                for stmt, params in seen]


def test_demo_dataset(tmp_path):
    previous_bind = db.session.session_factory.kw.get("bind")
    try:
        app, counts = _build(tmp_path, "demo.db")
        with app.app_context():
            s = db.session
            current = fiscal_year_of(TODAY)
            assert counts["fiscal_years"] == [2558, 2559, 2560, current - 1, current]
            assert counts["laos"] == s.scalar(select(func.count()).select_from(Lao))
            assert counts["entries"] == s.scalar(select(func.count()).select_from(Entry))
            assert counts["reports"] == s.scalar(select(func.count()).select_from(InstallmentReport))
            assert counts["pao"] == 76 and counts["municipalities"] > 0 and counts["saos"] > 0

            # The four demo accounts exist, share the demo password and load through the user loader.
            users = {u.username: u for u in s.scalars(select(User))}
            assert {"demo_lao", "demo_province", "demo_national", "demo_admin"} <= set(users)
            assert len({u.password_hash for u in users.values()}) == 1
            assert verify_password(users["demo_admin"].password_hash, DEMO_PASSWORD)
            for u in users.values():
                assert u.active and not u.must_change_password
                assert load_user(u.get_id()).id == u.id
            officer, verifier = users["demo_lao"], users["demo_province"]
            assert officer.role == "lao_officer" and officer.lao.province.code == "50"
            assert verifier.role == "province_verifier" and verifier.province.code == "50"
            assert users["demo_national"].province_id is None

            # The officer's latest closed installment of the current year is still to be recorded ...
            spec = [i for i in build_schedule(current, "monthly") if i.period_end < TODAY][-1]
            inst = s.scalar(select(Installment).where(Installment.fiscal_year_id == current,
                                                      Installment.number == spec.number))
            assert not s.scalars(select(Entry).where(Entry.lao_id == officer.lao_id,
                                                     Entry.installment_id == inst.id)).all()
            report = s.scalar(select(InstallmentReport).where(InstallmentReport.lao_id == officer.lao_id,
                                                              InstallmentReport.installment_id == inst.id))
            assert report is None or report.status == "not_recorded"
            # ... and the same installment of last year has figures (the typo guard compares with them).
            prior = s.scalar(select(Installment).where(Installment.fiscal_year_id == current - 1,
                                                       Installment.number == spec.number))
            prior_amounts = s.scalars(select(Entry.amount_satang).where(Entry.lao_id == officer.lao_id,
                                                                        Entry.installment_id == prior.id)).all()
            assert prior_amounts and all(a > 0 for a in prior_amounts)

            # Verifiers have work: the latest installment has recorded, confirmed and missing LAOs.
            statuses = dict(s.execute(select(InstallmentReport.status, func.count())
                                      .where(InstallmentReport.installment_id == inst.id)
                                      .group_by(InstallmentReport.status)).all())
            assert statuses.get("recorded", 0) > statuses.get("confirmed", 0) > 0
            assert sum(statuses.values()) < counts["laos"]

            # One PAO per province, none in Bangkok (nor any other LAO).
            pao_provinces = s.scalars(select(Lao.province_id).where(Lao.lao_type == "PAO")).all()
            assert len(pao_provinces) == len(set(pao_provinces)) == 76
            bangkok = s.scalar(select(Province).where(Province.code == "10"))
            assert s.scalar(select(func.count()).select_from(Lao).where(Lao.province_id == bangkok.id)) == 0
            for lao in s.scalars(select(Lao)):
                assert (lao.municipality_class is not None) == (lao.lao_type == "MUNICIPALITY")

            # Amounts are non-negative integer satang; the current year stops at the latest closed installment.
            amounts = s.scalars(select(Entry.amount_satang)).all()
            assert amounts and all(type(a) is int and a >= 0 for a in amounts)
            assert any(a % 100 for a in amounts)
            last_with_figures = s.scalar(
                select(func.max(Installment.number)).join(Entry, Entry.installment_id == Installment.id)
                .where(Installment.fiscal_year_id == current))
            assert last_with_figures == spec.number
            assert s.get(FiscalYear, 2560).schedule == "dla2560"

            assert s.get(Setting, DEMO_SETTING) is not None
            form_url = f"/entry/{officer.lao.code}/{current}/{spec.number}"
            # reports recorded again after a return: the verification screen looks their review events up
            again = s.scalars(select(InstallmentReport).join(Lao).where(
                InstallmentReport.installment_id == inst.id, InstallmentReport.status == "recorded",
                Lao.province_id == verifier.province_id)).all()
            for report in again:
                report.return_reason = "ตรวจสอบอีกครั้ง"
            s.commit()
            db.session.remove()

        # The build's statistics leave out the tables use fills (the audit trail starts with a few events): had they
        # been kept, SQLite would take the trail for tiny and scan it on every verification screen.
        for username, url in (("demo_province", "/verify/"), ("demo_lao", form_url)):
            client = app.test_client()
            assert login(client, username, DEMO_PASSWORD).status_code == 302
            plans = _audit_plans(app, client, url)
            assert plans and not any("SCAN audit_events" in plan for plan in plans), (url, plans)
        app.extensions["engine"].dispose()
    finally:
        db.session.remove()
        db.session.configure(bind=previous_bind)


def test_demo_is_reproducible(tmp_path):
    previous_bind = db.session.session_factory.kw.get("bind")
    try:
        totals = []
        for name in ("a.db", "b.db"):
            app, _counts = _build(tmp_path, name)
            with app.app_context():
                totals.append(db.session.execute(
                    select(Entry.installment_id, func.sum(Entry.amount_satang), func.count())
                    .group_by(Entry.installment_id).order_by(Entry.installment_id)).all())
                db.session.remove()
            app.extensions["engine"].dispose()
        assert totals[0] == totals[1]
    finally:
        db.session.remove()
        db.session.configure(bind=previous_bind)
