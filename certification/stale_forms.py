"""A form left open longer than its CSRF token lives (WTF_CSRF_TIME_LIMIT, an hour by default).

While a page stays open, static/app.js fetches a fresh token from `csrf_token` before the old one
runs out. If a form is sent with an expired token anyway (a laptop woken from sleep), nothing is
saved, but what was typed is not lost: the page shows it again in a form to send once more. That
form is offered only when the token is this session's own (its signature checks out, it is just
old): a token forged from elsewhere never gets a "send again" button.
"""

from __future__ import annotations

import hmac
import re
from functools import cache

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, session
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, generate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms.fields.core import UnboundField

from certification.extensions import csrf, db

bp = Blueprint("stale_forms", __name__)

SECRET_FIELDS = {"code", "current_password"}  # and any "...password...": never echoed back
HIDDEN_FIELDS = {"once"}  # the form's one-time token: sent again as it was, not shown


@bp.route("/csrf-token")
@csrf.exempt
def csrf_token():
    """A fresh token for the forms of an open page (app.js); nothing secret beyond the session."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


def refresh_ms() -> int:
    """How often an open page fetches a fresh token: a third of the token's life (20 minutes
    of the default hour), at least a second; a token that never expires: the default."""
    life = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if not life or life < 0:
        return DEFAULT_REFRESH_MS
    return max(int(life * 1000 / 3), 1000)


DEFAULT_REFRESH_MS = 20 * 60 * 1000


def register_stale_forms(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["csrf_refresh_ms"] = refresh_ms

    @app.errorhandler(CSRFError)
    def stale_form(error: CSRFError):
        db.session.rollback()
        message = _(
            "This page was open too long, so for your safety it was not sent and nothing was saved."
        )
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify(error="csrf", message=message, csrf_token=generate_csrf()), 400
        own = own_session_token(request.form.get(field_name(), ""))
        return render_template(
            "stale_form.html",
            message=message,
            fields=kept_fields() if own else [],
            had_files=bool(request.files),
            action=request.full_path if request.query_string else request.path,
        ), 400


def field_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def own_session_token(token: str) -> bool:
    """The token was signed by this app for this very session; only its age refused it."""
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    try:
        raw = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token)
    except BadData:
        return False
    kept = session.get(field_name())
    return isinstance(kept, str) and isinstance(raw, str) and hmac.compare_digest(kept, raw)


def kept_fields() -> list[tuple[str, str, str, bool]]:
    """What the user typed, every value of every field, minus secrets and the old token;
    (name, label, value, hidden)."""
    return [
        (name, label_of(name), value, name in HIDDEN_FIELDS)
        for name, values in request.form.lists()
        if name != field_name() and name not in SECRET_FIELDS and "password" not in name.lower()
        for value in values
    ]


def label_of(name: str) -> str:
    """The label the user saw by the field, in their language ("sites-0-city" is a row of a
    list: its own field's label); a name no form declares is shown as it is. Forms of the
    domain that received the post are asked first ("notes" is labelled differently elsewhere)."""
    own = re.sub(r"^(?:.*-)?\d+-", "", name)
    view = current_app.view_functions.get(request.endpoint or "")
    domain = view.__module__.rsplit(".", 1)[0] if view else ""
    for module, labels in form_labels():
        if module.startswith(domain + ".") and own in labels:
            return str(labels[own])
    for _module, labels in form_labels():
        if own in labels:
            return str(labels[own])
    return name


@cache
def form_labels() -> tuple[tuple[str, dict[str, object]], ...]:
    """(module, {field name: its lazy label}) for every form class of the app."""
    found = []
    pending = [FlaskForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        labels = {
            name: value.kwargs.get("label", value.args[0] if value.args else None)
            for name, value in vars(form_class).items()
            if isinstance(value, UnboundField)
        }
        found.append((form_class.__module__, {k: v for k, v in labels.items() if v}))
    return tuple(found)
