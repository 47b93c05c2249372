"""Fiscal-year setup: create with a schedule (CLI and page), deadlines, rounds, items per LAO type, schedule lock."""

from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.admin import years
from app.domain.errors import DomainError, ValidationError
from app.models import AuditEvent, Entry, FiscalYear, Installment, RevenueItem, Round
from app.reference import items_for
from tests import factories as f
from tests.admin.conftest import audit_count
from tests.conftest import csrf_from, post_form


def test_cli_creates_a_year_with_its_schedule(app, runner):
    result = runner.invoke(args=["fiscal-year", "create", "2570", "--schedule", "monthly"])
    assert result.exit_code == 0, result.output
    assert "12 installment(s)" in result.output
    result = runner.invoke(args=["fiscal-year", "create", "2560", "--schedule", "dla2560"])
    assert "8 installment(s)" in result.output
    with app.app_context():
        fy = db.session.get(FiscalYear, 2560)
        first = fy.installments[0]
        assert (first.period_start, first.period_end, first.entry_deadline, first.confirm_deadline) == (
            date(2016, 10, 1), date(2017, 2, 28), date(2017, 3, 20), date(2017, 3, 31))
        assert [(r.name, r.last_installment) for r in fy.rounds] == [("รอบที่ 1 (งวด 1–6)", 6), ("รอบที่ 2 (ทั้งปี)", 8)]
        assert audit_count("fiscal_year_created") == 2
    again = runner.invoke(args=["fiscal-year", "create", "2570"])
    assert again.exit_code == 1 and "มีอยู่แล้ว" in again.output
    listed = runner.invoke(args=["fiscal-year", "list"])
    assert "2560" in listed.output and "dla2560" in listed.output


def test_admin_creates_a_year_on_the_page(app, admin_client):
    response = post_form(admin_client, "/admin/years", {"year": "2571", "schedule": "annual"})
    assert response.status_code == 302 and response.location.endswith("/admin/years/2571")
    page = admin_client.get("/admin/years").get_data(as_text=True)
    assert "2571" in page and "รายปี" in page
    duplicate = post_form(admin_client, "/admin/years", {"year": "2571", "schedule": "monthly"})
    assert "ปีงบประมาณ 2571 มีอยู่แล้ว" in duplicate.get_data(as_text=True)


def _add_figure(year: int) -> None:
    lao = f.lao("SAO", "50")
    inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == year))
    item = db.session.scalar(select(RevenueItem).where(RevenueItem.code == "SIGNBOARD"))
    db.session.add(Entry(lao_id=lao.id, installment_id=inst.id, item_id=item.id, amount_satang=1))


def test_schedule_change_is_refused_once_the_year_has_figures(ctx):
    f.fiscal_year(2569)
    f.fiscal_year(2570)
    _add_figure(2570)
    db.session.commit()
    with pytest.raises(DomainError) as err:
        years.change_schedule(None, None, 2570, "dla2560")
    db.session.rollback()
    assert "มีข้อมูลรายได้แล้ว" in str(err.value)
    assert len(db.session.get(FiscalYear, 2570).installments) == 12
    years.change_schedule(None, None, 2569, "dla2560")  # no figures yet: allowed
    db.session.commit()
    fy = db.session.get(FiscalYear, 2569)
    db.session.refresh(fy)
    assert fy.schedule == "dla2560" and len(fy.installments) == 8 and len(fy.rounds) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "fiscal_year_schedule_changed"))
    assert event.old_values == {"schedule": "monthly", "installments": 12}


