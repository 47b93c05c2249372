"""record_installment enforces every entry rule itself (period open, lock, scope, version, amounts)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.domain.errors import ConflictError, DomainError, LockedError, NotPermittedError, ValidationError
from app.entry.operations import Recorder
from app.models import AuditEvent, Entry, InstallmentReport
from tests.entry.conftest import lao, put_figures, record, snapshot, stored_amounts, user


def test_first_recording_stores_amounts_status_recorder_and_late_flag(world, ctx):
    report = record(amounts={"LAND_BUILDING": "1,234,567.89", "SIGNBOARD": " ๑๒๓๔.๕๐ "})
    db.session.commit()
    assert stored_amounts() == {"LAND_BUILDING": 123456789, "SIGNBOARD": 123450}
    assert report.status == "recorded"
    assert report.recorded_by_id == user("officer").id and report.recorded_at is not None
    assert (report.recorder_name, report.recorder_position, report.recorder_phone) == (
        "สมชาย ใจดี", "นักวิชาการ", "053-111111")
    assert report.recorded_late is True  # deadline 20 Nov 2026, today 21 Nov 2026
    assert report.version == 1


def test_recording_on_the_deadline_is_not_late(world, ctx):
    report = record(today=date(2026, 11, 20))
    assert report.recorded_late is False


def test_correction_overwrites_and_audits_old_and_new_amounts_user_and_address(world, ctx):
    record()
    db.session.commit()
    report = record(version=1, amounts={"LAND_BUILDING": "1500", "SIGNBOARD": "300"}, username="officer2")
    db.session.commit()
    assert report.version == 2 and report.recorded_by_id == user("officer2").id
    assert stored_amounts() == {"LAND_BUILDING": 150000, "SIGNBOARD": 30000}
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["record_installment", "record_installment"]
    first, second = events
    assert first.old_values["LAND_BUILDING"] is None and first.new_values["LAND_BUILDING"] == "1000.00"
    assert second.old_values["LAND_BUILDING"] == "1000.00" and second.new_values["LAND_BUILDING"] == "1500.00"
    assert second.old_values["SIGNBOARD"] == second.new_values["SIGNBOARD"] == "300.00"
    assert second.username == "officer2" and second.ip == "10.0.0.7"
    assert second.object_id == "OWN01/2570/1" and second.lao_id == lao("OWN01").id


def test_installment_cannot_be_recorded_before_its_period_ends(world, ctx):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        record(number=2)  # November 2026 is still running on 21 Nov 2026
    assert "1 ธ.ค. 2569" in str(exc.value)
    db.session.rollback()
    assert snapshot() == before


def test_confirmed_installment_is_locked(world, ctx):
    put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "10", "SIGNBOARD": "1"}, status="confirmed")
    db.session.commit()
    before = snapshot()
    with pytest.raises(LockedError):
        record(version=1)
    db.session.rollback()
    assert snapshot() == before


def test_returned_installment_can_be_recorded_again(world, ctx):
    put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "10", "SIGNBOARD": "1"}, status="returned",
                return_reason="ตัวเลขผิด")
    db.session.commit()
    report = record(version=1, amounts={"LAND_BUILDING": "20", "SIGNBOARD": "1"})
    assert report.status == "recorded"


def test_stale_version_is_refused_and_nothing_is_overwritten(world, ctx):
    record()
    db.session.commit()
    record(version=1, amounts={"LAND_BUILDING": "2000", "SIGNBOARD": "300"})
    db.session.commit()
    before = snapshot()
    with pytest.raises(ConflictError):
        record(version=1, amounts={"LAND_BUILDING": "9999", "SIGNBOARD": "300"})  # page loaded at version 1
    db.session.rollback()
    assert snapshot() == before
    assert stored_amounts()["LAND_BUILDING"] == 200000
    with pytest.raises(ConflictError):
        record(version=None)


@pytest.mark.parametrize("username, code", [
    ("verifier", "OWN01"), ("national", "OWN01"), ("admin", "OWN01"), ("nextofficer", "OWN01"),
    ("officer", "NEXT01"),
])
def test_only_the_lao_s_own_officer_may_record(world, ctx, username, code):
    before = snapshot()
    with pytest.raises(NotPermittedError):
        record(code, username=username)
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize("text, fragment", [
    ("-5", "ติดลบ"),
    ("1.234", "ทศนิยม"),
    ("12a", "รูปแบบ"),
    ("abc", "รูปแบบ"),
    ("NaN", "รูปแบบ"),
    ("inf", "รูปแบบ"),
    ("1e5", "รูปแบบ"),
    ("", "กรอก 0"),
    ("   ", "กรอก 0"),
    ("10000000000.01", "เพดาน"),
])
def test_bad_amount_is_refused_with_a_thai_message_and_nothing_is_saved(world, ctx, text, fragment):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        record(amounts={"LAND_BUILDING": "1000", "SIGNBOARD": text})
    assert set(exc.value.errors) == {"SIGNBOARD"}
    assert fragment in str(exc.value.errors["SIGNBOARD"])
    db.session.rollback()
    assert snapshot() == before


def test_ceiling_is_the_configured_one(world, ctx):
    with pytest.raises(ValidationError) as exc:
        record(amounts={"LAND_BUILDING": "5000.01", "SIGNBOARD": "0"}, ceiling=Decimal("5000"))
    assert "5,000.00" in str(exc.value.errors["LAND_BUILDING"])
    db.session.rollback()
    assert record(amounts={"LAND_BUILDING": "5000", "SIGNBOARD": "0"}, ceiling=Decimal("5000")).status == "recorded"


def test_missing_item_is_refused(world, ctx):
    with pytest.raises(ValidationError) as exc:
        record(amounts={"LAND_BUILDING": "1000"})
    assert set(exc.value.errors) == {"SIGNBOARD"}


def test_certification_is_required(world, ctx):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        record(certify=False, recorder=Recorder(" ", "", "x" * 51))
    assert set(exc.value.errors) == {"certify", "recorder_name", "recorder_position", "recorder_phone"}
    assert "50" in str(exc.value.errors["recorder_phone"])
    db.session.rollback()
    assert snapshot() == before


@pytest.fixture
def prior_year(world, ctx):
    """OWN01 collected 1,000.00 land-and-building and 300.00 signboard tax in October 2025."""
    put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "1000", "SIGNBOARD": "300"})
    db.session.commit()


@pytest.mark.parametrize("amount", ["3000.01", "333.33", "0"])
def test_typo_guard_asks_for_an_explanation(prior_year, amount):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        record(amounts={"LAND_BUILDING": amount, "SIGNBOARD": "300"})
    assert set(exc.value.errors) == {"explain_LAND_BUILDING"}
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize("amount", ["3000", "333.34", "1000"])
def test_amounts_within_three_times_need_no_explanation(prior_year, amount):
    assert record(amounts={"LAND_BUILDING": amount, "SIGNBOARD": "300"}).status == "recorded"


def test_explanation_is_stored_and_audited(prior_year):
    record(amounts={"LAND_BUILDING": "0", "SIGNBOARD": "300"},
           explanations={"LAND_BUILDING": "  เลื่อนกำหนดชำระภาษีไปเดือนหน้า  "})
    db.session.commit()
    entry = db.session.scalar(select(Entry).where(Entry.amount_satang == 0))
    assert entry.explanation == "เลื่อนกำหนดชำระภาษีไปเดือนหน้า"
    event = db.session.scalar(select(AuditEvent))
    assert event.new_values["explain_LAND_BUILDING"] == "เลื่อนกำหนดชำระภาษีไปเดือนหน้า"


def test_explanation_length_is_limited(prior_year):
    with pytest.raises(ValidationError) as exc:
        record(amounts={"LAND_BUILDING": "0", "SIGNBOARD": "300"}, explanations={"LAND_BUILDING": "ก" * 501})
    assert "500" in str(exc.value.errors["explain_LAND_BUILDING"])


def test_a_correction_that_clears_the_warning_drops_its_explanation(prior_year):
    """The typo-guard note belongs to the flagged figure: once corrected to a normal value it is no longer
    stored (nor printed on the certification); the audit trail keeps the old note."""
    record(amounts={"LAND_BUILDING": "100000", "SIGNBOARD": "300"},
           explanations={"LAND_BUILDING": "รับชำระภาษีค้างจากปีก่อน"})
    db.session.commit()
    record(version=1, amounts={"LAND_BUILDING": "1000", "SIGNBOARD": "300"},
           explanations={"LAND_BUILDING": "รับชำระภาษีค้างจากปีก่อน"})  # the form sends the old note back
    db.session.commit()
    assert set(db.session.scalars(select(Entry.explanation))) == {None}
    correction = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert correction.old_values["explain_LAND_BUILDING"] == "รับชำระภาษีค้างจากปีก่อน"
    assert "explain_LAND_BUILDING" not in correction.new_values


def test_an_unflagged_figure_never_stores_an_explanation(prior_year):
    record(amounts={"LAND_BUILDING": "1000", "SIGNBOARD": "300"}, explanations={"SIGNBOARD": "ก" * 600})
    db.session.commit()
    assert set(db.session.scalars(select(Entry.explanation))) == {None}


def test_revenue_where_the_prior_year_had_none_needs_an_explanation(world, ctx):
    put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "0", "SIGNBOARD": "300"})
    db.session.commit()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        record(amounts={"LAND_BUILDING": "66913", "SIGNBOARD": "300"})
    assert set(exc.value.errors) == {"explain_LAND_BUILDING"}
    db.session.rollback()
    assert snapshot() == before
    record(amounts={"LAND_BUILDING": "66913", "SIGNBOARD": "300"},
           explanations={"LAND_BUILDING": "เริ่มจัดเก็บภาษีป้ายใหม่"})
    db.session.commit()
    assert "เริ่มจัดเก็บภาษีป้ายใหม่" in db.session.scalars(select(Entry.explanation)).all()


def test_report_row_is_unique_per_lao_and_installment(world, ctx):
    record()
    db.session.commit()
    record(version=1)
    db.session.commit()
    assert len(db.session.scalars(select(InstallmentReport)).all()) == 1
    assert len(db.session.scalars(select(Entry)).all()) == 2
