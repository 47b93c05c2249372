"""Confirmation snapshots: one per confirmation, immutable, surviving unconfirm and re-confirmation; the exact diff."""

import json

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import DatabaseError

from app import db, migrate, snapshots
from app.auth.loaders import installment_or_404
from app.models import ConfirmationSnapshot, ReportState
from tests.conftest import login
from app.verify.operations import review_installments
from tests.snapshots.conftest import item_codes, lao, minutes, report, review, save, user


def _sequence():
    """Record, confirm, unconfirm (with a reason), correct, return, correct, confirm again: OWN01 FY2570/1."""
    save("OWN01", 2570, 1, ["1,000.00", "300.00"], minutes(0))
    review("OWN01", 2570, 1, "confirm", minutes(1), username="verifier")
    review("OWN01", 2570, 1, "unconfirm", minutes(2), reason="ภาษีป้ายบันทึกผิด", username="verifier")
    save("OWN01", 2570, 1, ["1,000.00", "350.25"], minutes(3))
    review("OWN01", 2570, 1, "return", minutes(4), reason="แนบหลักฐานเพิ่ม", username="admin")
    save("OWN01", 2570, 1, ["1,200.50", "350.25"], minutes(5))
    review("OWN01", 2570, 1, "confirm", minutes(6), username="verifier")
    db.session.commit()


def test_snapshot_survives_unconfirm_and_reconfirmation_and_the_diff_is_exact(app, world):
    with app.app_context():
        _sequence()
        own, inst = lao("OWN01"), installment_or_404(2570, 1)
        first, second = snapshots.confirmations(own.id, inst.id)
        land, sign = item_codes("OWN01", 2570)
        # the first snapshot still holds what was confirmed then, after the unconfirm and two corrections
        assert first.items == {land: 100000, sign: 30000} and first.total_satang == 130000
        assert first.confirmed_at == minutes(1) and first.confirmer_name == "สมหญิง ตรวจดี"
        assert first.recorder_name == "ผู้บันทึก OWN01"
        assert second.items == {land: 120050, sign: 35025} and second.total_satang == 155075
        assert second.confirmed_at == minutes(6)
        diff = snapshots.diff(first, second, own.id, inst.id)
        assert [(c.code, c.old, c.new, c.difference) for c in diff.items] == [
            (land, 100000, 120050, 20050), (sign, 30000, 35025, 5025)]
        assert diff.difference == 25075
        assert [(r.event, r.actor_name, r.reason, r.at) for r in diff.reopenings] == [
            ("unconfirm", "สมหญิง ตรวจดี", "ภาษีป้ายบันทึกผิด", minutes(2)),
            ("return", "ผู้ดูแล ระบบ", "แนบหลักฐานเพิ่ม", minutes(4))]
        # every write left a state; the history follows the reports exactly
        events = list(db.session.scalars(select(ReportState.event).order_by(ReportState.at, ReportState.id)))
        assert events == ["record", "confirm", "unconfirm", "record", "return", "record", "confirm"]
        assert snapshots.differences(db.session.connection()) == []
        # the digest covers the canonical content
        row = db.session.get(ConfirmationSnapshot, first.id)
        assert row.digest == snapshots.digest({c.name: getattr(row, c.key) for c in ConfirmationSnapshot.__table__.c
                                               if c.key != "digest"} | {"items": row.items})
        assert json.loads(row.items) == first.items


def test_snapshots_and_states_are_append_only(app, world):
    with app.app_context():
        save("OWN01", 2570, 1, ["1,000.00", "300.00"], minutes(0))
        review("OWN01", 2570, 1, "confirm", minutes(1))
        db.session.commit()
        snap = db.session.scalar(select(ConfirmationSnapshot))
        snap.total_satang = 1
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        for table in ("confirmation_snapshots", "report_states"):
            for statement in (f"UPDATE {table} SET lao_id = lao_id", f"DELETE FROM {table}"):
                with pytest.raises(DatabaseError, match="append-only"):
                    db.session.execute(text(statement))
                db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ConfirmationSnapshot)) == 1
        with pytest.raises(RuntimeError, match="append-only"):
            state = db.session.scalar(select(ReportState))
            db.session.delete(state)
            db.session.flush()
        db.session.rollback()
        with pytest.raises(DatabaseError):
            db.session.execute(update(ReportState).values(reason="x"))
        db.session.rollback()


def test_bulk_confirmation_writes_one_snapshot_per_lao(app, world):
    with app.app_context():
        save("OWN01", 2570, 1, ["1,000.00", "300.00"], minutes(0))
        save("NEXT01", 2570, 1, ["5,000.00", "700.00"], minutes(0))
        db.session.commit()
        inst = installment_or_404(2570, 1)
        versions = {lao(c).id: report(c, 2570, 1).version for c in ("OWN01", "NEXT01")}
        review_installments(user("verifier"), None, inst, versions, "confirm", reason=None, position="ผู้ตรวจสอบ",
                            phone="053-222222", today=inst.confirm_deadline, now=minutes(1))
        db.session.commit()
        totals = dict(db.session.execute(select(ConfirmationSnapshot.lao_id, ConfirmationSnapshot.total_satang)).all())
        assert totals == {lao("OWN01").id: 130000, lao("NEXT01").id: 570000}


