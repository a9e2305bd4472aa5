"""Fixtures: an app on SQLite (or PostgreSQL when DATABASE_URL is set), a clean database per test,
an HTTP client and `login_as`."""

from __future__ import annotations

import os
import uuid

import flask_babel
import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, select, text

from certification import create_app
from certification.extensions import db as _db
from certification.extensions import limiter
from tests import factories
from tests.databases import is_sqlite


def _test_database_url(tmp_path_factory) -> str:
    return os.environ.get("DATABASE_URL") or "sqlite://"


class FreshRequestClient(FlaskClient):
    """Each request starts without the user and locale an earlier request cached in `g`.

    The `db` fixture keeps one app context open for the whole test, and Flask reuses it for the
    test client's requests, so `g` would otherwise carry one request's login into the next.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        flask_babel.refresh()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _normalise(_test_database_url(tmp_path_factory)),
            "SECRET_KEY": "tests",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(uploads),
            "SERVER_NAME": "localhost",
            # never a demo key pair lying in instance/signing: tests sign only when they ask
            "SIGNING_DEMO_FOLDER": str(tmp_path_factory.mktemp("no-signing-key")),
        }
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    if reader := app.extensions.get("verification_answer_reader"):
        reader.close()  # the public look-up's own connection (verification/reader.py)
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _normalise(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@pytest.fixture
def db(app):
    """A clean database for each test: every table emptied afterwards."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app, db):
    limiter.reset()  # rate-limit counts (look-ups, failed sign-ins) start afresh in each test
    return app.test_client()


@pytest.fixture
def login_as(client, db):
    """login_as(role_or_user) -> the signed-in user, through the session like Flask-Login does."""

    def login(who, **kwargs):
        if who == "committee":  # a decider, with the competence deciding takes (17021-1 7.2)
            user = factories.committee_member(**kwargs)
        else:
            user = factories.user(role=who, **kwargs) if isinstance(who, str) else who
        _db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return login


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own: a new PostgreSQL database under DATABASE_URL, else a SQLite file."""
    server_url = os.environ.get("DATABASE_URL")
    if not server_url or is_sqlite(server_url):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    server = make_url(_normalise(server_url))
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    # The query part (e.g. ?host=/run/socket) stays; only the database name changes.
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def key_pair(tmp_path_factory):
    """A self-signed key and certificate (PEM files) for signing PDFs in tests."""
    from certification.signing import write_self_signed

    return write_self_signed(tmp_path_factory.mktemp("signing"), "Anatolia Test Body")


@pytest.fixture
def signing(app, monkeypatch, key_pair):
    """The app signs PDFs with key_pair's key; returns the certificate's path (the trust root)."""
    from pyhanko.sign import signers

    from certification.signing import SIGNER

    key, cert = key_pair
    monkeypatch.setitem(app.extensions, SIGNER, signers.SimpleSigner.load(str(key), str(cert)))
    return cert


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on 127.0.0.1 for the whole session (tests/smtp.py)."""
    from tests.smtp import SmtpServer

    with SmtpServer() as server:
        yield server


@pytest.fixture
def mailbox(app, smtp_server):
    """The app sends to the local SMTP server during this test; returns what arrived there."""
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    smtp_server.mailbox.clear()
    yield smtp_server.mailbox
    app.config.update(saved)


DEMO_PEOPLE = ("planner@demo.test", "auditor@demo.test", "committee@demo.test", "admin@demo.test")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """An app on a database of its own holding the demo (`flask demo`), and the e-mail addresses
    of a planner, an auditor, a committee member, an administrator and a client to sign in as
    (password certification.demo.DEMO_PASSWORD). Built once: tests that walk it only read."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _demo_database_url(tmp_path_factory),
            "TESTING": True,
            "SECRET_KEY": "demo-site-test",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("demo_uploads")),
        }
    )
    result = app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from certification.accounts.models import User

        clients = _db.session.scalars(select(User.email).where(User.role == "client")).all()
    yield app, [*DEMO_PEOPLE, clients[0]]
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _demo_database_url(tmp_path_factory) -> str:
    server_url = os.environ.get("DATABASE_URL")
    if not server_url or is_sqlite(server_url):
        return f"sqlite:///{tmp_path_factory.mktemp('demo_site') / 'demo.db'}"
    server = make_url(_normalise(server_url))
    name = f"demo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)
