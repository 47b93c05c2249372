"""The audit viewer: every role reads it in its own scope, with filters, pagination and a CSV export."""

from datetime import datetime

import pytest

from app import audit, db
from app.models import AuditEvent
from tests import factories as f
from tests.conftest import login


@pytest.fixture
def trail(app):
    """Events of two LAOs in Chiang Mai, one in Chiang Rai and a national one; one user per role."""
    with app.app_context():
        own = f.lao("SAO", "50", code="OWN01", name_th="อบต.บ้านเรา")
        nxt = f.lao("SAO", "50", code="NEXT01", name_th="อบต.ข้างเคียง")
        far = f.lao("SAO", "57", code="FAR01", name_th="อบต.ไกลบ้าน")
        officer = f.user("officer", "lao_officer", lao_obj=own)
        verifier = f.user("verifier", "province_verifier", province_obj=f.province("50"))
        f.user("national", "national_viewer")
        f.user("admin", "admin")
        for lao, obj, actor in ((own, "OWN-EVENT", officer), (nxt, "NEXT-EVENT", verifier), (far, "FAR-EVENT", None)):
            event = audit.record(actor, "10.0.0.1", "record_installment", "installment_report", obj,
                                 lao_id=lao.id, province_id=lao.province_id,
                                 old={"SIGNBOARD": "100.00", "status": "recorded"},
                                 new={"SIGNBOARD": "150.00", "status": "recorded"})
            event.at = datetime(2026, 11, 10, 3, 0)  # 10 Nov 2026, 10:00 in Bangkok
        audit.record(None, None, "fiscal_year_created", "fiscal_year", "NATIONAL-EVENT", new={"schedule": "monthly"})
        db.session.commit()


def _visible(client, query: str = "") -> set[str]:
    html = client.get(f"/admin/audit{query}").get_data(as_text=True)
    return {name for name in ("OWN-EVENT", "NEXT-EVENT", "FAR-EVENT", "NATIONAL-EVENT") if name in html}


@pytest.mark.parametrize("username, expected", [
    ("officer", {"OWN-EVENT"}),
    ("verifier", {"OWN-EVENT", "NEXT-EVENT"}),
    ("national", {"OWN-EVENT", "NEXT-EVENT", "FAR-EVENT", "NATIONAL-EVENT"}),
    ("admin", {"OWN-EVENT", "NEXT-EVENT", "FAR-EVENT", "NATIONAL-EVENT"}),
])
def test_each_role_sees_its_scope(app, client, trail, username, expected):
    login(client, username, f.PASSWORD)
    assert _visible(client) == expected
    # asking for another scope's LAO or province shows nothing more
    assert _visible(client, "?lao=FAR01") <= expected
    assert _visible(client, "?province=57") <= expected


def test_officer_cannot_widen_its_scope(app, client, trail):
    login(client, "officer", f.PASSWORD)
    assert _visible(client, "?lao=NEXT01") == {"OWN-EVENT"}  # the LAO filter is ignored for an officer


def test_filters_by_lao_province_user_action_and_dates(app, client, trail):
    login(client, "national", f.PASSWORD)
    assert _visible(client, "?lao=NEXT01") == {"NEXT-EVENT"}
    assert _visible(client, "?province=57") == {"FAR-EVENT"}
    assert _visible(client, "?user=verif") == {"NEXT-EVENT"}
    assert _visible(client, "?action=fiscal_year_created") == {"NATIONAL-EVENT"}
    assert _visible(client, "?date_from=10/11/2569&date_to=10/11/2569") == {"OWN-EVENT", "NEXT-EVENT", "FAR-EVENT"}
    assert _visible(client, "?date_to=9/11/2569") == set()


def test_old_and_new_values_are_shown_side_by_side(app, client, trail):
    login(client, "officer", f.PASSWORD)
    html = client.get("/admin/audit").get_data(as_text=True)
    row = html[html.index("OWN-EVENT"):]
    assert row.index("100.00") < row.index("150.00")
    assert "text-decoration-line-through" in row  # the changed old value is struck through
    assert "บันทึก/แก้ไขข้อมูล" in html  # the action's Thai label, the same wording as the installment history
    assert "ภาษีป้าย" in row and "SIGNBOARD" not in row and "10/11/2569 10:00" in html  # item name, B.E. time


