"""The report pages: who may see what, what the comparison page shows, drill-down, monitoring, KPI."""

import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.models import AuditEvent, KpiSetting
from tests.conftest import login, post_form

# The hand-computed figures of these tests count confirmed figures only (the pages default to like-for-like).
SELECTION = "base=2568&year=2569&through=3"
Q = f"{SELECTION}&status=confirmed"


def cells_of(html: str, code: str) -> list[str]:
    """Texts of the cells of the table row with data-code=`code` (not the tick box of the monitoring page's notice)."""
    row = re.search(rf'<tr[^>]*data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, f"no row {code}"
    return [re.sub(r"<[^>]+>", "", c).strip()
            for attrs, c in re.findall(r"<td([^>]*)>(.*?)</td>", row.group(1), re.S) if 'class="pick' not in attrs]


def test_national_viewer_sees_the_comparison_with_totals_marks_and_links(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    # code, name, then base/current/% for PAO, municipality, SAO, all, then the completeness column
    assert cells_of(html, "50")[:14] == [
        "50", "เชียงใหม่", "3,000.00", "3,300.50", "10.02", "6,000.00", "4,500.00", "-25.00",
        "450.00", "510.01", "13.34", "9,450.00", "8,310.51", "-12.06"]
    assert cells_of(html, "65")[2:5] == ["0.00", "0.00", "–"]  # zero base
    assert cells_of(html, "TOTAL")[1:14] == [
        "รวม", "5,400.00", "5,400.50", "0.01", "9,999.99", "8,500.02", "-15.00", "1,170.00", "740.01", "-36.75",
        "16,569.99", "14,640.53", "-11.64"]
    # negative changes are marked, amounts right-aligned, the province links to its drill-down
    assert re.search(r'<td class="num neg" data-pct="-25.00">', html)
    assert 'class="num pos" data-pct="10.02"' in html
    assert re.search(r'href="/reports/province/50\?[^"]*year=2569', html)
    # the order is Thai dictionary order
    assert html.index('data-code="57"') < html.index('data-code="50"') < html.index('data-code="65"')
    # the line under the table states what is counted
    statement = re.search(r'data-testid="statement">(.*?)</div>', html, re.S).group(1)
    assert "งวดที่ 1–3" in statement and "ต.ค. 2568 – ธ.ค. 2568" in statement
    assert "นับเฉพาะข้อมูลที่ สถจ. ยืนยันแล้ว" in statement
    assert "ยังไม่บันทึกครบ 1 แห่ง" in statement and "ยังไม่ยืนยันครบ 1 แห่ง" in statement
    assert "ข้อมูล ณ" in statement
    assert 'data-testid="partial"' in html
    # charts sit beside the table: figure JSON for each group and the cumulative lines
    figures = dict(re.findall(r'<script type="application/json" data-figure="([^"]+)">(.*?)</script>', html, re.S))
    assert set(figures) == {"chart-pct_pao", "chart-pct_mun", "chart-pct_sao", "chart-pct_all", "chart-cumulative"}
    bars = json.loads(figures["chart-pct_mun"])["data"][0]
    assert bars["x"] == sorted(bars["x"]) and bars["y"][0] == "เชียงใหม่"
    assert "/vendor/plotly-basic.min.js?v=" in html  # the basic bundle, fingerprinted


def test_recorded_selection_and_hidden_categories(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/?{SELECTION}&status=recorded&cats=sao").get_data(as_text=True)
    assert cells_of(html, "65")[2:8] == ["600.00", "750.00", "25.00", "3,600.00", "3,750.00", "4.17"]
    assert "นับข้อมูลทั้งหมดที่ อปท. บันทึก" in html


def test_fallback_basis_is_said_on_screen(client, users, app):
    from tests import factories as f

    with app.app_context():
        f.fiscal_year(2568, "annual")
        f.fiscal_year(2569)
        db.session.commit()
    login(client, "national")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    assert 'data-testid="basis-fallback"' in html and "ยอดทั้งปีของปีฐาน" in html


def test_bad_selection_shows_a_message_not_an_error(client, dataset, users):
    login(client, "national")
    response = client.get("/reports/?base=2569&year=2568")
    assert response.status_code == 200
    assert "ปีฐานต้องก่อนปีงบประมาณที่เปรียบเทียบ" in response.get_data(as_text=True)
    # a 'through' that is neither an installment nor a round: the page again without it, and why
    page = client.get("/reports/?base=2568&year=2569&through=x", follow_redirects=True)
    assert page.status_code == 200 and page.request.args.get("through") is None
    assert "ถึงงวด / รอบ ในลิงก์ไม่ถูกต้อง" in page.get_data(as_text=True)


def test_drilldown_groups_laos_by_district_and_links_to_installment_detail(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/province/50?{Q}").get_data(as_text=True)
    assert cells_of(html, "L-A")[:5] == ["L-A", "อบจ.เชียงใหม่ทดสอบ", "3,000.00", "3,300.50", "10.02"]
    assert cells_of(html, "L-S1")[2:5] == ["", "", ""]  # an SAO has no PAO cells
    assert cells_of(html, "district-5001")[1] == "รวมอำเภอเมืองเชียงใหม่"
    assert cells_of(html, "district-5001")[-2:-1] == ["-12.58"]
    assert cells_of(html, "TOTAL")[-4:] == ["9,450.00", "8,310.51", "-12.06", "0 / 4"]
    assert 'href="/entry/L-A/2569/3/view"' in html
    assert html.index("อำเภอจอมทอง") < html.index("อำเภอเมืองเชียงใหม่")
    assert 'href="/reports/province/50/rollup.xlsx?year=2569"' in html


def test_verifier_sees_only_its_own_province(client, dataset, users):
    login(client, "verifier")
    response = client.get(f"/reports/?{Q}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reports/province/50?")
    assert client.get(f"/reports/province/50?{Q}").status_code == 200
    assert client.get(f"/reports/province/57?{Q}").status_code == 404
    assert client.get("/reports/province/57/rollup.xlsx?year=2569").status_code == 404
    assert client.get(f"/reports/export/comparison.csv?{Q}&province=57").status_code == 404
    # without a province the export is its own province's, never the national table
    csv_text = client.get(f"/reports/export/comparison.csv?{Q}").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("รหัส อปท.,อปท.,") and "L-A" in csv_text and "L-B" not in csv_text
    for url in ("/reports/monitoring", "/reports/kpi", "/reports/kpi/settings", "/reports/kpi/export.csv"):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/reports/", "/reports/province/50", "/reports/monitoring", "/reports/kpi"])
def test_lao_officer_is_refused(client, dataset, users, url):
    login(client, "officer")
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client, dataset):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_monitoring_per_province_worst_first_and_trend(client, dataset, users, app):
    login(client, "national")
    html = client.get("/reports/monitoring?year=2569&number=2").get_data(as_text=True)
    # Phitsanulok: 2 LAOs, both recorded installment 2, one confirmed; deadlines have passed
    assert cells_of(html, "65") == ["พิษณุโลก", "2", "2", "100.00", "1", "50.00", "0", "0", "1"]
    # Chiang Rai: 4 LAOs, S5 recorded nothing
    assert cells_of(html, "57") == ["เชียงราย", "4", "3", "75.00", "3", "75.00", "0", "1", "1"]
    assert cells_of(html, "TOTAL") == ["รวม", "10", "9", "90.00", "8", "80.00", "0", "1", "2"]
    assert html.index('data-code="65"') < html.index('data-code="57"') < html.index('data-code="50"')
    trend = re.search(r'data-testid="trend-table">(.*?)</table>', html, re.S).group(1)
    assert "90.00" in trend and "80.00" in trend
    assert client.get("/reports/monitoring?year=2569&number=99").status_code == 200


def test_kpi_scorecard_scores_and_ranks(client, dataset, users):
    login(client, "national")
    html = client.get("/reports/kpi?year=2569&through=3&status=confirmed").get_data(as_text=True)
    # Chiang Mai: PAO +10.02 -> 5, municipality -25 -> 0, SAO +13.34 -> 5
    cm = cells_of(html, "50")
    assert cm[1:] == ["เชียงใหม่", "10.02", "5.0000", "1.6670", "-25.00", "0.0000", "0.0000", "13.34",
                      "5.0000", "1.6665", "3.3335"]
    # Phitsanulok has no PAO figures: its weight goes to the other two
    ps = cells_of(html, "65")
    assert ps[2:5] == ["–", "–", "–"] and ps[-1] == "1.5000"
    ranks = {code: cells_of(html, code)[0] for code in ("50", "57", "65")}
    assert ranks == {"50": "1", "65": "2", "57": "3"}


def test_admin_sets_kpi_settings_validated_and_audited(client, dataset, users, app):
    login(client, "admin")
    url = "/reports/kpi/settings?year=2569"
    bad = post_form(client, url, {"year": "2569", "t1": "-10", "t2": "-5", "t3": "-5", "t4": "5", "t5": "10",
                                  "weight_pao": "50", "weight_mun": "30", "weight_sao": "30"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "เกณฑ์ระดับ 3 ต้องมากกว่าระดับ 2" in text and "น้ำหนักรวมต้องเท่ากับ 100" in text
    with app.app_context():
        assert db.session.get(KpiSetting, 2569) is None
    good = post_form(client, url, {"year": "2569", "t1": "-20", "t2": "-10", "t3": "0", "t4": "10", "t5": "20",
                                   "weight_pao": "50", "weight_mun": "25", "weight_sao": "25"})
    assert good.status_code == 302
    with app.app_context():
        row = db.session.get(KpiSetting, 2569)
        assert row.thresholds == (-20, -10, 0, 10, 20) and row.weight_pao == Decimal("50.00")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kpi_settings_changed"))
        assert event.username == "admin" and event.new_values["weight_pao"] == "50.00"
    # the scorecard uses them: Chiang Mai PAO +10.02 % now scores 4 + 0.02/10
    html = client.get("/reports/kpi?year=2569&through=3&status=confirmed").get_data(as_text=True)
    assert cells_of(html, "50")[3] == "4.0020"
    # no CSRF token: refused, nothing changes
    assert client.post(url, data={"year": "2569", "t1": "1"}).status_code == 400


def test_national_viewer_cannot_change_kpi_settings(client, dataset, users):
    login(client, "national")
    assert client.get("/reports/kpi/settings").status_code == 403
    assert client.post("/reports/kpi/settings", data={}).status_code in (400, 403)


def test_default_selection_is_the_latest_year_through_its_latest_ended_installment(client, dataset, users):
    login(client, "national")
    html = client.get("/reports/").get_data(as_text=True)
    assert "ปีงบประมาณ 2569 เทียบกับปี 2568 · ถึงงวดที่ 12" in html
    # like-for-like by default: no LAO is confirmed in all 24 installments, so nothing is compared, and says so
    assert cells_of(html, "TOTAL")[-4:-1] == ["0.00", "0.00", "–"]
    assert re.search(r'<option selected value="like-for-like"|<option value="like-for-like" selected', html)
    assert "ยืนยันแล้วทั้งสองช่วง 0 จาก 10 แห่ง (0.00 %)" in html
    html = client.get("/reports/?status=confirmed").get_data(as_text=True)
    assert cells_of(html, "TOTAL")[-4:-1] == ["17,069.99", "14,640.53", "-14.23"]  # through 12: the whole base year
    admin_page = client.get("/reports/kpi/settings")
    assert admin_page.status_code == 403


def test_like_for_like_page_shows_coverage_beside_the_headline(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/?{SELECTION}").get_data(as_text=True)
    # 7 of 10 LAOs are confirmed in installments 1-3 of both years (test_comparison_queries.py)
    assert cells_of(html, "TOTAL")[-4:] == ["15,849.99", "14,410.53", "-9.08", "3 / 10"]
    assert cells_of(html, "57")[8:11] == ["0.00", "0.00", "–"]  # S3 and S5 compare with nothing: no -75 %
    headline = re.search(r'data-testid="headline">(.*?)</div>', html, re.S).group(1)
    assert "-9.08" in headline and "ยืนยันแล้วทั้งสองช่วง 7 จาก 10 แห่ง (70.00 %)" in headline
    assert "เทียบเฉพาะ อปท. ที่ สถจ. ยืนยันแล้วทุกงวดที่เปรียบเทียบทั้งสองปี" in html
    confirmed = client.get(f"/reports/?{Q}").get_data(as_text=True)
    assert "ยืนยันแล้ว 8 จาก 10 แห่ง (80.00 %)" in confirmed
    recorded = client.get(f"/reports/?{SELECTION}&status=recorded").get_data(as_text=True)
    assert "บันทึกแล้ว 9 จาก 10 แห่ง (90.00 %)" in recorded
    kpi = client.get("/reports/kpi?year=2569&through=3").get_data(as_text=True)
    warning = re.search(r'data-testid="kpi-partial">(.*?)</div>', kpi, re.S).group(1)
    assert "ยืนยันแล้วทั้งสองช่วง 7 จาก 10 แห่ง (70.00 %)" in warning
    assert kpi.index('data-testid="kpi-partial"') < kpi.index('data-testid="kpi-table"')


def test_only_ended_periods_are_offered_and_an_unended_one_is_refused(client, dataset, users, app):
    from tests import factories as f

    with app.app_context():
        f.fiscal_year(2570)  # October 2026 ended before TODAY (2026-11-21), November has not
        db.session.commit()
    login(client, "national")
    html = client.get("/reports/?base=2569&year=2570").get_data(as_text=True)
    through = re.search(r'<select[^>]*id="through"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option[^>]*value="(\d+)"', through) == ["1"]
    assert not re.search(r'value="r\d+"', through)  # no round of 2570 has ended
    # an unended installment or round in the link: a Thai message, never a 5xx
    response = client.get("/reports/?base=2569&year=2570&through=2")
    assert response.status_code == 200
    assert "งวดที่ 2 (พ.ย. 2569) ยังไม่สิ้นสุด" in response.get_data(as_text=True)
    rnd = re.search(r'value="(r\d+)"', client.get("/reports/?base=2569&year=2570&basis=full-year")
                    .get_data(as_text=True)).group(1)
    response = client.get(f"/reports/?base=2569&year=2570&through={rnd}")
    assert response.status_code == 200 and "ยังไม่สิ้นสุด" in response.get_data(as_text=True)
    kpi = client.get("/reports/kpi?year=2570&through=5")
    assert kpi.status_code == 200 and "ยังไม่สิ้นสุด" in kpi.get_data(as_text=True)
    # the whole base year as the target may still be compared with the year so far
    html = client.get("/reports/?base=2569&year=2570&basis=full-year&through=2").get_data(as_text=True)
    assert "ยังไม่สิ้นสุด" not in html and 'data-testid="comparison-table"' in html


def test_round_names_are_not_prefixed_twice(client, dataset, users):
    login(client, "national")
    html = client.get("/reports/?base=2568&year=2569&through=r" + str(_round_id(client))).get_data(as_text=True)
    assert "รอบ รอบ" not in html


def _round_id(client) -> int:
    """The id of FY2569's first round, read off the selector."""
    html = client.get(f"/reports/?{SELECTION}").get_data(as_text=True)
    return int(re.search(r'value="r(\d+)"', html).group(1))


def test_monitoring_links_a_province_to_its_inr911_status(client, dataset, users):
    login(client, "national")
    html = client.get("/reports/monitoring?year=2569&number=2").get_data(as_text=True)
    assert 'href="/verify/status?province=50&amp;year=2569&amp;number=2"' in html
