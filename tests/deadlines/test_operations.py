"""Deadline extensions as use cases: the rules of asking and deciding, lateness at the new deadline exactly, scope,
notifications to the right users only, the audit trail, and the rollup kept right."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app import db, totals
from app.deadlines import operations as ops
from app.deadlines import queries
from app.domain.errors import ConflictError, NotPermittedError, ValidationError
from app.domain.vocabulary import AuditAction
from app.models import AuditEvent, DeadlineExtension, InstallmentReport, Notification, RollupTotal
from app.verify.operations import review_installments
from tests.deadlines.conftest import MAX_DAYS, TODAY, inst, lao, province, record, user


def ask(lao_code="OWN", requested=date(2026, 11, 25), reason="ระบบเครือข่ายขัดข้อง", today=TODAY, number=1,
        username="officer"):
    """The officer asks for a later entry deadline."""
    return ops.request_entry_extension(user(username), "10.0.0.1", lao(lao_code), inst(2570, number),
                                       requested=requested, reason=reason, today=today, max_days=MAX_DAYS)


def decide(ext, decision="approve", new=date(2026, 11, 25), reason="เห็นควรอนุมัติ", username="verifier",
           version=None, today=TODAY):
    """The verifier decides."""
    return ops.decide(user(username), "10.0.0.2", ext, version=ext.version if version is None else version,
                      decision=decision, new_deadline=new, reason=reason, today=today, max_days=MAX_DAYS)


def report_of(lao_code="OWN") -> InstallmentReport:
    """The LAO's report of installment 1, read afresh."""
    return db.session.scalar(select(InstallmentReport).where(
        InstallmentReport.lao_id == lao(lao_code).id, InstallmentReport.installment_id == inst().id)
        .execution_options(populate_existing=True))


def late_count() -> int:
    """Reports counted late in the rollup for installment 1."""
    return int(db.session.scalar(select(func.coalesce(func.sum(RollupTotal.late), 0))
                                 .where(RollupTotal.installment_id == inst().id)))


def errors_of(excinfo) -> dict[str, str]:
    """Field -> message of a ValidationError."""
    return {k: str(v) for k, v in excinfo.value.errors.items()}


def test_an_approved_extension_makes_a_recording_on_the_new_date_on_time(ctx, world):
    ext = ask()
    decide(ext)
    db.session.commit()
    assert record("OWN", date(2026, 11, 25)).recorded_late is False
    db.session.commit()
    assert record("OWN", date(2026, 11, 26)).recorded_late is True


def test_a_correction_within_the_extension_is_on_time_too(ctx, world):
    """A second save finds the report row: the extension then comes with the report's locking read, not its own
    query, and still moves the lateness."""
    ext = ask()
    decide(ext)
    db.session.commit()
    record("OWN", date(2026, 11, 24))
    db.session.commit()
    assert record("OWN", date(2026, 11, 25)).recorded_late is False
    db.session.commit()
    assert record("OWN", date(2026, 11, 26)).recorded_late is True
    db.session.commit()
    assert record("NEXT", date(2026, 11, 21)).recorded_late is True
    db.session.commit()
    assert record("NEXT", date(2026, 11, 21)).recorded_late is True  # NEXT's second save: no extension of its own


def test_before_approval_and_after_refusal_nothing_changes(ctx, world):
    ext = ask()
    db.session.commit()
    assert record("NEXT", date(2026, 11, 21)).recorded_late is True  # NEXT asked for nothing
    assert queries.entry_deadline_of(lao("OWN").id, inst()) == date(2026, 11, 20)  # pending: the original holds
    decide(ext, "refuse", new=None, reason="ไม่มีเหตุผลเพียงพอ")
    db.session.commit()
    assert queries.entry_deadline_of(lao("OWN").id, inst()) == date(2026, 11, 20)
    assert record("OWN", date(2026, 11, 21)).recorded_late is True


def test_approval_recomputes_a_late_recording_and_the_rollup_follows(ctx, world):
    ext = ask()
    db.session.commit()
    record("OWN", date(2026, 11, 22))  # recorded while the request waits: late against the original deadline
    record("NEXT", date(2026, 11, 22))
    db.session.commit()
    assert report_of().recorded_late is True and late_count() == 2
    decide(ext, new=date(2026, 11, 23))
    db.session.commit()
    assert report_of().recorded_late is False
    assert report_of("NEXT").recorded_late is True
    assert late_count() == 1
    assert totals.differences(db.session.connection()) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.EXTENSION_APPROVED.value))
    assert event.old_values["late"] is True and event.new_values["late"] is False


def test_the_request_rules_refuse_with_thai_messages(ctx, world):
    with pytest.raises(ValidationError) as no_reason:
        ask(reason="  ")
    assert errors_of(no_reason)["reason"] == "กรุณาระบุเหตุผล"
    with pytest.raises(ValidationError) as not_later:
        ask(requested=date(2026, 11, 20))
    assert errors_of(not_later)["requested_deadline"].startswith("วันที่ต้องหลังกำหนดเดิม (20/11/2569)")
    with pytest.raises(ValidationError) as too_far:
        ask(requested=date(2026, 12, 6))  # 16 days after 20 Nov
    assert "ไม่เกิน 15 วัน" in errors_of(too_far)["requested_deadline"]
    ask(requested=date(2026, 12, 5))  # exactly 15 days: allowed
    with pytest.raises(ValidationError) as twice:
        ask(requested=date(2026, 11, 30))
    assert errors_of(twice)["__all__"] == "มีคำขอขยายกำหนดเวลาของงวดนี้ที่รอพิจารณาอยู่แล้ว"
    with pytest.raises(ValidationError) as not_open:
        ask(number=2, requested=date(2026, 12, 25))  # November's installment: its period has not ended
    assert "ยังไม่สิ้นสุด" in errors_of(not_open)["__all__"]
    db.session.commit()
    record("NEXT", date(2026, 11, 21))
    with pytest.raises(ValidationError) as recorded:
        ask("NEXT", username="nextofficer")
    assert "ดำเนินการแล้ว" in errors_of(recorded)["__all__"]


