"""Error pages, and the one place a refused state change becomes a clear message."""

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from certification.workflow import TransitionError


def register_errors(app: Flask) -> None:
    @app.errorhandler(TransitionError)
    def refused_transition(error: TransitionError):
        flash(
            _(
                "This cannot be done now: the item is %(state)s.",
                state=getattr(error.state, "label", error.state),
            ),
            "error",
        )
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
