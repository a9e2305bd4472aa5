"""HTTP views of the certificate's images on the admin's settings page: saving them, and the
stored image itself for the page's preview."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certification.access import roles_required
from certification.accounts.models import Role
from certification.admin import letterhead as service
from certification.admin.forms import LetterheadForm, SettingsForm
from certification.admin.settings_services import SettingsError
from certification.admin.views import settings_page
from certification.extensions import db
from certification.settings import services as settings

bp = Blueprint("letterhead", __name__, url_prefix="/admin/settings")


@bp.route("/letterhead", methods=["POST"])
@roles_required(Role.ADMIN)
def save():
    """The images on the certificates: the body's logo and the signature."""
    form = LetterheadForm()
    if form.validate_on_submit():
        uploads = {key: upload for key in settings.IMAGE_KEYS if (upload := form.upload(key))}
        removed = {key for key in settings.IMAGE_KEYS if getattr(form, f"remove_{key}").data}
        try:
            changed = service.save_letterhead(current_user, uploads, removed)
        except SettingsError as error:
            db.session.rollback()
            for key, message in error.errors.items():
                getattr(form, key).errors = [message]
        else:
            db.session.commit()
            message = _("The images were saved.") if changed else _("Nothing was changed.")
            flash(message, "success" if changed else "info")
            return redirect(url_for("admin.settings", _anchor="letterhead"))
    current = {key: settings.get(key) for key in settings.DEFAULTS}
    return settings_page(SettingsForm(formdata=None).fill(current), form, current)


@bp.route("/letterhead/<image_key>")
@roles_required(Role.ADMIN)
def image(image_key: str):
    """The stored image, for the preview on the settings page (admins only)."""
    found = service.stored_image(image_key)
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "private, no-store"
    return response
