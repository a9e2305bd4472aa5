"""HTTP views of audit plans: prepare, edit, send; the client confirms or asks for a change."""

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
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from certification.access import (
    can_answer_plan,
    can_prepare_plan,
    can_view_audit,
    can_view_plan,
    get_visible_or_404,
)
from certification.accounts.models import Role
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.plans import services
from certification.plans.forms import ChangeRequestForm, PlanForm
from certification.plans.labels import ITEM_LABELS
from certification.plans.models import AuditPlan
from certification.plans.notices import plan_sent
from certification.plans.pdf import render_plan_pdf
from certification.plans.rules import missing_items
from certification.programme.models import Audit
from certification.templating import register_panel
from certification.workflow import PlanState

bp = Blueprint("plans", __name__)


def load_plan(plan_id: int) -> AuditPlan:
    return get_visible_or_404(AuditPlan, plan_id, can_view_plan)


def load_audit(audit_id: int) -> Audit:
    return get_visible_or_404(Audit, audit_id, can_view_audit)


@bp.route("/audits/<int:audit_id>/plan")
@login_required
def for_audit(audit_id: int):
    """The newest plan this reader may see, else (for those who prepare it) the way to start."""
    audit = load_audit(audit_id)
    visible = [p for p in services.plans_of(audit) if can_view_plan(current_user, p)]
    if visible:
        return redirect(url_for("plans.detail", plan_id=visible[0].id))
    if not can_prepare_plan(current_user, audit):
        abort(404)
    return render_template("plans/none.html", audit=audit)


@bp.route("/audits/<int:audit_id>/plan", methods=["POST"])
@login_required
def prepare(audit_id: int):
    audit = load_audit(audit_id)
    if not can_prepare_plan(current_user, audit):
        abort(403)
    try:
        plan = services.prepare_plan(current_user, audit, body_today())
    except services.PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("programme.audit", audit_id=audit.id))
    db.session.commit()
    flash(_("The audit plan was prepared. Check it, then send it to the client."), "success")
    return redirect(url_for("plans.edit", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>")
@login_required
def detail(plan_id: int):
    return render_plan(load_plan(plan_id))


def render_plan(plan: AuditPlan, change_form=None, status: int = 200):
    versions = [p for p in services.plans_of(plan.audit) if can_view_plan(current_user, p)]
    page = render_template(
        "plans/plan.html",
        plan=plan,
        audit=plan.audit,
        versions=versions,
        missing=[ITEM_LABELS[item] for item in missing_items(plan)],
        can_prepare=can_prepare_plan(current_user, plan.audit),
        can_answer=can_answer_plan(current_user, plan) and plan.state == PlanState.SENT,
        newest=versions[0].id == plan.id,
        change_form=change_form or ChangeRequestForm(formdata=None),
        history=_history(plan) if current_user.is_staff else [],
    )
    return page, status


def _history(plan: AuditPlan):
    from certification.activity.models import ActivityLog

    return db.session.scalars(
        select(ActivityLog)
        .where(ActivityLog.subject_type == "AuditPlan", ActivityLog.subject_id == plan.id)
        .order_by(ActivityLog.at, ActivityLog.id)
    ).all()


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    plan = load_plan(plan_id)
    if not can_prepare_plan(current_user, plan.audit):
        abort(403)
    if plan.state != PlanState.DRAFT:
        flash(_("A plan sent to the client is not edited: make a new version."), "error")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    form = PlanForm(data=None if request.method == "POST" else PlanForm.initial(plan))
    if form.validate_on_submit():
        try:
            services.update_plan(current_user, plan, form.values())
        except services.PlanError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            (field.errors if field is not None else form.form_errors).append(error.message)
        else:
            db.session.commit()
            flash(_("The plan was saved."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    status = 400 if form.errors else 200
    return render_template("plans/edit.html", form=form, plan=plan, audit=plan.audit), status


@bp.route("/plans/<int:plan_id>/<any(send, revise):step>", methods=["POST"])
@login_required
def staff_action(plan_id: int, step: str):
    plan = load_plan(plan_id)
    if not can_prepare_plan(current_user, plan.audit):
        abort(403)
    try:
        if step == "send":
            result = services.send_plan(current_user, plan, body_today())
        else:
            result = services.revise_plan(current_user, plan, body_today())
    except services.PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    db.session.commit()
    if step == "send":
        plan_sent.send(current_app._get_current_object(), plan=result)
        flash(_("The plan was sent to the client."), "success")
        return redirect(url_for("plans.detail", plan_id=result.id))
    flash(_("A new version of the plan was made. Change it, then send it."), "success")
    return redirect(url_for("plans.edit", plan_id=result.id))


@bp.route("/plans/<int:plan_id>/confirm", methods=["POST"])
@login_required
def confirm(plan_id: int):
    plan = load_plan(plan_id)
    if not can_answer_plan(current_user, plan):
        abort(403)
    try:
        services.confirm_plan(current_user, plan, body_today())
    except services.PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    db.session.commit()
    flash(_("Thank you: the audit plan is confirmed."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/change", methods=["POST"])
@login_required
def change(plan_id: int):
    plan = load_plan(plan_id)
    if not can_answer_plan(current_user, plan):
        abort(403)
    form = ChangeRequestForm()
    if not form.validate_on_submit():
        return render_plan(plan, change_form=form, status=400)
    try:
        services.request_change(current_user, plan, form.comment.data, body_today())
    except services.PlanError as error:
        db.session.rollback()
        form.comment.errors.append(error.message)
        return render_plan(plan, change_form=form, status=400)
    db.session.commit()
    flash(_("Your request was sent; the audit team will answer with a new version."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>.pdf")
@login_required
def pdf(plan_id: int):
    plan = load_plan(plan_id)
    with force_locale(plan.language):
        body = render_plan_pdf(
            plan, current_app.config["BODY_NAME"], current_app.config["BODY_ADDRESS"]
        )
    response = Response(body, mimetype="application/pdf")
    name = f"audit-plan-{plan.audit_id}-v{plan.version}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- panels ------------------------------------------------------------------------------------


def audit_panel(audit: Audit) -> str:
    """On the audit page: the plan's newest version and state, or the way to prepare it."""
    if not can_view_audit(current_user, audit):
        return ""
    visible = [p for p in services.plans_of(audit) if can_view_plan(current_user, p)]
    can_prepare = can_prepare_plan(current_user, audit) and audit.state in services.PLANNABLE
    if not visible and not can_prepare:
        return ""
    return render_template(
        "plans/_panel.html",
        audit=audit,
        plan=visible[0] if visible else None,
        can_prepare=can_prepare,
    )


def portal_panel(organisation) -> str:
    """On the client's home page: the plans waiting for its answer."""
    if current_user.role != Role.CLIENT:
        return ""
    waiting = db.session.scalars(
        select(AuditPlan)
        .where(
            AuditPlan.organisation_id == organisation.id,
            AuditPlan.state == PlanState.SENT.value,
        )
        .order_by(AuditPlan.start_date)
    ).all()
    return render_template("plans/_portal_panel.html", plans=waiting) if waiting else ""


register_panel("audit", audit_panel)
register_panel("portal", portal_panel)
