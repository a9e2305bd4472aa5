"""HTTP views of the programme domain: the planner's list, a cycle, an audit, scheduling."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from certification import listing
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
from certification.i18n.local_time import body_today
from certification.programme import renewal, services, stages, team
from certification.programme.forms import CancelForm, PersonnelForm, RepeatForm, ScheduleForm
from certification.programme.models import Audit
from certification.workflow import AuditState

bp = Blueprint("programme", __name__, url_prefix="/programme")

SHOW = ("open", "overdue", "planned", "scheduled")


@bp.route("/")
@roles_required(*PLANNING, Role.COMMITTEE)
def index():
    show = request.args.get("show", "open")
    show = show if show in SHOW else "open"
    due = listing.days(request.args, "due")  # the planner's home: due within N days, or past
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    kept = {"show": "" if show == "open" else show, "due": due, "kind": kind}
    chosen = services.programme_listing(request.args, get_locale(), kept)
    page = services.open_audits_page(
        show,
        body_today(),
        request.args,
        current_app.config["PAGE_SIZE"],
        due_within=due,
        kinds=KINDS.get(kind),
        chosen=chosen,
    )
    return render_template(
        "programme/index.html",
        page=page,
        show=show,
        due=due,
        kind=kind,
        badges=services.due_badges(page.items, body_today()),
        listing=chosen,
        auditors=services.auditor_choices(),
    )


KINDS = {"surveillance": ("surveillance1", "surveillance2")}


@bp.route("/mine")
@roles_required(Role.AUDITOR)
def my_audits():
    include_done = request.args.get("all") == "1"
    state = request.args.get("state", "")
    state = state if state in MY_STATES else ""
    # the auditor's home: checklists under way, reports the committee returned
    where = [Audit.state == state] if state else []
    kept = {"all": "1" if include_done else "", "state": state}
    chosen = services.my_audits_listing(request.args, get_locale(), kept)
    page = services.my_audits_page(
        current_user, include_done, request.args, current_app.config["PAGE_SIZE"], where, chosen
    )
    badges = services.due_badges(page.items, body_today())
    return render_template(
        "programme/mine.html",
        page=page,
        include_done=include_done,
        state=state,
        badges=badges,
        listing=chosen,
    )


MY_STATES = (AuditState.IN_PROGRESS.value, AuditState.RETURNED.value)


@bp.route("/cycles/<int:cycle_id>")
@login_required
def cycle(cycle_id: int):
    return render_cycle(load_cycle(cycle_id))


def load_cycle(cycle_id: int):
    found = services.load_cycle(cycle_id)
    if found is None:
        abort(404)
    visible_or_404(can_view_cycle(current_user, found))
    return found


def render_cycle(found, repeat_forms: dict | None = None, status: int = 200):
    can_plan = can_plan_audit(current_user)
    repeatable = [k for k in stages.REPEATABLE if stages.repeat_problem(found, k) is None]
    forms = {kind: RepeatForm(formdata=None, prefix=kind) for kind in repeatable}
    page = render_template(
        "programme/cycle.html",
        cycle=found,
        visible={a.id for a in found.audits if can_view_audit(current_user, a)},
        badges=services.due_badges(found.audits, body_today()),
        can_plan=can_plan,
        repeat_forms=(forms | (repeat_forms or {})) if can_plan else {},
    )
    return page, status


@bp.route("/cycles/<int:cycle_id>/repeat/<any(stage1, stage2):kind>", methods=["POST"])
@roles_required(*PLANNING)
def repeat(cycle_id: int, kind: str):
    """Another stage 1 (not ready, or past its validity) or stage 2 (17021-1 9.3.1, 9.5.3.2)."""
    found = load_cycle(cycle_id)
    form = RepeatForm(prefix=kind)
    if not form.validate_on_submit():
        return render_cycle(found, {kind: form}, status=400)
    try:
        stages.repeat_stage(current_user, found, kind, form.reason.data, body_today())
    except stages.StageError as error:
        db.session.rollback()
        form.reason.errors.append(error.message)
        return render_cycle(load_cycle(cycle_id), {kind: form}, status=400)
    db.session.commit()
    flash(_("Another audit of this stage is in the programme."), "success")
    return redirect(url_for("programme.cycle", cycle_id=cycle_id))


def load_visible(audit_id: int) -> Audit:
    return get_visible_or_404(Audit, audit_id, can_view_audit)


@bp.route("/audits/<int:audit_id>")
@login_required
def audit(audit_id: int):
    return render_audit(load_visible(audit_id))


def render_audit(audit: Audit, cancel_form=None, status: int = 200, personnel_form=None):
    declared = audit.declared_personnel
    page = render_template(
        "programme/audit.html",
        audit=audit,
        badges=services.due_badges([audit], body_today()),
        can_plan=can_plan_audit(current_user, audit),
        is_client=current_user.role == Role.CLIENT,
        timeline=services.audit_timeline(audit) if current_user.is_staff else [],
        cancel_form=cancel_form or CancelForm(formdata=None),
        personnel_form=personnel_form or PersonnelForm(formdata=None, personnel=declared),
        stage1_warning=stages.stage1_warning(audit, audit.start_date),
        earliest_start=services.earliest_start(audit),
    )
    return page, status


@bp.route("/audits/<int:audit_id>/personnel", methods=["POST"])
@roles_required(*PLANNING)
def declare_personnel(audit_id: int):
    """Renewal: the client's declared personnel sets the recertification audit time (MD 5)."""
    audit = load_visible(audit_id)
    form = PersonnelForm()
    if not form.validate_on_submit():
        return render_audit(audit, personnel_form=form, status=400)
    try:
        renewal.declare_personnel(current_user, audit, form.personnel.data, body_today())
    except renewal.RenewalError as error:
        db.session.rollback()
        form.personnel.errors.append(error.message)
        return render_audit(audit, personnel_form=form, status=400)
    db.session.commit()
    flash(_("The declared personnel was recorded and the audit time computed again."), "success")
    return redirect(url_for("programme.audit", audit_id=audit.id))


