"""Pages of appeals: the client lodges one against a decision and follows it; staff see the
list, appoint the panel; a panel member records the panel's decision; the written answer."""

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.access import get_visible_or_404, roles_required
from certification.accounts.models import Role, User
from certification.activity.models import ActivityLog
from certification.appeals import rules, services
from certification.appeals.access import OVERSEEING, can_view_appeal
from certification.appeals.forms import (
    AppealDecisionForm,
    AppealForm,
    PanelForm,
    StayForm,
    WithdrawAppealForm,
)
from certification.appeals.models import Appeal, AppealAttachment
from certification.appeals.pdf import render_appeal_answer_pdf
from certification.applications import uploads
from certification.decisions.models import Decision
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.settings import services as settings
from certification.templating import register_panel
from certification.workflow import AppealState

bp = Blueprint("appeals", __name__, url_prefix="/appeals")


def can_lodge(user, decision: Decision) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.CLIENT
        and user.organisation_id == decision.organisation_id
    )


@bp.route("/")
@roles_required(*OVERSEEING)
def index():
    query = select(Appeal).options(selectinload(Appeal.organisation), selectinload(Appeal.decision))
    page, chosen = listing.newest_first_page(
        query,
        Appeal,
        Appeal.lodged_on,
        (Appeal.number,),
        request.args,
        get_locale(),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("appeals/index.html", page=page, listing=chosen)


@bp.route("/new/<int:decision_id>", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def new(decision_id: int):
    decision = get_visible_or_404(Decision, decision_id, can_lodge)
    refusal = services.lodging_refusal(decision, body_today())
    form = AppealForm()
    if refusal is None and form.validate_on_submit():
        limit = uploads.max_bytes()
        files = [
            uploads.Upload(f.filename or "", f.read(limit + 1)) for f in form.attachments.data or []
        ]
        try:
            appeal = services.lodge_appeal(
                current_user,
                decision,
                form.grounds.data,
                [f for f in files if f.name or f.data],
                body_today(),
            )
        except (services.AppealError, uploads.UploadError) as error:
            db.session.rollback()
            form.grounds.errors = [*form.grounds.errors, error.message]
        else:
            db.session.commit()
            flash(_("Your appeal %(number)s was lodged.", number=appeal.number), "success")
            return redirect(url_for("appeals.detail", appeal_id=appeal.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "appeals/new.html",
        decision=decision,
        form=form,
        refusal=refusal,
        deadline=rules.appeal_deadline(decision.decided_on, int(settings.get("appeal_days"))),
    ), status


@bp.route("/<int:appeal_id>")
@login_required
def detail(appeal_id: int):
    return render_detail(get_visible_or_404(Appeal, appeal_id, can_view_appeal))


def render_detail(
    appeal: Appeal, panel_form=None, decision_form=None, stay_form=None, status: int = 200
):
    staff = current_user.role != Role.CLIENT
    on_panel = current_user.id in {m.user_id for m in appeal.panel}
    page = render_template(
        "appeals/detail.html",
        appeal=appeal,
        panel_form=panel_form or _panel_form(formdata=None),
        decision_form=decision_form or AppealDecisionForm(formdata=None).with_choices(),
        withdraw_form=WithdrawAppealForm(formdata=None),
        stay_form=stay_form or StayForm(formdata=None),
        may_appoint=current_user.role in (Role.ADMIN, Role.PLANNER) and appeal.state == "lodged",
        may_decide=on_panel and appeal.state == "under_review",
        may_withdraw=current_user.role == Role.CLIENT
        and appeal.state in ("lodged", "under_review"),
        timeline=_timeline(appeal) if staff else [],
    )
    return page, status


def _panel_form(**kw) -> PanelForm:
    people = db.session.scalars(
        select(User)
        .where(User.role.in_(list(rules.PANEL_ROLES)), User.active.is_(True))
        .order_by(User.name)
    ).all()
    return PanelForm(**kw).with_choices(people)


def _timeline(appeal: Appeal):
    return db.session.scalars(
        select(ActivityLog)
        .where(ActivityLog.subject_type == "Appeal", ActivityLog.subject_id == appeal.id)
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
    ).all()


@bp.route("/<int:appeal_id>/panel", methods=["POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def panel(appeal_id: int):
    appeal = db.get_or_404(Appeal, appeal_id)
    form = _panel_form()
    if not form.validate_on_submit():
        return render_detail(appeal, panel_form=form, status=400)
    try:
        services.appoint_panel(current_user, appeal, form.members.data, body_today())
    except services.AppealError as error:
        db.session.rollback()
        form.members.errors = [*form.members.errors, error.message]
        return render_detail(appeal, panel_form=form, status=400)
    db.session.commit()
    flash(_("The appeal panel is appointed."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id))


@bp.route("/<int:appeal_id>/decide", methods=["POST"])
@login_required
def decide(appeal_id: int):
    appeal = get_visible_or_404(Appeal, appeal_id, can_view_appeal)
    if current_user.id not in {m.user_id for m in appeal.panel}:
        abort(403)
    form = AppealDecisionForm().with_choices()
    if not form.validate_on_submit():
        return render_detail(appeal, decision_form=form, status=400)
    try:
        services.decide_appeal(
            current_user,
            appeal,
            upheld=form.outcome.data == "upheld",
            reasons=form.reasons.data,
            answer=form.answer.data,
            band=form.band.data,
            today=body_today(),
        )
    except services.AppealError as error:
        db.session.rollback()
        target = getattr(form, error.field or "", None) or form.outcome
        target.errors = [*target.errors, error.message]
        return render_detail(appeal, decision_form=form, status=400)
    db.session.commit()
    flash(
        _("The panel's decision is recorded: %(state)s.", state=appeal.state_enum.label), "success"
    )
    return redirect(url_for("appeals.detail", appeal_id=appeal.id))


@bp.route("/<int:appeal_id>/stay", methods=["POST"])
@login_required
def stay(appeal_id: int):
    appeal = get_visible_or_404(Appeal, appeal_id, can_view_appeal)
    if current_user.id not in {m.user_id for m in appeal.panel}:
        abort(403)
    form = StayForm()
    if not form.validate_on_submit():
        return render_detail(appeal, stay_form=form, status=400)
    try:
        services.stay_decision(current_user, appeal, form.reason.data, body_today())
    except services.AppealError as error:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, error.message]
        return render_detail(appeal, stay_form=form, status=400)
    db.session.commit()
    flash(_("The decision is suspended while the appeal is reviewed."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id))


@bp.route("/<int:appeal_id>/withdraw", methods=["POST"])
@roles_required(Role.CLIENT)
def withdraw(appeal_id: int):
    appeal = get_visible_or_404(Appeal, appeal_id, can_view_appeal)
    if WithdrawAppealForm().validate_on_submit():
        try:
            services.withdraw_appeal(current_user, appeal, body_today())
        except services.AppealError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your appeal was withdrawn."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id))


@bp.route("/<int:appeal_id>/files/<int:attachment_id>")
@login_required
def attachment(appeal_id: int, attachment_id: int):
    appeal = get_visible_or_404(Appeal, appeal_id, can_view_appeal)
    row = db.get_or_404(AppealAttachment, attachment_id)
    if row.appeal_id != appeal.id:
        abort(404)
    return send_file(
        uploads.stored_path(row.stored_name),
        mimetype=uploads.CONTENT_TYPES.get(
            uploads.extension(row.original_name), "application/octet-stream"
        ),
        as_attachment=True,
        download_name=row.original_name,
    )


@bp.route("/<int:appeal_id>/answer.pdf")
@login_required
def answer_pdf(appeal_id: int):
    appeal = get_visible_or_404(Appeal, appeal_id, can_view_appeal)
    if appeal.state not in (AppealState.UPHELD.value, AppealState.REJECTED.value):
        abort(404)
    body = render_appeal_answer_pdf(
        appeal, current_app.config["BODY_NAME"], current_app.config["BODY_ADDRESS"]
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{appeal.number}.pdf"'},
    )


# -- panels on the portal and the organisation page ---------------------------------------------


def portal_panel(organisation) -> str:
    """The client's appeals, and the decisions it may still appeal (with the last day)."""
    appeals = db.session.scalars(
        select(Appeal).where(Appeal.organisation_id == organisation.id).order_by(Appeal.id.desc())
    ).all()
    open_to_appeal = services.open_to_appeal(organisation.id, body_today())
    if not appeals and not open_to_appeal:
        return ""
    return render_template(
        "appeals/_portal_panel.html", appeals=appeals, open_to_appeal=open_to_appeal
    )


def organisation_panel(organisation) -> str:
    if not current_user.is_authenticated or current_user.role not in OVERSEEING:
        return ""
    appeals = db.session.scalars(
        select(Appeal).where(Appeal.organisation_id == organisation.id).order_by(Appeal.id.desc())
    ).all()
    if not appeals:
        return ""
    return render_template("appeals/_organisation_panel.html", appeals=appeals)


register_panel("portal", portal_panel)
register_panel("organisation", organisation_panel)
