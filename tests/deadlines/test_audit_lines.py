"""Extension requests and decisions read as Thai lines in the audit trail: labels, B.E. dates, no raw codes."""

import pytest

from app import audit_text


@pytest.fixture
def thai(app):
    """A Thai request (the lines are translated)."""
    with app.test_request_context():
        yield


def test_a_request_reads_in_words_with_buddhist_dates(thai):
    lines = audit_text.lines("extension_requested", None, {
        "kind": "entry", "installment": "2570/1", "deadline": "2026-11-20", "requested": "2026-11-25",
        "reason": "ระบบขัดข้อง"})
    assert lines == ["เรื่อง: ขยายกำหนดบันทึกข้อมูล", "ปีงบประมาณ/งวด: 2570/1", "กำหนดเดิม: 20/11/2569",
                     "ขอขยายถึง: 25/11/2569", "เหตุผล: ระบบขัดข้อง"]


def test_an_approval_shows_the_decision_the_date_and_the_lateness_cleared(thai):
    lines = audit_text.lines("extension_approved", {"state": "pending", "late": True},
                             {"state": "approved", "decision_reason": "อนุมัติ", "new_deadline": "2026-11-25",
                              "late": False})
    assert lines == ["ผลการพิจารณา: รอพิจารณา → อนุมัติ", "บันทึกหลังกำหนด: ใช่ → ไม่",
                     "เหตุผลประกอบการพิจารณา: อนุมัติ", "ขยายถึง: 25/11/2569"]
    assert audit_text.subject("deadline_extension", "7") == "คำขอขยายกำหนดเวลา เลขที่ 7"
