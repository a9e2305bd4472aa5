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


@contextmanager
def own_app(tmp_dir: Path, prefix: str, **config):
    """Yield an app on a database of its own (`own_database`), its tables made; at the end the
    look-up reader's connections are closed and the tables dropped. `config` adds to or
    overrides the database settings and an upload folder under `tmp_dir`."""
    from certification import create_app
    from certification.extensions import db
    from certification.verification.reader import READER

    with own_database(tmp_dir, prefix) as (database_url, engine_options):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
                "UPLOAD_FOLDER": str(tmp_dir / "uploads"),
                **config,
            }
        )
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            if reader := app.extensions.get(READER):
                reader.close()  # the public look-up's own connections
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
