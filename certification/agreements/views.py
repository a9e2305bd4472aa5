"""HTTP views of the certification agreement and the marks: the client reads and accepts, the
admin publishes versions and uploads mark files."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from certification.access import roles_required
from certification.accounts.models import Role
from certification.agreements import services
from certification.agreements.models import MarkFile
from certification.agreements.pdf import render_agreement_pdf, render_mark_svg
from certification.edge import database_int
from certification.extensions import db
from certification.i18n.languages import LANGUAGES, language_of
from certification.i18n.local_time import body_today
from certification.templating import format_day, register_panel

bp = Blueprint("agreements", __name__)


def consent_from_request(version: int) -> services.Consent:
    """The version the client ticked, its address (request.remote_addr, ProxyFix behind a
    proxy) and the language it read the text in."""
    return services.Consent(version, request.remote_addr or "", language_of(get_locale()))


@bp.route("/portal/agreement")
@roles_required(Role.CLIENT)
def portal():
    organisation = current_user.organisation
    return render_template(
        "agreements/portal.html",
        organisation=organisation,
        version=services.current_version(),
        acceptance=services.acceptance_in_force(organisation.id),
        marks=services.mark_files() if may_use_marks(organisation.id) else None,
        language=language_of(get_locale()),
    )


@bp.route("/portal/agreement/accept", methods=["POST"])
@roles_required(Role.CLIENT)
def accept():
    organisation = current_user.organisation
    if request.form.get("agreement") != "yes":
        flash(_("Tick the box to accept the certification agreement."), "error")
        return redirect(url_for("agreements.portal"))
    version = request.form.get("version", type=database_int) or 0
    try:
        services.accept_agreement(
            current_user, organisation, consent_from_request(version), body_today()
        )
    except services.AgreementError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("agreements.portal"))
    db.session.commit()
    flash(_("Thank you: the certification agreement is accepted."), "success")
    return redirect(url_for("agreements.portal"))


@bp.route("/agreement.pdf")
@login_required
def pdf():
    """The current agreement with the rules for the marks: in the language asked for
    (?language=), else for a client in its organisation's preferred language, else in the
    reader's; its fixed parts in the same language (the catalogues)."""
    version = services.current_version()
    language = _agreement_language()
    with force_locale(language):
        body = render_agreement_pdf(version, language, current_app.config["BODY_NAME"])
    response = Response(body, mimetype="application/pdf")
    name = f"certification-agreement-v{version.version}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _agreement_language() -> str:
    asked = request.args.get("language", "")
    if asked in LANGUAGES:
        return asked
    if current_user.role == Role.CLIENT and current_user.organisation is not None:
        return language_of(current_user.organisation.preferred_language)
    return language_of(get_locale())


def may_use_marks(organisation_id: int) -> bool:
    """8.3: the marks are for certified clients: an active certificate."""
    from certification.certificates.models import Certificate

    return bool(
        db.session.scalar(
            select(Certificate.id)
            .where(Certificate.organisation_id == organisation_id, Certificate.state == "active")
            .limit(1)
        )
    )


def _check_marks_access() -> None:
    if current_user.role == Role.CLIENT and not may_use_marks(current_user.organisation_id):
        abort(403)


@bp.route("/marks/mark.svg")
@login_required
def mark_svg():
    _check_marks_access()
    response = Response(render_mark_svg(), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = 'attachment; filename="certification-mark.svg"'
    return response


@bp.route("/marks/<int:mark_id>")
@login_required
def mark_file(mark_id: int):
    _check_marks_access()
    mark = db.get_or_404(MarkFile, mark_id)
    from certification.applications.uploads import stored_path

    return send_file(
        stored_path(mark.stored_name),
        mimetype=mark.content_type,
        as_attachment=True,
        download_name=mark.original_name,
    )


# -- administration ----------------------------------------------------------------------------


@bp.route("/admin/agreement", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin():
    version = services.current_version()
    if request.method == "POST":
        texts = {code: request.form.get(f"text_{code}", "") for code in LANGUAGES}
        rules = {code: request.form.get(f"rules_{code}", "") for code in LANGUAGES}
        try:
            published = services.publish_version(current_user, texts, rules)
        except services.AgreementError as error:
            db.session.rollback()
            flash(error.message, "error")
            return _admin_page(version, texts, rules), 400
        db.session.commit()
        flash(_("Version %(version)d was published.", version=published.version), "success")
        return redirect(url_for("agreements.admin"))
    return _admin_page(version, version.texts, version.mark_rules)


def _admin_page(version, texts, rules):
    return render_template(
        "agreements/admin.html",
        version=version,
        texts=texts,
        rules=rules,
        marks=services.mark_files(),
    )


@bp.route("/admin/marks", methods=["POST"])
@roles_required(Role.ADMIN)
def add_mark():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file."), "error")
        return redirect(url_for("agreements.admin"))
    from certification.applications.uploads import Upload

    try:
        services.add_mark_file(current_user, Upload(upload.filename, upload.read()))
    except services.AgreementError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("agreements.admin"))
    db.session.commit()
    flash(_("The mark file was added."), "success")
    return redirect(url_for("agreements.admin"))


@bp.route("/admin/marks/<int:mark_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_mark(mark_id: int):
    services.remove_mark_file(current_user, db.get_or_404(MarkFile, mark_id))
    db.session.commit()
    flash(_("The mark file was removed."), "success")
    return redirect(url_for("agreements.admin"))


def portal_panel(organisation) -> str:
    if current_user.role != Role.CLIENT:
        return ""
    return render_template(
        "agreements/_portal_panel.html",
        acceptance=services.acceptance_in_force(organisation.id),
    )


register_panel("portal", portal_panel)


@bp.app_template_global()
def agreement_to_accept(organisation_id: int):
    """The version a client must accept with its first quote, or None when one is in force."""
    return None if services.in_force(organisation_id) else services.current_version()


@bp.app_template_global()
def agreement_status(organisation) -> Markup:
    """For the committee: which version the client accepted, who, when and from where."""
    found = services.acceptance_in_force(organisation.id)
    if found is None:
        return Markup('<strong class="error">{}</strong>').format(
            _("None in force: no grant until the client accepts it (ISO/IEC 17021-1 5.1.2).")
        )
    return Markup("{}").format(
        _(
            "Version %(version)d, accepted by %(name)s on %(date)s from %(address)s",
            version=found.version.version,
            name=found.accepted_by.name,
            date=format_day(found.accepted_at.date()),
            address=found.address or "—",
        )
    )
