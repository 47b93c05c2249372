"""An LAO officer records an installment in a real browser: live typo warning, explanation, home, print."""

import re

import pytest

from app import db
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, browser_login, shot
from tests.entry.conftest import lao, put_figures

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_world(app):
    """An SAO in Chiang Mai with last year's figures for October to December, and its officer."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN01", name_th="อบต.แม่ริมทดสอบ")
        f.user("officer", "lao_officer", lao_obj=own, full_name="สมชาย ใจดี",
               position="นักวิชาการจัดเก็บรายได้ชำนาญการ", phone="053-111111")
        put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "1,000", "SIGNBOARD": "300"})
        put_figures("OWN01", 2569, 2, {"LAND_BUILDING": "2,500", "SIGNBOARD": "150"})
        put_figures("OWN01", 2569, 3, {"LAND_BUILDING": "12,000", "SIGNBOARD": "900"})
        db.session.commit()


def test_officer_records_an_installment_with_a_warned_field_and_prints_it(app, live_server, page, officer_world):
    browser_login(page, live_server, "officer", f.PASSWORD)
    assert page.url.startswith(f"{live_server}/entry/")
    row = page.locator("[data-testid=installments] tr[data-number='1']")
    assert "ยังไม่บันทึก" in row.inner_text()
    row.get_by_role("link", name="บันทึก").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/entry/OWN01/2570/1")

    # prefilled certification from the profile
    assert page.input_value("#recorder_name") == "สมชาย ใจดี"
    warning = page.get_by_test_id("warning-LAND_BUILDING")
    explain = page.locator("#explain_LAND_BUILDING")
    assert not warning.is_visible() and not explain.is_visible()

    # 5,000 is five times last October's 1,000: the warning appears while typing
    page.fill("#amount_LAND_BUILDING", "5,000")
    assert warning.is_visible() and "สูงกว่างวดเดียวกันของปีก่อนเกิน 3 เท่า" in warning.inner_text()
    assert explain.is_visible()
    page.fill("#amount_LAND_BUILDING", "1,200")  # back in range: the warning goes away
    assert not warning.is_visible() and not explain.is_visible()
    page.fill("#amount_LAND_BUILDING", "๕,๐๐๐")  # Thai digits count the same
    assert warning.is_visible()
    page.fill("#amount_SIGNBOARD", "320.50")
    assert not page.get_by_test_id("warning-SIGNBOARD").is_visible()

    # submitting without the explanation: the server refuses and says why, beside the field
    page.check("#certify")
    page.click("#entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "กรุณาระบุคำชี้แจง" in page.get_by_test_id("error-explain-LAND_BUILDING").inner_text()
    assert page.input_value("#amount_LAND_BUILDING") == "๕,๐๐๐"  # nothing typed is lost
    explain.fill("มีผู้ค้างชำระจากปีก่อนมาชำระในเดือนนี้")
    page.check("#certify")
    shot(page, "entry-form")
    page.click("#entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # back home with a message; the installment is recorded with its total
    assert page.url.startswith(f"{live_server}/entry/")
    assert "บันทึกข้อมูลงวดที่ 1 เรียบร้อยแล้ว" in page.locator(".alert-success").inner_text()
    row = page.locator("[data-testid=installments] tr[data-number='1']")
    assert "บันทึกแล้ว" in row.inner_text() and "5,320.50" in row.inner_text()
    assert "ล่าช้า 1 วัน" in row.inner_text()
    summary = page.get_by_test_id("summary").inner_text()
    assert "5,320.50" in summary and "1,300.00" in summary and "16,850.00" in summary
    shot(page, "entry-home")

    # the print view opens in a new tab without navigation, in Sarabun
    with page.context.expect_page() as popup:
        row.get_by_role("link", name="พิมพ์").click()
    printed = popup.value
    printed.wait_for_load_state("networkidle")
    assert printed.locator("nav.navbar").count() == 0
    assert "5,320.50" in printed.get_by_test_id("print-figures").inner_text()
    assert "มีผู้ค้างชำระจากปีก่อน" in printed.inner_text("body")
    assert printed.evaluate("document.fonts.check('16px Sarabun')")
    shot(printed, "entry-print")
    printed.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    printed.emulate_media(media="print")
    assert not printed.locator(".print-toolbar").is_visible()
    shot(printed, "entry-print-media")
    pdf = printed.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF"
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # the certification fits on one A4 page
    (ARTIFACTS / "entry-print.pdf").write_bytes(pdf)
    printed.close()


def test_second_browser_on_a_stale_page_is_refused_and_keeps_its_input(app, live_server, browser, officer_world):
    with app.app_context():
        f.user("officer2", "lao_officer", lao_obj=lao("OWN01"), full_name="สมศรี ขยัน", position="เจ้าพนักงานการเงิน",
               phone="053-222222")
        f.user("verifier", "province_verifier", province_obj=f.province("50"), full_name="ผู้ตรวจ เชียงใหม่")
        db.session.commit()
    pages = []
    for username in ("officer", "officer2"):
        context = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900})
        pg = context.new_page()
        browser_login(pg, live_server, username, f.PASSWORD)
        pg.goto(f"{live_server}/entry/OWN01/2570/1")
        pages.append(pg)
    first, second = pages
    for pg, land in ((first, "1,100"), (second, "1,250")):
        pg.fill("#amount_LAND_BUILDING", land)
        pg.fill("#amount_SIGNBOARD", "300")
        pg.check("#certify")
    first.click("#entry-form button[type=submit]")
    first.wait_for_load_state("networkidle")
    assert "บันทึกข้อมูลงวดที่ 1 เรียบร้อยแล้ว" in first.inner_text("body")

    second.click("#entry-form button[type=submit]")
    second.wait_for_load_state("networkidle")
    conflict = second.get_by_test_id("conflict")
    assert "1,100.00" in conflict.inner_text() and "สมชาย ใจดี" in conflict.inner_text()
    assert second.input_value("#amount_LAND_BUILDING") == "1,250"
    shot(second, "entry-conflict")
    second.check("#certify")
    second.click("#entry-form button[type=submit]")  # knowingly replaces the current figures
    second.wait_for_load_state("networkidle")
    assert "เรียบร้อยแล้ว" in second.inner_text("body")
    for pg in pages:
        pg.context.close()

    # the province's verifier reads the detail and the history, with no form to change them
    context = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    browser_login(pg, live_server, "verifier", f.PASSWORD)
    pg.goto(f"{live_server}/entry/OWN01/2570/1/view")
    assert "1,550.00" in pg.get_by_test_id("figures-total").inner_text()
    shot(pg, "entry-detail")
    pg.goto(f"{live_server}/entry/OWN01/2570/1/history")
    history = pg.get_by_test_id("history").inner_text()
    assert "สมศรี ขยัน" in history and "1,100.00" in history and "1,250.00" in history
    assert pg.locator("input[name^=amount_]").count() == 0
    shot(pg, "entry-history")
    context.close()


def test_home_shows_progress_and_a_returned_installment_with_its_reason(app, live_server, page, officer_world):
    with app.app_context():
        put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "694", "SIGNBOARD": "0"}, status="returned",
                    return_reason="ภาษีป้ายไม่ตรงกับทะเบียน")
        db.session.commit()
    browser_login(page, live_server, "officer", f.PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/entry/")
    note = page.get_by_test_id("returned")
    assert note.is_visible() and "ภาษีป้ายไม่ตรงกับทะเบียน" in note.inner_text()
    # 694.00 of last year's 16,850.00: reached 4.12 %, not "-95.88"
    total = page.locator("[data-testid=summary] tr[data-code='TOTAL']").inner_text()
    assert "ถึงร้อยละ 4.12 ของเป้าหมาย" in total and "-95.88" not in total
    row = page.locator("[data-testid=installments] tr[data-number='1']")
    assert "เหตุผล: ภาษีป้ายไม่ตรงกับทะเบียน" in row.inner_text()
    shot(page, "entry-home-returned")
    note.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/entry/OWN01/2570/1$"))
