"""A database that belongs to one app instance alone, for tests that need real connections.

The session-wide `app` fixture of tests/conftest.py runs on one connection (SQLite in memory, or
the PostgreSQL database under DATABASE_URL), and its `db` fixture empties every table after each
test. A live server for the browser, or threads firing requests at once, need their own:

- on SQLite (DATABASE_URL unset) a file in a temporary directory, shared by every thread;
- on PostgreSQL (DATABASE_URL set) the same database, but a schema of its own (`<prefix>_<pid>`,
  put first on the search path of every connection): the other tests' tables stay untouched.
  The schema is dropped at the end.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.databases import is_sqlite


def postgres_url(url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@contextmanager
def own_database(tmp_dir: Path, prefix: str):
    """Yield (SQLAlchemy URL, engine options) of a database for one app instance."""
    options: dict = {"pool_pre_ping": True}
    database_url = os.environ.get("DATABASE_URL")
    if not database_url or is_sqlite(database_url):
        yield f"sqlite:///{tmp_dir / f'{prefix}.db'}", options
        return
    url = postgres_url(database_url)
    schema = f"{prefix}_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    options["connect_args"] = {"options": f"-csearch_path={schema}"}
    try:
        yield url, options
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