def test_schedule_change_refusal_is_shown_on_the_page(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        _add_figure(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    assert "จึงเปลี่ยนรูปแบบงวดไม่ได้" in page
    response = admin_client.post("/admin/years/2570", data={
        "which": "schedule", "schedule-schedule": "annual", "schedule-csrf_token": csrf_from(page)})
    assert response.status_code == 200 and "มีข้อมูลรายได้แล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FiscalYear, 2570).schedule == "monthly"


def _deadline_form(page: str, n: int, changes: dict) -> dict:
    import re

    data = {"which": "deadlines", "deadlines-csrf_token": csrf_from(page)}
    for i in range(n):
        for name in ("entry_deadline", "confirm_deadline"):
            key = f"deadlines-rows-{i}-{name}"
            data[key] = re.search(rf'name="{key}"[^>]*value="([^"]+)"', page).group(1)
    data.update(changes)
    return data


def test_deadlines_are_edited_and_bad_ones_refused(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    bad = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {
        "deadlines-rows-0-entry_deadline": "15/10/2569",  # before October ends
        "deadlines-rows-1-confirm_deadline": "01/12/2569"}))  # before its entry deadline (20 Dec)
    html = bad.get_data(as_text=True)
    assert "กำหนดบันทึกต้องอยู่หลังวันสิ้นสุดงวด" in html and "กำหนดยืนยันต้องไม่ก่อนกำหนดบันทึก" in html
    with app.app_context():
        first = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == 2570,
                                                            Installment.number == 1))
        assert first.entry_deadline == date(2026, 11, 20)
    good = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {
        "deadlines-rows-0-entry_deadline": "25/11/2569", "deadlines-rows-0-confirm_deadline": "05/12/2569"}))
    assert good.status_code == 302
    with app.app_context():
        first = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == 2570,
                                                            Installment.number == 1))
        assert (first.entry_deadline, first.confirm_deadline) == (date(2026, 11, 25), date(2026, 12, 5))
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deadlines_changed"))
        assert event.old_values == {"1": "2026-11-20 / 2026-11-30"}
        assert event.new_values == {"1": "2026-11-25 / 2026-12-05"}


def test_rounds_are_replaced_and_checked(ctx):
    f.fiscal_year(2570)
    db.session.commit()
    with pytest.raises(ValidationError) as err:
        years.set_rounds(None, None, 2570, [("ครึ่งปี", 6), ("", None), ("ทั้งปี", 13)])
    db.session.rollback()
    assert set(err.value.errors) == {"rows-2-last_installment"}
    years.set_rounds(None, None, 2570, [("ทั้งปี", 12), ("ครึ่งปี", 6), ("", None)])
    db.session.commit()
    rounds = db.session.execute(select(Round.name, Round.last_installment).where(Round.fiscal_year_id == 2570)
                                .order_by(Round.last_installment)).all()
    assert rounds == [("ครึ่งปี", 6), ("ทั้งปี", 12)]
    assert audit_count("rounds_changed") == 1


