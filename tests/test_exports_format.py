"""The export writers read back: real date cells with a Buddhist-Era number format, numeric amounts with separators,
Thai headers and B.E. dates in page CSVs, machine columns and ISO dates for scripts, one charset per download."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from app.reports import exports
from app.reports.exports import Column, Sheet
from app.web import download

COLUMNS = [Column("lao_code", "รหัส อปท.", "code"), Column("lao_name", "ชื่อ อปท."),
           Column("amount", "จำนวนเงิน (บาท)", "money"), Column("recorded_on", "วันที่บันทึก", "date"),
           Column("at", "เวลา", "datetime")]
RECORDS = [
    {"lao_code": "5500101", "lao_name": "อบต.บ้านใหม่", "amount": Decimal("1234567.50"),
     "recorded_on": date(2026, 11, 16), "at": datetime(2026, 11, 16, 14, 30)},
    {"lao_code": "TOTAL", "lao_name": "รวม", "amount": Decimal("1234567.50"), "recorded_on": None, "at": None},
]


def _sheet() -> openpyxl.worksheet.worksheet.Worksheet:
    df = exports.frame(RECORDS, COLUMNS)
    data = exports.xlsx_bytes([Sheet("ทดสอบ", "หัวเรื่อง", ["หมายเหตุ"], df, COLUMNS, {1})])
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_dates_are_date_cells_shown_in_the_buddhist_era():
    ws = _sheet()
    header = [c.value for c in ws[4]]
    assert header == ["รหัส อปท.", "ชื่อ อปท.", "จำนวนเงิน (บาท)", "วันที่บันทึก", "เวลา"]  # Thai headers
    code, name, amount, day, at = ws[5]
    assert day.is_date and day.value == datetime(2026, 11, 16)
    assert day.number_format == "[$-1070000]dd/mm/yyyy"  # 07: the Thai Buddhist calendar: 16/11/2569 in Excel
    assert at.is_date and at.value == datetime(2026, 11, 16, 14, 30)
    assert at.number_format == "[$-1070000]dd/mm/yyyy hh:mm"
    assert amount.data_type == "n" and amount.value == 1234567.5 and amount.number_format == "#,##0.00"
    assert code.data_type == "s" and name.value == "อบต.บ้านใหม่"
    assert ws.cell(6, 4).value is None  # an empty date stays empty


def test_page_csv_has_thai_headers_and_be_dates():
    body = exports.csv_bytes(exports.frame(RECORDS, COLUMNS), COLUMNS)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["รหัส อปท.", "ชื่อ อปท.", "จำนวนเงิน (บาท)", "วันที่บันทึก", "เวลา"]
    assert rows[1] == ["5500101", "อบต.บ้านใหม่", "1234567.50", "16/11/2569", "16/11/2569 14:30"]
    assert rows[2][3:] == ["", ""]


def test_script_csv_keeps_machine_columns_and_iso_dates():
    body = exports.csv_bytes(exports.frame(RECORDS, COLUMNS), COLUMNS, bom=False, excel_safe=False)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["lao_code", "lao_name", "amount", "recorded_on", "at"]
    assert rows[1] == ["5500101", "อบต.บ้านใหม่", "1234567.50", "2026-11-16", "2026-11-16T14:30:00"]


@pytest.mark.parametrize("name, mimetype", [
    ("x.csv", "text/csv; charset=utf-8"),
    ("x.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_a_download_names_its_charset_once(app, name, mimetype):
    with app.test_request_context():
        response = download(b"a,b\r\n", name)
    assert response.headers["Content-Type"] == mimetype
    assert response.headers["Content-Type"].count("charset") <= 1
