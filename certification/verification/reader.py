"""The public look-up's own read: one SELECT by a unique key on a connection kept per worker.

A public look-up needs no unit of work: it reads one committed row and sends it. Through the ORM
session it would pay for a session, a pooled connection (pinged), BEGIN and ROLLBACK, several
times the cost of the read itself. Here each worker thread keeps one driver connection in
autocommit, read-only, made on first use (after gunicorn's fork) and made again if it breaks.

A look-up inside a request that already has a transaction of its own (a test that has not
committed, say) reads through the session instead, so it sees what that transaction sees; so
does an in-memory SQLite database, which a second connection could not see at all.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from typing import NamedTuple

from certification.extensions import db

COLUMNS = "number, certificate_state, expires_on, answer, superseded_by"


class Found(NamedTuple):
    number: str
    state: str
    expires_on: date
    answer: str
    superseded_by: str | None


class AnswerReader:
    def __init__(self, engine) -> None:
        self.dialect = engine.dialect
        self.url = engine.url
        mark = "?" if self.dialect.paramstyle == "qmark" else "%s"
        self.sql = {
            kind: f"SELECT {COLUMNS} FROM public_answers WHERE {kind} = {mark}"
            for kind in ("number", "token")
        }
        self._local = threading.local()

    @staticmethod
    def usable(engine) -> bool:
        if engine.dialect.name == "postgresql":
            return True
        database = engine.url.database or ""
        return engine.dialect.name == "sqlite" and database not in ("", ":memory:")

    def find(self, kind: str, key: str) -> Found | None:
        try:
            row = self._execute(kind, key)
        except self.dialect.loaded_dbapi.Error:  # a dropped connection: once more on a new one
            self._forget()
            row = self._execute(kind, key)
        if row is None:
            return None
        number, state, expires_on, answer, superseded_by = row
        if isinstance(expires_on, str):  # SQLite keeps dates as ISO text
            expires_on = date.fromisoformat(expires_on)
        return Found(number, state, expires_on, answer, superseded_by)

    def _execute(self, kind: str, key: str):
        cursor = self._connection().cursor()
        try:
            cursor.execute(self.sql[kind], (key,))
            return cursor.fetchone()
        finally:
            cursor.close()

    def _connection(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # made before a fork: not ours
            local.pid, local.connection = os.getpid(), self._connect()
        return local.connection

    def _connect(self):
        args, options = self.dialect.create_connect_args(self.url)
        if self.dialect.name == "sqlite":
            connection = self.dialect.loaded_dbapi.connect(*args, **options)
            connection.isolation_level = None  # autocommit: each read sees the latest commit
            connection.execute("PRAGMA query_only = ON")
            return connection
        connection = self.dialect.loaded_dbapi.connect(*args, **options, autocommit=True)
        connection.execute("SET default_transaction_read_only = on")
        return connection

    def close(self) -> None:
        """Close this thread's connection (a new one is made if the reader is used again)."""
        self._forget()

    def _forget(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.pid = self._local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # it is broken already; a new one follows
                pass


def reader_for(app) -> AnswerReader | None:
    """The app's reader (made on first use), or None where only the session can read."""
    key = "verification_answer_reader"
    if key not in app.extensions:
        engine = db.engine
        app.extensions[key] = AnswerReader(engine) if AnswerReader.usable(engine) else None
    return app.extensions[key]


def session_has_work() -> bool:
    """Has this request's session a transaction (its own uncommitted view) already?"""
    registry = db.session.registry
    return registry.has() and registry().in_transaction()