@bp.route("/audits/<int:audit_id>/schedule", methods=["GET", "POST"])
@roles_required(*PLANNING)
def schedule(audit_id: int):
    audit = load_visible(audit_id)
    data = None if request.method == "POST" else ScheduleForm.initial(audit, request.args)
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
                today=body_today(),
                late_reason=form.late_reason.data or "",
            )
        except services.ProgrammeError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The audit was scheduled."), "success")
            return redirect(url_for("programme.audit", audit_id=audit.id))
    status = 400 if form.errors else 200
    page = render_template(
        "programme/schedule.html",
        form=form,
        audit=audit,
        candidates=team.team_overview(audit, form.start.data, form.end.data),
        stage1_warning=stages.stage1_warning(audit, form.start.data),
        earliest_start=services.earliest_start(audit),
    )
    return page, status


def show_refusal(form: ScheduleForm, error: services.ProgrammeError) -> None:
    """Each refused person's message lands by their override field; others by their field."""
    refusals = getattr(error, "refusals", {})
    for user_id, message in refusals.items():
        field = form.reason_field(user_id)
        (field.errors if field is not None else form.form_errors).append(message)
    if refusals:
        form.form_errors.append(
            _("Some people cannot be put on this team as chosen; the reason is by each of them.")
        )
        return
    # "team" is the team as a whole (not one field of the form): shown above the form.
    own_fields = ("start", "end", "lead_id", "late_reason")
    field = getattr(form, error.field, None) if error.field in own_fields else None
    (field.errors if field is not None else form.form_errors).append(error.message)


@bp.route("/audits/<int:audit_id>/cancel", methods=["POST"])
@roles_required(*PLANNING)
def cancel(audit_id: int):
    audit = load_visible(audit_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_audit(audit, cancel_form=form, status=400)
    try:
        services.cancel_audit(current_user, audit, form.reason.data, today=body_today())
    except services.ProgrammeError as error:
        db.session.rollback()
        form.reason.errors.append(error.message)
        return render_audit(audit, cancel_form=form, status=400)
    db.session.commit()
    flash(_("The audit was cancelled."), "success")
    return redirect(url_for("programme.audit", audit_id=audit.id))
