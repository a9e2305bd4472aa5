"""Verbs of the competence records (17021-1 7.1, 7.2): the admin records the evidence behind a
person's competence (training, witnessed audits) and their yearly performance evaluation.

Services check the rule, change the objects, log, flush; they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certification.accounts.models import Role, User
from certification.activity.notes import Coded, log_note
from certification.activity.services import record
from certification.admin.profiles import has_profile
from certification.competence import rules
from certification.competence.models import (
    Outcome,
    PerformanceEvaluation,
    TrainingRecord,
    WitnessedAudit,
)
from certification.extensions import db

MAX_NAME = 200
MAX_REFERENCE = 300
MAX_NOTES = 2000


class CompetenceError(Exception):
    """A refused change, with the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class TrainingDetails:
    course: str
    provider: str
    completed_on: date | None
    notes: str = ""


@dataclass
class WitnessDetails:
    witness_name: str
    witnessed_on: date | None
    audit_reference: str
    outcome: str
    notes: str = ""


@dataclass
class EvaluationDetails:
    evaluated_on: date | None
    outcome: str
    notes: str = ""
    evaluator_id: int | None = None  # None: the admin recording it evaluated


def _check_admin(actor) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise CompetenceError(_("Only the administrator keeps the competence records."))


def _check_person(person: User) -> None:
    if not has_profile(person):
        raise CompetenceError(
            _("Only auditors, committee members and planners have a competence record.")
        )


