"""A provincial verifier confirms and returns installments in the browser; the LAO sees the lock and the reason."""

import pytest

from app import db
from app.domain.errors import LockedError
from tests import factories as f
from tests.browser.conftest import browser_login, shot
from tests.verify.conftest import build_world, inst, record, record_as_officer

pytestmark = pytest.mark.browser


def _seed(app) -> dict:
    """The verify world with figures: two plain SAOs, a municipality with an explained warning, a matrix year."""
    with app.app_context():
        world = build_world()
        laos, installment = world["laos"], world["inst"]
        for i in range(5):
            f.lao("SAO", "50", f"50{(i % 3) + 3:02d}", name_th=f"อบต.บ้านใหม่{i + 1}")
        record(laos["sao1"], world["prior"], {"LAND_BUILDING": "120000.00", "SIGNBOARD": "8000.00"},
               status="confirmed")
        record(laos["mun"], world["prior"], {"LAND_BUILDING": "300000.00", "SIGNBOARD": "20000.00"},
               status="confirmed")
        record(laos["sao1"], installment, {"LAND_BUILDING": "125400.50", "SIGNBOARD": "7900.00"})
        record(laos["sao2"], installment, {"LAND_BUILDING": "64000.00", "SIGNBOARD": "3100.00"},
               recorder="มานี มีนา", late=True)
        record(laos["mun"], installment, {"LAND_BUILDING": "1250000.00", "SIGNBOARD": "21000.00"},
               explanations={"LAND_BUILDING": "ห้างสรรพสินค้าแห่งใหม่ชำระภาษีทั้งปีในงวดนี้"})
        # a year of history for the progress matrix
        for number in range(1, 13):
            if number > 1:
                record(laos["sao1"], inst(2569, number), status="confirmed")
            if number not in (1, 4):
                record(laos["mun"], inst(2569, number), status="confirmed" if number < 11 else "recorded",
                       late=number == 12)
            if number < 10:
                record(laos["pao"], inst(2569, number), {"PAO_OIL": "1.00", "PAO_TOBACCO": "1.00",
                                                         "PAO_HOTEL": "1.00"},
                       status="returned" if number == 9 else "confirmed")
        db.session.commit()
    return world


def _tick(page, code: str) -> None:
    """Tick the row of LAO `code` in part 1."""
    page.get_by_test_id(f"row-{code}").locator("input.row-check").check()


def test_verifier_confirms_and_returns_and_the_lao_sees_it(app, live_server, page, browser):
    world = _seed(app)
    browser_login(page, live_server, "verifier", f.PASSWORD)
    page.goto(f"{live_server}/verify/")
    assert "ปีงบประมาณ 2570 งวดที่ 1" in page.get_by_test_id("installment-info").inner_text()
    assert "3" in page.get_by_test_id("count-recorded").inner_text()
    mun_row = page.get_by_test_id("row-CM-MUN").inner_text()
    assert "ห้างสรรพสินค้าแห่งใหม่" in mun_row and "1,271,000.00" in mun_row
    shot(page, "verify-screen")

    # "select all without warnings" ticks the two SAOs, not the municipality with its warning
    page.click("#check-clean")
    assert page.locator("#ticked-count").inner_text() == "2"
    assert not page.get_by_test_id("row-CM-MUN").locator("input.row-check").is_checked()
    page.get_by_test_id("row-CM-SAO2").locator("input.row-check").uncheck()
    assert page.locator("#ticked-count").inner_text() == "1"
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "ยืนยันข้อมูลแล้ว 1 แห่ง" in page.content()
    assert "ยืนยันแล้ว" in page.get_by_test_id("status-CM-SAO1").inner_text()
    assert "บันทึกแล้ว" in page.get_by_test_id("status-CM-SAO2").inner_text()
    shot(page, "verify-result")

    # the LAO finds the confirmed installment locked
    with app.app_context():
        with pytest.raises(LockedError):
            record_as_officer(world["users"]["officer"], world["laos"]["sao1"], world["inst"],
                              {"LAND_BUILDING": "1.00", "SIGNBOARD": "1.00"})
        db.session.rollback()
    lao_page = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900}).new_page()
    if "entry.edit" in app.view_functions:
        browser_login(lao_page, live_server, "officer", f.PASSWORD)
        lao_page.goto(f"{live_server}/entry/CM-SAO1/2570/1")
        assert lao_page.get_by_test_id("locked").is_visible()
        assert lao_page.locator("#entry-form").count() == 0

    # returning without a reason is refused and nothing changes; with a reason it goes through
    _tick(page, "CM-SAO2")
    page.check("input.action-choice[value=return]")
    assert page.locator("#reason").evaluate("el => el.required")
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "กรุณาระบุเหตุผล" in page.content()
    assert "บันทึกแล้ว" in page.get_by_test_id("status-CM-SAO2").inner_text()
    assert page.get_by_test_id("row-CM-SAO2").locator("input.row-check").is_checked()  # tick kept
    page.fill("#reason", "ภาษีป้ายต่ำกว่าปีก่อนมาก โปรดตรวจสอบใบเสร็จ")
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "ส่งกลับให้ อปท. แก้ไขแล้ว 1 แห่ง" in page.content()
    assert "ส่งกลับแก้ไข" in page.get_by_test_id("status-CM-SAO2").inner_text()

    if "entry.edit" in app.view_functions:
        lao_page.context.clear_cookies()
        browser_login(lao_page, live_server, "officer2", f.PASSWORD)
        lao_page.goto(f"{live_server}/entry/CM-SAO2/2570/1")
        assert "ภาษีป้ายต่ำกว่าปีก่อนมาก โปรดตรวจสอบใบเสร็จ" in lao_page.get_by_test_id("review-note").inner_text()
        assert lao_page.locator("#entry-form").count() == 1  # reopened for correction
    lao_page.context.close()

    # INR911 and the progress matrix
    page.goto(f"{live_server}/verify/status")
    assert "3 (33.33%)" in page.get_by_test_id("total-recorded").inner_text()  # 3 of 9 LAOs
    assert "6 (66.67%)" in page.get_by_test_id("total-not-recorded").inner_text()
    shot(page, "inr911")
    page.goto(f"{live_server}/verify/matrix?year=2569")
    assert page.get_by_test_id("m-CM-SAO1").locator("td.mk-confirmed").count() == 12
    assert page.get_by_test_id("m-CM-MUN").locator("td.mk-late").count() == 1
    page.click("text=ประเภท")
    page.wait_for_load_state("networkidle")
    assert "sort=type" in page.url
    shot(page, "matrix")
