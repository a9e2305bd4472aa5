"""Administration of the body's accreditations (admins only), and their mark images."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certification.access import roles_required
from certification.accounts.models import Role
from certification.accreditations import services
from certification.accreditations.forms import AccreditationForm
from certification.accreditations.iaf import sector_label
from certification.accreditations.models import Accreditation
from certification.applications.schemes import scheme_title
from certification.extensions import db

bp = Blueprint("accreditations", __name__, url_prefix="/admin/accreditations")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    return render_template(
        "accreditations/index.html",
        accreditations=services.accreditations(),
        scheme_name=lambda key: scheme_title(*key.split(":", 1)),
        sector_label=sector_label,
    )


@bp.route("/new", methods=["GET", "POST"], defaults={"accreditation_id": None})
@bp.route("/<int:accreditation_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(accreditation_id: int | None):
    accreditation = db.get_or_404(Accreditation, accreditation_id) if accreditation_id else None
    data = None if request.method == "POST" else AccreditationForm.initial(accreditation)
    form = AccreditationForm(data=data)
    if form.validate_on_submit():
        try:
            services.save_accreditation(current_user, accreditation, form.values(), form.upload())
        except services.AccreditationError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            (field.errors if field is not None else form.form_errors).append(error.message)
        else:
            db.session.commit()
            flash(_("The accreditation was saved."), "success")
            return redirect(url_for("accreditations.index"))
    status = 400 if form.errors else 200
    return render_template(
        "accreditations/edit.html", form=form, accreditation=accreditation
    ), status


@bp.route("/<int:accreditation_id>/mark")
@roles_required(Role.ADMIN)
def mark(accreditation_id: int):
    accreditation = db.get_or_404(Accreditation, accreditation_id)
    if not accreditation.mark_stored_name:
        return ("", 404)
    from certification.applications.uploads import stored_path

    return send_file(
        stored_path(accreditation.mark_stored_name), mimetype=accreditation.mark_content_type
    )
