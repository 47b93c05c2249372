"""When a deadline reminder is due (pure rules): N days before, on the day, the day after and then weekly."""

from datetime import date, timedelta

from app.domain.reminders import LATE_WEEKS, Stage, stage, trigger_dates

DEADLINE = date(2026, 11, 20)


def test_stages_around_a_deadline():
    assert stage(DEADLINE, date(2026, 11, 17), 3) == Stage.BEFORE
    assert stage(DEADLINE, date(2026, 11, 18), 3) is None
    assert stage(DEADLINE, DEADLINE, 3) == Stage.DUE
    assert stage(DEADLINE, date(2026, 11, 21), 3) == Stage.LATE
    assert stage(DEADLINE, date(2026, 11, 22), 3) is None
    assert stage(DEADLINE, date(2026, 11, 28), 3) == Stage.LATE
    assert stage(DEADLINE, DEADLINE + timedelta(days=7 * LATE_WEEKS + 1), 3) == Stage.LATE
    assert stage(DEADLINE, DEADLINE + timedelta(days=7 * (LATE_WEEKS + 1) + 1), 3) is None
    assert stage(DEADLINE, date(2026, 11, 17), 0) is None  # no advance reminder


def test_trigger_dates_are_the_inverse_of_stage():
    for today in (DEADLINE + timedelta(days=d) for d in range(-10, 120)):
        for n in (0, 3, 7):
            due = {DEADLINE + timedelta(days=k) for k in range(-200, 200)
                   if stage(DEADLINE + timedelta(days=k), today, n) is not None}
            assert due == set(trigger_dates(today, n))
