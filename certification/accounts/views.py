"""Signing in and out, the language choice, each user's own account, and each role's home."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from certification.accounts.forms import AccountForm, LanguageForm, LoginForm
from certification.accounts.models import User
from certification.admin import services as user_services
from certification.extensions import db
from certification.models_base import utcnow

bp = Blueprint("accounts", __name__)


@bp.route("/")
def home():
    """Everyone lands on the home page of their role (certification/home)."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for("home.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.check_password(form.password.data) or not user.active:
            flash(_("Email or password is not right."), "error")
        else:
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            target = request.args.get("next", "")
            # Only same-site paths: never redirect to another host after login.
            if not target.startswith("/") or urlsplit(target).netloc or target.startswith("//"):
                target = url_for("accounts.home")
            return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
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
            field = getattr(form, error.field or "", form.new_password)
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            session["locale"] = current_user.locale
            refresh()  # the confirmation already speaks the newly chosen language
            if password_changed:
                flash(_("Your password was changed."), "success")
            else:
                flash(_("Your language choice was saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)
