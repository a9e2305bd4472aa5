"""Delivery rules of the outbox: back-off, permanent failures, giving up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from certification.notifications import rules

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(0, 0), (1, 5), (2, 15), (3, 45), (4, 135), (5, 360), (9, 360)]
)
def test_the_back_off_grows_and_is_capped(attempts, minutes):
    assert rules.retry_delay(attempts) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("code", "permanent"), [(550, True), (553, True), (421, False), (451, False), (None, False)]
)
def test_only_5xx_replies_are_permanent(code, permanent):
    assert rules.is_permanent(code) is permanent


@pytest.mark.parametrize(
    ("attempts", "code", "state", "wait"),
    [
        (1, 451, "pending", 5),
        (2, None, "pending", 15),
        (1, 550, "failed", 0),  # the address does not exist: no use trying again
        (5, 451, "failed", 0),  # the fifth attempt was the last
    ],
)
def test_what_follows_a_failed_attempt(attempts, code, state, wait):
    assert rules.after_failure(attempts, code, NOW) == (state, NOW + timedelta(minutes=wait))


def test_a_claim_goes_stale_after_15_minutes():
    assert rules.stale_before(NOW) == NOW - timedelta(minutes=15)
