"""The public-holiday calendar an administrator keeps: add and remove on the page, audited, refusals in Thai."""

from datetime import date

from sqlalchemy import func, select

from app import db
from app.admin.holidays import add_holiday
from app.domain.scoring import days_late
from app.models import AuditEvent, Holiday
from tests import factories as f
from tests.admin.conftest import audit_count
from tests.conftest import csrf_from, login, post_form


def test_admin_adds_and_removes_a_holiday(app, admin_client):
    added = post_form(admin_client, "/admin/holidays", {"day": "13/04/2570", "name": "  วันสงกรานต์  "})
    assert added.status_code == 302 and added.location.endswith("/admin/holidays?year=2570")
    page = admin_client.get(added.location).get_data(as_text=True)
    assert "เพิ่มวันหยุด วันสงกรานต์ แล้ว" in page
    assert "13 เมษายน 2570" in page and 'value="13/04/2570"' in page
    with app.app_context():
        assert [(h.day, h.name_th) for h in db.session.scalars(select(Holiday))] == [(date(2027, 4, 13), "วันสงกรานต์")]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "holiday_added"))
        assert event.new_values == {"day": "2027-04-13", "name": "วันสงกรานต์"}
    removed = admin_client.post("/admin/holidays/remove", data={"day": "13/04/2570", "csrf_token": csrf_from(page)})
    assert removed.status_code == 302
    assert "ลบวันหยุด วันสงกรานต์ แล้ว" in admin_client.get(removed.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Holiday)) is None
        assert audit_count("holiday_removed") == 1


def test_refusals_write_nothing(app, admin_client):
    with app.app_context():
        add_holiday(None, None, date(2027, 4, 13), "วันสงกรานต์")
        db.session.commit()
    cases = [
        ({"day": "13/04/2570", "name": "ซ้ำ"}, "วันนี้เป็นวันหยุดอยู่แล้ว (วันสงกรานต์)"),
        ({"day": "13/04/2027", "name": "ปี ค.ศ."}, "พ.ศ."),
        ({"day": "31/02/2570", "name": "ไม่มีวันนี้"}, "วันที่"),
        ({"day": "", "name": "ไม่มีวัน"}, "กรุณาระบุวันที่"),
        ({"day": "14/04/2570", "name": "   "}, "กรุณาระบุชื่อวันหยุด"),
        ({"day": "14/04/2570", "name": "ก" * 201}, "ชื่อวันหยุดยาวเกิน 200 ตัวอักษร"),
    ]
    for data, message in cases:
        response = post_form(admin_client, "/admin/holidays", data)
        assert response.status_code == 200, data
        assert message in response.get_data(as_text=True), data
    page = admin_client.get("/admin/holidays").get_data(as_text=True)
    gone = admin_client.post("/admin/holidays/remove", data={"day": "15/04/2570", "csrf_token": csrf_from(page)},
                             follow_redirects=True)
    assert "ไม่พบวันหยุดนี้ในปฏิทิน" in gone.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Holiday)) == 1
        assert audit_count("holiday_added") == 1 and audit_count("holiday_removed") == 0


def test_only_admins_change_the_calendar(app, client):
    with app.app_context():
        f.user("nat", "national_viewer")
        db.session.commit()
    assert login(client, "nat", f.PASSWORD).status_code == 302
    assert client.get("/admin/holidays").status_code == 403
    assert client.post("/admin/holidays", data={"day": "13/04/2570", "name": "x"}).status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(select(Holiday)) is None


def test_working_day_lateness_skips_the_kept_holidays(app):
    with app.app_context():
        add_holiday(None, None, date(2027, 4, 13), "วันสงกรานต์")
        add_holiday(None, None, date(2027, 4, 14), "วันสงกรานต์")
        db.session.commit()
        from app.admin.holidays import holidays_between

        off = [h.day for h in holidays_between(date(2027, 4, 1), date(2027, 4, 30))]
    # deadline Friday 9 April 2570; submitted Friday 16 April: Mon 12, Thu 15, Fri 16 count (13, 14 are holidays)
    assert days_late(date(2027, 4, 16), date(2027, 4, 9), working_days=True, holidays=off) == 3
