"""The scorecard's arithmetic as the printed summary form does it (shared/design/domain.md, "KPI scoring")."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.errors import DomainError
from app.domain.scoring import (PER_CALENDAR_DAY, PER_WORKING_DAY, CardLine, after_penalty, card, days_late, halves,
                                late_penalty, score, weight_percent, weighted_by_points)

D = Decimal


def test_weighted_score_comes_from_the_unrounded_weight():
    assert weighted_by_points(D(5), D(9), D(65)) == D("0.6923")  # the form's figure; 5 x 13.85 % would be 0.6925
    assert weight_percent(D(9), D(65)) == D("13.85")  # only the displayed percent is rounded
    with pytest.raises(DomainError):
        weighted_by_points(D(5), D(9), D(0))


def test_card_total_is_the_sum_of_its_printed_rows():
    result = card([CardLine("a", D(9), D(5)), CardLine("b", D(20), score(D("88.85"), (20, 40, 60, 80, 100))),
                   CardLine("c", D(36), D("3.5"))])
    assert result.weighted == {"a": D("0.6923"), "b": D("1.3669"), "c": D("1.9385")}
    assert result.total == D("3.9977") == sum(result.weighted.values())
    assert result.total_points == D(65)


def test_a_removed_kpi_drops_out_without_distorting_the_others():
    full = card([CardLine("a", D(30), D(4)), CardLine("b", D(30), D(2)), CardLine("c", D(40), D(5))])
    removed = card([CardLine("a", D(30), D(4)), CardLine("b", D(30), D(2)), CardLine("c", D(40), None)])
    assert full.total == D("3.8000")
    assert removed.weighted == {"a": D("2.0000"), "b": D("1.0000"), "c": None}  # a and b keep their 1:1 ratio
    assert removed.total == D("3.0000") and removed.total_points == D(60)


def test_half_year_weighting():
    assert halves(D(4), D(5)) == D("4.5000")
    assert halves(D("3.2"), D("4.7"), D(40), D(60)) == D("4.1000")
    with pytest.raises(DomainError):
        halves(D(1), D(2), D(0), D(0))


def test_late_penalty_per_calendar_day():
    deadline = date(2017, 3, 20)
    assert days_late(date(2017, 3, 20), deadline) == 0
    assert days_late(date(2017, 3, 19), deadline) == 0
    assert late_penalty(date(2017, 3, 23), deadline, PER_CALENDAR_DAY) == D("0.03")
    assert after_penalty(D("4.4425"), D("0.03")) == D("4.4125")
    assert after_penalty(D("0.02"), D("0.03")) == D("0.0000")  # never below zero


def test_late_penalty_per_working_day_skips_weekends_and_holidays():
    # Friday 7 April 2560 deadline; Chakri Day (Thursday 6 April) is before it; Songkran 13-14 April (Thu-Fri)
    deadline = date(2017, 4, 7)
    songkran = [date(2017, 4, 13), date(2017, 4, 14)]
    assert days_late(date(2017, 4, 10), deadline, working_days=True) == 1  # Sat, Sun free; Monday counts
    assert days_late(date(2017, 4, 17), deadline, working_days=True, holidays=songkran) == 4  # Mon-Wed + Mon 17
    assert late_penalty(date(2017, 4, 17), deadline, PER_WORKING_DAY, songkran) == D("0.4")
    assert late_penalty(date(2017, 4, 17), deadline, PER_CALENDAR_DAY, songkran) == D("0.10")
