"""Workflow transitions, typo guard, Thai sort and KPI scoring."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain import typo_guard
from app.domain.errors import ConflictError, DomainError, LockedError
from app.domain.scoring import score, weighted
from app.domain.thai_sort import thai_sort_key
from app.domain.workflow import ReviewAction, Status, check_can_record, check_version, review_transition


def test_recording_opens_after_the_period_and_closes_on_confirmation():
    end = date(2026, 10, 31)
    with pytest.raises(DomainError):
        check_can_record(Status.NOT_RECORDED, end, date(2026, 10, 31))
    check_can_record(Status.NOT_RECORDED, end, date(2026, 11, 1))
    check_can_record(Status.RETURNED, end, date(2026, 12, 25))
    with pytest.raises(LockedError):
        check_can_record(Status.CONFIRMED, end, date(2026, 11, 25))


def test_version_check():
    check_version(3, 3)
    with pytest.raises(ConflictError):
        check_version(2, 3)
    with pytest.raises(ConflictError):
        check_version(None, 0)


@pytest.mark.parametrize(
    "status, action, reason, expected",
    [
        (Status.RECORDED, ReviewAction.CONFIRM, None, Status.CONFIRMED),
        (Status.RETURNED, ReviewAction.CONFIRM, None, Status.CONFIRMED),
        (Status.CONFIRMED, ReviewAction.UNCONFIRM, "ตัวเลขผิด", Status.RECORDED),
        (Status.RECORDED, ReviewAction.RETURN, "ขาดภาษีป้าย", Status.RETURNED),
        (Status.CONFIRMED, ReviewAction.RETURN, "แก้ไข", Status.RETURNED),
    ],
)
def test_allowed_transitions(status, action, reason, expected):
    assert review_transition(status, action, reason) == expected


@pytest.mark.parametrize(
    "status, action, reason",
    [
        (Status.NOT_RECORDED, ReviewAction.CONFIRM, None),
        (Status.CONFIRMED, ReviewAction.CONFIRM, None),
        (Status.RECORDED, ReviewAction.UNCONFIRM, "x"),
        (Status.CONFIRMED, ReviewAction.UNCONFIRM, "  "),
        (Status.RECORDED, ReviewAction.RETURN, ""),
        (Status.NOT_RECORDED, ReviewAction.RETURN, "x"),
    ],
)
def test_refused_transitions(status, action, reason):
    with pytest.raises(DomainError):
        review_transition(status, action, reason)


def test_typo_guard():
    prior = Decimal(1000)
    assert typo_guard.check(Decimal(3000), prior) is None
    assert typo_guard.check(Decimal("3000.01"), prior) == typo_guard.WARN_HIGH
    assert typo_guard.check(Decimal("333.34"), prior) is None
    assert typo_guard.check(Decimal("333.33"), prior) == typo_guard.WARN_LOW
    assert typo_guard.check(Decimal(0), prior) == typo_guard.WARN_ZERO
    assert typo_guard.check(Decimal(5), None) is None
    # a jump from a prior-year zero is flagged like any other big change (66,913 from nothing was missed)
    assert typo_guard.check(Decimal("66913"), Decimal(0)) == typo_guard.WARN_NEW
    assert typo_guard.check(Decimal("0.01"), Decimal(0)) == typo_guard.WARN_NEW
    assert typo_guard.check(Decimal(0), Decimal(0)) is None


def test_thai_dictionary_order_puts_chiang_mai_among_cho_chang():
    official = ["กระบี่", "ขอนแก่น", "ฉะเชิงเทรา", "ชลบุรี", "ชัยนาท", "ชัยภูมิ", "ชุมพร", "เชียงราย", "เชียงใหม่",
                "ตรัง", "พะเยา", "พิษณุโลก", "เพชรบุรี", "แพร่", "ภูเก็ต", "แม่ฮ่องสอน", "ยโสธร"]
    shuffled = sorted(official, key=lambda s: s[::-1])
    assert sorted(shuffled, key=thai_sort_key) == official


def test_scoring_worked_examples():
    assert score(Decimal("88.85"), (20, 40, 60, 80, 100)) == Decimal("4.4425")
    assert score(Decimal("99.587"), (80, 85, 90, 95, 100)) == Decimal("4.9174")
    assert score(Decimal(100), (80, 85, 90, 95, 100)) == Decimal("5.0000")
    assert score(Decimal(79), (80, 85, 90, 95, 100)) == Decimal("0.0000")
    assert score(Decimal(80), (80, 85, 90, 95, 100)) == Decimal("1.0000")


def test_scoring_growth_thresholds_and_lower_is_better():
    t = (-10, -5, 0, 5, 10)
    assert score(Decimal("-1.33"), t) == Decimal("2.7340")
    assert score(Decimal("12.12"), t) == Decimal("5.0000")
    assert score(Decimal(15), (25, 20, 15, 10, 5), higher_is_better=False) == Decimal("3.0000")


def test_weights():
    assert weighted(Decimal("4.4425"), Decimal(20)) == Decimal("0.8885")
