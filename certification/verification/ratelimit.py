"""A fixed-window request counter per client address, kept in the memory of one process.

Enough for one app server: each gunicorn worker counts on its own, so with N workers a client
gets up to N times the limit. Several app servers behind a load balancer would share the
counters in a common store (Redis, or Flask-Limiter on top of it) instead; the views only call
`check`, so the store can change without touching them.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
DISABLED = ("", "0", "off", "none")


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


def parse_limit(text: str | None) -> Limit | None:
    """ "60/minute" -> Limit(60, 60); "", "0" or "off" -> None (no limit). Bad text raises."""
    value = (text or "").strip().lower()
    if value in DISABLED:
        return None
    count, sep, unit = value.partition("/")
    unit = unit.strip().removesuffix("s")
    if not sep or unit not in UNITS or not count.strip().isdigit() or int(count) < 1:
        raise ValueError(f"a rate limit reads like '60/minute', not {text!r}")
    return Limit(int(count), UNITS[unit])


class FixedWindowCounter:
    """Counts requests per key in windows of `limit.seconds`; all counts drop when a window ends,
    so memory holds only the addresses seen in the current window."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, key: str, limit: Limit) -> float | None:
        """Count one request; None when allowed, else the seconds until the next window."""
        now = self._clock()
        window = int(now // limit.seconds)
        with self._lock:
            if window != self._window:
                self._window = window
                self._counts = {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        if count <= limit.requests:
            return None
        return (window + 1) * limit.seconds - now

    def reset(self) -> None:
        with self._lock:
            self._window = -1
            self._counts = {}


def retry_after(seconds: float) -> str:
    """The Retry-After header: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
