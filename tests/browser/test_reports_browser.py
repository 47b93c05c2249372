"""A national viewer opens the comparison, drills into a province, downloads the xlsx; monitoring and KPI pages."""

import io
import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    """A small national demo dataset (every PAO, a few percent of the other LAOs), with the demo accounts."""
    from app.demo import build_demo

    with app.app_context():
        build_demo(date.fromisoformat(app.config["TODAY"]), scale=0.03)


def row_texts(page, table: str, code: str) -> list[str]:
    """Texts of the cells of one table row."""
    return [t.strip() for t in page.locator(f"[data-testid={table}] tr[data-code='{code}'] td").all_inner_texts()]


def test_national_viewer_compares_drills_down_and_downloads(live_server, page, demo):
    browser_login(page, live_server, "demo_national", "demo-2560")
    page.goto(f"{live_server}/reports/?base=2558&year=2559")  # confirmed figures only (the default)
    page.wait_for_selector("#chart-pct_pao .main-svg")
    page.wait_for_selector("#chart-cumulative .main-svg")
    rows = page.locator("[data-testid=comparison-table] tbody tr")
    assert rows.count() == 76  # every province but Bangkok
    total = row_texts(page, "comparison-table", "TOTAL")
    assert total[1] == "รวม" and re.fullmatch(r"[\d,]+\.\d\d", total[-3])
    assert "ข้อมูล ณ" in page.get_by_test_id("statement").inner_text()
    shot(page, "reports-comparison")

    # the chart switch shows another category's bars
    page.select_option("#chart-switch", "chart-pct_all")
    page.wait_for_selector("#chart-pct_all .main-svg")

    page.locator("[data-testid=comparison-table] tr[data-code='50'] a").click()
    page.wait_for_url(re.compile(r".*/reports/province/50\?.*"))
    page.wait_for_selector("#chart-cumulative .main-svg")
    assert "เชียงใหม่" in page.locator("h1").inner_text()
    province_total = row_texts(page, "drilldown-table", "TOTAL")
    shot(page, "reports-drilldown")
    assert page.locator("[data-testid=drilldown-table] a[href*='/entry/']").count() > 0

    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    data = open(download.path(), "rb").read()
    raw = pd.read_excel(io.BytesIO(data), header=None, dtype=str)
    total_row = raw[raw.iloc[:, 1] == "รวม"].iloc[0]
    on_screen = [Decimal(t.replace(",", "")) for t in province_total[-4:-1]]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in total_row.iloc[-3:]] == on_screen


def test_monitoring_and_kpi_pages(live_server, page, demo):
    browser_login(page, live_server, "demo_national", "demo-2560")
    page.goto(f"{live_server}/reports/monitoring")  # the current year's latest installment
    assert page.locator("[data-testid=monitoring-table] tbody tr").count() == 76
    page.goto(f"{live_server}/reports/monitoring?year=2569&number=12")  # a whole year's trend
    page.wait_for_selector("#chart-trend .main-svg")
    assert page.locator("[data-testid=trend-table] tbody tr").count() == 12
    shot(page, "reports-monitoring")
    page.goto(f"{live_server}/reports/kpi")
    assert page.locator("[data-testid=kpi-table] tbody tr").count() == 76
    page.goto(f"{live_server}/reports/kpi?year=2559")
    assert row_texts(page, "kpi-table", page.locator("[data-testid=kpi-table] tbody tr").first
                     .get_attribute("data-code"))[0] == "1"
    shot(page, "reports-kpi")
