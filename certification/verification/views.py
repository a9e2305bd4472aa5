"""Public verification: the QR page, look-up by number, the JSON API and the public register.

No login. Every look-up is rate-limited per client address by Flask-Limiter (request.remote_addr:
behind a reverse proxy, PROXY_COUNT makes it the client's own address; the counters live in
RATELIMIT_STORAGE_URI, shared by every app server when that is Redis) and written to the log
"certification.verification" (not the database, so a look-up stays one SELECT of one row,
verification/answers.py).
"""

from __future__ import annotations

import logging
import math
import time
from datetime import date

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from limits import parse_many
from werkzeug.exceptions import RequestEntityTooLarge

from certification.applications.schemes import scheme_title
from certification.extensions import csrf, limiter
from certification.i18n.local_time import body_today
from certification.templating import format_day
from certification.verification import answers, documents, services
from certification.workflow import CertificateState

bp = Blueprint("verification", __name__)
log = logging.getLogger("certification.verification")

DEFAULT_LIMIT = "60/minute"
API = "verification.api_certificate"
JSON_ENDPOINTS = (API, "verification.api_document")  # refused in JSON, not as a page
PAGE_CACHE = "private, no-cache"
# A status can change any minute (suspension, withdrawal): a cache may keep an answer only to
# ask again whether it still holds, never to show it unasked.
API_CACHE = "no-cache"
SWITCHED_OFF = ("", "0", "off", "none")
LIMIT_SCOPE = "public-lookups"  # one count per address for every kind of look-up
# WSGI environ key: the fast path (fast_path.py) counted this look-up already; Flask must not.
# No client can set it: request headers reach the environ only as HTTP_* keys.
COUNTED = "certification.lookup_counted"


@bp.record_once
def _set_up(state) -> None:
    setting = state.app.config.get("RATE_LIMIT_VERIFY", DEFAULT_LIMIT)
    if not switched_off(setting):
        parse_many(setting)  # a bad setting fails at start, not at the first look-up
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)  # look-ups are kept even when the app logs warnings only


def _setting() -> str:
    return current_app.config.get("RATE_LIMIT_VERIFY", DEFAULT_LIMIT)


def switched_off(setting: str | None = None) -> bool:
    return str(_setting() if setting is None else setting).strip().lower() in SWITCHED_OFF


def _not_counted_here() -> bool:
    """Exempt from the limit: switched off, or counted already by the fast path."""
    return switched_off() or bool(request.environ.get(COUNTED))


def _too_many(request_limit):
    """429 with Retry-After once an address has used up RATE_LIMIT_VERIFY in its window."""
    log.warning("rate limited from %s: %s", request.remote_addr, request.full_path)
    message = _("Too many look-ups from your address. Please try again in a minute.")
    if request.endpoint in JSON_ENDPOINTS:
        response = jsonify(error=message)
    else:
        response = current_app.make_response(
            render_template("verification/too_many.html", message=message)
        )
    response.status_code = 429
    wait = min(math.ceil(request_limit.reset_at - time.time()), request_limit.limit.get_expiry())
    response.headers["Retry-After"] = str(max(1, wait))
    response.headers["Cache-Control"] = "no-store"
    return response


# One count per address for every public look-up: the pages, the JSON API and the register.
limiter.shared_limit(
    lambda: DEFAULT_LIMIT if switched_off() else _setting(),
    scope=LIMIT_SCOPE,
    exempt_when=_not_counted_here,
    on_breach=_too_many,
)(bp)


def _logged(kind: str, asked: str, found):
    log_lookup(request.remote_addr, kind, asked, found)
    return found


def log_lookup(address: str | None, kind: str, asked: str, found) -> None:
    """The log line of one look-up (here and in fast_path.py)."""
    if kind == "token":  # the token opens the page: keep only enough of it to trace a request
        asked = asked[:8] + "…"
    log.info(
        "lookup from %s: %s %r -> %s", address, kind, asked, found.number if found else "not found"
    )


def _page(found, asked: str):
    if found is None:
        return render_template("verification/not_found.html", asked=asked), 404
    today = body_today()
    view = answers.view_for_today(found, today)
    response = current_app.make_response(
        render_template(
            "verification/certificate.html",
            view=view,
            status=CertificateState(view["status"]),
            superseded_by=found.superseded_by,
            checked_on=today,
        )
    )
    response.headers["Cache-Control"] = PAGE_CACHE
    return response


@bp.route("/verify/<token>")
def verify(token: str):
    return _page(_logged("token", token, answers.find("token", token)), "")


@bp.route("/verify")
def lookup():
    number = request.args.get("number", "").strip()
    if not number:
        return render_template("verification/lookup.html")
    return _page(_logged("number", number, answers.find("number", number)), number)


@bp.route("/api/v1/certificates/<path:number>")
@csrf.exempt
def api_certificate(number: str):
    """The JSON answer. A known number asked without cookies is usually answered before Flask,
    byte for byte the same (fast_path.py); this view answers everything that path leaves."""
    found = _logged("api", number, answers.find("number", number))
    if found is None:
        response = jsonify(error=_("No certificate has this number."))
        response.status_code = 404
    else:
        body = answers.json_for_today(found, body_today())
        response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = API_CACHE
    response.vary.add("Accept-Language")
    return response


@bp.route("/verify/document", methods=["POST"])
def document():
    """A stranger uploads a certificate PDF: is it a genuine certificate of this body?"""
    result = _checked_upload()
    return render_template("verification/document.html", result=result, checked_on=body_today())


@bp.route("/api/v1/documents/verify", methods=["POST"])
@csrf.exempt
def api_document():
    """The same check as JSON: genuine, number, revision, current, status (never a 500)."""
    response = jsonify(_checked_upload().as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


def _checked_upload() -> documents.DocumentCheck:
    try:
        upload = request.files.get("file")
        data = upload.stream.read(documents.MAX_BYTES + 1) if upload is not None else b""
    except RequestEntityTooLarge:
        data = b""
    result = documents.check_document(data, body_today())
    log.info(
        "document from %s: %d bytes -> %s",
        request.remote_addr,
        len(data),
        f"{result.number} ({result.status})" if result.genuine else "not ours",
    )
    return result


@bp.route("/register")
def register():
    search = request.args.get("q", "").strip()[:200]
    page = services.register_page(
        search, body_today(), request.args, current_app.config["PAGE_SIZE"]
    )
    log.info("register from %s: %r -> %d shown", request.remote_addr, search, len(page.items))
    response = current_app.make_response(
        render_template(
            "verification/register.html", page=page, search=search, scheme_title=scheme_title
        )
    )
    response.headers["Cache-Control"] = PAGE_CACHE
    return response


@bp.app_template_filter("iso_day")
def iso_day(value: str | None) -> str:
    """A date of the public view (YYYY-MM-DD, or None) in the reader's language."""
    return format_day(date.fromisoformat(value) if value else None)
