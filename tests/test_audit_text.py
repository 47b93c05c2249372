"""Audit details rendered as readable lines: item names, status and type labels, amounts, B.E. dates, no hashes."""

import pytest
from flask import session

from app import audit_text

ITEMS = {"LAND_BUILDING": "ภาษีที่ดินและสิ่งปลูกสร้าง", "SIGNBOARD": "ภาษีป้าย"}


@pytest.fixture
def thai(app):
    """A Thai request (the lines are translated)."""
    with app.test_request_context():
        yield


@pytest.fixture
def english(app):
    """A request of a user who chose English."""
    with app.test_request_context():
        session["lang"] = "en"
        yield


def test_a_recording_reads_as_item_names_amounts_and_status_labels(thai):
    lines = audit_text.lines("record_installment",
                             {"LAND_BUILDING": "1234567.5", "SIGNBOARD": None, "status": "recorded"},
                             {"LAND_BUILDING": "1300000.00", "SIGNBOARD": "900.00", "explain_SIGNBOARD": "ป้ายใหม่",
                              "status": "recorded", "late": True}, ITEMS)
    assert lines == [
        "ภาษีที่ดินและสิ่งปลูกสร้าง: 1,234,567.50 → 1,300,000.00",
        "ภาษีป้าย: – → 900.00",
        "สถานะ: บันทึกแล้ว → บันทึกแล้ว",
        "คำชี้แจง ภาษีป้าย: ป้ายใหม่",
        "บันทึกหลังกำหนด: ใช่",
    ]


def test_a_confirmation_shows_the_status_change_in_words(thai):
    details = audit_text.details("confirm_installment", {"status": "recorded"},
                                 {"status": "confirmed", "position": "นักวิชาการ", "phone": "053-111", "late": False},
                                 ITEMS)
    assert details[0].text() == "สถานะ: บันทึกแล้ว → ยืนยันแล้ว" and details[0].changed
    assert [d.text() for d in details[1:]] == ["ตำแหน่ง: นักวิชาการ", "โทรศัพท์: 053-111", "ยืนยันหลังกำหนด: ไม่"]


def test_an_import_hides_the_hash_and_names_each_figure(thai):
    lines = audit_text.lines("entries_import", {"5500001/2570/3/SIGNBOARD": "100.00"},
                             {"file": "figures.xlsx", "sha256": "ab" * 32, "rows": 12000, "confirmed": False,
                              "total": "98765432.10", "5500001/2570/3/SIGNBOARD": "150.00"}, ITEMS)
    assert "แฟ้ม: figures.xlsx" in lines and "จำนวนแถว: 12,000" in lines
    assert "ยอดรวม (บาท): 98,765,432.10" in lines and "บันทึกเป็นยืนยันแล้ว: ไม่" in lines
    assert "5500001 ปี 2570 งวดที่ 3 ภาษีป้าย: 100.00 → 150.00" in lines
    assert not any("ab" * 32 in line or "sha256" in line for line in lines)


def test_deadlines_rounds_activations_and_types_in_words(thai):
    assert audit_text.lines("deadlines_changed", {"1": "2026-11-20 / 2026-11-30"}, {"1": "2026-11-25 / 2026-12-05"},
                            ITEMS) == ["งวดที่ 1 กำหนดบันทึก / กำหนดยืนยัน: 20/11/2569 / 30/11/2569 → 25/11/2569 / 05/12/2569"]
    assert audit_text.lines("rounds_changed", {"rounds": []}, {"rounds": [["รอบ 6 เดือน", 6]]}, ITEMS) == [
        "รอบการประเมิน: – → รอบ 6 เดือน (ถึงงวดที่ 6)"]
    assert audit_text.lines("item_activation_changed", {"SIGNBOARD/SAO": True}, {"SIGNBOARD/SAO": False}, ITEMS) == [
        "ภาษีป้าย (อบต.): ใช้ → ไม่ใช้"]
    assert audit_text.lines("lao_updated", {"lao_type": "SAO"}, {"lao_type": "MUNICIPALITY"}, ITEMS) == [
        "ประเภท: อบต. → เทศบาล"]
    assert audit_text.lines("user_created", None, {"role": "lao_officer", "one_time_password": True}, ITEMS) == [
        "บทบาท: เจ้าหน้าที่ อปท.", "รหัสผ่านครั้งแรก: ใช่"]
    assert audit_text.lines("login_failed", None, {"reason": "wrong_password"}, ITEMS) == [
        "เหตุผล: รหัสผ่านไม่ถูกต้อง"]


def test_subjects_in_words(thai):
    assert audit_text.subject("installment_report", "5500001/2570/3") == "ปีงบประมาณ 2570 งวดที่ 3"
    assert audit_text.subject("import", "ab" * 32) == "นำเข้าแฟ้ม"
    assert audit_text.subject("fiscal_year", "2570") == "ปีงบประมาณ 2570"


def test_lines_follow_the_ui_language(english):
    lines = audit_text.lines("confirm_installment", {"status": "recorded"}, {"status": "confirmed"},
                             {"SIGNBOARD": "Signboard tax"})
    assert lines == ["Status: Recorded → Confirmed"]


def test_default_round_names_and_fiscal_months_follow_the_ui_language(english):
    from app.web import fiscal_months, round_name

    assert round_name("รอบ 6 เดือน") == "6-month round" and round_name("รอบพิเศษ") == "รอบพิเศษ"
    assert fiscal_months()[:3] == ["Oct", "Nov", "Dec"] and fiscal_months()[-1] == "Sep"


def test_fiscal_months_are_thai_by_default(thai):
    from app.web import fiscal_months, round_name

    assert fiscal_months()[:2] == ["ต.ค.", "พ.ย."] and round_name("รอบ 6 เดือน") == "รอบ 6 เดือน"
