"""Fiscal years, schedules, deadlines and Thai dates."""

from datetime import date

import pytest

from app.domain import calendar as cal
from app.domain.errors import DomainError


def test_fiscal_year_of_dates_around_october():
    assert cal.fiscal_year_of(date(2016, 9, 30)) == 2559
    assert cal.fiscal_year_of(date(2016, 10, 1)) == 2560
    assert cal.fiscal_year_of(date(2017, 9, 30)) == 2560
    assert cal.fiscal_year_of(date(2026, 11, 21)) == 2570


def test_fiscal_year_bounds():
    assert cal.fiscal_year_bounds(2560) == (date(2016, 10, 1), date(2017, 9, 30))


def test_fy2560_schedule_has_the_circulars_eight_installments_and_deadlines():
    specs = cal.build_schedule(2560, "dla2560")
    assert len(specs) == 8
    first = specs[0]
    assert (first.period_start, first.period_end) == (date(2016, 10, 1), date(2017, 2, 28))
    assert first.entry_deadline == date(2017, 3, 20)  # 20 มี.ค. 2560
    assert first.confirm_deadline == date(2017, 3, 31)  # 31 มี.ค. 2560
    assert [(s.period_start.month, s.period_end.month) for s in specs[1:]] == [(m, m) for m in range(3, 10)]
    sept = specs[-1]
    assert sept.entry_deadline == date(2017, 10, 20)
    assert sept.confirm_deadline == date(2017, 10, 31)
    assert specs[2].confirm_deadline == date(2017, 5, 31)  # April's by the end of May


def test_monthly_schedule_is_twelve_months_with_next_month_deadlines():
    specs = cal.build_schedule(2569, "monthly")
    assert len(specs) == 12
    assert specs[0].period_start == date(2025, 10, 1) and specs[0].period_end == date(2025, 10, 31)
    assert specs[0].entry_deadline == date(2025, 11, 20)
    assert specs[0].confirm_deadline == date(2025, 11, 30)
    assert specs[3].period_end == date(2026, 1, 31)
    assert specs[4].period_end == date(2026, 2, 28)
    assert specs[4].confirm_deadline == date(2026, 3, 31)
    assert specs[-1].period_end == date(2026, 9, 30)


def test_annual_schedule_is_one_installment():
    (spec,) = cal.build_schedule(2557, "annual")
    assert (spec.period_start, spec.period_end) == (date(2013, 10, 1), date(2014, 9, 30))


def test_unknown_schedule_is_refused():
    with pytest.raises(DomainError):
        cal.build_schedule(2570, "weekly")


def test_days_late():
    assert cal.days_late(date(2017, 3, 20), date(2017, 3, 20), date(2017, 4, 1)) == 0
    assert cal.days_late(date(2017, 3, 20), date(2017, 3, 25), date(2017, 4, 1)) == 5
    assert cal.days_late(date(2017, 3, 20), None, date(2017, 4, 1)) == 12


def test_thai_dates_use_buddhist_era():
    assert cal.thai_date(date(2017, 3, 20)) == "20 มี.ค. 2560"
    assert cal.thai_date(date(2017, 3, 31), long=True) == "31 มีนาคม 2560"
    assert cal.thai_period(date(2016, 10, 1), date(2017, 2, 28)) == "ต.ค. 2559 – ก.พ. 2560"
    assert cal.thai_period(date(2017, 3, 1), date(2017, 3, 31)) == "มี.ค. 2560"
    assert cal.english_date(date(2017, 3, 20)) == "20 Mar 2560"


def test_english_period_keeps_buddhist_years():
    assert cal.english_period(date(2016, 10, 1), date(2017, 2, 28)) == "Oct 2559 – Feb 2560"
    assert cal.english_period(date(2017, 3, 1), date(2017, 3, 31)) == "Mar 2560"
