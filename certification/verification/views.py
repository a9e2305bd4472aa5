"""Public verification: the QR page, look-up by number, the JSON API and the public register.

No login. Every look-up is rate-limited per client address (request.remote_addr: behind a reverse
proxy, the app needs werkzeug's ProxyFix to see the client's address) and written to the log
"certification.verification" (not the database, so a look-up stays one SELECT of one row,
verification/answers.py).
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from certification.applications.schemes import scheme_title
from certification.extensions import csrf
from certification.templating import format_day
from certification.verification import answers, services
from certification.verification.ratelimit import (
    FixedWindowCounter,
    Limit,
    parse_limit,
    retry_after,
)
from certification.workflow import CertificateState

bp = Blueprint("verification", __name__)
log = logging.getLogger("certification.verification")

DEFAULT_LIMIT = "60/minute"
COUNTER = "verification_rate_counter"
API = "verification.api_certificate"
PAGE_CACHE = "private, no-cache"
# A status can change any minute (suspension, withdrawal): a cache may keep an answer only to
# ask again whether it still holds, never to show it unasked.
API_CACHE = "no-cache"


@bp.record_once
def _set_up(state) -> None:
    state.app.extensions[COUNTER] = FixedWindowCounter()
    _limit_of(state.app.config.get("RATE_LIMIT_VERIFY", DEFAULT_LIMIT))  # bad setting: fail now
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)  # look-ups are kept even when the app logs warnings only


@lru_cache(maxsize=8)
def _limit_of(setting: str | None) -> Limit | None:
    return parse_limit(setting)


@bp.before_request
def limit_rate():
    """429 with Retry-After once an address has used up RATE_LIMIT_VERIFY in this window."""
    limit = _limit_of(current_app.config.get("RATE_LIMIT_VERIFY", DEFAULT_LIMIT))
    if limit is None:
        return None
    address = request.remote_addr or "unknown"
    wait = current_app.extensions[COUNTER].hit(address, limit)
    if wait is None:
        return None
    log.warning("rate limited from %s: %s", address, request.full_path)
    message = _("Too many look-ups from your address. Please try again in a minute.")
    if request.endpoint == API:
        response = jsonify(error=message)
        response.status_code = 429
    else:
        response = current_app.make_response(
            (render_template("verification/too_many.html", message=message), 429)
        )
    response.headers["Retry-After"] = retry_after(wait)
    response.headers["Cache-Control"] = "no-store"
    return response


def _logged(kind: str, asked: str, found):
    if kind == "token":  # the token opens the page: keep only enough of it to trace a request
        asked = asked[:8] + "…"
    log.info(
        "lookup from %s: %s %r -> %s",
        request.remote_addr,
        kind,
        asked,
        found.number if found else "not found",
    )
    return found


def _page(found, asked: str):
    if found is None:
        return render_template("verification/not_found.html", asked=asked), 404
    today = date.today()
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
    found = _logged("api", number, answers.find("number", number))
    if found is None:
        response = jsonify(error=_("No certificate has this number."))
        response.status_code = 404
    else:
        body = answers.json_for_today(found, date.today())
        response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = API_CACHE
    response.vary.add("Accept-Language")
    return response


@bp.route("/register")
def register():
    search = request.args.get("q", "").strip()[:200]
    page = services.register_page(
        search, date.today(), request.args, current_app.config["PAGE_SIZE"]
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
