"""Pure rules of delivery: how long to wait before the next attempt, and when to give up.

No Flask, no database, no clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 5
FIRST_DELAY = timedelta(minutes=5)
LONGEST_DELAY = timedelta(hours=6)
# A claimed message not marked sent after this long: its sender stopped midway.
STALE_CLAIM = timedelta(minutes=15)


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the `attempts`-th failed attempt: 5 min, 15 min, 45 min, ... at most 6 h."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_DELAY * 3 ** (attempts - 1), LONGEST_DELAY)


def is_permanent(smtp_code: int | None) -> bool:
    """RFC 5321 4.2.1: a 5yz reply is a permanent failure (no use trying again); a 4yz reply,
    or no reply at all (connection lost, server down), is worth another attempt."""
    return smtp_code is not None and 500 <= smtp_code < 600


def after_failure(attempts: int, smtp_code: int | None, now: datetime) -> tuple[str, datetime]:
    """The message's state and next attempt after its `attempts`-th attempt failed."""
    if is_permanent(smtp_code) or attempts >= MAX_ATTEMPTS:
        return "failed", now
    return "pending", now + retry_delay(attempts)


def stale_before(now: datetime) -> datetime:
    return now - STALE_CLAIM
