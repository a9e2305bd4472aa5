"""HTTP views of the decisions domain: the committee's queue, the file, deciding."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from certification.access import can_decide, roles_required
from certification.accounts.models import User
from certification.certificates import lifecycle
from certification.certificates.models import Certificate
from certification.certificates.rules import certificate_language
from certification.decisions import queue as queue_list
from certification.decisions import rules, services
from certification.decisions.forms import CertificateDecisionForm, DecisionForm
from certification.decisions.models import Decision, Outcome
from certification.extensions import db
from certification.findings.photos import photos_of
from certification.i18n.collation import sorted_by_name
from certification.i18n.local_time import body_today
from certification.organisations.services import timeline_page
from certification.programme import stages
from certification.programme.models import Audit
from certification.programme.services import auditor_choices
from certification.reports.models import Recommendation
from certification.reports.services import report_data
from certification.templating import register_panel
from certification.workflow import AuditState, CertificateState

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

DECIDERS = services.DECIDERS
# The queue shows the longest overdue first; the whole list is the certificates list's "flagged".
FOR_SUSPENSION_SHOWN = 25


@bp.route("/")
@roles_required(*DECIDERS)
def queue():
    chosen = queue_list.queue_listing(request.args, get_locale())
    page = queue_list.queue_page(
        services.queue_query(), chosen, request.args, current_app.config["PAGE_SIZE"]
    )
    audits = [row.Audit for row in page.items]
    reports = services.reports_by_audit(audits)
    today = body_today()
    waiting = {
        audit.id: services.days_waiting(reports.get(audit.id), audit, today) for audit in audits
    }
    return render_template(
        "decisions/queue.html",
        page=page,
        audits=audits,
        reports=reports,
        waiting=waiting,
        listing=chosen,
        auditors=auditor_choices(),
        overdue=lifecycle.overdue_audits(today, limit=FOR_SUSPENSION_SHOWN),
        overdue_count=lifecycle.overdue_audit_count(today),
        past_limit=lifecycle.suspensions_past_limit(today, limit=FOR_SUSPENSION_SHOWN),
        past_limit_count=lifecycle.suspensions_past_limit_count(today),
    )


@bp.route("/audits/<int:audit_id>")
@roles_required(*DECIDERS)
def file(audit_id: int):
    return render_file(db.get_or_404(Audit, audit_id))


def render_file(audit: Audit, form: DecisionForm | None = None, status: int = 200):
    today = body_today()
    data = report_data(audit)
    certificate = services.current_certificate(audit.organisation_id, audit.cycle.scheme)
    if form is None:
        scope = certificate.scope if certificate else audit.cycle.application.scope
        language = certificate_language(None, certificate, audit.organisation)
        form = DecisionForm(formdata=None, scope=scope, certificate_language=language)
    form.with_choices(rules.outcomes_for(audit.kind), co_member_choices())
    form.certificate_seen.data = str(certificate.id) if certificate else "0"
    stage1 = stages.latest_stage1(audit) if audit.kind == "stage2" else None
    decisions = services.previous_decisions(audit.organisation_id)
    page = render_template(
        "decisions/file.html",
        audit=audit,
        data=data,
        certificate=certificate,
        decisions=decisions,
        replaced=services.replaced_history(audit, decisions),
        timeline_page=timeline_page(audit.organisation, request.args),
        not_impartial=services.decider_reason(
            current_user, audit, audit.organisation, audit.cycle.scheme, today
        ),
        notes=services.file_notes(audit, certificate, today),
        stage1=stage1,
        late_audits=[a for a in services.relied_on(audit) if a.late_justification],
        stage1_data=report_data(stage1) if stage1 is not None else None,
        stage1_warning=stages.stage1_warning(audit, audit.start_date),
        open_for_decision=audit.state == AuditState.SUBMITTED,
        form=form,
        finding_photos=photos_of(data.findings),
    )
    return page, status


def co_member_choices() -> list[User]:
    query = (
        select(User)
        .where(User.role.in_([r.value for r in DECIDERS]), User.active.is_(True))
        .where(User.id != current_user.id)
        .order_by(User.id)
    )
    return sorted_by_name(db.session.scalars(query), lambda u: u.name, get_locale())


@bp.route("/audits/<int:audit_id>/decide", methods=["POST"])
@roles_required(*DECIDERS)
def decide(audit_id: int):
    audit = db.get_or_404(Audit, audit_id)
    reason = services.decider_reason(
        current_user, audit, audit.organisation, audit.cycle.scheme, body_today()
    )
    if reason is not None:
        return render_file(audit, status=403)
    form = DecisionForm().with_choices(rules.outcomes_for(audit.kind), co_member_choices())
    if not form.validate_on_submit():
        return render_file(audit, form, status=400)
    try:
        decision = services.decide(
            current_user,
            audit,
            outcome=form.outcome.data,
            reasons=form.reasons.data,
            scope=form.scope.data,
            certificate_language=form.certificate_language.data or "",
            today=body_today(),
            other_members=form.other_members(),
            certificate_seen=form.certificate_seen.data or "",
        )
    except services.DecisionError as error:
        db.session.rollback()
        if audit.state != AuditState.SUBMITTED:  # decided meanwhile: the file shows the decision
            flash(error.message, "error")
            return redirect(url_for("decisions.file", audit_id=audit.id))
        show_error(form, error)
        status = 403 if isinstance(error, services.NotImpartial) and not error.field else 400
        return render_file(audit, form, status=status)
    db.session.commit()
    flash(_("Decision recorded: %(outcome)s.", outcome=decision.outcome_enum.label), "success")
    return redirect(url_for("decisions.file", audit_id=audit.id))


def show_error(form, error: services.DecisionError) -> None:
    field = {"members": "co_member_id"}.get(error.field or "", error.field or "")
    target = getattr(form, field, None) if field else None
    (target.errors if target is not None else form.form_errors).append(error.message)


@bp.route("/certificates/<int:certificate_id>", methods=["POST"])
@roles_required(*DECIDERS)
def certificate_decision(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = CertificateDecisionForm()
    back = (
        url_for("certificates.detail", certificate_id=certificate.id, _anchor="decide")
        if form.back.data == "certificate"
        else url_for("organisations.detail", organisation_id=certificate.organisation_id)
    )
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(back)
    try:
        decision = services.decide_on_certificate(
            current_user,
            certificate,
            outcome=form.outcome.data,
            reasons=form.reasons.data,
            today=body_today(),
            limit=form.limit.data,
        )
    except services.DecisionError as error:  # not impartial, or a state that does not allow it
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("Decision recorded: %(outcome)s.", outcome=decision.outcome_enum.label), "success")
    return redirect(back)


# -- panels on other domains' pages -----------------------------------------------------------


def audit_panel(audit: Audit) -> str:
    """On the audit page: the committee's decision, and the way to the file for deciders."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return ""
    decisions = db.session.scalars(
        select(Decision).where(Decision.audit_id == audit.id).order_by(Decision.id)
    ).all()
    if not decisions and not (audit.state == AuditState.SUBMITTED and can_decide(current_user)):
        return ""
    return render_template(
        "decisions/_audit_panel.html",
        audit=audit,
        decisions=decisions,
        can_open=can_decide(current_user),
    )


def organisation_panel(organisation) -> str:
    """On the organisation page, for the committee: its decisions, and suspension or withdrawal
    of a certificate at the client's request."""
    if not can_decide(current_user):
        return ""
    live = (CertificateState.ACTIVE.value, CertificateState.SUSPENDED.value)
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.organisation_id == organisation.id, Certificate.state.in_(live))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ).all()
    return render_template(
        "decisions/_organisation_panel.html",
        organisation=organisation,
        decisions=services.previous_decisions(organisation.id),
        certificates=certificates,
        unavailable={
            c.id: services.unavailable_on_certificate(c, body_today()) for c in certificates
        },
        form=CertificateDecisionForm(formdata=None),
    )


register_panel("audit", audit_panel)
register_panel("organisation", organisation_panel)


def recommendation_label(value: str) -> str:
    try:
        return Recommendation(value).label
    except ValueError:
        return value


def outcome_label(value: str) -> str:
    try:
        return Outcome(value).label
    except ValueError:
        return value


@bp.app_context_processor
def decision_helpers() -> dict:
    return {"recommendation_label": recommendation_label, "outcome_label": outcome_label}
