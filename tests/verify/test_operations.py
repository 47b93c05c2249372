"""Workflow rules of the provincial office's review, enforced by review_installments, and account care."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from app.auth.passwords import verify_password
from app.domain.errors import DomainError, LockedError, NotPermittedError, ValidationError
from app.domain.workflow import Status
from app.models import AuditEvent, InstallmentReport, User
from app.verify import operations
from tests import factories as f
from tests.verify.conftest import TODAY, record, record_as_officer

REVIEW = dict(position="นักวิชาการตรวจสอบภายใน", phone="053-112-233", today=TODAY)


def _status(lao, inst) -> str | None:
    """The report's status as stored (fresh read)."""
    db.session.expire_all()
    return db.session.scalar(
        select(InstallmentReport.status).where(InstallmentReport.lao_id == lao.id,
                                               InstallmentReport.installment_id == inst.id)
    )


def _audits(action: str) -> list[AuditEvent]:
    """The audit events of `action`."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_confirm_locks_figures_and_writes_audit(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst)
    db.session.commit()
    result = operations.review_installments(users["verifier"], "10.0.0.1", inst, {laos["sao1"].id: rep.version},
                                            "confirm", reason=None, **REVIEW)
    db.session.commit()
    assert [lao.code for lao in result.applied] == ["CM-SAO1"] and result.stale == []
    report = db.session.get(InstallmentReport, rep.id, populate_existing=True)
    assert report.status == Status.CONFIRMED.value
    assert report.confirmer_name == "สมหญิง ตรวจดี" and report.confirmer_phone == "053-112-233"
    assert report.confirmed_by_id == users["verifier"].id and report.confirmed_late is False
    events = _audits("confirm_installment")
    assert len(events) == 1
    assert events[0].object_id == "CM-SAO1/2570/1" and events[0].province_id == laos["sao1"].province_id
    assert events[0].old_values == {"status": "recorded"} and events[0].new_values["status"] == "confirmed"
    # the LAO can no longer change the confirmed figures
    with pytest.raises(LockedError):
        record_as_officer(users["officer"], laos["sao1"], inst, {"LAND_BUILDING": "5.00", "SIGNBOARD": "1.00"},
                          version=report.version)


def test_confirming_after_the_deadline_is_allowed_and_marked_late(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst)
    db.session.commit()
    late_day = date(2026, 12, 3)  # confirmation deadline of installment 1 is 30 Nov 2026
    operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version}, "confirm",
                                   reason=None, position="x", phone="y", today=late_day)
    db.session.commit()
    assert db.session.get(InstallmentReport, rep.id, populate_existing=True).confirmed_late is True
    assert _audits("confirm_installment")[0].new_values["late"] is True


def test_confirming_another_provinces_lao_is_refused_and_nothing_changes(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    own = record(laos["sao1"], inst)
    far = record(laos["far"], inst)
    db.session.commit()
    with pytest.raises(NotPermittedError):
        operations.review_installments(users["verifier"], None, inst,
                                       {laos["sao1"].id: own.version, laos["far"].id: far.version},
                                       "confirm", reason=None, **REVIEW)
    db.session.rollback()
    assert _status(laos["sao1"], inst) == "recorded" and _status(laos["far"], inst) == "recorded"
    assert _audits("confirm_installment") == []


def test_admin_may_review_any_province(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    far = record(laos["far"], inst)
    db.session.commit()
    result = operations.review_installments(users["admin"], None, inst, {laos["far"].id: far.version}, "confirm",
                                            reason=None, **REVIEW)
    db.session.commit()
    assert len(result.applied) == 1 and _status(laos["far"], inst) == "confirmed"


@pytest.mark.parametrize("role", ["national", "officer"])
def test_other_roles_may_not_review(world, role):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst)
    db.session.commit()
    with pytest.raises(NotPermittedError):
        operations.review_installments(users[role], None, inst, {laos["sao1"].id: rep.version}, "confirm",
                                       reason=None, **REVIEW)


def test_a_row_changed_by_the_lao_since_the_page_loaded_is_left_and_reported(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    seen1 = record_as_officer(users["officer"], laos["sao1"], inst, {"LAND_BUILDING": "100.00", "SIGNBOARD": "1.00"})
    seen2 = record(laos["sao2"], inst)
    db.session.commit()
    page_versions = {laos["sao1"].id: seen1.version, laos["sao2"].id: seen2.version}
    # the LAO corrects its figures while the verifier looks at the page
    record_as_officer(users["officer"], laos["sao1"], inst, {"LAND_BUILDING": "900.00", "SIGNBOARD": "1.00"},
                      version=seen1.version)
    db.session.commit()
    result = operations.review_installments(users["verifier"], None, inst, page_versions, "confirm",
                                            reason=None, **REVIEW)
    db.session.commit()
    assert [lao.code for lao in result.stale] == ["CM-SAO1"]
    assert [lao.code for lao in result.applied] == ["CM-SAO2"]
    assert _status(laos["sao1"], inst) == "recorded"  # the corrected figures were never seen: not confirmed
    assert _status(laos["sao2"], inst) == "confirmed"


def test_return_without_a_reason_is_refused(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst)
    db.session.commit()
    for reason in (None, "", "   "):
        with pytest.raises(ValidationError) as exc:
            operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version},
                                           "return", reason=reason, **REVIEW)
        assert "reason" in exc.value.errors
        db.session.rollback()
    assert _status(laos["sao1"], inst) == "recorded"
    assert _audits("return_installment") == []


def test_return_reopens_the_installment_with_the_reason(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst)
    db.session.commit()
    operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version}, "return",
                                   reason="ภาษีป้ายสูงผิดปกติ โปรดตรวจสอบ", **REVIEW)
    db.session.commit()
    report = db.session.get(InstallmentReport, rep.id, populate_existing=True)
    assert report.status == "returned" and report.return_reason == "ภาษีป้ายสูงผิดปกติ โปรดตรวจสอบ"
    assert _audits("return_installment")[0].new_values["reason"] == "ภาษีป้ายสูงผิดปกติ โปรดตรวจสอบ"
    # the LAO may correct it now, and the office can confirm the correction
    fixed = record_as_officer(users["officer"], laos["sao1"], inst, {"LAND_BUILDING": "1000.00",
                                                                     "SIGNBOARD": "10.00"}, version=report.version)
    db.session.commit()
    operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: fixed.version}, "confirm",
                                   reason=None, **REVIEW)
    db.session.commit()
    report = db.session.get(InstallmentReport, rep.id, populate_existing=True)
    assert report.status == "confirmed" and report.return_reason is None


def test_unconfirm_needs_a_reason_and_reopens_for_the_lao(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst, status="confirmed")
    rep.confirmer_name = "เดิม"
    db.session.commit()
    with pytest.raises(ValidationError):
        operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version},
                                       "unconfirm", reason="", **REVIEW)
    db.session.rollback()
    operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version}, "unconfirm",
                                   reason="ยืนยันผิดแห่ง", **REVIEW)
    db.session.commit()
    report = db.session.get(InstallmentReport, rep.id, populate_existing=True)
    assert report.status == "recorded" and report.return_reason == "ยืนยันผิดแห่ง"
    assert report.confirmed_at is None and report.confirmer_name is None
    # reopened: the LAO records again without a LockedError
    record_as_officer(users["officer"], laos["sao1"], inst, {"LAND_BUILDING": "7.00", "SIGNBOARD": "1.00"},
                      version=report.version)


@pytest.mark.parametrize("status, action, reason", [
    ("confirmed", "confirm", None),   # already confirmed
    ("recorded", "unconfirm", "x"),   # never confirmed
])
def test_actions_refused_by_state(world, status, action, reason):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst, status=status)
    db.session.commit()
    with pytest.raises(DomainError):
        operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version}, action,
                                       reason=reason, **REVIEW)
    db.session.rollback()
    assert _status(laos["sao1"], inst) == status


def test_a_not_recorded_lao_cannot_be_confirmed(world):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    with pytest.raises(DomainError) as exc:
        operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: 0}, "confirm",
                                       reason=None, **REVIEW)
    assert "อบต.สันผีเสื้อ" in str(exc.value)


@pytest.mark.parametrize("changes, field", [
    ({"position": " "}, "position"),
    ({"phone": ""}, "phone"),
    ({"position": "ก" * 201}, "position"),
    ({"action": "approve"}, "action"),
])
def test_missing_or_bad_review_fields_are_refused(world, changes, field):
    laos, users, inst = world["laos"], world["users"], world["inst"]
    rep = record(laos["sao1"], inst)
    db.session.commit()
    kwargs = {**REVIEW, "action": "confirm", **changes}
    action = kwargs.pop("action")
    with pytest.raises(ValidationError) as exc:
        operations.review_installments(users["verifier"], None, inst, {laos["sao1"].id: rep.version}, action,
                                       reason=None, **kwargs)
    assert field in exc.value.errors
    assert _status(laos["sao1"], inst) == "recorded"


def test_nothing_ticked_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        operations.review_installments(world["users"]["verifier"], None, world["inst"], {}, "confirm",
                                       reason=None, **REVIEW)
    assert "laos" in exc.value.errors


def _many(n: int, inst):
    """`n` recorded SAOs of Chiang Mai with their versions."""
    versions = {}
    for i in range(n):
        lao = f.lao("SAO", "50", code=f"BULK{i:03d}", name_th=f"อบต.ทดสอบ{i:03d}")
        versions[lao.id] = record(lao, inst, {"LAND_BUILDING": "1.00", "SIGNBOARD": "1.00"}).version
    db.session.commit()
    return versions


def _count(inst, status) -> int:
    """How many reports of `inst` have `status`."""
    return db.session.scalar(select(func.count()).select_from(InstallmentReport).where(
        InstallmentReport.installment_id == inst.id, InstallmentReport.status == status))


def test_bulk_confirm_of_300_rows_in_one_transaction(world):
    inst, verifier = world["inst"], world["users"]["verifier"]
    versions = _many(300, inst)
    result = operations.review_installments(verifier, None, inst, versions, "confirm", reason=None, **REVIEW)
    db.session.commit()
    assert len(result.applied) == 300
    assert _count(inst, "confirmed") == 300
    assert len(_audits("confirm_installment")) == 300


def test_bulk_of_300_rows_is_all_or_nothing_when_one_row_fails(world):
    inst, verifier, laos = world["inst"], world["users"]["verifier"], world["laos"]
    versions = _many(299, inst)
    versions[laos["sao2"].id] = 0  # not recorded: cannot be confirmed
    with pytest.raises(DomainError):
        operations.review_installments(verifier, None, inst, versions, "confirm", reason=None, **REVIEW)
    db.session.rollback()
    assert _count(inst, "confirmed") == 0
    assert _audits("confirm_installment") == []


# --------------------------------------------------------------------------- accounts


def test_verifier_resets_own_provinces_lao_officer_password(world):
    users = world["users"]
    old_token = users["officer"].session_token
    password = operations.reset_lao_password(users["verifier"], users["officer"], "10.0.0.9")
    db.session.commit()
    target = db.session.get(User, users["officer"].id, populate_existing=True)
    assert len(password) == 10 and verify_password(target.password_hash, password)
    assert target.must_change_password is True and target.session_token != old_token
    event = _audits("password_reset")[0]
    assert event.username == "verifier" and event.object_id == "officer" and event.ip == "10.0.0.9"
    assert password not in str(event.new_values) + str(event.old_values)


@pytest.mark.parametrize("target", ["officer_far", "verifier57", "admin", "national"])
def test_verifier_may_not_manage_other_accounts(world, target):
    users = world["users"]
    with pytest.raises(NotPermittedError):
        operations.reset_lao_password(users["verifier"], users[target], None)
    with pytest.raises(NotPermittedError):
        operations.set_lao_account_active(users["verifier"], users[target], False, None)


def test_disable_and_enable_are_audited_and_admin_acts_everywhere(world):
    users = world["users"]
    operations.set_lao_account_active(users["verifier"], users["officer"], False, None)
    db.session.commit()
    assert db.session.get(User, users["officer"].id, populate_existing=True).active is False
    operations.set_lao_account_active(users["admin"], users["officer_far"], False, None)
    operations.set_lao_account_active(users["verifier"], users["officer"], True, None)
    db.session.commit()
    assert db.session.get(User, users["officer"].id, populate_existing=True).active is True
    assert db.session.get(User, users["officer_far"].id, populate_existing=True).active is False
    assert [e.object_id for e in _audits("account_disabled")] == ["officer", "officer_far"]
    assert [e.object_id for e in _audits("account_enabled")] == ["officer"]
    with pytest.raises(DomainError):
        operations.set_lao_account_active(users["admin"], users["admin"], False, None)
