"""The second sign-in step, two-factor enrolment, "forgot password" and password links."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from certification.access import STAFF, roles_required
from certification.accounts import links, throttle, two_factor
from certification.accounts.forms import CodeForm, ForgotPasswordForm, SetPasswordForm
from certification.accounts.sessions import load_user
from certification.accounts.views import signed_in, too_many_attempts
from certification.extensions import db, limiter

bp = Blueprint("security", __name__)

# What a user who must enrol in two-factor sign-in may still reach.
OPEN_BEFORE_ENROLMENT = {
    "security.two_factor",
    "accounts.logout",
    "accounts.language",
    "static",
    "health.healthz",
    # A fresh form token for an open page: loading the user here would mark an anonymous session
    # (Flask-Login's session protection) and send its cookie back, which could land after a
    # sign-in made in the meantime and undo it.
    "stale_forms.csrf_token",
    # The public JSON API: open to anyone, and a JSON client cannot follow a page redirect.
    "verification.api_certificate",
    "verification.api_document",
}


def now() -> datetime:
    return datetime.now(UTC)


@bp.before_app_request
def enrol_first():
    """The body's setting: admins and committee members whose sign-in must have a second
    factor set it up before anything else."""
    if request.endpoint in OPEN_BEFORE_ENROLMENT or not current_user.is_authenticated:
        return None
    if two_factor.must_enrol(current_user):
        return redirect(url_for("security.two_factor"))
    return None


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    user = load_user(session.get("two_factor_user", ""))
    if user is None:
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        if wait := throttle.wait_seconds(user.email, address):
            flash(too_many_attempts(wait), "error")
            return render_template("accounts/second_step.html", form=form), 429
        if two_factor.verify(user, form.code.data, now()):
            db.session.commit()
            target = session.pop("two_factor_next", "") or url_for("accounts.home")
            session.pop("two_factor_user", None)
            return signed_in(user, target)
        db.session.rollback()
        throttle.record_failure(user.email, address)
        form.code.errors = [_("This code is not right, or was already used.")]
    return render_template("accounts/second_step.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@roles_required(*STAFF)
def two_factor_page():
    """Turn on: scan the QR code, confirm with a code, note the recovery codes (shown once)."""
    if current_user.has_two_factor:
        return render_template(
            "accounts/two_factor.html",
            form=CodeForm(),
            unused=two_factor.unused_recovery_codes(current_user),
            required=two_factor.is_required(current_user),
        )
    form = CodeForm()
    secret = (
        two_factor.open_enrolment(session.get("two_factor_secret"))
        if request.method == "POST"
        else None
    )
    if form.validate_on_submit() and secret:
        codes = two_factor.enable(current_user, secret, form.code.data, now())
        if codes is not None:
            db.session.commit()
            session.pop("two_factor_secret", None)
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors = [_("This code is not right: check the clock of your phone.")]
    secret = secret or two_factor.new_secret()
    session["two_factor_secret"] = two_factor.seal_for_enrolment(secret)
    uri = two_factor.enrolment_uri(current_user, secret)
    return render_template(
        "accounts/enrol.html", form=form, secret=secret, qr=two_factor.qr_svg(uri)
    )


@bp.route("/account/two-factor/off", methods=["POST"])
@roles_required(*STAFF)
def two_factor_off():
    form = CodeForm()
    if two_factor.is_required(current_user):
        flash(_("Your role must sign in with a second factor: it cannot be turned off."), "error")
    elif form.validate_on_submit() and two_factor.verify(current_user, form.code.data, now()):
        two_factor.disable(current_user, current_user)
        db.session.commit()
        flash(_("Two-factor sign-in is off."), "success")
    else:
        db.session.rollback()
        flash(_("This code is not right, or was already used."), "error")
    return redirect(url_for("security.two_factor"))


def _too_many_requests(request_limit):
    form = ForgotPasswordForm()
    flash(too_many_attempts(int(request_limit.limit.get_expiry())), "error")
    response = make_response(render_template("accounts/forgot_password.html", form=form), 429)
    response.headers["Retry-After"] = str(request_limit.limit.get_expiry())
    return response


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_ADDRESS"],
    methods=["POST"],
    on_breach=_too_many_requests,
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        links.request_reset(form.email.data, now())
        db.session.commit()
        flash(
            _(
                "If an account has this address, we have e-mailed it a link to set a new "
                "password."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    link = links.find_link(token, now())
    if link is None:
        return render_template("accounts/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            links.use_link(link, form.password.data, form.confirm.data, now())
        except links.LinkError as error:
            db.session.rollback()
            form.password.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, link=link)
