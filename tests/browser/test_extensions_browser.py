"""Deadline extensions in a real browser: the officer asks for a later entry deadline, the province's verifier sees
it on the verification screen and approves it, the officer sees the new deadline beside the original one and the
bell's count."""

import pytest

from app import db
from tests import factories as f
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def extension_world(app):
    """An SAO in Chiang Mai with its officer, and the province's verifier (today: 21 Nov 2569, a day past the
    entry deadline of installment 1)."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN01", name_th="อบต.แม่ริมทดสอบ")
        f.user("officer", "lao_officer", lao_obj=own, full_name="สมชาย ใจดี")
        f.user("verifier", "province_verifier", province_obj=f.province("50"), full_name="สมหญิง ตรวจดี")
        db.session.commit()


def test_officer_asks_verifier_approves_officer_sees_the_new_deadline(app, live_server, page, extension_world):
    browser_login(page, live_server, "officer", f.PASSWORD)
    row = page.locator("[data-testid=installments] tr[data-number='1']")
    assert "ล่าช้า 1 วัน" in row.inner_text()
    row.get_by_test_id("ask-extension-1").click()
    page.wait_for_load_state("networkidle")
    assert "5 ธันวาคม 2569" in page.get_by_test_id("deadlines").inner_text()  # the latest date allowed
    page.fill("#requested_deadline", "25/11/2569")
    page.fill("#reason", "ระบบเครือข่ายของ อบต. ขัดข้องช่วงปลายเดือน")
    shot(page, "extension-1-request")
    page.click("[data-testid=request-form] [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "รอพิจารณา" in page.get_by_test_id("extension-status").inner_text()
    page.goto(f"{live_server}/entry/")
    assert page.get_by_test_id("extension-pending-1").is_visible()

    page.context.clear_cookies()
    browser_login(page, live_server, "verifier", f.PASSWORD)
    page.goto(f"{live_server}/verify/?year=2570&number=1")
    assert page.get_by_test_id("bell-count").inner_text() == "1"
    pending = page.get_by_test_id("pending-extensions")
    assert pending.get_by_test_id("pending-extensions-count").inner_text() == "1"
    assert "อบต.แม่ริมทดสอบ" in pending.inner_text()
    shot(page, "extension-2-verify-pending")
    pending.get_by_role("link", name="อบต.แม่ริมทดสอบ").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#new_deadline") == "25/11/2569"  # the date asked for, to accept or change
    page.fill("#decision_reason", "เหตุขัดข้องทางเทคนิค อนุมัติตามที่ขอ")
    page.click("[data-testid=decision-form] [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "ขยายถึง 25 พฤศจิกายน 2569" in page.get_by_test_id("decision").inner_text()
    shot(page, "extension-3-approved")

    page.context.clear_cookies()
    browser_login(page, live_server, "officer", f.PASSWORD)
    assert page.get_by_test_id("bell-count").inner_text() == "1"
    row = page.locator("[data-testid=installments] tr[data-number='1']")
    text = row.inner_text()
    assert "20 พ.ย. 2569" in text and "ขยายถึง 25 พ.ย. 2569" in text
    assert "ล่าช้า" not in text
    shot(page, "extension-4-officer-home")
    page.get_by_test_id("bell").click()
    page.wait_for_load_state("networkidle")
    assert "อนุมัติขยายกำหนดบันทึกข้อมูลงวดที่ 1" in page.get_by_test_id("notifications").inner_text()
    shot(page, "extension-5-notification")
    page.get_by_test_id("notification").first.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/deadlines/1") or "/deadlines/" in page.url