def test_only_the_lao_s_own_officer_asks(ctx, world):
    for username in ("nextofficer", "verifier", "national", "admin"):
        with pytest.raises(NotPermittedError):
            ask(username=username)


def test_a_verifier_of_another_province_cannot_decide(ctx, world):
    ext = ask()
    db.session.commit()
    for username in ("farverifier", "national", "officer"):
        with pytest.raises(NotPermittedError):
            decide(ext, username=username)
    db.session.rollback()
    assert db.session.get(DeadlineExtension, ext.id).status == "pending"


def test_the_decision_is_bounded_and_a_stale_one_is_a_conflict(ctx, world):
    ext = ask()
    db.session.commit()
    with pytest.raises(ValidationError) as too_far:
        decide(ext, new=date(2026, 12, 6))
    assert "new_deadline" in too_far.value.errors
    with pytest.raises(ValidationError) as no_reason:
        decide(ext, reason="")
    assert "decision_reason" in no_reason.value.errors
    db.session.rollback()
    seen = ext.version
    decide(ext, new=date(2026, 12, 5))  # the limit itself is allowed
    db.session.commit()
    with pytest.raises(ConflictError):
        decide(ext, "refuse", new=None, version=seen)
    with pytest.raises(ConflictError):  # already decided, whatever version is sent
        decide(ext, "refuse", new=None)


def test_notifications_go_to_the_right_users_only(ctx, world):
    ext = ask()
    db.session.commit()
    rows = db.session.execute(select(Notification.user_id, Notification.kind, Notification.url)).all()
    assert {r.user_id for r in rows} == {user("verifier").id}
    assert rows[0].kind == "extension_request" and rows[0].url == f"/deadlines/{ext.id}"
    decide(ext)
    db.session.commit()
    decided = db.session.execute(select(Notification.user_id).where(Notification.kind == "extension_decision")).all()
    assert {r.user_id for r in decided} == {user("officer").id, user("officer2").id}


def test_requests_and_decisions_are_in_the_audit_trail(ctx, world):
    ext = ask()
    decide(ext, "refuse", new=None, reason="ไม่จำเป็น")
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "deadline_extension")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["extension_requested", "extension_refused"]
    assert all(e.lao_id == lao("OWN").id and e.province_id == province("50").id for e in events)
    assert events[0].new_values["requested"] == "2026-11-25"


def test_a_confirmation_extension_moves_the_province_s_confirmation_lateness(ctx, world):
    record("OWN", date(2026, 11, 20))
    record("NEXT", date(2026, 11, 20))
    db.session.commit()
    ext = ops.request_confirm_extension(user("verifier"), None, province("50"), inst(), requested=date(2026, 12, 5),
                                        reason="ผู้ตรวจสอบลาป่วย", today=TODAY, max_days=MAX_DAYS)
    db.session.commit()
    notified = set(db.session.scalars(select(Notification.user_id)))
    assert notified == {user("national").id, user("admin").id}
    # confirmed one day late while the request waits
    versions = {lao("OWN").id: report_of("OWN").version}
    review_installments(user("verifier"), None, inst(), versions, "confirm", reason=None, position="ผอ.",
                        phone="053", today=date(2026, 12, 1),
                        now=datetime(2026, 12, 1, 5))
    db.session.commit()
    assert report_of("OWN").confirmed_late is True
    with pytest.raises(NotPermittedError):
        decide(ext, username="verifier", new=date(2026, 12, 5))
    db.session.rollback()
    decide(ext, username="national", new=date(2026, 12, 1), today=date(2026, 12, 1))
    db.session.commit()
    assert report_of("OWN").confirmed_late is False
    review_installments(user("verifier"), None, inst(), {lao("NEXT").id: report_of("NEXT").version}, "confirm",
                        reason=None, position="ผอ.", phone="053", today=date(2026, 12, 2),
                        now=datetime(2026, 12, 2, 5))
    db.session.commit()
    assert report_of("NEXT").confirmed_late is True  # the day after the extended deadline
    assert set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "extension_decision"))) \
        == {user("verifier").id}


def test_effective_entry_deadlines_covers_every_pair(ctx, world):
    ext = ask()
    decide(ext, new=date(2026, 11, 28))
    db.session.commit()
    ids = [lao("OWN").id, lao("NEXT").id]
    got = queries.effective_entry_deadlines([inst().id, inst(2570, 2).id], ids)
    assert got[(lao("OWN").id, inst().id)] == date(2026, 11, 28)
    assert got[(lao("NEXT").id, inst().id)] == date(2026, 11, 20)
    assert got[(lao("OWN").id, inst(2570, 2).id)] == date(2026, 12, 20)
    assert len(got) == 4
