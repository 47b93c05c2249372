"""Confirmation snapshots: one per confirmation, immutable, surviving unconfirm and re-confirmation; the exact diff."""

import json

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DatabaseError

from app import db, snapshots
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
