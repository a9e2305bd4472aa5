"""Which database the tests run on: DATABASE_URL names a PostgreSQL server or a SQLite file."""

from __future__ import annotations

from sqlalchemy import make_url


def is_sqlite(url: str) -> bool:
    """A sqlite:/// URL has no server to make databases or schemas on: tests use files instead."""
    return make_url(url).get_backend_name() == "sqlite"
