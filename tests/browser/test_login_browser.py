"""A person logs in through the real login page and lands on the role's home page."""

import pytest

from app import db
from tests import factories as f
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


def test_verifier_logs_in_and_sees_home_with_name_role_and_scope(app, live_server, page):
    with app.app_context():
        f.user("verifier", "province_verifier", province_obj=f.province("50"), full_name="สมหญิง รักงาน")
        db.session.commit()
    page.goto(f"{live_server}/login")
    shot(page, "login")
    browser_login(page, live_server, "verifier", "wrong-password")
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.content()
    browser_login(page, live_server, "verifier", f.PASSWORD)
    assert page.url.startswith(f"{live_server}/verify")
    box = page.get_by_test_id("user-box").inner_text()
    assert "สมหญิง รักงาน" in box and "ผู้ตรวจสอบ สถจ." in box and "เชียงใหม่" in box
    # the Sarabun font is served by the app and used
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Sarabun" in family
    assert page.evaluate("document.fonts.check('16px Sarabun')")
    shot(page, "verifier-home")
    page.click("text=EN")
    assert page.locator("html").get_attribute("lang") == "en"
