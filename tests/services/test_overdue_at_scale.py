"""The committee's list for suspension (lifecycle.overdue_audits) and the nightly sweep, however
many audits are overdue: no statement binds more than a batch of ids.

The list once asked for the certificates of its audits' cycles with one list of all their ids, and
the sweep for the audits already flagged with one list of theirs: beyond what one statement may
bind (SQLite's default 32,766, PostgreSQL's protocol 65,535) both failed, at a body's size (50,000
certificates) where that many overdue audits is a bad year, not an impossibility. Now the ids go
in batches of lifecycle.IDS_PER_STATEMENT.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from certification.certificates import lifecycle
from tests import bulk, factories
from tests.databases import is_sqlite

TODAY = factories.today()
# SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 (Debian's build allows 250,000: the
# test sets the default on its connection).
SQLITE_LIMIT = 32_766


@contextmanager
def binding_counts(db):
    """The number of parameters each SELECT binds, while the block runs."""
    counts: list[int] = []

    def seen(_conn, _cursor, statement, parameters, _context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            counts.append(len(parameters or ()))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield counts
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def overdue(db, count: int, flagged: bool = False) -> None:
    quote = factories.quote()
    db.session.commit()
    bulk.overdue_cycles(quote, count, TODAY, flagged=flagged)


def widest_statement(db) -> int:
    """The most parameters any SELECT of the list and of the sweep binds."""
    with binding_counts(db) as counts:
        lifecycle.overdue_audits(TODAY)
        lifecycle.overdue_audits(TODAY, limit=20)
        lifecycle.sweep(TODAY)
        db.session.rollback()
    return max(counts)


def test_no_statement_binds_more_parameters_for_more_overdue_audits(db, monkeypatch):
    monkeypatch.setattr(lifecycle, "IDS_PER_STATEMENT", 10, raising=False)  # reached at 12
    overdue(db, 12, flagged=True)
    few = widest_statement(db)
    overdue(db, 40, flagged=True)
    assert len(lifecycle.overdue_audits(TODAY)) == 52
    assert widest_statement(db) == few


@contextmanager
def sqlite_default_limit(db):
    """The SQLite connection limited to SQLite's default number of parameters."""
    raw = db.session.connection().connection.driver_connection
    built = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_LIMIT)
    try:
        yield
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, built)


def test_more_overdue_audits_than_sqlite_binds_are_listed_and_swept(db):
    if not is_sqlite(str(db.engine.url)):
        # PostgreSQL's limit (65,535) takes a minute of rows to pass; the test above runs there.
        pytest.skip("SQLite's limit")
    count = SQLITE_LIMIT + 1
    overdue(db, count, flagged=True)
    with sqlite_default_limit(db):
        listed = lifecycle.overdue_audits(TODAY)
        assert len(listed) == count
        assert len({certificate.id for _audit, certificate in listed}) == count
        assert all(audit.due_by < TODAY - timedelta(days=29) for audit, _c in listed[:10])
        assert len(lifecycle.overdue_audits(TODAY, limit=20)) == 20
        result = lifecycle.sweep(TODAY)
        assert len(result.overdue_surveillance) == count and result.newly_flagged == 0
        db.session.rollback()
