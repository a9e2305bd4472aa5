"""The workflow manager of an ISO 10002 certification body."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from certification.config import load_config
from certification.extensions import babel, csrf, db, limiter, login_manager, migrate
from certification.i18n import catalogues, languages
from certification.sessions import LeanCookieSessions

PACKAGE = Path(__file__).parent
ROOT = PACKAGE.parent

# Views modules (under certification/) that define `bp`; registered in this order.
BLUEPRINTS = (
    "accounts.views",
    "accounts.security_views",
    "home.views",
    "admin.views",
    "admin.letterhead_views",
    "organisations.views",
    "applications.views",
    "quotes.views",
    "programme.views",
    "portal.views",
    "findings.views",
    "reports.views",
    "audits.workbook_views",
    "audits.views",
    "verification.views",
    "exports.views",
    "decisions.views",
    "certificates.views",
    "health.views",
    "plans.views",
    "agreements.views",
    "accreditations.views",
    "complaints.public_views",
    "complaints.review_views",
    "complaints.views",
    "appeals.views",
    "transfers.views",
    "impartiality.views",
    "competence.views",
    "charts.views",
    "notifications.views",
    "calendar.views",
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.config.update(load_config(app.instance_path))
    app.config.update(config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.session_interface = LeanCookieSessions()
    from certification.edge import register_edge

    register_edge(app)  # before the blueprints: their <int:...> routes use its converter
    _import_models()
    db.init_app(app)
    # Batch mode lets later migrations alter SQLite tables (SQLite has no ALTER COLUMN).
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    catalogues.compile_stale(PACKAGE / "translations")
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE / "translations"),
    )
    for name in BLUEPRINTS:
        module = importlib.import_module(f"certification.{name}")
        app.register_blueprint(module.bp)

    from certification.cli import register_cli
    from certification.errors import register_errors
    from certification.security_headers import register_security_headers
    from certification.stale_forms import register_stale_forms
    from certification.templating import register_templating

    register_cli(app)
    register_errors(app)
    register_stale_forms(app)
    register_templating(app)
    register_security_headers(app)
    _wrap_wsgi(app)
    return app


def _wrap_wsgi(app: Flask) -> None:
    """The WSGI layers in front of Flask, outermost last."""
    from certification.verification.fast_path import LookupFastPath

    app.wsgi_app = LookupFastPath(app, app.wsgi_app)  # the public look-up of a number
    if app.config.get("PROXY_COUNT"):
        # The client's own address (rate limits, logs) comes from the proxies' header.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _import_models() -> None:
    """Import every model module so that metadata (and Alembic) sees all tables."""
    for name in (
        "accounts",
        "activity",
        "organisations",
        "applications",
        "quotes",
        "programme",
        "audits",
        "findings",
        "reports",
        "decisions",
        "certificates",
        "verification",
        "settings",
        "plans",
        "agreements",
        "accreditations",
        "complaints",
        "appeals",
        "transfers",
        "impartiality",
        "competence",
        "notifications",
        "calendar",
        "submissions",
    ):
        importlib.import_module(f"certification.{name}.models")
    importlib.import_module("certification.notifications.hooks")


def select_locale() -> str:
    """The user's stored choice, else this session's, else the browser's (Accept-Language)."""
    if not has_request_context():  # CLI commands, the demo builder, PDFs made in jobs
        return languages.DEFAULT
    user = current_user if current_user and current_user.is_authenticated else None
    return languages.choose(
        user.locale if user else None, session.get("locale"), request.accept_languages
    )


@login_manager.user_loader
def _load_user(session_id: str):
    from certification.accounts.sessions import load_user

    return load_user(session_id)


# How long a SQLite writer waits for another one to finish before giving up ("database is locked").
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Requests that only read; any other method may write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    """SQLite: foreign keys on, WAL, a busy timeout, and transactions begun by `_sqlite_begin`.

    Foreign keys are enforced only when asked (PostgreSQL always does). WAL lets readers go on
    while one process writes, and the busy timeout makes a writer wait for the other instead of
    failing: with several gunicorn workers on one SQLite file both are needed (README,
    "Production"). The driver's own transaction handling is switched off: it would commit a
    SAVEPOINT (`begin_nested`) opened before any write; `_sqlite_begin` issues BEGIN instead, the
    recipe of SQLAlchemy's pysqlite documentation ("Serializable isolation / Savepoints").
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")  # a no-op answer "memory" for :memory:
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """A transaction that may write takes SQLite's write lock when it begins (BEGIN IMMEDIATE).

    Two writers then never interleave: the second waits (busy timeout) and reads what the first
    committed, so a state change it would repeat is refused like on PostgreSQL, where
    `activity.services.lock` takes the row. A deferred BEGIN would let both read, and the second
    fail at its first write with "database is locked". Pages that only read stay concurrent.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _may_write() -> bool:
    """Outside a request (CLI commands, the demo builder, tests' set-up) or an unsafe method."""
    return not has_request_context() or request.method not in SAFE_METHODS
