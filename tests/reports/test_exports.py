"""Exports read back equal what the page shows: xlsx (pandas.read_excel), csv (csv module), print, rollup."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from app import db
from app.models import Lao
from tests.conftest import login
from tests.reports.test_views import Q, cells_of

D = Decimal


def page_numbers(html: str, code: str) -> list[str]:
    """The 12 amount/percent cells of a page row, as plain decimals ('' for '–')."""
    return [c.replace(",", "").replace("–", "") for c in cells_of(html, code)[2:14]]


def xlsx_table(data: bytes, sheet=0) -> tuple[openpyxl.Workbook, pd.DataFrame]:
    """The workbook and its table (header row found under the title and the selection lines)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).font.bold and ws.cell(r, 2).value)
    df = pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=header - 1, dtype=str)
    return wb, df


def fmt(value) -> str:
    """An xlsx value read as text, as the page's plain decimal with 2 places ('' when empty)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "nan":
        return ""
    return f"{D(str(value)):.2f}"


def test_xlsx_export_equals_the_page(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    response = client.get(f"/reports/export/comparison.xlsx?{Q}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    wb, df = xlsx_table(response.data)
    ws = wb.worksheets[0]
    assert "INF508" in ws["A1"].value and "2569" in ws["A1"].value
    assert "ถึงงวดที่ 3" in ws["A2"].value and any("ข้อมูล ณ" in (ws.cell(r, 1).value or "") for r in range(2, 8))
    assert list(df.columns[:5]) == ["รหัสจังหวัด", "จังหวัด", "อบจ. ปี 2568", "อบจ. ปี 2569",
                                    "อบจ. ร้อยละที่เปลี่ยนแปลง"]
    assert ws.freeze_panes is not None
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "รหัสจังหวัด")
    assert ws.freeze_panes == f"C{header_row + 1}"
    for r, code in enumerate(["57", "50", "65"]):
        assert df.iloc[r, 0] == code
        assert [fmt(v) for v in df.iloc[r, 2:14]] == page_numbers(html, code)
    total = df.iloc[3]
    assert total.iloc[1] == "รวม" and [fmt(v) for v in total.iloc[2:14]] == page_numbers(html, "TOTAL")
    # amounts are numbers with separators, percents 2 decimals, the total row bold
    amount = ws.cell(header_row + 1, 3)
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert ws.cell(header_row + 1, 5).number_format == "0.00"
    assert ws.cell(header_row + 4, 2).font.bold


def test_csv_export_equals_the_page_and_has_a_bom(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    data = client.get(f"/reports/export/comparison.csv?{Q}").data
    assert data.startswith("\ufeff".encode("utf-8"))
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(reader)
    assert header[:5] == ["รหัสจังหวัด", "จังหวัด", "อบจ. ปี 2568", "อบจ. ปี 2569", "อบจ. ร้อยละที่เปลี่ยนแปลง"]
    keys = ["province_code", "province_name", "pao_base", "pao_current", "pao_pct", "mun_base", "mun_current",
            "mun_pct", "sao_base", "sao_current", "sao_pct", "all_base", "all_current", "all_pct"]
    assert len(header) == len(keys)
    rows = [dict(zip(keys, row, strict=True)) for row in reader]
    assert [r["province_code"] for r in rows] == ["57", "50", "65", "TOTAL"]
    for r in rows:
        assert list(r.values())[2:] == page_numbers(html, r["province_code"])
    assert rows[2]["pao_pct"] == "" and rows[3]["all_current"] == "14640.53"


def test_drilldown_exports_have_lao_rows_and_district_subtotals(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/province/50?{Q}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/reports/export/comparison.csv?{Q}&province=50").data.decode("utf-8-sig"))))
    rows = [{("lao_code" if k == "รหัส อปท." else k): v for k, v in r.items()} for r in rows]
    assert [r["lao_code"] for r in rows] == ["L-S2", "L-A", "L-M1", "L-S1", "TOTAL"]
    for r in rows:
        assert list(r.values())[2:] == page_numbers(html, r["lao_code"])
    _wb, df = xlsx_table(client.get(f"/reports/export/comparison.xlsx?{Q}&province=50").data)
    names = list(df.iloc[:, 1])
    assert names == ["อบต.สอง", "รวมอำเภอจอมทอง", "อบจ.เชียงใหม่ทดสอบ", "เทศบาลนครทดสอบ", "อบต.หนึ่ง",
                     "รวมอำเภอเมืองเชียงใหม่", "รวม"]
    assert [fmt(v) for v in df.iloc[5, 2:14]] == page_numbers(html, "district-5001")


def test_a_name_starting_with_equals_stays_text(client, dataset, users, app):
    with app.app_context():
        lao = db.session.get(Lao, dataset["S1"].id)
        lao.name_th = '=HYPERLINK("http://evil.example","คลิก")'
        db.session.commit()
    login(client, "national")
    data = client.get(f"/reports/export/comparison.xlsx?{Q}&province=50").data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cell = next(c for row in wb.worksheets[0].iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    assert b"<f>" not in data and b"<f " not in data.replace(b"<fill", b"").replace(b"<font", b"")
    _wb, df = xlsx_table(data)
    assert '=HYPERLINK("http://evil.example","คลิก")' in list(df.iloc[:, 1])
    # the web CSV keeps spreadsheets from running it; the page shows it escaped
    text = client.get(f"/reports/export/comparison.csv?{Q}&province=50").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in client.get(f"/reports/province/50?{Q}").get_data(as_text=True)


def test_print_layout_is_a4_landscape_with_the_statement(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/print/comparison?{Q}").get_data(as_text=True)
    assert "size: A4 landscape" in html
    assert cells_of(html, "50")[:5] == ["50", "เชียงใหม่", "3,000.00", "3,300.50", "10.02"]
    assert cells_of(html, "TOTAL")[-3:] == ["16,569.99", "14,640.53", "-11.64"]
    assert "นับเฉพาะข้อมูลที่ สถจ. ยืนยันแล้ว" in html and 'data-testid="selectors"' not in html


def test_monitoring_and_kpi_exports_read_back(client, dataset, users):
    login(client, "national")
    data = client.get("/reports/monitoring/export.xlsx?year=2569&number=2").data
    _wb, df = xlsx_table(data)
    assert list(df.iloc[0, :7]) == ["65", "พิษณุโลก", "2", "2", "100", "1", "50"]
    _wb, trend = xlsx_table(data, sheet=1)
    assert len(trend) == 12
    rows = list(csv.DictReader(io.StringIO(
        client.get("/reports/monitoring/export.csv?year=2569&number=2").data.decode("utf-8-sig"))))
    # page downloads carry the Thai headers of the workbook
    assert rows[-1]["รหัสจังหวัด"] == "TOTAL" and rows[-1]["ร้อยละที่บันทึก"] == "90.00"
    trend = list(csv.DictReader(io.StringIO(client.get(
        "/reports/monitoring/export.csv?year=2569&number=2&table=trend").data.decode("utf-8-sig"))))
    assert [(t["งวด"], t["ร้อยละที่บันทึก"], t["ร้อยละที่ยืนยัน"]) for t in trend[:4]] == [
        ("1", "90.00", "90.00"), ("2", "90.00", "80.00"), ("3", "90.00", "80.00"), ("4", "0.00", "0.00")]
    kpi = list(csv.DictReader(io.StringIO(
        client.get("/reports/kpi/export.csv?year=2569&through=3&status=confirmed").data.decode("utf-8-sig"))))
    assert [(r["อันดับ"], r["รหัสจังหวัด"], r["คะแนนรวม"]) for r in kpi] == [
        ("1", "50", "3.3335"), ("2", "65", "1.5000"), ("3", "57", "0.9999")]
    assert kpi[0]["อบจ. ร้อยละการเติบโต"] == "10.02" and kpi[0]["อบจ. คะแนน"] == "5.0000"
    wb, _df = xlsx_table(client.get("/reports/kpi/export.xlsx?year=2569&through=3&status=confirmed").data)
    assert any("-10 / -5 / 0 / 5 / 10" in (c.value or "") for c in wb.worksheets[0]["A"][:8])
    assert "size: A4 landscape" in client.get("/reports/print/kpi?year=2569&through=3").get_data(as_text=True)


def test_provincial_rollup_lists_every_lao_item_installment(client, dataset, users):
    login(client, "verifier")
    data = client.get("/reports/province/50/rollup.xlsx?year=2569").data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["สรุปราย อปท.", "ข้อมูลรายการ"]
    _wb, long = xlsx_table(data, sheet="ข้อมูลรายการ")
    assert len(long) == (3 + 2 + 2 + 2) * 12  # the PAO's 3 items, 2 for the others, x 12 installments
    a3 = long[(long["รหัส อปท."] == "L-A") & (long["งวด"] == "3")]
    assert list(a3["รหัสรายการ"]) == ["PAO_OIL", "PAO_TOBACCO", "PAO_HOTEL"]
    assert [fmt(v) for v in a3["จำนวนเงิน (บาท)"]] == ["1099.50", "1.00", ""]  # the hotel fee: not recorded
    assert set(a3["สถานะ"]) == {"ยืนยันแล้ว"}
    later = long[(long["รหัส อปท."] == "L-A") & (long["งวด"] == "4")]
    assert set(later["สถานะ"]) == {"ยังไม่บันทึก"} and later["จำนวนเงิน (บาท)"].isna().all()
    _wb, wide = xlsx_table(data, sheet="สรุปราย อปท.")
    a = wide[wide["รหัส อปท."] == "L-A"].iloc[0]
    assert fmt(a.iloc[4]) == "1100.00" and fmt(a.iloc[-1]) == "3300.50"
    assert wide.iloc[-1, 2] == "รวม" and fmt(wide.iloc[-1, -1]) == "8310.51"


@pytest.mark.parametrize("url", ["/reports/export/comparison.pdf", "/reports/kpi/export.doc"])
def test_unknown_export_format_is_404(client, dataset, users, url):
    login(client, "national")
    assert client.get(url).status_code == 404


def test_statement_line_carries_the_as_of_time(client, dataset, users):
    login(client, "national")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    assert re.search(r"ข้อมูล ณ \d+ \S+ \d{4} \d\d:\d\d น\.", html)
