"""`/healthz` for load balancers, and the answer every page gives while the database is down."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from certification.extensions import db, login_manager

bp = Blueprint("health", __name__)
log = logging.getLogger("certification.health")

# What a database that cannot be reached (down, restarting, pool exhausted) raises.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not; JSON either way, never cached."""
    try:
        db.session.execute(text("SELECT 1"))
        answer, status = {"status": "ok", "database": "reachable"}, 200
    except SQLAlchemyError as error:
        log.warning("health check: database unreachable: %s", error.__class__.__name__)
        _forget_session()
        answer, status = {"status": "unavailable", "database": "unreachable"}, 503
    response = jsonify(answer)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.record_once
def _on_register(state) -> None:
    register_unavailable(state.app)


def register_unavailable(app: Flask) -> None:
    def database_unavailable(error):
        """A branded 503 (JSON under /api/) instead of a bare 500; the page needs no database."""
        log.error("database unreachable on %s %s: %s", request.method, request.path, error)
        _forget_session()
        g._login_user = login_manager.anonymous_user()  # the page must not load the user again
        message = _("The service is unavailable for a moment. Please try again in a minute.")
        if request.path.startswith("/api/"):
            response = jsonify(error=message)
        else:
            response = app.make_response(render_template("unavailable.html", message=message))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response

    for kind in UNREACHABLE:
        app.register_error_handler(kind, database_unavailable)


def _forget_session() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.invalidate()
