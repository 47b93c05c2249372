"""Numbers in URLs are read one way everywhere (app/params.py): ASCII digits within the database's range.

Each case here was a 500 (OverflowError, ValueError) before: a 20-digit number in a path or query, `²`
(which str.isdigit() accepts) or `๕` (which int() reads as 5).
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from app.entry.operations import Recorder, record_installment
from app.models import AuditEvent, Installment, InstallmentReport
from app.params import MAX_INT, whole
from tests import factories as f
from tests.conftest import csrf_from, login

HUGE = "99999999999999999999"


@pytest.fixture
def people(app):
    """FY2569-2570, an LAO of Chiang Mai with installment 1 recorded, a user of every role."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN")
        officer = f.user("officer", "lao_officer", lao_obj=own)
        f.user("verifier", "province_verifier", province_obj=f.province("50"))
        f.user("national", "national_viewer")
        f.user("admin", "admin")
        inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == 2570,
                                                           Installment.number == 1))
        record_installment(officer, None, own, inst, version=0, amounts={"LAND_BUILDING": "5", "SIGNBOARD": "0"},
                           explanations={}, recorder=Recorder("ก", "ข", "02"), certify=True,
                           today=date(2026, 11, 21), ceiling=Decimal("10000000000"))
        db.session.commit()
        return own.id


def test_whole_reads_ascii_digits_within_range_only():
    assert whole("2570") == 2570 and whole("0") == 0 and whole(MAX_INT) == MAX_INT
    for bad in ("²", "๕", "１２", "-1", "+1", " 1", "1.0", "", HUGE, str(MAX_INT + 1), True, None, 1.0):
        with pytest.raises(ValueError):
            whole(bad)


@pytest.mark.parametrize("kind, path", [
    ("officer", f"/entry/OWN/{HUGE}/1"), ("officer", f"/entry/OWN/2570/{HUGE}/view"),
    ("officer", "/entry/OWN/%E0%B9%92%E0%B9%95%E0%B9%97%E0%B9%90/1"),  # ๒๕๗๐: int() would read 2570
    ("officer", "/entry/OWN/2570/%C2%B9"),  # ¹
    ("admin", f"/admin/years/{HUGE}"), ("admin", f"/admin/users/{HUGE}"), ("admin", "/admin/users/2147483648"),
])
def test_odd_numbers_in_a_path_are_not_found(app, client, people, kind, path):
    login(client, kind)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("kind, path", [
    ("national", f"/reports/?base={HUGE}"), ("national", "/reports/?through=%C2%B2"),
    ("national", f"/reports/?through=r{HUGE}"), ("national", f"/reports/province/50?year={HUGE}"),
    ("national", "/reports/kpi?through=%C2%B2"), ("verifier", f"/verify/?year={HUGE}"),
    ("verifier", "/verify/matrix?year=%E0%B9%95"), ("admin", f"/reports/kpi/settings?year={HUGE}"),
    ("officer", f"/entry/?year={HUGE}"), ("admin", "/admin/users?page=%C2%B2"),
])
def test_a_malformed_number_in_the_query_shows_the_page_with_a_thai_message(app, client, people, kind, path):
    login(client, kind)
    response = client.get(path)
    assert response.status_code == 302
    target = response.headers["Location"]
    assert HUGE not in target and "%C2%B2" not in target and "%E0%B9%95" not in target
    page = client.get(target, follow_redirects=True)
    assert page.status_code == 200
    assert "ในลิงก์ไม่ถูกต้อง (ต้องเป็นตัวเลขอารบิก 0-9) จึงแสดงค่าเริ่มต้นแทน" in page.get_data(as_text=True)


@pytest.mark.parametrize("kind, path", [
    ("national", f"/reports/export/comparison.csv?year={HUGE}"), ("national", "/reports/kpi/export.xlsx?through=%C2%B2"),
    ("national", f"/reports/province/50/rollup.xlsx?year={HUGE}"), ("verifier", f"/verify/followup.csv?year={HUGE}"),
    ("national", "/reports/monitoring/export.csv?number=%E0%B9%95"),
])
def test_a_malformed_number_in_a_download_is_a_400_with_a_thai_message(app, client, people, kind, path):
    login(client, kind)
    response = client.get(path)
    assert response.status_code == 400
    assert "ในลิงก์ไม่ถูกต้อง" in response.get_data(as_text=True)


@pytest.mark.parametrize("row", ["²:1", f"{HUGE}:1", "1:๕", f"1:{HUGE}"])
def test_a_tampered_review_row_is_refused_and_nothing_changes(app, client, people, row):
    login(client, "verifier")
    page = client.get("/verify/?year=2570&number=1")
    response = client.post("/verify/review", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "year": "2570", "number": "1", "action": "confirm",
        "row": row, "position": "ผู้ตรวจ", "phone": "02"})
    assert response.status_code == 400
    assert "ข้อมูลรายการที่เลือกไม่ถูกต้อง" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(InstallmentReport.status)) == "recorded"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "confirm_installment")) == 0


def test_a_too_large_upload_gets_the_thai_413_page(app, client, people):
    login(client, "admin")
    page = client.get("/admin/import")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/admin/import", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                       "file": (io.BytesIO(b"x" * 4096), "big.csv")},
                               content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "แฟ้มหรือข้อมูลที่ส่งมีขนาดใหญ่เกินไป" in body and "Request Entity Too Large" not in body
