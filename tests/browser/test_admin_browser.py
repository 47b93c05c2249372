"""An administrator in a real browser: LAO register, LAO import dry run and real run, a new fiscal year."""

import pytest

from app import db
from tests import factories as f
from tests.admin.conftest import LAO_HEADER, csv_bytes
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser

ROWS = [
    ("1500000", "อบจ.เชียงใหม่", "Chiang Mai PAO", "PAO", "", "50", "5001"),
    ("2500101", "เทศบาลนครเชียงใหม่", "Chiang Mai City Municipality", "MUNICIPALITY", "city", "50", "5001"),
    ("4500301", "เทศบาลตำบลแม่ริม", "Mae Rim Subdistrict Municipality", "MUNICIPALITY", "subdistrict", "50", "5003"),
    ("5500201", "อบต.ดอนแก้ว", "Don Kaeo SAO", "SAO", "", "50", "5002"),
    ("5570101", "อบต.ริมกก", "Rim Kok SAO", "SAO", "", "57", "5701"),
]


def test_admin_imports_the_register_and_creates_a_fiscal_year(app, live_server, page, tmp_path):
    with app.app_context():
        f.user("admin", "admin", full_name="ผู้ดูแล ระบบ")
        f.lao("SAO", "50", code="5500101", name_th="อบต.สุเทพ", district_code="5001")
        f.fiscal_year(2570)
        db.session.commit()
    browser_login(page, live_server, "admin", f.PASSWORD)
    assert page.url == f"{live_server}/admin/"
    shot(page, "admin-home")

    # the register: one LAO so far, searchable
    page.get_by_role("link", name="ทะเบียน อปท.").first.click()
    page.wait_for_load_state("networkidle")
    assert "อบต.สุเทพ" in page.get_by_test_id("laos").inner_text()

    # a file with a bad row: the dry run names it and offers no import
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(LAO_HEADER, [*ROWS, ("5500999", "อบต.ผิดอำเภอ", "", "SAO", "", "50", "5701")]))
    page.get_by_role("link", name="นำเข้าจากแฟ้ม").click()
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="ตรวจสอบแฟ้ม (ยังไม่บันทึก)").click()
    page.wait_for_load_state("networkidle")
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "7" in errors and "district_code" in errors and "ไม่ได้อยู่ในจังหวัด" in errors
    assert page.get_by_test_id("apply-form").count() == 0
    shot(page, "admin-lao-import-errors")

    # the corrected file: dry run shows five new LAOs, nothing stored until the admin applies it
    good = tmp_path / "laos.csv"
    good.write_bytes(csv_bytes(LAO_HEADER, ROWS))
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="ตรวจสอบแฟ้ม (ยังไม่บันทึก)").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("count-created").inner_text() == "5"
    assert "เทศบาลนครเชียงใหม่" in page.get_by_test_id("import-creates").inner_text()
    shot(page, "admin-lao-import-dry-run")
    page.get_by_role("button", name="นำเข้าจริง").click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server}/admin/laos")
    assert "นำเข้าแฟ้ม laos.csv แล้ว: เพิ่ม 5" in page.content()
    assert "แสดง 1–6 จาก 6 รายการ" in page.get_by_test_id("page-info").inner_text()

    # filter by province and district
    page.select_option("#province", "50")
    page.select_option("#district", "5001")
    page.get_by_role("button", name="ค้นหา").click()
    page.wait_for_load_state("networkidle")
    listed = page.get_by_test_id("laos").inner_text()
    assert "อบจ.เชียงใหม่" in listed and "อบต.ริมกก" not in listed and "อบต.ดอนแก้ว" not in listed
    shot(page, "admin-laos")

    # a new fiscal year with the circular's eight installments
    page.goto(f"{live_server}/admin/years")
    page.fill("#year", "2571")
    page.select_option("#schedule", "dla2560")
    page.get_by_role("button", name="สร้างปีงบประมาณ").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server}/admin/years/2571"
    assert page.get_by_test_id("installments").locator("tbody tr").count() == 8
    assert "ต.ค. 2570 – ก.พ. 2571" in page.get_by_test_id("installments").inner_text()
    shot(page, "admin-year-edit")
    page.goto(f"{live_server}/admin/years")
    years = page.get_by_test_id("years").inner_text()
    assert "2571" in years and "2570" in years
    shot(page, "admin-years")

    # the audit trail shows both actions
    page.goto(f"{live_server}/admin/audit")
    trail = page.get_by_test_id("audit").inner_text()
    assert "สร้างปีงบประมาณ" in trail and "นำเข้าทะเบียน อปท." in trail
    shot(page, "admin-audit")


