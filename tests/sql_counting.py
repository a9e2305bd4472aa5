"""Counting the SQL statements a page or a service runs (transaction control not included)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

# SQLite gets an explicit BEGIN from the app (see certification/__init__.py); PostgreSQL's
# driver begins implicitly. Neither is a query a page asked for.
NOT_QUERIES = ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")


@contextmanager
def counting_queries(db):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.strip().upper() not in NOT_QUERIES:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
