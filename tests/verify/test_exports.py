"""Spreadsheet exports never let a text cell become a formula; CSV opens in Excel as UTF-8."""

import csv
import io

import openpyxl
import pytest

from app.verify import exports


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+66 81 234 5678", "'+66 81 234 5678"),
    ("-1", "'-1"),
    ("@cmd", "'@cmd"),
    ("อบต.บ้านใหม่", "อบต.บ้านใหม่"),
    ("053-000-111", "053-000-111"),
    (12, 12),
    (None, None),
])
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_csv_has_bom_crlf_and_neutralised_cells():
    body = exports.to_csv(["ชื่อ", "โทร"], [["=cmd|' /C calc'!A0", "+66"], ["อบต.ก", None]])
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["ชื่อ", "โทร"], ["'=cmd|' /C calc'!A0", "'+66"], ["อบต.ก", ""]]


def test_xlsx_cells_are_strings_and_numbers_stay_numbers():
    body = exports.to_xlsx(["ที่", "ชื่อ", "โทร"], [[1, "=HYPERLINK(\"http://x\",\"y\")", "+66"]], sheet="รายชื่อ")
    ws = openpyxl.load_workbook(io.BytesIO(body))["รายชื่อ"]
    assert [c.value for c in ws[1]] == ["ที่", "ชื่อ", "โทร"]
    number, name, phone = ws[2]
    assert number.value == 1 and number.data_type == "n"
    assert name.value == "=HYPERLINK(\"http://x\",\"y\")" and name.data_type == "s"
    assert phone.value == "+66" and phone.data_type == "s"
