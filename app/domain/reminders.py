"""When a deadline reminder goes out (pure rules): N days before a deadline, on it, the day after and then weekly
while the step is still missing, for at most LATE_WEEKS weeks."""

import enum
from datetime import date, timedelta

LATE_WEEKS = 12  # weekly reminders after a deadline stop after this many weeks


class Stage(enum.StrEnum):
    """Where today stands against a deadline."""

    BEFORE = "before"  # N days before it
    DUE = "due"        # the deadline is today
    LATE = "late"      # the day after it, then every 7 days


def stage(deadline: date, today: date, days_before: int) -> Stage | None:
    """The reminder due today for `deadline` (None: no reminder today)."""
    if days_before > 0 and today == deadline - timedelta(days=days_before):
        return Stage.BEFORE
    if today == deadline:
        return Stage.DUE
    late = (today - deadline).days
    if 0 < late <= 7 * LATE_WEEKS + 1 and late % 7 == 1:
        return Stage.LATE
    return None


def trigger_dates(today: date, days_before: int) -> list[date]:
    """Every deadline that has a reminder today (the inverse of `stage`, for a query's IN list)."""
    dates = [today]
    if days_before > 0:
        dates.append(today + timedelta(days=days_before))
    dates += [today - timedelta(days=1 + 7 * k) for k in range(LATE_WEEKS + 1)]
    return dates


def days_between(deadline: date, today: date) -> int:
    """Days from today to the deadline (negative once it has passed)."""
    return (deadline - today).days
