"""A person creates an API token on the profile page, copies it once, uses it, and revokes it."""

import pytest

from tests import factories as f
from tests.api.conftest import api
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


def test_create_copy_and_revoke_a_token(world, live_server, page, client):  # noqa: F811
    browser_login(page, live_server, "verifier", f.PASSWORD)
    page.goto(f"{live_server}/profile")
    assert "สมหญิง ตรวจดี" in page.get_by_test_id("account").inner_text()
    page.fill("input[name=name]", "สคริปต์สรุปรายงาน")
    page.click("button:has-text('สร้างโทเค็น')")
    raw = page.input_value("#new-token-value")
    assert raw.startswith("lrt_")
    shot(page, "profile-token-created")
    assert api(client, "GET", "/api/v1/laos", raw).status_code == 200

    page.goto(f"{live_server}/profile")
    assert raw not in page.content()  # shown once only
    rows = page.get_by_test_id("tokens").locator("tbody tr")
    assert rows.count() == 2  # the fixture's token and the new one
    page.once("dialog", lambda dialog: dialog.accept())
    rows.filter(has_text="สคริปต์สรุปรายงาน").locator("button").click()
    page.wait_for_load_state("networkidle")
    assert "ยกเลิกโทเค็นแล้ว" in page.content()
    assert "ยกเลิกแล้ว" in rows.filter(has_text="สคริปต์สรุปรายงาน").inner_text()
    shot(page, "profile-token-revoked")
    assert api(client, "GET", "/api/v1/laos", raw).status_code == 401