def test_admin_creates_an_account_and_checks_a_figures_file(app, live_server, page, tmp_path):
    from tests.admin.conftest import csv_bytes as make_csv

    with app.app_context():
        f.user("admin", "admin", full_name="ผู้ดูแล ระบบ")
        f.fiscal_year(2570)
        f.lao("SAO", "50", code="5500201", name_th="อบต.ดอนแก้ว", district_code="5002")
        db.session.commit()
    browser_login(page, live_server, "admin", f.PASSWORD)

    # a new LAO officer account: the one-time password is shown once
    page.goto(f"{live_server}/admin/users/new")
    page.fill("#username", "donkaeo1")
    page.fill("#full_name", "สมศรี มีสุข")
    page.select_option("#role", "lao_officer")
    page.fill("#lao_code", "5500201")
    shot(page, "admin-user-new")
    page.get_by_role("button", name="บันทึก").click()
    page.wait_for_load_state("networkidle")
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    assert len(password) == 10
    shot(page, "admin-user-password")
    page.goto(f"{live_server}/admin/users")
    assert "donkaeo1" in page.get_by_test_id("users").inner_text()
    shot(page, "admin-users")

    # an entries file with one bad amount: every bad row is listed, nothing can be applied
    file = tmp_path / "entries.csv"
    file.write_bytes(make_csv(("fiscal_year", "lao_code", "installment", "item_code", "amount"), [
        ("2570", "5500201", "1", "LAND_BUILDING", "12,500.00"), ("2570", "5500201", "1", "SIGNBOARD", "1.234")]))
    page.goto(f"{live_server}/admin/import")
    page.check("input[name=kind][value=entries]")
    page.set_input_files("input[name=file]", str(file))
    page.get_by_role("button", name="ตรวจสอบแฟ้ม (ยังไม่บันทึก)").click()
    page.wait_for_load_state("networkidle")
    assert "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง" in page.get_by_test_id("import-errors").inner_text()
    shot(page, "admin-import-figures-errors")


def test_admin_types_buddhist_era_dates_for_deadlines_and_the_audit_filter(app, live_server, page):
    with app.app_context():
        f.user("admin", "admin", full_name="ผู้ดูแล ระบบ")
        f.fiscal_year(2570)
        db.session.commit()
    browser_login(page, live_server, "admin", f.PASSWORD)
    page.goto(f"{live_server}/admin/years/2570")
    entry = page.locator("input[name='deadlines-rows-0-entry_deadline']")
    assert entry.get_attribute("type") == "text" and entry.input_value() == "20/11/2569"
    assert entry.get_attribute("placeholder") == "วว/ดด/ปปปป" and entry.get_attribute("inputmode") == "numeric"
    assert page.locator("input[name='deadlines-rows-11-confirm_deadline']").input_value() == "31/10/2570"

    # a Gregorian year is refused with a hint, what was typed stays in the box
    entry.fill("25/11/2026")
    page.get_by_role("button", name="บันทึกกำหนดเวลา").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_test_id("installments").inner_text()
    assert "ดูเหมือนเป็นปีคริสต์ศักราช" in table and "พ.ศ. 2569" in table
    assert page.locator("input[name='deadlines-rows-0-entry_deadline']").input_value() == "25/11/2026"
    shot(page, "admin-year-deadlines-refused")

    page.locator("input[name='deadlines-rows-0-entry_deadline']").fill("25/11/2569")
    page.get_by_role("button", name="บันทึกกำหนดเวลา").click()
    page.wait_for_load_state("networkidle")
    assert "แก้ไขกำหนดเวลาแล้ว 1 งวด" in page.content()
    assert page.locator("input[name='deadlines-rows-0-entry_deadline']").input_value() == "25/11/2569"
    assert "25 พ.ย. 2569" in page.get_by_test_id("installments").inner_text()
    shot(page, "admin-year-deadlines-be")

    # the audit filter takes B.E. dates too, and says why it refuses one
    from datetime import datetime

    from app.domain.thai_dates import format_be_date
    from app.web import BANGKOK

    typed = format_be_date(datetime.now(BANGKOK).date())  # the audit trail keeps the real clock's time
    page.goto(f"{live_server}/admin/audit")
    page.fill("#date_from", typed)
    page.fill("#date_to", typed)
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#date_from").input_value() == typed
    assert "แก้ไขกำหนดเวลา" in page.get_by_test_id("audit").inner_text()
    shot(page, "admin-audit-filter-be")
    page.fill("#date_to", "31/12/9999")
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_load_state("networkidle")
    assert "ปี พ.ศ. 9999 ไม่ถูกต้อง" in page.get_by_test_id("date_to-error").inner_text()
    assert page.get_by_test_id("audit-filter-refused").is_visible()
    shot(page, "admin-audit-filter-refused")
