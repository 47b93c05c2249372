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


def assert_labels_clear_of_names(page, chart: str) -> None:
    """No bar label of the chart overlaps a category (province) name."""
    boxes = page.evaluate("""(sel) => {
        const root = document.querySelector(sel);
        const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
        return {labels: [...root.querySelectorAll('.bartext')].map(box),
                names: [...root.querySelectorAll('.ytick text')].map(box)};
    }""", chart)
    assert boxes["labels"] and boxes["names"]
    for lab in boxes["labels"]:
        for name in boxes["names"]:
            overlap = lab[0] < name[2] and name[0] < lab[2] and lab[1] < name[3] and name[1] < lab[3]
            assert not overlap, (lab, name)


def test_national_viewer_compares_drills_down_and_downloads(live_server, page, demo):
    browser_login(page, live_server, "demo_national", "demo-2560")
    page.goto(f"{live_server}/reports/?base=2558&year=2559")  # like-for-like (the default)
    page.wait_for_selector("#chart-pct_pao .main-svg")
    page.wait_for_selector("#chart-cumulative .main-svg")
    rows = page.locator("[data-testid=comparison-table] tbody tr")
    assert rows.count() == 76  # every province but Bangkok
    total = row_texts(page, "comparison-table", "TOTAL")
    assert total[1] == "รวม" and re.fullmatch(r"[\d,]+\.\d\d", total[-3])
    assert "ข้อมูล ณ" in page.get_by_test_id("statement").inner_text()
    # the headline carries its coverage: "ยืนยันแล้วทั้งสองช่วง 1,234 จาก 2,345 แห่ง (52.62 %)"
    assert re.search(r"ยืนยันแล้วทั้งสองช่วง [\d,]+ จาก [\d,]+ แห่ง \([\d.]+ %\)",
                     page.get_by_test_id("coverage").inner_text())
    assert_labels_clear_of_names(page, "#chart-pct_pao")
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
    # a province opens its INR911 status for the same installment
    page.locator("[data-testid=monitoring-table] tr[data-code='50'] a").click()
    page.wait_for_url(re.compile(r".*/verify/status\?province=50&year=2569&number=12$"))
    page.goto(f"{live_server}/reports/kpi")
    assert page.locator("[data-testid=kpi-table] tbody tr").count() == 76
    # ranking on partial data: the warning is the first thing under the title
    warning = page.get_by_test_id("kpi-partial")
    assert warning.is_visible() and "ข้อมูลที่ยังไม่ครบ" in warning.inner_text()
    assert warning.bounding_box()["y"] < page.get_by_test_id("kpi-table").bounding_box()["y"]
    shot(page, "reports-kpi-partial")
    page.goto(f"{live_server}/reports/kpi?year=2559")
    assert row_texts(page, "kpi-table", page.locator("[data-testid=kpi-table] tbody tr").first
                     .get_attribute("data-code"))[0] == "1"
    shot(page, "reports-kpi")


def test_province_print_fits_a4_landscape_with_short_names(live_server, page, demo):
    browser_login(page, live_server, "demo_national", "demo-2560")
    page.goto(f"{live_server}/reports/province/50?base=2558&year=2559")
    page.wait_for_selector("#chart-cumulative .main-svg")
    # on screen the full name (องค์การบริหารส่วนตำบล...), in print the short one
    full = page.locator("[data-testid=drilldown-table] tbody td.name-col[data-short] a").first.inner_text()
    assert full.startswith(("องค์การบริหารส่วน", "เทศบาล"))
    # A4 landscape less the 8 mm margins, at 96 dpi: 281 mm x 194 mm
    page.set_viewport_size({"width": 1062, "height": 733})
    page.emulate_media(media="print")
    width = page.evaluate("() => document.querySelector('[data-testid=drilldown-table]').getBoundingClientRect().right")
    assert width <= 1062 and page.evaluate("() => document.documentElement.scrollWidth") <= 1062  # nothing cut off
    shot(page, "reports-province-print")
    # every LAO name on one or two lines, its type prefix abbreviated
    heights = page.evaluate("""() => [...document.querySelectorAll('[data-testid=drilldown-table] td.name-col')]
        .map(td => [td.getBoundingClientRect().height, parseFloat(getComputedStyle(td).lineHeight),
                    getComputedStyle(td, '::after').content])""")
    assert heights
    for height, line, _after in heights:
        assert height <= 2 * line + 6, (height, line)
    shorts = [after for _h, _l, after in heights if after not in ("none", "normal")]
    assert shorts and all(s.strip('"').startswith(("อบต.", "ทต.", "ทม.", "ทน.", "อบจ.")) for s in shorts)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    rows = page.locator("[data-testid=drilldown-table] tbody tr").count()
    assert pages <= rows // 25 + 2, (pages, rows)  # about 30 rows a page, not 3-4 lines a name
