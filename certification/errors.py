"""Error pages, and the one place a refused state change becomes a clear message."""

import logging

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, IntegrityError

from certification.activity.services import refusal_message
from certification.extensions import db
from certification.workflow import TransitionError


def register_errors(app: Flask) -> None:
    @app.errorhandler(TransitionError)
    def refused_transition(error: TransitionError):
        db.session.rollback()  # whatever the request did before the refused move is undone
        flash(refusal_message(error), "error")
        return redirect(_same_site_referrer() or url_for("accounts.home"))

    @app.errorhandler(IntegrityError)
    @app.errorhandler(DataError)
    def refused_by_database(error):
        """The last line: a database constraint refused what the checks before let through."""
        db.session.rollback()
        logging.getLogger("certification").warning("database refused a change: %s", error.orig)
        message = _(
            "This could not be saved: the records do not allow it (for example a second record "
            "where only one may exist). Nothing was changed."
        )
        if request.is_json or request.path.startswith("/api/"):
            return jsonify(error=message), 409
        flash(message, "error")
        return redirect(_same_site_referrer() or url_for("accounts.home"))

    for code, title in ((403, "Access refused"), (404, "Not found"), (413, "File too large")):
        app.register_error_handler(code, _page(code, title))


def _page(code: int, title: str):
    def handler(error):
        return render_template("errors.html", code=code, title=title), code

    return handler


def _same_site_referrer() -> str:
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else ""
