"""Signing in and out, the language choice, each user's own account, and each role's home."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from certification.accounts import throttle, two_factor
from certification.accounts.forms import AccountForm, LanguageForm, LoginForm
from certification.accounts.models import Role, User
from certification.accounts.passwords import check_or_pretend
from certification.admin import services as user_services
from certification.extensions import db
from certification.forms_kit import refuse
from certification.models_base import utcnow

bp = Blueprint("accounts", __name__)


@bp.route("/")
def home():
    """Everyone lands on the home page of their role (certification/home); a committee member on
    the queue of files waiting for a decision, the committee's daily work."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.role == Role.COMMITTEE:
        return redirect(url_for("decisions.queue"))
    return redirect(url_for("home.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data.strip().lower(), request.remote_addr or ""
        if wait := throttle.wait_seconds(email, address):
            flash(too_many_attempts(wait), "error")
            return render_template("accounts/login.html", form=form), 429
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        # An unknown address costs a password hash too, so timing does not tell it apart.
        right = check_or_pretend(user.password_hash if user else None, form.password.data)
        if not right or not user.active:
            throttle.record_failure(email, address)
            flash(_("Email or password is not right."), "error")
        else:
            throttle.record_success(email)
            target = safe_next(request.args.get("next", ""))
            if user.has_two_factor:  # the second step signs in (security.second_step)
                session["two_factor_user"], session["two_factor_next"] = user.get_id(), target
                return redirect(url_for("security.second_step"))
            return signed_in(user, target)
    return render_template("accounts/login.html", form=form)


def too_many_attempts(wait: int) -> str:
    minutes = max(1, -(-wait // 60))
    return ngettext(
        "Too many failed sign-ins: try again in %(num)d minute.",
        "Too many failed sign-ins: try again in %(num)d minutes.",
        minutes,
    )


def safe_next(target: str) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if not target.startswith("/") or urlsplit(target).netloc or target.startswith("//"):
        return url_for("accounts.home")
    return target


def signed_in(user: User, target: str):
    login_user(user)
    user.last_login_at = utcnow()  # the admin's home lists accounts nobody signs in to
    db.session.commit()
    if two_factor.must_enrol(user):
        flash(_("Your role signs in with a second factor: set it up now."), "info")
        return redirect(url_for("security.two_factor"))
    return redirect(target)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends this user's sessions on the server too: a copied cookie stops working."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    target = request.referrer or ""
    if urlsplit(target).netloc and urlsplit(target).netloc != request.host:
        target = ""
    return redirect(target or url_for("accounts.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Any signed-in user picks their language and may change their own password."""
    form = AccountForm(locale=current_user.locale)
    if form.validate_on_submit():
        try:
            password_changed = user_services.update_own_account(
                current_user,
                form.locale.data,
                form.current_password.data or "",
                form.new_password.data or "",
            )
        except user_services.AdminError as error:
            db.session.rollback()
            refuse(form, error.message, error.field, fallback="new_password")
        else:
            db.session.commit()
            session["locale"] = current_user.locale
            refresh()  # the confirmation already speaks the newly chosen language
            if password_changed:
                login_user(
                    current_user._get_current_object()
                )  # this session goes on; every other one has ended
                flash(_("Your password was changed."), "success")
            else:
                flash(_("Your language choice was saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)