def test_newest_first_and_paginated(app, client):
    with app.app_context():
        f.user("national", "national_viewer")
        for i in range(55):
            audit.record(None, None, "lao_updated", "lao", f"E{i:03d}").at = datetime(2026, 1, 1, 0, i)
        db.session.commit()
    login(client, "national", f.PASSWORD)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.index("E054") < first.index("E053") and "E004" not in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "E004" in second and "E000" in second and "แสดง 51–55 จาก 55 รายการ" in second


def test_csv_export_has_a_bom_and_keeps_the_scope(app, client, trail):
    login(client, "verifier", f.PASSWORD)
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("เวลา,ผู้ใช้,การดำเนินการ")  # no IP column for a verifier (may_see_addresses)
    assert "10.0.0.1" not in body
    assert len(lines) == 3 and "FAR-EVENT" not in body and "NATIONAL-EVENT" not in body
    assert "10/11/2569 10:00" in body and "อบต.บ้านเรา" in body  # Bangkok time, Buddhist year
    assert "ภาษีป้าย: 100.00 → 150.00; สถานะ: บันทึกแล้ว → บันทึกแล้ว" in body  # sentences, never raw JSON
    assert "{" not in body and "SIGNBOARD" not in body


def test_csv_cells_cannot_start_a_formula(app, client):
    with app.app_context():
        f.user("admin", "admin")
        audit.record(None, None, "lao_updated", "lao", "=HYPERLINK(\"http://x\")")
        db.session.commit()
    login(client, "admin", f.PASSWORD)
    body = client.get("/admin/audit.csv").data.decode("utf-8")
    assert "'=HYPERLINK" in body


def test_audit_viewer_needs_a_login(app, client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/login" in response.location


def test_admin_actions_are_in_the_trail(app, client):
    with app.app_context():
        f.user("admin", "admin")
        db.session.commit()
    login(client, "admin", f.PASSWORD)
    from tests.conftest import post_form
    post_form(client, "/admin/years", {"year": "2570", "schedule": "monthly"})
    html = client.get("/admin/audit?action=fiscal_year_created").get_data(as_text=True)
    assert "สร้างปีงบประมาณ" in html and "รูปแบบงวด: รายเดือน (12 งวด)" in html and "monthly" not in html
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="fiscal_year_created").one()
        assert event.username == "admin" and event.object_id == "2570"


@pytest.mark.parametrize("username", ["officer", "verifier", "national", "admin"])
@pytest.mark.parametrize("query, words", [
    ("?date_from=0001-01-01", "วว/ดด/ปปปป"),  # used to overflow converting to UTC: 500 for every role
    ("?date_to=9999-12-31", "วว/ดด/ปปปป"),
    ("?date_to=31/12/9999", "ปี พ.ศ. 9999 ไม่ถูกต้อง"),
    ("?date_from=1/1/2499", "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2570"),  # outside the window: refused, not queried
    ("?date_to=1/1/2571", "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2570"),
    ("?date_from=10/11/2026", "ดูเหมือนเป็นปีคริสต์ศักราช"),  # a Gregorian year: refused, never shifted
    ("?date_from=31/02/2569", "ไม่มีวันที่ 31/2/2569"),
])
def test_a_bad_filter_date_gives_the_page_with_a_message(app, client, trail, username, query, words):
    login(client, username, f.PASSWORD)
    response = client.get(f"/admin/audit{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and words in html
    assert "is-invalid" in html and "ไม่ได้แสดงรายการ" in html
    assert _visible(client, query) == set()  # a refused filter lists nothing rather than everything
    csv = client.get(f"/admin/audit.csv{query}")
    assert csv.status_code == 400 and words in csv.get_data(as_text=True)


def test_filter_dates_are_typed_and_shown_back_in_buddhist_era(app, client, trail):
    login(client, "national", f.PASSWORD)
    html = client.get("/admin/audit?date_from=๑๐/๑๑/๒๕๖๙&date_to=10/11/2569").get_data(as_text=True)
    assert 'value="10/11/2569"' in html and 'placeholder="วว/ดด/ปปปป"' in html and 'inputmode="numeric"' in html
    assert 'type="date"' not in html
    assert _visible(client, "?date_from=10/11/2569&date_to=10/11/2569") == {"OWN-EVENT", "NEXT-EVENT", "FAR-EVENT"}
    csv = client.get("/admin/audit.csv?date_from=11/11/2569")
    assert csv.status_code == 200 and "OWN-EVENT" not in csv.get_data(as_text=True)
