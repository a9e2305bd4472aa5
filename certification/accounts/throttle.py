"""Failed sign-ins counted per account and per client address in Flask-Limiter's store.

The store is RATELIMIT_STORAGE_URI: one process's memory by default, or a shared one (Redis) so
that several app servers count together. A used-up limit refuses even the right password until
its window ends; a successful sign-in clears the account's count.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import parse

from certification.extensions import limiter


def _limits() -> list[tuple[str, object]]:
    config = current_app.config
    return [
        ("login-account", parse(config["LOGIN_LIMIT_ACCOUNT"])),
        ("login-address", parse(config["LOGIN_LIMIT_ADDRESS"])),
    ]


def _keys(email: str, address: str) -> dict[str, str]:
    return {"login-account": email.strip().lower(), "login-address": address or "unknown"}


def wait_seconds(email: str, address: str) -> int:
    """0 while sign-in may be tried, else the seconds until it may be tried again."""
    keys = _keys(email, address)
    wait = 0.0
    for name, item in _limits():
        if not limiter.limiter.test(item, name, keys[name]):
            reset_at = limiter.limiter.get_window_stats(item, name, keys[name]).reset_time
            wait = max(wait, reset_at - time.time())
    return max(1, math.ceil(wait)) if wait else 0


def record_failure(email: str, address: str) -> None:
    keys = _keys(email, address)
    for name, item in _limits():
        limiter.limiter.hit(item, name, keys[name])


def record_success(email: str) -> None:
    name, item = _limits()[0]
    limiter.limiter.clear(item, name, _keys(email, "")[name])
