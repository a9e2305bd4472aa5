"""HTTP views of the programme domain: the planner's list, a cycle, an audit, scheduling."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from certification.access import (
    PLANNING,
    can_plan_audit,
    can_view_audit,
    can_view_cycle,
    get_visible_or_404,
    roles_required,
    visible_or_404,
)
from certification.accounts.models import Role
from certification.extensions import db
from certification.programme import services
from certification.programme.forms import CancelForm, ScheduleForm
from certification.programme.models import Audit

bp = Blueprint("programme", __name__, url_prefix="/programme")

SHOW = ("open", "overdue", "planned", "scheduled")


@bp.route("/")
@roles_required(*PLANNING, Role.COMMITTEE)
def index():
    show = request.args.get("show", "open")
    show = show if show in SHOW else "open"
    page = services.open_audits_page(
        show, date.today(), request.args, current_app.config["PAGE_SIZE"]
    )
    badges = services.due_badges(page.items, date.today())
    return render_template("programme/index.html", page=page, show=show, badges=badges)


@bp.route("/mine")
@roles_required(Role.AUDITOR)
def my_audits():
    include_done = request.args.get("all") == "1"
    page = services.my_audits_page(
        current_user, include_done, request.args, current_app.config["PAGE_SIZE"]
    )
    badges = services.due_badges(page.items, date.today())
    return render_template(
        "programme/mine.html", page=page, include_done=include_done, badges=badges
    )


@bp.route("/cycles/<int:cycle_id>")
@login_required
def cycle(cycle_id: int):
    found = services.load_cycle(cycle_id)
    if found is None:
        abort(404)
    visible_or_404(can_view_cycle(current_user, found))
    return render_template(
        "programme/cycle.html",
        cycle=found,
        visible={a.id for a in found.audits if can_view_audit(current_user, a)},
        badges=services.due_badges(found.audits, date.today()),
        can_plan=can_plan_audit(current_user),
    )


def load_visible(audit_id: int) -> Audit:
    return get_visible_or_404(Audit, audit_id, can_view_audit)


@bp.route("/audits/<int:audit_id>")
@login_required
def audit(audit_id: int):
    return render_audit(load_visible(audit_id))


def render_audit(audit: Audit, cancel_form=None, status: int = 200):
    page = render_template(
        "programme/audit.html",
        audit=audit,
        badges=services.due_badges([audit], date.today()),
        can_plan=can_plan_audit(current_user, audit),
        is_client=current_user.role == Role.CLIENT,
        timeline=services.audit_timeline(audit) if current_user.is_staff else [],
        cancel_form=cancel_form or CancelForm(formdata=None),
    )
    return page, status


@bp.route("/audits/<int:audit_id>/schedule", methods=["GET", "POST"])
@roles_required(*PLANNING)
def schedule(audit_id: int):
    audit = load_visible(audit_id)
    data = None if request.method == "POST" else ScheduleForm.initial(audit)
    form = ScheduleForm(data=data).with_people(services.auditor_choices())
    if form.validate_on_submit():
        try:
            services.schedule_audit(
                current_user,
                audit,
                form.start.data,
                form.end.data,
                form.lead_id.data,
                form.team(),
                form.overrides(),
                today=date.today(),
            )
        except services.ProgrammeError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The audit was scheduled."), "success")
            return redirect(url_for("programme.audit", audit_id=audit.id))
    status = 400 if form.errors else 200
    return render_template("programme/schedule.html", form=form, audit=audit), status


def show_refusal(form: ScheduleForm, error: services.ProgrammeError) -> None:
    """Each refused person's message lands by their override field; others by their field."""
    refusals = getattr(error, "refusals", {})
    for user_id, message in refusals.items():
        field = form.reason_field(user_id)
        (field.errors if field is not None else form.form_errors).append(message)
    if refusals:
        form.form_errors.append(
            _("Some people cannot be put on this team without a written reason; see below.")
        )
        return
    field = getattr(form, error.field or "", None)
    (field.errors if field is not None else form.form_errors).append(error.message)


@bp.route("/audits/<int:audit_id>/cancel", methods=["POST"])
@roles_required(*PLANNING)
def cancel(audit_id: int):
    audit = load_visible(audit_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_audit(audit, cancel_form=form, status=400)
    try:
        services.cancel_audit(current_user, audit, form.reason.data, today=date.today())
    except services.ProgrammeError as error:
        db.session.rollback()
        form.reason.errors.append(error.message)
        return render_audit(audit, cancel_form=form, status=400)
    db.session.commit()
    flash(_("The audit was cancelled."), "success")
    return redirect(url_for("programme.audit", audit_id=audit.id))
