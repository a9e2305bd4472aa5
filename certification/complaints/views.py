"""Staff pages of complaints: the list and the overdue list, recording one received by phone or
letter, a complaint's page with its handling steps, its files; the client's pages."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from certification.access import get_visible_or_404, roles_required
from certification.accounts.models import Role, User
from certification.activity.models import ActivityLog
from certification.applications.uploads import safe_content_type
from certification.complaints import closing, handling, lists, rules, services, steps
from certification.complaints.access import (
    can_answer_as_client,
    can_list_complaints,
    can_manage_complaints,
    can_view_complaint,
)
from certification.complaints.forms import ClientFilingForm, ClientResponseForm, StaffFilingForm
from certification.complaints.models import Channel, Complaint, ComplaintAttachment
from certification.complaints.public_views import file_complaint, submit
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.settings import services as settings
from certification.workflow import ComplaintState

bp = Blueprint("complaints", __name__, url_prefix="/complaints")


@bp.route("/")
@login_required
def index():
    if not can_list_complaints(current_user):
        abort(403)
    chosen = lists.complaints_listing(request.args)
    page = lists.complaints_page(
        current_user, chosen, request.args, current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "complaints/index.html",
        page=page,
        listing=chosen,
        state=chosen.chosen["state"],
        states=list(ComplaintState),
        overdue={c.id for c in page.items if _overdue(c)},
        can_manage=can_manage_complaints(current_user),
    )


def _visible_query():
    query = select(Complaint).options(selectinload(Complaint.organisation))
    if current_user.role in rules.APPROVING_ROLES:
        return query
    mine = or_(
        Complaint.investigator_id == current_user.id, Complaint.approver_id == current_user.id
    )
    return query.where(mine)


def _overdue(complaint: Complaint) -> bool:
    return rules.is_overdue(
        complaint.state, complaint.acknowledge_by, complaint.answer_by, body_today()
    )


@bp.route("/due")
@login_required
def overdue():
    """What the body owes complainants: overdue first, then due today and soon."""
    if not can_list_complaints(current_user):
        abort(403)
    pending = db.session.scalars(
        _visible_query().where(Complaint.state.in_(rules.ANSWER_PENDING))
    ).all()
    found = rules.reminders(pending, body_today(), services.holidays())
    by_id = {c.id: c for c in pending}
    return render_template(
        "complaints/overdue.html", reminders=[(r, by_id[r.complaint_id]) for r in found]
    )


@bp.route("/record", methods=["GET", "POST"])
@login_required
def record():
    """Staff record a complaint that came by phone, e-mail, letter or in person."""
    if not can_manage_complaints(current_user):
        abort(403)
    form = StaffFilingForm().with_choices()
    if request.method == "GET":
        form.received_on.data = body_today()
        form.submission_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        complaint = file_complaint(
            form, form.channel.data, actor=current_user, received_on=form.received_on.data
        )
        if complaint is not None:
            flash(_("Complaint %(number)s recorded.", number=complaint.number), "success")
            return redirect(url_for("complaints.detail", complaint_id=complaint.id))
    return render_template("complaints/record.html", form=form)


@bp.route("/<int:complaint_id>")
@login_required
def detail(complaint_id: int):
    complaint = get_visible_or_404(Complaint, complaint_id, can_view_complaint)
    return render_detail(complaint)


def render_detail(complaint: Complaint, posted: tuple[str, object] | None = None, status=200):
    forms = steps.forms_for(complaint, current_user)
    if posted is not None:
        forms[posted[0]] = posted[1]
    page = render_template(
        "complaints/detail.html",
        complaint=complaint,
        forms=forms,
        show_identity=handling.can_see_identity(current_user, complaint),
        involved=[
            (db.session.get(User, user_id).name, why)
            for user_id, why in handling.involved_people(complaint).items()
        ],
        overdue=_overdue(complaint),
        timeline=complaint_timeline(complaint),
        reply_days_passed=rules.may_close_without_reply(
            complaint.answered_on,
            body_today(),
            int(settings.get("complaint_reply_days")),
            services.holidays(),
        ),
    )
    return page, status


def complaint_timeline(complaint: Complaint) -> list[ActivityLog]:
    return list(
        db.session.scalars(
            select(ActivityLog)
            .where(ActivityLog.subject_type == "Complaint", ActivityLog.subject_id == complaint.id)
            .options(selectinload(ActivityLog.actor))
            .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
        )
    )


@bp.route("/<int:complaint_id>/<step>", methods=["POST"])
@login_required
def step(complaint_id: int, step: str):
    complaint = get_visible_or_404(Complaint, complaint_id, can_view_complaint)
    if step not in steps.STEPS:
        abort(404)
    form = steps.posted_form(step, complaint)
    if not form.validate_on_submit():
        return render_detail(complaint, (step, form), status=400)
    try:
        steps.STEPS[step].run(current_user, complaint, form, body_today())
    except services.ComplaintError as error:
        db.session.rollback()
        target = getattr(form, error.field or "", None)
        (target.errors if target is not None else form.form_errors).append(error.message)
        return render_detail(complaint, (step, form), status=400)
    db.session.commit()
    flash(steps.STEPS[step].done, "success")
    return redirect(url_for("complaints.detail", complaint_id=complaint.id))


@bp.route("/<int:complaint_id>/files/<int:attachment_id>")
@login_required
def attachment(complaint_id: int, attachment_id: int):
    complaint = get_visible_or_404(Complaint, complaint_id, can_view_complaint)
    row = db.get_or_404(ComplaintAttachment, attachment_id)
    if row.complaint_id != complaint.id:
        abort(404)
    return send_file(
        services.attachment_path(row),
        mimetype=safe_content_type(row),
        as_attachment=True,
        download_name=row.original_name,
    )


# -- the client's side -------------------------------------------------------------------------


@bp.route("/client/new", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def client_new():
    """A client user complains about the body's work from the portal."""
    form = ClientFilingForm().with_choices()
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        limit = services.uploads.max_bytes()
        files = [
            services.uploads.Upload(f.filename or "", f.read(limit + 1))
            for f in form.attachments.data or []
        ]
        filing = services.filing_from_user(
            current_user,
            form.subject.data,
            form.description.data,
            form.category.data,
            [f for f in files if f.name or f.data],
            bool(form.identity_shared.data),
        )
        complaint = submit(
            form,
            filing,
            Channel.PORTAL.value,
            actor=current_user,
            complainant_organisation=current_user.organisation,
        )
        if complaint is not None:
            flash(_("Your complaint %(number)s was received.", number=complaint.number), "success")
            return redirect(url_for("complaints_public.track", complaint_token=complaint.token))
    return render_template("complaints/client_new.html", form=form)


@bp.route("/client/<int:complaint_id>", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def client_view(complaint_id: int):
    """A complaint about the client's organisation: it reads it and gives its say."""
    complaint = get_visible_or_404(Complaint, complaint_id, can_answer_as_client)
    form = ClientResponseForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            closing.client_respond(current_user, complaint, form.text.data, body_today())
        except services.ComplaintError as error:
            db.session.rollback()
            form.text.errors = [*form.text.errors, error.message]
        else:
            db.session.commit()
            flash(_("Your answer was sent to the body."), "success")
            return redirect(url_for("complaints.client_view", complaint_id=complaint.id))
    return render_template(
        "complaints/client_view.html",
        complaint=complaint,
        form=form,
        show_identity=complaint.identity_shared,
        may_respond=closing.client_may_respond(complaint),
    ), (400 if form.errors else 200)


# Registers the complaints panels on the portal, organisation, audit and programme pages.
from certification.complaints import panels  # noqa: E402, F401