def test_detail_page_lists_confirmations_and_what_changed(app, world):
    with app.app_context():
        _sequence()
        first, second = snapshots.confirmations(lao("OWN01").id, installment_or_404(2570, 1).id)
    client = app.test_client()
    login(client, "verifier")
    html = client.get("/entry/OWN01/2570/1/view").get_data(as_text=True)
    assert 'data-testid="confirmations"' in html and f'id="snap-{first.id}"' in html
    assert "1,000.00" in html and "1,200.50" in html and "+200.50" in html and "+250.75" in html
    assert "ภาษีป้ายบันทึกผิด" in html and "แนบหลักฐานเพิ่ม" in html and "สมหญิง ตรวจดี" in html
    # the same confirmation on both sides: nothing changed
    same = client.get(f"/entry/OWN01/2570/1/view?old={first.id}&new={first.id}").get_data(as_text=True)
    assert "+250.75" not in same and 'data-testid="diff"' in same
    # an id of nothing (or of another installment) falls back to the last two
    assert "+250.75" in client.get("/entry/OWN01/2570/1/view?old=999999&new=x").get_data(as_text=True)


def test_audit_trail_links_each_confirmation_to_its_snapshot(app, world):
    with app.app_context():
        _sequence()
        first, second = snapshots.confirmations(lao("OWN01").id, installment_or_404(2570, 1).id)
    client = app.test_client()
    login(client, "admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert html.count('data-testid="snapshot-link"') == 2
    for snap in (first, second):
        assert f"/entry/OWN01/2570/1/view?new={snap.id}#snap-{snap.id}" in html


def test_import_with_confirm_writes_snapshots_through_the_same_seam(app, world, tmp_path):
    entries = tmp_path / "entries.csv"
    entries.write_text("fiscal_year,lao_code,installment,item_code,amount\n"
                       "2570,OWN01,1,LAND_BUILDING,1000.00\n2570,OWN01,1,SIGNBOARD,250.50\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", "entries", str(entries), "--confirm"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        snap = db.session.scalar(select(ConfirmationSnapshot))
        assert (snap.source, snap.total_satang, json.loads(snap.items)) == (
            "import", 125050, {"LAND_BUILDING": 100000, "SIGNBOARD": 25050})
        assert list(db.session.scalars(select(ReportState.event))) == ["import"]
        assert snapshots.differences(db.session.connection()) == []


def test_migration_keeps_reports_confirmed_before_it(tmp_path):
    """Revision 0012 gives every existing report a state and every confirmed one a snapshot of its entries."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0010")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO provinces (id, code, name_th, name_en) VALUES (1, '50', 'เชียงใหม่', 'CM')"))
        conn.execute(text("INSERT INTO districts (id, code, province_id, name_th, name_en) VALUES (1, '5001', 1, 'ม', 'M')"))
        conn.execute(text("INSERT INTO laos (id, code, name_th, name_en, lao_type, province_id, district_id, active) "
                          "VALUES (1, 'L1', 'อบต.', 'SAO', 'SAO', 1, 1, 1)"))
        conn.execute(text("INSERT INTO revenue_items (id, code, name_th, name_en, lao_types, sort_order) "
                          "VALUES (1, 'A', 'ก', 'A', '[\"SAO\"]', 1), (2, 'B', 'ข', 'B', '[\"SAO\"]', 2)"))
        conn.execute(text("INSERT INTO fiscal_years (year, start_date, end_date, schedule) "
                          "VALUES (2570, '2026-10-01', '2027-09-30', 'monthly')"))
        conn.execute(text("INSERT INTO installments (id, fiscal_year, number, period_start, period_end, entry_deadline, "
                          "confirm_deadline) VALUES (1, 2570, 1, '2026-10-01', '2026-10-31', '2026-11-10', "
                          "'2026-11-20'), (2, 2570, 2, '2026-11-01', '2026-11-30', '2026-12-10', '2026-12-20')"))
        conn.execute(text("INSERT INTO entries (lao_id, installment_id, item_id, amount_satang) "
                          "VALUES (1, 1, 1, 500), (1, 1, 2, 25), (1, 2, 1, 700)"))
        conn.execute(text(
            "INSERT INTO installment_reports (lao_id, installment_id, status, recorder_name, recorded_at, "
            "recorded_late, confirmer_name, confirmed_at, confirmed_late, amount_satang, version) VALUES "
            "(1, 1, 'confirmed', 'ผู้บันทึก', '2026-11-05 03:00:00.000000', 0, 'ผู้ยืนยัน', "
            "'2026-11-15 04:00:00.000000', 0, 525, 2), "
            "(1, 2, 'recorded', 'ผู้บันทึก', '2026-12-05 03:00:00.000000', 0, NULL, NULL, 0, 700, 1)"))
    migrate.upgrade(url)
    with engine.connect() as conn:
        snaps = conn.execute(text("SELECT installment_id, total_satang, items, confirmer_name, confirmed_at, source "
                                  "FROM confirmation_snapshots")).all()
        assert [(s[0], s[1], json.loads(s[2]), s[3], s[5]) for s in snaps] == [
            (1, 525, {"A": 500, "B": 25}, "ผู้ยืนยัน", "existing")]
        states = conn.execute(text("SELECT installment_id, status, amount_satang, at, event, snapshot_id IS NOT NULL "
                                   "FROM report_states ORDER BY installment_id")).all()
        assert [(s[0], s[1], s[2], str(s[3])[:19], s[4], bool(s[5])) for s in states] == [
            (1, "confirmed", 525, "2026-11-15 04:00:00", "existing", True),
            (2, "recorded", 700, "2026-12-05 03:00:00", "existing", False)]
    migrate.downgrade(url, "0010")
    with engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert not {"confirmation_snapshots", "report_states"} & tables
    engine.dispose()