def _text(value: str, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CompetenceError(_("This field is required."), field)
    if len(value) > limit:
        raise CompetenceError(
            ngettext(
                "Keep it under %(num)d character.", "Keep it under %(num)d characters.", limit
            ),
            field,
        )
    return value


def _past_day(day: date | None, field: str, today: date) -> date:
    if day is None:
        raise CompetenceError(_("Enter the date."), field)
    if day > today:
        raise CompetenceError(_("The date cannot be in the future."), field)
    return day


def _outcome(value: str) -> str:
    if value not in {o.value for o in Outcome}:
        raise CompetenceError(_("Choose the outcome."), "outcome")
    return value


# -- training --------------------------------------------------------------------------------


def add_training(actor, person: User, details: TrainingDetails, today: date) -> TrainingRecord:
    """17021-1 7.1.2: training attended, as evidence of competence."""
    _check_admin(actor)
    _check_person(person)
    training = TrainingRecord(
        person_id=person.id,
        course=_text(details.course, "course", MAX_NAME),
        provider=_text(details.provider, "provider", MAX_NAME),
        completed_on=_past_day(details.completed_on, "completed_on", today),
        notes=_text(details.notes, "notes", MAX_NOTES, required=False),
    )
    db.session.add(training)
    db.session.flush()
    record(actor, training, "training_recorded", note=_training_text(person, training))
    return training


def remove_training(actor, training: TrainingRecord) -> None:
    _check_admin(actor)
    record(actor, training, "training_removed", note=_training_text(training.person, training))
    db.session.delete(training)
    db.session.flush()


# -- witnessed audits ------------------------------------------------------------------------


def add_witnessed_audit(
    actor, person: User, details: WitnessDetails, today: date
) -> WitnessedAudit:
    """17021-1 7.2.11: an audit in which the person was watched at work, with the outcome."""
    _check_admin(actor)
    _check_person(person)
    witnessed = WitnessedAudit(
        person_id=person.id,
        witness_name=_text(details.witness_name, "witness_name", MAX_NAME),
        witnessed_on=_past_day(details.witnessed_on, "witnessed_on", today),
        audit_reference=_text(details.audit_reference, "audit_reference", MAX_REFERENCE),
        outcome=_outcome(details.outcome),
        notes=_text(details.notes, "notes", MAX_NOTES, required=False),
    )
    db.session.add(witnessed)
    db.session.flush()
    record(actor, witnessed, "witnessed_audit_recorded", note=_witness_text(person, witnessed))
    return witnessed


def remove_witnessed_audit(actor, witnessed: WitnessedAudit) -> None:
    _check_admin(actor)
    note = _witness_text(witnessed.person, witnessed)
    record(actor, witnessed, "witnessed_audit_removed", note=note)
    db.session.delete(witnessed)
    db.session.flush()


# -- the yearly performance evaluation ------------------------------------------------------


def record_evaluation(
    actor, person: User, details: EvaluationDetails, today: date
) -> PerformanceEvaluation:
    """17021-1 7.2.10: one performance evaluation per person a year, by someone else.

    The unique constraint keeps two requests at once from making two (the second is refused).
    """
    _check_admin(actor)
    _check_person(person)
    evaluator = _evaluator(actor, person, details.evaluator_id)
    evaluated_on = _evaluation_day(details.evaluated_on, today)
    evaluation = PerformanceEvaluation(
        person_id=person.id,
        year=evaluated_on.year,
        evaluated_on=evaluated_on,
        evaluator_id=evaluator.id,
        outcome=_outcome(details.outcome),
        notes=_text(details.notes, "notes", MAX_NOTES, required=False),
    )
    if evaluation_of(person.id, evaluated_on.year) is not None:
        raise _already(person, evaluated_on.year)
    try:
        with db.session.begin_nested():
            db.session.add(evaluation)
            db.session.flush()
    except IntegrityError:
        raise _already(person, evaluated_on.year) from None
    record(actor, evaluation, "evaluation_recorded", note=_evaluation_text(person, evaluation))
    db.session.flush()
    return evaluation


def update_evaluation(actor, evaluation: PerformanceEvaluation, outcome: str, notes: str):
    """Correct an evaluation's outcome and notes; its date and year stay (another year is
    another evaluation)."""
    _check_admin(actor)
    before = _evaluation_text(evaluation.person, evaluation)
    evaluation.outcome = _outcome(outcome)
    evaluation.notes = _text(notes, "notes", MAX_NOTES, required=False)
    db.session.flush()
    after = _evaluation_text(evaluation.person, evaluation)
    if after != before:
        note = log_note("changed", before=before, after=after)
        record(actor, evaluation, "evaluation_updated", note=note)
    return evaluation


def evaluation_of(person_id: int, year: int) -> PerformanceEvaluation | None:
    return db.session.scalar(
        select(PerformanceEvaluation).where(
            PerformanceEvaluation.person_id == person_id, PerformanceEvaluation.year == year
        )
    )


def _evaluator(actor, person: User, evaluator_id: int | None) -> User:
    evaluator = actor if evaluator_id is None else db.session.get(User, evaluator_id)
    if evaluator is None or not evaluator.is_staff or not evaluator.active:
        raise CompetenceError(
            _("Choose the evaluator among the people of the body."), "evaluator_id"
        )
    if evaluator.id == person.id:
        raise CompetenceError(
            _("ISO/IEC 17021-1 7.2.10: nobody evaluates their own performance."), "evaluator_id"
        )
    return evaluator


def evaluators() -> list[User]:
    """Who may be named as evaluator: the active people of the body."""
    return db.session.scalars(
        select(User)
        .where(User.role != Role.CLIENT.value, User.active.is_(True))
        .order_by(User.name)
    ).all()


def _evaluation_day(day: date | None, today: date) -> date:
    problem = rules.evaluation_date_problem(day, today)
    if problem == "missing":
        raise CompetenceError(_("Enter the date of the evaluation."), "evaluated_on")
    if problem == "future":
        raise CompetenceError(
            _("An evaluation is recorded once it has taken place: the date is in the future."),
            "evaluated_on",
        )
    return day


def _already(person: User, year: int) -> CompetenceError:
    return CompetenceError(
        _(
            "ISO/IEC 17021-1 7.2.10: %(name)s's performance evaluation for %(year)d is already "
            "recorded; correct that one instead.",
            name=person.name,
            year=year,
        ),
        "evaluated_on",
    )


# -- words for the log (plain English codes and names: the log is not translated) -------------


def _training_text(person: User, t: TrainingRecord) -> dict:
    """The log note of a training (activity/notes.py), worded in the reader's language."""
    return log_note(
        "training", name=person.name, course=t.course, provider=t.provider, date=t.completed_on
    )


def _witness_text(person: User, w: WitnessedAudit) -> dict:
    return log_note(
        "witnessed",
        name=person.name,
        witness=w.witness_name,
        date=w.witnessed_on,
        reference=w.audit_reference,
        outcome=Coded("competence_outcome", w.outcome),
    )


def _evaluation_text(person: User, e: PerformanceEvaluation) -> dict:
    then = [log_note("evaluated_by", name=e.evaluator.name)] if e.evaluator else []
    if e.notes:
        then.append(log_note("label", label=e.notes))
    return log_note(
        "evaluation",
        *then,
        name=person.name,
        year=e.year,
        date=e.evaluated_on,
        outcome=Coded("competence_outcome", e.outcome),
    )
