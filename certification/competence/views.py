"""Pages of the competence records (17021-1 7.1, 7.2): the admin's overview of everyone who
audits, reviews or decides, one person's record with its evidence and evaluations, and each
person's own record to read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certification.access import STAFF, roles_required
from certification.accounts.competence import ROLE_LABELS, ROLES_FOR_USER_ROLE, CompetenceRole
from certification.accounts.models import Role, User
from certification.admin.profiles import has_profile, scheme_ids
from certification.competence import queries, rules, services
from certification.competence.forms import (
    EditEvaluationForm,
    EvaluationForm,
    TrainingForm,
    WitnessForm,
)
from certification.competence.models import PerformanceEvaluation, TrainingRecord, WitnessedAudit
from certification.extensions import db
from certification.forms_kit import refuse
from certification.i18n.local_time import body_today
from certification.submissions.forms import made, sent_before
from certification.templating import register_panel

bp = Blueprint("competence", __name__, url_prefix="/competence")


def can_view_record(user, person: User) -> bool:
    """The admin keeps every record; each person reads their own."""
    return has_profile(person) and (user.role == Role.ADMIN or user.id == person.id)


@bp.route("/")
@roles_required(Role.ADMIN)
def overview():
    today, days = body_today(), queries.notice_days()
    role = request.args.get("role", "")
    role = role if role in {r.value for r in CompetenceRole} else ""
    scheme = request.args.get("scheme", "")
    scheme = scheme if scheme in dict(scheme_ids()) else ""
    status = request.args.get("status", "")
    status = status if status in queries.STATUSES else ""
    rows = [
        r for r in queries.people_standing(today, days) if queries.matches(r, role, scheme, status)
    ]
    return render_template(
        "competence/overview.html",
        rows=rows,
        role=role,
        scheme=scheme,
        status=status,
        roles=ROLE_LABELS,
        schemes=scheme_ids(),
        days=days,
        today=today,
    )


@bp.route("/people/<int:user_id>")
@roles_required(*STAFF)
def person(user_id: int):
    return _render_person(_person(user_id))


@bp.route("/people/<int:user_id>/training", methods=["POST"])
@roles_required(Role.ADMIN)
def add_training(user_id: int):
    person = _person(user_id)
    form = TrainingForm()
    if form.validate_on_submit():
        if earlier := sent_before(form, "training", lambda _id: _person_url(person.id)):
            return earlier
        try:
            made(services.add_training(current_user, person, form.details(), body_today()))
        except services.CompetenceError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The training was recorded."), "success")
            return redirect(_person_url(person.id))
    return _render_person(person, training_form=form), 400


@bp.route("/people/<int:user_id>/witnessed", methods=["POST"])
@roles_required(Role.ADMIN)
def add_witnessed(user_id: int):
    person = _person(user_id)
    form = WitnessForm()
    if form.validate_on_submit():
        if earlier := sent_before(form, "witnessed_audit", lambda _id: _person_url(person.id)):
            return earlier
        try:
            made(services.add_witnessed_audit(current_user, person, form.details(), body_today()))
        except services.CompetenceError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The witnessed audit was recorded."), "success")
            return redirect(_person_url(person.id))
    return _render_person(person, witness_form=form), 400


@bp.route("/people/<int:user_id>/evaluations", methods=["POST"])
@roles_required(Role.ADMIN)
def add_evaluation(user_id: int):
    person = _person(user_id)
    form = EvaluationForm().for_people(services.evaluators(), current_user.id)
    if form.validate_on_submit():
        try:
            services.record_evaluation(current_user, person, form.details(), body_today())
        except services.CompetenceError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The performance evaluation was recorded."), "success")
            return redirect(_person_url(person.id))
    return _render_person(person, evaluation_form=form), 400


@bp.route("/evaluations/<int:evaluation_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def edit_evaluation(evaluation_id: int):
    evaluation = db.get_or_404(PerformanceEvaluation, evaluation_id)
    form = EditEvaluationForm(prefix=f"e{evaluation.id}")
    if form.validate_on_submit():
        try:
            services.update_evaluation(current_user, evaluation, form.outcome.data, form.notes.data)
        except services.CompetenceError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The performance evaluation was corrected."), "success")
            return redirect(_person_url(evaluation.person_id))
    return _render_person(evaluation.person, edit_forms={evaluation.id: form}), 400


@bp.route("/training/<int:training_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_training(training_id: int):
    training = db.get_or_404(TrainingRecord, training_id)
    person_id = training.person_id
    services.remove_training(current_user, training)
    db.session.commit()
    flash(_("The training was removed."), "success")
    return redirect(_person_url(person_id))


@bp.route("/witnessed/<int:witnessed_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_witnessed(witnessed_id: int):
    witnessed = db.get_or_404(WitnessedAudit, witnessed_id)
    person_id = witnessed.person_id
    services.remove_witnessed_audit(current_user, witnessed)
    db.session.commit()
    flash(_("The witnessed audit was removed."), "success")
    return redirect(_person_url(person_id))


def _person(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    if not can_view_record(current_user, person):
        abort(404)
    return person


def _person_url(user_id: int) -> str:
    return url_for("competence.person", user_id=user_id)


def _refused(form, error: services.CompetenceError) -> None:
    """Put a refusal on the field it concerns; nothing of the attempt is kept."""
    db.session.rollback()
    refuse(form, error.message, error.field)


def _render_person(
    person: User, training_form=None, witness_form=None, evaluation_form=None, edit_forms=None
):
    today, days = body_today(), queries.notice_days()
    trainings, witnessed, evaluations = queries.evidence_of(person.id)
    last = max((e.evaluated_on for e in evaluations), default=None)
    edit_forms = {
        e.id: EditEvaluationForm(formdata=None, prefix=f"e{e.id}", outcome=e.outcome, notes=e.notes)
        for e in evaluations
    } | (edit_forms or {})
    return render_template(
        "competence/person.html",
        person=person,
        keeper=current_user.role == Role.ADMIN,
        qualifications=sorted(
            person.qualifications, key=lambda q: (q.role, q.scheme, q.sector_code.zfill(3))
        ),
        standing=rules.standing(person.qualifications, last, today, days),
        account_roles=ROLES_FOR_USER_ROLE.get(person.role, ()),
        scheme_titles=dict(scheme_ids()),
        trainings=trainings,
        witnessed=witnessed,
        evaluations=evaluations,
        training_form=training_form or TrainingForm(formdata=None),
        witness_form=witness_form or WitnessForm(formdata=None),
        evaluation_form=evaluation_form
        or EvaluationForm(formdata=None, evaluated_on=today).for_people(
            services.evaluators(), current_user.id
        ),
        edit_forms=edit_forms,
        days=days,
        today=today,
    )


# -- panels ------------------------------------------------------------------------------------


def home_panel(user) -> str:
    counts = queries.attention_counts(body_today(), queries.notice_days())
    return render_template("competence/_home_panel.html", counts=counts)


def account_panel(user) -> str:
    if not has_profile(user):
        return ""
    return render_template("competence/_account_panel.html", person=user)


register_panel("home_admin", home_panel)
register_panel("account", account_panel)
