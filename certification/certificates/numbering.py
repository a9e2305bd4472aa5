"""Certificate numbers: a counter per year, incremented so that two decisions landing at the
same moment never get the same number, formatted by the body's "certificate_number_format"."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from certification.admin.settings_services import certificate_number_problem
from certification.certificates.models import NumberSequence
from certification.extensions import db


class NumberFormatError(ValueError):
    """The stored number format cannot make a number; the message says why."""


def sequence_key(year: int) -> str:
    return f"certificate-{year}"


def format_number(pattern: str, year: int, seq: int) -> str:
    """The number from the format: only {year} and {seq} (e.g. {seq:05d}) may appear."""
    problem = certificate_number_problem(pattern)
    if problem:
        raise NumberFormatError(problem)
    return pattern.format(year=year, seq=seq)


def next_certificate_number(year: int, *, session=None, pattern: str | None = None) -> str:
    """Allocate the next number of `year`; the caller's transaction holds the counter's row lock
    until it commits, so a concurrent allocation waits and then gets the next value."""
    session = session or db.session
    if pattern is None:
        from certification.settings import services as settings

        pattern = str(settings.get("certificate_number_format"))
    problem = certificate_number_problem(pattern)
    if problem:
        raise NumberFormatError(problem)  # before the counter moves
    key = sequence_key(year)
    value = _increment(session, key)
    if value is None:
        _create_counter(session, key)
        value = _increment(session, key)
    return pattern.format(year=year, seq=value)


def _increment(session, key: str) -> int | None:
    statement = (
        update(NumberSequence)
        .where(NumberSequence.key == key)
        .values(value=NumberSequence.value + 1)
        .returning(NumberSequence.value)
    )
    return session.execute(statement).scalar()


def _create_counter(session, key: str) -> None:
    """First number of a year: insert the row; a concurrent insert wins the race harmlessly."""
    try:
        with session.begin_nested():
            session.execute(insert(NumberSequence).values(key=key, value=0))
    except IntegrityError:
        pass  # the other transaction created it; the UPDATE that follows waits for its row


def next_in_sequence(key: str, *, session=None) -> int:
    """The next value of any named counter (complaint and appeal numbers, ...), allocated the
    same safe way as certificate numbers."""
    session = session or db.session
    value = _increment(session, key)
    if value is None:
        _create_counter(session, key)
        value = _increment(session, key)
    return value
