"""A person signs out everywhere from the profile page; a weak new password is refused with a Thai message."""

import pytest

from app import db
from app.api.tokens import issue_token
from tests import factories as f
from tests.api.conftest import api
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


def test_sign_out_everywhere_from_the_profile_page(app, live_server, page, browser, client):
    with app.app_context():
        user = f.user("national", "national_viewer", full_name="สมศรี มีสุข")
        db.session.commit()
        raw = issue_token(user, "สคริปต์รายงาน")
        db.session.commit()
    other = browser.new_context(locale="th-TH")  # the same person on another computer
    other_page = other.new_page()
    browser_login(other_page, live_server, "national", f.PASSWORD)
    browser_login(page, live_server, "national", f.PASSWORD)
    page.goto(f"{live_server}/profile")
    form = page.get_by_test_id("end-sessions")
    assert form.is_visible()
    shot(page, "profile-sign-out-everywhere")
    page.once("dialog", lambda dialog: dialog.accept())
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/login")
    assert "ออกจากระบบทุกอุปกรณ์แล้ว" in page.content()
    shot(page, "login-after-sign-out-everywhere")
    other_page.goto(f"{live_server}/profile")
    assert "/login" in other_page.url
    other.close()
    assert api(client, "GET", "/api/v1/laos", raw).status_code == 401


def test_a_common_new_password_is_refused_with_a_thai_message(app, live_server, page):
    with app.app_context():
        f.user("national", "national_viewer", must_change_password=True)
        db.session.commit()
    browser_login(page, live_server, "national", f.PASSWORD)
    assert page.url.endswith("/password")
    page.fill("input[name=current_password]", f.PASSWORD)
    page.fill("input[name=new_password]", "1234567890")
    page.fill("input[name=confirm_password]", "1234567890")
    page.click("button:has-text('บันทึกรหัสผ่านใหม่')")
    page.wait_for_load_state("networkidle")
    assert "รหัสผ่านนี้เดาง่ายเกินไป" in page.content()
    shot(page, "password-change-common-refused")