def test_rounds_form_on_the_page(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    response = admin_client.post("/admin/years/2570", data={
        "which": "rounds", "rounds-csrf_token": csrf_from(page),
        "rounds-rows-0-name": "รอบเดียว", "rounds-rows-0-last_installment": "9",
        "rounds-rows-1-name": "รอบเดียว", "rounds-rows-1-last_installment": "12"})
    assert "ชื่อรอบซ้ำกัน" in response.get_data(as_text=True)
    response = admin_client.post("/admin/years/2570", data={
        "which": "rounds", "rounds-csrf_token": csrf_from(page),
        "rounds-rows-0-name": "รอบเก้าเดือน", "rounds-rows-0-last_installment": "9"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(Round.name).where(Round.fiscal_year_id == 2570)).scalars().all() == [
            "รอบเก้าเดือน"]


def test_item_activation_per_lao_type_changes_the_entry_form_items(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
        assert [i.code for i in items_for("SAO", 2570)] == ["LAND_BUILDING", "SIGNBOARD"]
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    data = {"which": "items", "items-csrf_token": csrf_from(page)}
    for code, lao_type in (("PAO_OIL", "PAO"), ("PAO_TOBACCO", "PAO"), ("PAO_HOTEL", "PAO"),
                           ("LAND_BUILDING", "MUNICIPALITY"), ("SIGNBOARD", "MUNICIPALITY"),
                           ("LAND_BUILDING", "SAO")):  # SIGNBOARD switched off for SAOs only
        data[f"items-item_{code}_{lao_type}"] = "y"
    response = admin_client.post("/admin/years/2570", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert [i.code for i in items_for("SAO", 2570)] == ["LAND_BUILDING"]
        assert [i.code for i in items_for("MUNICIPALITY", 2570)] == ["LAND_BUILDING", "SIGNBOARD"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "item_activation_changed"))
        assert event.old_values == {"SIGNBOARD/SAO": True} and event.new_values == {"SIGNBOARD/SAO": False}
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    assert 'name="items-item_SIGNBOARD_SAO"' in page and 'name="items-item_SIGNBOARD_SAO" type="checkbox" value="y">' in page


def test_an_item_with_figures_cannot_be_switched_off(ctx):
    f.fiscal_year(2570)
    _add_figure(2570)
    db.session.commit()
    with pytest.raises(DomainError) as err:
        years.set_item_activations(None, None, 2570, {("SIGNBOARD", "SAO"): False})
    assert "มีข้อมูลรายได้แล้ว 1 รายการ" in str(err.value)
    db.session.rollback()
    # switching it back on for a type that never had it, and off again, leaves no override behind
    years.set_item_activations(None, None, 2570, {("SIGNBOARD", "PAO"): True})
    years.set_item_activations(None, None, 2570, {("SIGNBOARD", "PAO"): False})
    db.session.commit()
    from app.models import ItemActivation
    assert db.session.scalars(select(ItemActivation)).all() == []


def _first_deadlines(app) -> tuple[date, date]:
    with app.app_context():
        first = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == 2570,
                                                            Installment.number == 1))
        return first.entry_deadline, first.confirm_deadline


def test_deadline_inputs_show_buddhist_era_dates_as_text(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    import re

    entry = re.search(r'<input[^>]*name="deadlines-rows-0-entry_deadline"[^>]*>', page).group(0)
    assert 'value="20/11/2569"' in entry and 'type="text"' in entry
    assert 'placeholder="วว/ดด/ปปปป"' in entry and 'inputmode="numeric"' in entry
    assert 'value="30/11/2569"' in page  # installment 1's confirmation deadline


@pytest.mark.parametrize("typed, words", [
    ("2571-11-20", "วว/ดด/ปปปป"),  # an ISO date used to be stored as 20 Nov 3114
    ("20/11/2026", "ดูเหมือนเป็นปีคริสต์ศักราช"),  # a Gregorian year in the B.E. field: refused, never shifted
    ("31/02/2570", "ไม่มีวันที่ 31/2/2570"),
    ("20/11/2571", "งวดที่ 1: กำหนดบันทึกต้องไม่เกินหนึ่งปีหลังวันสิ้นสุดงวด (31/10/2569)"),
    ("20/10/2569", "งวดที่ 1: กำหนดบันทึกต้องอยู่หลังวันสิ้นสุดงวด (31/10/2569)"),
])
def test_a_bad_typed_deadline_is_refused_and_nothing_stored(app, admin_client, typed, words):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    response = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {
        "deadlines-rows-0-entry_deadline": typed}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and words in html
    assert f'value="{typed}"' in html  # what was typed is shown back for correcting
    assert _first_deadlines(app) == (date(2026, 11, 20), date(2026, 11, 30))
    with app.app_context():
        assert audit_count("deadlines_changed") == 0


def test_a_confirmation_deadline_more_than_a_year_late_is_refused(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    response = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {
        "deadlines-rows-2-confirm_deadline": "1/1/2571"}))  # installment 3 (December 2569) ends 31/12/2569
    assert "งวดที่ 3: กำหนดยืนยันต้องไม่เกินหนึ่งปีหลังวันสิ้นสุดงวด (31/12/2569)" in response.get_data(as_text=True)


def test_deadlines_in_thai_digits_are_stored(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    response = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {
        "deadlines-rows-0-entry_deadline": "๒๕/๑๑/๒๕๖๙", "deadlines-rows-0-confirm_deadline": "5/12/2569"}))
    assert response.status_code == 302
    assert _first_deadlines(app) == (date(2026, 11, 25), date(2026, 12, 5))


@pytest.mark.parametrize("rows", [0, 5, 13])
def test_a_post_with_the_wrong_number_of_rows_shows_every_installment_again(app, admin_client, rows):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    data = _deadline_form(page, min(rows, 12), {})
    if rows == 13:
        data.update({"deadlines-rows-12-entry_deadline": "20/11/2570", "deadlines-rows-12-confirm_deadline": "30/11/2570"})
    response = admin_client.post("/admin/years/2570", data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "จำนวนงวดไม่ตรงกับปีงบประมาณ" in html
    for i in range(12):
        assert f'name="deadlines-rows-{i}-entry_deadline"' in html
    assert 'value="20/10/2570"' in html  # installment 12's (September 2570) stored entry deadline
    assert _first_deadlines(app) == (date(2026, 11, 20), date(2026, 11, 30))


def test_the_reminder_days_are_edited_with_the_deadlines(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    page = admin_client.get("/admin/years/2570").get_data(as_text=True)
    assert 'name="deadlines-reminder_days"' in page and 'value="3"' in page
    bad = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {"deadlines-reminder_days": "61"}))
    assert "ระบุได้ 0 ถึง 60 วัน" in bad.get_data(as_text=True)
    good = admin_client.post("/admin/years/2570", data=_deadline_form(page, 12, {"deadlines-reminder_days": "5"}))
    assert good.status_code == 302
    with app.app_context():
        assert db.session.get(FiscalYear, 2570).reminder_days == 5
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deadlines_changed"))
        assert event.old_values == {"reminder_days": 3} and event.new_values == {"reminder_days": 5}
