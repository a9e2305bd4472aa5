"""HTTP views of the organisations domain: the client list, registering and editing a client,
and its page with sites, applications, programme, users and the timeline of what happened."""

from __future__ import annotations

from babel import Locale
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.access import (
    PLANNING,
    STAFF,
    can_manage_organisation,
    can_view_organisation,
    roles_required,
)
from certification.accounts.models import Role
from certification.activity import labels
from certification.applications.models import Application
from certification.extensions import db
from certification.forms_kit import refuse
from certification.organisations import services
from certification.organisations.forms import (
    BLANK_SITE_ROWS,
    NewOrganisationForm,
    OrganisationForm,
    site_rows,
)
from certification.organisations.models import Organisation
from certification.programme.models import Audit, Cycle
from certification.submissions.forms import made, sent_before

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
bp.record_once(lambda state: labels.register(state.app))


@bp.app_template_global()
def country_name(code: str) -> str:
    return services.country_name(code, str(get_locale() or "en"))


@bp.app_template_global()
def language_name(code: str) -> str:
    return Locale.parse(str(get_locale() or "en")).languages.get(code, code)


@bp.app_template_global()
def sector_name(code: str) -> str:
    name = services.IAF_SECTORS.get(code)
    return f"{code} · {name}" if name else code


@bp.route("/")
@roles_required(*STAFF)
def index():
    chosen = services.organisations_listing(request.args, get_locale())
    text = chosen.chosen["q"]
    page = services.find_organisations(
        text, request.args, current_app.config["PAGE_SIZE"], chosen=chosen
    )
    return render_template("organisations/index.html", page=page, q=text, listing=chosen)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PLANNING)
def new():
    form = NewOrganisationForm().with_choices()
    if form.is_submitted() and form.add_site.data:
        form.sites.append_entry()
    elif form.validate_on_submit():
        if earlier := sent_before(form, "organisation", _detail_url):
            return earlier
        organisation = _saved(
            form,
            lambda: made(
                services.register_organisation(
                    current_user, form.organisation_data(), form.sites_data(new=True)
                )
            ),
        )
        if organisation is not None:
            flash(_("%(name)s was registered.", name=organisation.legal_name), "success")
            return _after_save(organisation)
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNING)
def edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage_organisation(current_user, organisation):
        abort(403)
    if request.method == "GET":
        form = OrganisationForm(obj=organisation, sites=site_rows(organisation))
        for _row in range(BLANK_SITE_ROWS):
            form.sites.append_entry()
    else:
        form = OrganisationForm()
    form.with_choices()
    if form.is_submitted() and form.add_site.data:
        form.sites.append_entry()
    elif form.validate_on_submit():
        changes = _saved(
            form,
            lambda: services.update_organisation(
                current_user, organisation, form.organisation_data(), form.sites_data()
            ),
        )
        if changes is not None:
            flash(_("The changes were saved.") if changes else _("Nothing was changed."), "success")
            return _after_save(organisation)
    return render_template("organisations/form.html", form=form, organisation=organisation)


def _detail_url(organisation_id: int) -> str:
    return url_for("organisations.detail", organisation_id=organisation_id)


def _saved(form: OrganisationForm, save):
    """Run the service and commit; a refusal lands on the field it concerns, nothing is kept."""
    try:
        result = save()
    except services.OrganisationError as error:
        db.session.rollback()
        _add_error(form, error)
        return None
    db.session.commit()
    return result


def _add_error(form: OrganisationForm, error: services.OrganisationError) -> None:
    owner = form
    if error.site is not None and error.site < len(form.sites):
        owner = form.sites[error.site].form
    refuse(owner, error.message, error.field)


def _after_save(organisation: Organisation):
    if note := services.personnel_note(organisation):
        flash(note, "warning")
    return redirect(url_for("organisations.detail", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>")
@login_required
def detail(organisation_id: int):
    organisation = db.session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.sites), selectinload(Organisation.users))
    )
    if organisation is None:
        abort(404)
    if current_user.role == Role.CLIENT:
        # A client reads its own organisation in the portal; another's does not exist for it.
        if not can_view_organisation(current_user, organisation):
            abort(404)
        return redirect(url_for("portal.index"))
    if not can_view_organisation(current_user, organisation):
        abort(403)
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        can_manage=can_manage_organisation(current_user, organisation),
        personnel_note=services.personnel_note(organisation),
        **related(organisation),
    )


def related(organisation: Organisation) -> dict:
    """Applications with their quotes, programme cycles with their audits, and the timeline;
    a fixed number of queries however many there are."""
    applications = db.session.scalars(
        select(Application)
        .where(Application.organisation_id == organisation.id)
        .options(selectinload(Application.quotes))
        .order_by(Application.id.desc())
    ).all()
    cycles = db.session.scalars(
        select(Cycle)
        .where(Cycle.organisation_id == organisation.id)
        # The teams too: an auditor's links go only to the audits of its own teams (links.py).
        .options(selectinload(Cycle.audits).selectinload(Audit.team))
        .order_by(Cycle.number.desc(), Cycle.id.desc())
    ).all()
    return dict(
        applications=applications,
        cycles=cycles,
        timeline_page=services.timeline_page(organisation, request.args),
    )
