"""Under the Content-Security-Policy (no inline script or style attribute) the behaviours that were inline
handlers still work: the year select submits itself, forms ask before revoking, the token input selects its
text, the admin district filter follows the province; plotly's hover rules land in the nonce'd <style>.
The page fixture fails any test whose pages report a CSP violation."""

from datetime import date

import pytest

from app import db
from tests import factories as f
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


def test_officer_year_select_and_token_revoke_work_without_inline_handlers(app, live_server, page):
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        f.user("officer", "lao_officer", lao_obj=f.lao("SAO", "50", code="OWN"))
        db.session.commit()
    browser_login(page, live_server, "officer", f.PASSWORD)
    page.goto(f"{live_server}/entry/")
    other = "2569" if page.input_value("#year") == "2570" else "2570"
    with page.expect_navigation():
        page.select_option("#year", other)  # data-autosubmit: app.js submits the form
    assert f"year={other}" in page.url

    page.goto(f"{live_server}/profile")
    page.fill("input[name=name]", "laptop")
    page.get_by_role("button", name="สร้างโทเค็น").click()
    page.wait_for_load_state("networkidle")
    token = page.locator("#new-token-value")
    token.click()  # data-select-on-click
    selected = page.evaluate("() => { const i = document.getElementById('new-token-value');"
                             " return i.value.substring(i.selectionStart, i.selectionEnd); }")
    assert selected == token.input_value() and len(selected) > 20

    revoke = page.get_by_role("button", name="ยกเลิกโทเค็น")
    page.once("dialog", lambda dialog: dialog.dismiss())  # data-confirm: declining keeps the token
    revoke.click()
    page.wait_for_timeout(300)
    assert page.get_by_role("button", name="ยกเลิกโทเค็น").count() == 1
    messages: list[str] = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        revoke.click()
    assert messages == ["ยืนยันการยกเลิกโทเค็นนี้?"]
    assert page.get_by_role("button", name="ยกเลิกโทเค็น").count() == 0
    shot(page, "csp-profile")


def test_admin_district_filter_and_audit_ip_column(app, live_server, page):
    with app.app_context():
        f.user("admin", "admin")
        f.lao("SAO", "50", code="OWN", district_code="5001")
        db.session.commit()
    browser_login(page, live_server, "admin", f.PASSWORD)
    page.goto(f"{live_server}/admin/laos")
    page.select_option("#province", "57")  # admin.js hides the districts of other provinces
    visible = page.eval_on_selector_all("#district option", "os => os.filter(o => !o.hidden && o.value)"
                                                            ".map(o => o.dataset.province)")
    assert visible and set(visible) == {"57"}
    page.goto(f"{live_server}/admin/audit")
    assert "หมายเลข IP" in page.get_by_test_id("audit").inner_text()
    shot(page, "csp-audit")


def test_plotly_hover_rules_go_into_the_nonced_style(app, live_server, page):
    from app.demo import build_demo

    with app.app_context():
        build_demo(date.fromisoformat(app.config["TODAY"]), scale=0.01)
    browser_login(page, live_server, "demo_national", "demo-2560")
    page.goto(f"{live_server}/reports/monitoring")
    page.wait_for_selector("#chart-trend .main-svg")
    page.hover("#chart-trend .nsewdrag")  # the modebar and a hover label appear
    page.wait_for_timeout(300)
    rules = page.evaluate("() => document.getElementById('plotly.js-style-global').sheet.cssRules.length")
    assert rules > 0  # plotly found the nonce'd element and filled it through CSSOM
    assert page.locator("style").count() == page.locator("style[nonce]").count()
    width = page.evaluate("() => getComputedStyle(document.querySelector('.rate-bar')).getPropertyValue('--rate')")
    assert width.strip().endswith("%")
    shot(page, "csp-monitoring-hover")
