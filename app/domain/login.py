"""Sign-in throttling per account: an exponential back-off after repeated failures that decays with time.

A fixed lockout lets anyone lock a person out again and again with a handful of requests; a back-off only
makes the account wait a little before its next password is judged — at most MAX_BACKOFF — and the failures
it counts fade on their own (one per DECAY of quiet), so nobody can keep a person out for long and a slow
guesser gains nothing. An account's state is two stored values: the failures counted at the last failure
and the moment before which no password is judged (`not_before` = last failure + its back-off).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 3  # wrong passwords allowed before any wait
DECAY = timedelta(minutes=5)  # one counted failure is forgotten per five quiet minutes
MAX_BACKOFF = timedelta(minutes=2)


@dataclass(frozen=True)
class Throttle:
    """An account's failed sign-ins: failures counted at the last failure, and when the next may be judged."""

    failures: int = 0
    not_before: datetime | None = None


def backoff(failures: int) -> timedelta:
    """The wait after `failures` counted failures: none for the first FREE_FAILURES, then 1, 2, 4 ... seconds,
    at most MAX_BACKOFF."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(MAX_BACKOFF, timedelta(seconds=2 ** min(failures - FREE_FAILURES, 16)))


def counted_failures(throttle: Throttle, now: datetime) -> int:
    """The failures that still count at `now`: one fades for every DECAY since the last failure."""
    if throttle.not_before is None or throttle.failures <= 0:
        return 0
    last_failure = throttle.not_before - backoff(throttle.failures)
    faded = int((now - last_failure) / DECAY) if now > last_failure else 0
    return max(0, throttle.failures - faded)


def must_wait(throttle: Throttle, now: datetime) -> bool:
    """Whether a password offered at `now` is not judged at all (the account is in its back-off)."""
    return throttle.not_before is not None and now < throttle.not_before


def after_failure(throttle: Throttle, now: datetime) -> Throttle:
    """The throttle after one more failure at `now` (faded failures are dropped first)."""
    failures = counted_failures(throttle, now) + 1
    return Throttle(failures, now + backoff(failures))
