"""Pages of the impartiality records: each person's yearly declaration; for the admin (and, to
read, the committee and planners) the risk register, the committee's reviews, who has not signed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.access import STAFF, roles_required
from certification.accounts.models import Role, User
from certification.applications import uploads
from certification.extensions import db
from certification.forms_kit import refuse
from certification.i18n.local_time import body_today
from certification.impartiality import rules, services
from certification.impartiality.forms import (
    CommitteeReviewForm,
    DeclarationForm,
    PaperDeclarationForm,
    RiskForm,
)
from certification.impartiality.models import ImpartialityReview, ImpartialityRisk
from certification.organisations.models import Organisation

bp = Blueprint("impartiality", __name__, url_prefix="/impartiality")
READERS = (Role.ADMIN, Role.PLANNER, Role.COMMITTEE)


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def index():
    """My declaration for this year; the records for those who keep or read them."""
    today = body_today()
    form = DeclarationForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.sign_declaration(
                current_user, current_user, today.year, form.interests.data, today
            )
        except services.ImpartialityError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your declaration for %(year)d is recorded.", year=today.year), "success")
            return redirect(url_for("impartiality.index"))
    reader = current_user.role in READERS
    signed, missing = services.declarations_overview(today.year) if reader else ([], [])
    last_review = services.last_committee_review() if reader else None
    return render_template(
        "impartiality/index.html",
        form=form,
        year=today.year,
        mine=services.declaration_of(current_user.id, today.year),
        statement=services.declaration_text(),
        reader=reader,
        missing=missing,
        signed_count=len(signed),
        last_review=last_review,
        review_due=rules.committee_review_due(last_review.held_on if last_review else None, today),
        risks_overdue=services.open_risks_due(today) if reader else 0,
    ), (400 if form.errors else 200)


@bp.route("/declarations", methods=["GET", "POST"])
@roles_required(*READERS)
def declarations():
    today = body_today()
    signed, missing = services.declarations_overview(today.year)
    form = PaperDeclarationForm()
    form.person_id.choices = [(p.id, p.name) for p in missing]
    if request.method == "POST":
        if current_user.role != Role.ADMIN:
            abort(403)
        if form.validate_on_submit():
            try:
                person = db.get_or_404(User, form.person_id.data)
                services.sign_declaration(
                    current_user, person, today.year, form.interests.data, today
                )
            except services.ImpartialityError as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                db.session.commit()
                flash(_("The signed paper declaration is recorded."), "success")
                return redirect(url_for("impartiality.declarations"))
    return render_template(
        "impartiality/declarations.html", year=today.year, signed=signed, missing=missing, form=form
    )


def _risk_form(**kw) -> RiskForm:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.legal_name)).all()
    people = db.session.scalars(
        select(User).where(User.role != Role.CLIENT.value).order_by(User.name)
    ).all()
    return RiskForm(**kw).with_choices(organisations, people)


@bp.route("/risks", methods=["GET", "POST"])
@roles_required(*READERS)
def risks():
    today = body_today()
    form = _risk_form()
    if request.method == "POST":
        if current_user.role != Role.ADMIN:
            abort(403)
        if form.validate_on_submit() and (saved := _saved(form, today)):
            flash(_("The risk is recorded in the register."), "success")
            return redirect(url_for("impartiality.risks", new=saved.id, _anchor=f"risk-{saved.id}"))
    rows = db.session.scalars(
        select(ImpartialityRisk)
        .options(selectinload(ImpartialityRisk.organisation), selectinload(ImpartialityRisk.person))
        .order_by(ImpartialityRisk.closed_on.is_not(None), ImpartialityRisk.review_on)
    ).all()
    badges = {r.id: rules.review_badge(r.review_on, r.closed_on is not None, today) for r in rows}
    return render_template(
        "impartiality/risks.html",
        risks=rows,
        badges=badges,
        form=form,
        may_edit=current_user.role == Role.ADMIN,
        new=listing.number(request.args, "new"),  # the risk just recorded: shown marked
    ), (400 if form.errors else 200)


def _saved(form: RiskForm, today: date, risk=None):
    """The risk saved (committed), or None with the refusal on the form."""
    values = {name: field.data for name, field in form._fields.items()}
    try:
        risk = services.save_risk(current_user, values, today, risk)
    except services.ImpartialityError as error:
        db.session.rollback()
        refuse(form, error.message, error.field, fallback="description")
        return None
    db.session.commit()
    return risk


@bp.route("/risks/<int:risk_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def risk(risk_id: int):
    entry = db.get_or_404(ImpartialityRisk, risk_id)
    form = _risk_form(obj=entry) if request.method == "GET" else _risk_form()
    if request.method == "GET":
        form.organisation_id.data = entry.organisation_id or 0
        form.person_id.data = entry.person_id or 0
    if request.method == "POST" and form.validate_on_submit() and _saved(form, body_today(), entry):
        flash(_("The register entry is updated."), "success")
        return redirect(url_for("impartiality.risks"))
    return render_template("impartiality/risk.html", risk=entry, form=form), (
        400 if form.errors else 200
    )


@bp.route("/reviews", methods=["GET", "POST"])
@roles_required(*READERS)
def reviews():
    form = CommitteeReviewForm()
    if request.method == "POST":
        if current_user.role != Role.ADMIN:
            abort(403)
        if form.validate_on_submit():
            minutes = form.minutes.data
            limit = uploads.max_bytes()
            files = (
                [uploads.Upload(minutes.filename or "", minutes.read(limit + 1))] if minutes else []
            )
            try:
                services.record_committee_review(
                    current_user,
                    form.held_on.data,
                    form.members.data,
                    form.conclusions.data,
                    [f for f in files if f.name or f.data],
                    body_today(),
                )
            except (services.ImpartialityError, uploads.UploadError) as error:
                db.session.rollback()
                form.minutes.errors = [*form.minutes.errors, error.message]
            else:
                db.session.commit()
                flash(_("The impartiality committee's review is recorded."), "success")
                return redirect(url_for("impartiality.reviews"))
    rows = db.session.scalars(
        select(ImpartialityReview).order_by(ImpartialityReview.held_on.desc())
    ).all()
    return render_template(
        "impartiality/reviews.html",
        reviews=rows,
        form=form,
        may_edit=current_user.role == Role.ADMIN,
    ), (400 if form.errors else 200)


@bp.route("/reviews/<int:review_id>/minutes")
@roles_required(*READERS)
def minutes(review_id: int):
    row = db.get_or_404(ImpartialityReview, review_id)
    return send_file(
        uploads.stored_path(row.minutes_stored),
        mimetype=uploads.CONTENT_TYPES.get(
            uploads.extension(row.minutes_name), "application/octet-stream"
        ),
        as_attachment=True,
        download_name=row.minutes_name,
    )
