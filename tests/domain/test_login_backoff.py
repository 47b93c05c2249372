"""Sign-in back-off: free failures, exponential waits with a ceiling, failures fading with quiet time."""

from datetime import datetime, timedelta

from app.domain import login
from app.domain.login import Throttle

T0 = datetime(2026, 11, 20, 9, 0, 0)


def _fail(times: int, start: datetime = T0, gap: timedelta = timedelta(0)) -> tuple[Throttle, datetime]:
    throttle, now = Throttle(), start
    for _ in range(times):
        throttle = login.after_failure(throttle, now)
        now += gap
    return throttle, now


def test_the_first_failures_cost_nothing():
    throttle, _ = _fail(login.FREE_FAILURES - 1)
    assert throttle.failures == 2 and not login.must_wait(throttle, T0)


def test_waits_double_and_stop_at_the_ceiling():
    assert [login.backoff(n).total_seconds() for n in range(2, 8)] == [0, 1, 2, 4, 8, 16]
    assert login.backoff(40) == login.MAX_BACKOFF == timedelta(minutes=2)
    throttle, _ = _fail(5)
    assert login.must_wait(throttle, T0 + timedelta(seconds=3))
    assert not login.must_wait(throttle, T0 + timedelta(seconds=4))


def test_nobody_can_keep_an_account_out_for_long():
    throttle, _ = _fail(500)  # an attacker hammering one account
    assert throttle.not_before - T0 <= login.MAX_BACKOFF
    assert not login.must_wait(throttle, T0 + login.MAX_BACKOFF)


def test_failures_fade_one_per_quiet_interval():
    throttle, _ = _fail(6)
    assert login.counted_failures(throttle, T0 + login.DECAY * 2 + timedelta(seconds=9)) == 4
    assert login.counted_failures(throttle, T0 + login.DECAY * 10) == 0
    later = login.after_failure(throttle, T0 + login.DECAY * 10)
    assert later.failures == 1 and not login.must_wait(later, T0 + login.DECAY * 10)
