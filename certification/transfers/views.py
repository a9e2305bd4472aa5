"""Pages of transfers: the application (a planner for an organisation, or the client in the
portal), the list, a transfer's page with the pre-transfer review and the committee's decision."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.access import STAFF, get_visible_or_404, roles_required
from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.applications import schemes, uploads
from certification.decisions.services import DECIDERS
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.organisations.models import Organisation
from certification.programme.models import AuditKind
from certification.templating import register_panel
from certification.transfers import rules, services
from certification.transfers.access import can_view_transfer
from certification.transfers.forms import (
    ReviewForm,
    TransferDecisionForm,
    TransferForm,
    WithdrawTransferForm,
)
from certification.transfers.models import Transfer

bp = Blueprint("transfers", __name__, url_prefix="/transfers")


@bp.route("/")
@roles_required(*STAFF)
def index():
    page, chosen = listing.newest_first_page(
        select(Transfer).options(selectinload(Transfer.organisation)),
        Transfer,
        Transfer.received_on,
        (Transfer.certificate_number,),
        request.args,
        get_locale(),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("transfers/index.html", page=page, listing=chosen)


@bp.route("/new/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def new(organisation_id: int):
    return _apply(db.get_or_404(Organisation, organisation_id))


@bp.route("/apply", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def apply():
    return _apply(current_user.organisation)


def _apply(organisation):
    form = TransferForm().with_choices(organisation)
    if form.validate_on_submit():
        transfer = _submit(form, organisation)
        if transfer is not None:
            db.session.commit()
            flash(_("The transfer application was received."), "success")
            return redirect(url_for("transfers.detail", transfer_id=transfer.id))
    status = 400 if request.method == "POST" else 200
    return render_template("transfers/new.html", form=form, organisation=organisation), status


def _submit(form: TransferForm, organisation):
    scheme, edition = schemes.parse_choice(form.scheme.data)
    limit = uploads.max_bytes()
    files = [uploads.Upload(f.filename or "", f.read(limit + 1)) for f in form.documents.data or []]
    other = services.OtherCertificate(
        **{
            name: getattr(form, name).data
            for name in services.OtherCertificate.__dataclass_fields__
        }
    )
    try:
        return services.apply_for_transfer(
            current_user,
            organisation,
            other,
            scheme=scheme,
            edition=edition,
            scope=form.scope.data,
            site_ids=form.sites.data,
            files=[f for f in files if f.name or f.data],
            today=body_today(),
        )
    except (services.TransferError, services.applications.ApplicationError) as error:
        db.session.rollback()
        _show(form, error.field, error.message)
    except uploads.UploadError as error:
        db.session.rollback()
        _show(form, "documents", error.message)
    return None


def _show(form, field: str | None, message: str) -> None:
    target = getattr(form, field or "", None)
    (target.errors if target is not None else form.form_errors).append(message)


@bp.route("/<int:transfer_id>")
@login_required
def detail(transfer_id: int):
    return render_detail(get_visible_or_404(Transfer, transfer_id, can_view_transfer))


def render_detail(transfer: Transfer, review_form=None, decision_form=None, status: int = 200):
    staff = current_user.role != Role.CLIENT
    may_decide = current_user.role in DECIDERS and transfer.state == "reviewed"
    page = render_template(
        "transfers/detail.html",
        transfer=transfer,
        body_name={b.code: b.name for b in rules.mla_signatories()}.get(
            transfer.accreditation_body, transfer.accreditation_body
        ),
        next_audit=AuditKind(rules.next_audit(transfer.last_audit_kind)).label,
        review_form=review_form or ReviewForm(formdata=None).with_choices(),
        decision_form=decision_form or TransferDecisionForm(formdata=None).with_choices(),
        withdraw_form=WithdrawTransferForm(formdata=None),
        may_review=staff
        and current_user.role in rules.REVIEWER_ROLES
        and transfer.state == "received",
        may_decide=may_decide,
        not_decider=services.decider_refusal(current_user, transfer, body_today())
        if may_decide
        else None,
        may_withdraw=current_user.role in (Role.CLIENT, Role.ADMIN, Role.PLANNER)
        and transfer.state in ("received", "reviewed"),
        timeline=_timeline(transfer) if staff else [],
    )
    return page, status


def _timeline(transfer: Transfer):
    return db.session.scalars(
        select(ActivityLog)
        .where(ActivityLog.subject_type == "Transfer", ActivityLog.subject_id == transfer.id)
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
    ).all()


@bp.route("/<int:transfer_id>/review", methods=["POST"])
@roles_required(*(Role(r) for r in rules.REVIEWER_ROLES))
def review(transfer_id: int):
    transfer = db.get_or_404(Transfer, transfer_id)
    form = ReviewForm().with_choices()
    if not form.validate_on_submit():
        return render_detail(transfer, review_form=form, status=400)
    values = {name: field.data for name, field in form._fields.items()}
    values["recommended"] = form.recommended.data == "yes"
    try:
        services.review_transfer(current_user, transfer, values, body_today())
    except services.TransferError as error:
        db.session.rollback()
        _show(form, error.field, error.message)
        return render_detail(transfer, review_form=form, status=400)
    db.session.commit()
    flash(_("The pre-transfer review is recorded; the committee decides next."), "success")
    return redirect(url_for("transfers.detail", transfer_id=transfer.id))


@bp.route("/<int:transfer_id>/decide", methods=["POST"])
@roles_required(*DECIDERS)
def decide(transfer_id: int):
    transfer = db.get_or_404(Transfer, transfer_id)
    form = TransferDecisionForm().with_choices()
    if not form.validate_on_submit():
        return render_detail(transfer, decision_form=form, status=400)
    try:
        services.decide_transfer(
            current_user,
            transfer,
            grant=form.outcome.data == "grant",
            reasons=form.reasons.data,
            today=body_today(),
        )
    except services.TransferError as error:
        db.session.rollback()
        _show(form, error.field or "outcome", error.message)
        return render_detail(transfer, decision_form=form, status=400)
    db.session.commit()
    flash(_("Decision recorded: %(state)s.", state=transfer.state_enum.label), "success")
    return redirect(url_for("transfers.detail", transfer_id=transfer.id))


@bp.route("/<int:transfer_id>/withdraw", methods=["POST"])
@roles_required(Role.CLIENT, Role.ADMIN, Role.PLANNER)
def withdraw(transfer_id: int):
    transfer = get_visible_or_404(Transfer, transfer_id, can_view_transfer)
    form = WithdrawTransferForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.withdraw_transfer(current_user, transfer, form.reason.data, body_today())
    except services.TransferError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The transfer was withdrawn."), "success")
    return redirect(url_for("transfers.detail", transfer_id=transfer.id))


# -- panels ---------------------------------------------------------------------------------------


def _transfers_of(organisation) -> list[Transfer]:
    return db.session.scalars(
        select(Transfer)
        .where(Transfer.organisation_id == organisation.id)
        .order_by(Transfer.id.desc())
    ).all()


def organisation_panel(organisation) -> str:
    if not current_user.is_authenticated or current_user.role == Role.CLIENT:
        return ""
    return render_template(
        "transfers/_panel.html",
        transfers=_transfers_of(organisation),
        new_url=url_for("transfers.new", organisation_id=organisation.id)
        if current_user.role in (Role.ADMIN, Role.PLANNER)
        else None,
    )


def portal_panel(organisation) -> str:
    return render_template(
        "transfers/_panel.html",
        transfers=_transfers_of(organisation),
        new_url=url_for("transfers.apply"),
    )


register_panel("organisation", organisation_panel)
register_panel("portal", portal_panel)
