"""The public look-up's own read: one SELECT by a unique key on a connection kept per worker.

A public look-up needs no unit of work: it reads one committed row and sends it. Through the ORM
session it would pay for a session, a pooled connection (pinged), BEGIN and ROLLBACK, several
times the cost of the read itself. Here each worker keeps driver connections of its own in
autocommit, made on first use (after gunicorn's fork), shared by its threads one look-up at a
time (a server that starts a thread per request leaks none), and made again if one breaks. They
run nothing but the two SELECTs below (SQLite's are opened query-only).

On PostgreSQL a connection sets only what PgBouncer in transaction mode carries from one server
connection to the next for each client (client_encoding, DateStyle): a session setting such as
default_transaction_read_only would stay on a pooled server connection and make the next
client's writes fail.

On PostgreSQL the two statements are prepared once per connection (the server parses and plans
them once) and run through libpq's own call (`psycopg.pq`, which lets other threads run while
it waits): psycopg's cursor around the same call cost twice the client CPU of the read itself,
and the look-up is the one address meant to run at the speed of a bare endpoint (issue 14).

A look-up inside a request that already has a transaction of its own (a test that has not
committed, say) reads through the session instead, so it sees what that transaction sees; so
does an in-memory SQLite database, which a second connection could not see at all.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from typing import NamedTuple

import psycopg
from psycopg import pq
from sqlalchemy.exc import DBAPIError

from certification.extensions import db

READER = "verification_answer_reader"  # the app's reader, in app.extensions
COLUMNS = "number, certificate_state, expires_on, answer, superseded_by"
WIDTH = len(COLUMNS.split(","))
KINDS = ("number", "token")
# The names of the statements prepared on PostgreSQL
PREPARED = {kind: f"public_answer_by_{kind}".encode() for kind in KINDS}


class Found(NamedTuple):
    number: str
    state: str
    expires_on: date
    answer: str
    superseded_by: str | None


class AnswerReader:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        mark = "?" if self.dialect.paramstyle == "qmark" else "%s"
        self.sql = {
            kind: f"SELECT {COLUMNS} FROM public_answers WHERE {kind} = {mark}" for kind in KINDS
        }
        self.postgres = self.dialect.name == "postgresql"
        self._lock = threading.Lock()
        self._free: list = []
        self._pid = os.getpid()

    @staticmethod
    def usable(engine) -> bool:
        if engine.dialect.name == "postgresql":
            return True
        database = engine.url.database or ""
        return engine.dialect.name == "sqlite" and database not in ("", ":memory:")

    def find(self, kind: str, key: str) -> Found | None:
        """The row, or None; a database that cannot be reached raises SQLAlchemy's own error
        (OperationalError, ...), which the app answers with its 503 like any other page."""
        base = self.dialect.loaded_dbapi.Error
        try:
            return self._find(kind, key)
        except base as error:
            raise DBAPIError.instance(self.sql[kind], (key,), error, base) from error

    def _find(self, kind: str, key: str) -> Found | None:
        if not _sendable(key):
            return None  # no number or token holds such a text
        connection = self._take()
        try:
            row = self._execute(connection, kind, key)
        except self.dialect.loaded_dbapi.Error:  # a dropped connection: once more on a new one
            _close(connection)
            connection = self._connect()
            try:
                row = self._execute(connection, kind, key)
            except self.dialect.loaded_dbapi.Error as error:
                _close(connection)
                raise self._wrapped(error) from error
        self._give(connection)
        if row is None:
            return None
        number, state, expires_on, answer, superseded_by = row
        if isinstance(expires_on, str):  # SQLite keeps dates as ISO text
            expires_on = date.fromisoformat(expires_on)
        return Found(number, state, expires_on, answer, superseded_by)

    def _execute(self, connection, kind: str, key: str):
        if self.postgres:
            return _run_prepared(connection.pgconn, kind, key)
        cursor = connection.cursor()
        try:
            cursor.execute(self.sql[kind], (key,))
            return cursor.fetchone()
        finally:
            cursor.close()

    def _take(self):
        with self._lock:
            if self._pid != os.getpid():  # made before a fork: the parent's, not ours
                self._pid, self._free = os.getpid(), []
            if self._free:
                return self._free.pop()
        return self._connect()

    def _give(self, connection) -> None:
        with self._lock:
            self._free.append(connection)

    def close(self) -> None:
        """Close the idle connections (new ones are made if the reader is used again)."""
        with self._lock:
            free, self._free = self._free, []
        for connection in free:
            _close(connection)

    def _wrapped(self, error) -> DBAPIError:
        """The driver's error as SQLAlchemy's (OperationalError ...): the app's 503 handler
        (health/views.py) answers a database that cannot be reached, here as everywhere."""
        return DBAPIError.instance(None, None, error, self.dialect.loaded_dbapi.Error)

    def _connect(self):
        """A driver connection made by the engine (its connect arguments and listeners), taken
        out of the pool for good."""
        try:
            pooled = self.engine.raw_connection()
        except self.dialect.loaded_dbapi.Error as error:
            raise self._wrapped(error) from error
        pooled.detach()
        connection = pooled.dbapi_connection
        if self.dialect.name == "sqlite":
            connection.isolation_level = None  # autocommit: each read sees the latest commit
            connection.execute("PRAGMA query_only = ON")
            return connection
        connection.rollback()  # the pool's ping may have begun a transaction
        connection.autocommit = True
        # the raw rows below are read as text: UTF-8, and dates as ISO 8601
        connection.execute("SET client_encoding = 'UTF8'")
        connection.execute("SET DateStyle = 'ISO'")
        for kind in KINDS:
            statement = self.sql[kind].replace("%s", "$1").encode()
            _checked(connection.pgconn.prepare(PREPARED[kind], statement))
        return connection


def _sendable(key: str) -> bool:
    """Can the key go to the database as it is? libpq cuts a text at a NUL (the wrong number
    would be read); a lone surrogate has no UTF-8 (the driver would fail)."""
    try:
        key.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in key


def _run_prepared(pgconn, kind: str, key: str) -> tuple | None:
    """The row (as text) of the statement prepared for `kind`, or None."""
    result = _checked(pgconn.exec_prepared(PREPARED[kind], [key.encode()]))
    if not result.ntuples:
        return None
    value = result.get_value
    row = tuple(value(0, column) for column in range(WIDTH))
    return tuple(None if text is None else text.decode() for text in row)


def _checked(result):
    """The result, or the server's error raised as psycopg raises it (OperationalError, ...)."""
    if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        raise psycopg.errors.error_from_result(result, encoding="utf-8")
    return result


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # it is broken already; a new one follows
        pass


def reader_for(app) -> AnswerReader | None:
    """The app's reader (made on first use), or None where only the session can read."""
    if READER not in app.extensions:
        engine = db.engine
        app.extensions[READER] = AnswerReader(engine) if AnswerReader.usable(engine) else None
    return app.extensions[READER]


def session_has_work() -> bool:
    """Has this request's session a transaction (its own uncommitted view) already?"""
    registry = db.session.registry
    return registry.has() and registry().in_transaction()
