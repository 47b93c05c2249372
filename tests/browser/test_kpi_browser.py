"""National staff read the FY2560 memo KPIs, open the scorecard in the summary-form layout and revise a target."""

from datetime import date

import pytest

from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    """A small national demo dataset with the demo accounts and the FY2560 memo KPIs."""
    from app.demo import build_demo

    with app.app_context():
        build_demo(date.fromisoformat(app.config["TODAY"]), scale=0.03)


def test_national_staff_score_fy2560_and_revise_a_target(live_server, page, demo):
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, live_server, "demo_national", "demo-2560")
    page.goto(f"{live_server}/kpi/?year=2560")
    rows = page.locator("[data-testid=kpi-definitions] tbody tr")
    assert rows.count() == 3
    assert "2,873.44" in page.locator("tr[data-code=REV_PAO]").inner_text()
    shot(page, "kpi_definitions")

    page.goto(f"{live_server}/kpi/scorecard?year=2560&round=2")
    card = page.locator("[data-testid=scorecard]")
    assert card.locator("tbody tr[data-code]").count() == 3
    assert "ด้านการจัดเก็บรายได้" in card.inner_text()
    weighted = [float(t) for t in card.locator("[data-testid=weighted]").all_inner_texts()]
    assert round(sum(weighted), 4) == float(card.locator("[data-testid=total]").inner_text())
    assert "คำนวณจากข้อมูลที่ยืนยันแล้ว" in page.locator("[data-testid=completeness]").inner_text()
    shot(page, "kpi_scorecard_fy2560")

    report = page.locator("[data-testid=scorecard-report]")
    for area in report.locator("textarea").all():
        area.fill("ข้อมูลยังยืนยันไม่ครบ จะติดตามให้ครบในรอบถัดไป")
    for name, value in (("reporter_name", "นางสาวรายงาน ผล"), ("reporter_position", "นักวิเคราะห์นโยบายและแผน"),
                        ("reporter_unit", "ส่วนนโยบายการคลังและพัฒนารายได้"), ("reporter_phone", "02-241-9000"),
                        ("report_date", "20/11/2569")):
        report.locator(f"[name={name}]").fill(value)
    report.locator("[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "ส่งแบบสรุปผลแล้ว" in page.content()
    assert "วันที่รายงาน 20 พ.ย. 2569" in page.locator("[data-testid=submitted]").inner_text()
    shot(page, "kpi_scorecard_submitted")

    page.goto(f"{live_server}/kpi/2560/REV_PAO/revise")
    page.fill("input[name=t5]", "4,000")
    page.select_option("select[name=from_round]", "2")
    page.click("[data-testid=kpi-form] [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "บันทึกตัวชี้วัด REV_PAO ฉบับที่ 2 แล้ว" in page.content()
    assert page.locator("tr[data-code=REV_PAO][data-version='2']").count() == 1
    shot(page, "kpi_definitions_revised")
