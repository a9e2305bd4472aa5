"""The look-up benchmark's row over a Unix socket reaches the same PostgreSQL server, and is left
out for a server on another machine (benchmarks/verify_api.py, issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from verify_api import socket_url  # noqa: E402


def server_address(url: str) -> str | None:
    """The server's address as this connection sees it: None over a Unix socket."""
    engine = create_engine(url)
    with engine.connect() as connection:
        address = connection.execute(text("SELECT inet_server_addr()::text")).scalar()
    engine.dispose()
    return address


def test_a_server_on_another_machine_gets_no_socket_row():
    assert socket_url("postgresql+psycopg://u:p@db.internal:5432/certification") is None


def test_a_server_on_this_machine_is_reached_through_its_socket(empty_database_url):
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server's socket: PostgreSQL only")
    through_socket = socket_url(empty_database_url)
    assert through_socket is not None  # .ci/postgres.sh gives its server a socket folder
    assert server_address(empty_database_url).startswith("127.0.0.1")
    assert server_address(through_socket) is None
    assert make_url(through_socket).database == make_url(empty_database_url).database
