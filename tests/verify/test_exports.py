"""The follow-up export never lets a text cell become a formula; CSV opens in Excel as UTF-8."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from app.models import Installment
from app.verify import exports
from app.verify.queries import FollowupRow

ROWS = [
    FollowupRow(1, "T1", "=HYPERLINK(\"http://x\",\"y\")", "SAO", "จอมทอง", "เชียงใหม่", "@สมชาย", None,
                "+66 81 234 5678", "recorder", datetime(2026, 10, 12, 3, 0)),
    FollowupRow(2, "T2", "อบต.บ้านใหม่", "PAO", "แม่แจ่ม", "เชียงใหม่", None, None, None, None, None),
]


@pytest.fixture
def request_ctx(app):
    """A Thai request context (gettext needs one)."""
    with app.test_request_context():
        yield


def test_csv_has_bom_thai_header_be_dates_and_neutralised_text(request_ctx):
    body = exports.followup_csv(ROWS)
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["ลำดับ", "รหัส อปท.", "ชื่อ อปท.", "ประเภท", "อำเภอ", "จังหวัด", "ผู้ติดต่อ",
                       "ตำแหน่ง", "โทรศัพท์", "บันทึกครั้งล่าสุด"]
    assert rows[1] == ["1", "T1", "'=HYPERLINK(\"http://x\",\"y\")", "อบต.", "จอมทอง", "เชียงใหม่", "'@สมชาย", "",
                       "'+66 81 234 5678", "12/10/2569"]
    assert rows[2][:4] == ["2", "T2", "อบต.บ้านใหม่", "อบจ."] and rows[2][6:] == ["", "", "", ""]


def test_xlsx_text_cells_are_strings_never_formulas(request_ctx):
    installment = Installment(fiscal_year_id=2570, number=1)
    ws = openpyxl.load_workbook(io.BytesIO(exports.followup_xlsx(ROWS, installment, "จังหวัดเชียงใหม่"))).active
    assert ws["A1"].value == "อปท. ที่ยังไม่บันทึกข้อมูล ปีงบประมาณ 2570 งวดที่ 1"
    assert ws["A2"].value == "จังหวัดเชียงใหม่" and ws["A3"].value == "ทั้งหมด 2 แห่ง"
    assert [c.value for c in ws[5]][:3] == ["ลำดับ", "รหัส อปท.", "ชื่อ อปท."]
    no, code, name, kind, _d, _p, contact, _pos, phone, last = ws[6]
    assert no.value == 1 and no.data_type == "n"
    assert name.value == "=HYPERLINK(\"http://x\",\"y\")" and name.data_type == "s"
    assert contact.value == "@สมชาย" and contact.data_type == "s"
    assert phone.value == "+66 81 234 5678" and phone.data_type == "s"
    assert kind.value == "อบต." and last.value.date() == date(2026, 10, 12)
    assert last.is_date and last.number_format == "[$-1070000]dd/mm/yyyy"  # shown 12/10/2569 by Excel
