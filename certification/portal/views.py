"""The client portal: where the organisation stands, applying, and withdrawing an application."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from certification.access import (
    can_view_application,
    can_withdraw_application,
    get_visible_or_404,
    roles_required,
)
from certification.accounts.models import Role
from certification.applications import services
from certification.applications.forms import ApplicationForm, WithdrawForm
from certification.applications.models import Application, Document
from certification.applications.views import application_url, submit_from_form
from certification.extensions import db
from certification.programme.models import Audit, Cycle
from certification.quotes.models import Quote
from certification.submissions.forms import sent_before
from certification.workflow import ApplicationState, AuditState, QuoteState

bp = Blueprint("portal", __name__, url_prefix="/portal")

WITHDRAWABLE = (ApplicationState.SUBMITTED.value, ApplicationState.APPROVED.value)


@bp.route("/")
@roles_required(Role.CLIENT)
def index():
    organisation = current_user.organisation
    return render_template(
        "portal/index.html", organisation=organisation, **overview(organisation.id)
    )


def overview(organisation_id: int) -> dict:
    """Everything a client sees on its home page, one query per list."""
    of_org = organisation_id
    applications = db.session.scalars(
        select(Application)
        .where(Application.organisation_id == of_org)
        .order_by(Application.id.desc())
    ).all()
    quotes = db.session.scalars(
        select(Quote)
        .where(Quote.organisation_id == of_org, Quote.state != QuoteState.DRAFT.value)
        .order_by(Quote.id.desc())
    ).all()
    audits = db.session.scalars(
        select(Audit)
        .join(Cycle, Audit.cycle_id == Cycle.id)
        .where(Audit.organisation_id == of_org, Audit.state != AuditState.CANCELLED.value)
        .order_by(Cycle.number, Audit.sequence, Audit.id)
    ).all()
    documents = db.session.scalars(
        select(Document).where(Document.organisation_id == of_org).order_by(Document.id.desc())
    ).all()
    return dict(applications=applications, quotes=quotes, audits=audits, documents=documents)


@bp.route("/apply", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def apply():
    organisation = current_user.organisation
    form = ApplicationForm().for_organisation(organisation)
    if form.validate_on_submit():
        if earlier := sent_before(form, "application", application_url):
            return earlier
        application = submit_from_form(form, organisation)
        if application is not None:
            db.session.commit()
            flash(_("Your application was sent. We will review it and answer you."), "success")
            return redirect(url_for("portal.application", application_id=application.id))
    return render_template("portal/apply.html", form=form, organisation=organisation)


@bp.route("/applications/<int:application_id>")
@roles_required(Role.CLIENT)
def application(application_id: int):
    own = _own_application(application_id)
    return _render_application(own, WithdrawForm())


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required(Role.CLIENT)
def withdraw(application_id: int):
    own = _own_application(application_id)
    if not can_withdraw_application(current_user, own):
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw_application(current_user, own, reason=form.reason.data)
        db.session.commit()
        flash(_("Your application was withdrawn."), "success")
        return redirect(url_for("portal.application", application_id=own.id))
    return _render_application(own, form)


def _own_application(application_id: int) -> Application:
    return get_visible_or_404(Application, application_id, can_view_application)


def _render_application(own: Application, form: WithdrawForm):
    return render_template(
        "portal/application.html",
        application=own,
        quotes=[q for q in own.quotes if q.state != QuoteState.DRAFT.value],
        withdraw_form=form,
        can_withdraw=own.state in WITHDRAWABLE and can_withdraw_application(current_user, own),
    )
