"""Competence records (17021-1 7.1, 7.2): training, witnessed audits, yearly evaluations; every
refusal names why and changes nothing; every change is logged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity import notes
from certification.activity.models import ActivityLog
from certification.competence import queries, rules, services
from certification.competence.models import PerformanceEvaluation, TrainingRecord, WitnessedAudit
from certification.competence.services import (
    CompetenceError,
    EvaluationDetails,
    TrainingDetails,
    WitnessDetails,
)
from certification.decisions.file import competence_reason
from tests import factories

TODAY = date(2026, 11, 29)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def logged(db, action: str) -> list[ActivityLog]:
    return db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)).all()


@pytest.fixture
def people(db):
    return factories.user(Role.ADMIN, name="Selin Admin"), factories.user(Role.AUDITOR)


def test_training_and_witnessed_audit_recorded_and_removed_with_log(db, people):
    admin, auditor = people
    training = services.add_training(
        admin, auditor, TrainingDetails(" ISO 10002 lead auditor ", "IRCA", TODAY), TODAY
    )
    witnessed = services.add_witnessed_audit(
        admin,
        auditor,
        WitnessDetails("Ayşe Tanık", TODAY, "Anadolu, stage 2", "improvement_needed", "Sampling"),
        TODAY,
    )
    assert training.course == "ISO 10002 lead auditor"
    assert "ISO 10002 lead auditor (IRCA)" in notes.text(logged(db, "training_recorded")[0], "en")
    witnessed_row = logged(db, "witnessed_audit_recorded")[0]
    assert "witnessed by Ayşe Tanık" in notes.text(witnessed_row, "en")
    assert "Improvement needed" in notes.text(witnessed_row, "en")  # the outcome's label
    with force_locale("tr"):
        assert "Improvement needed" not in notes.text(witnessed_row, "tr")
    services.remove_training(admin, training)
    services.remove_witnessed_audit(admin, witnessed)
    assert count(db, TrainingRecord) == count(db, WitnessedAudit) == 0
    assert len(logged(db, "training_removed")) == len(logged(db, "witnessed_audit_removed")) == 1


@pytest.mark.parametrize(
    "details, field",
    [
        (TrainingDetails("", "IRCA", TODAY), "course"),
        (TrainingDetails("Course", "  ", TODAY), "provider"),
        (TrainingDetails("Course", "IRCA", None), "completed_on"),
        (TrainingDetails("Course", "IRCA", TODAY + timedelta(days=1)), "completed_on"),
        (TrainingDetails("C" * 201, "IRCA", TODAY), "course"),
    ],
)
def test_bad_training_is_refused_and_changes_nothing(db, people, details, field):
    admin, auditor = people
    with pytest.raises(CompetenceError) as refused:
        services.add_training(admin, auditor, details, TODAY)
    assert refused.value.field == field
    assert count(db, TrainingRecord) == 0 and logged(db, "training_recorded") == []


@pytest.mark.parametrize(
    "details, field",
    [
        (WitnessDetails("", TODAY, "Audit", "satisfactory"), "witness_name"),
        (WitnessDetails("W", TODAY, "", "satisfactory"), "audit_reference"),
        (WitnessDetails("W", TODAY, "Audit", "great"), "outcome"),
        (WitnessDetails("W", TODAY + timedelta(days=3), "Audit", "satisfactory"), "witnessed_on"),
    ],
)
def test_bad_witnessed_audit_is_refused_and_changes_nothing(db, people, details, field):
    admin, auditor = people
    with pytest.raises(CompetenceError) as refused:
        services.add_witnessed_audit(admin, auditor, details, TODAY)
    assert refused.value.field == field
    assert count(db, WitnessedAudit) == 0


def test_only_the_admin_keeps_records_and_only_of_the_bodys_people(db, people):
    admin, auditor = people
    planner, customer = factories.user(Role.PLANNER), factories.user(Role.CLIENT)
    details = TrainingDetails("Course", "IRCA", TODAY)
    with pytest.raises(CompetenceError, match="Only the administrator"):
        services.add_training(planner, auditor, details, TODAY)
    with pytest.raises(CompetenceError, match="Only auditors, committee members and planners"):
        services.add_training(admin, customer, details, TODAY)
    assert count(db, TrainingRecord) == 0
    services.add_training(admin, planner, details, TODAY)  # a planner reviews applications


def test_one_evaluation_per_person_a_year(db, people):
    """17021-1 7.2.10: the second evaluation of the same year is refused, naming the rule."""
    admin, auditor = people
    first = services.record_evaluation(
        admin, auditor, EvaluationDetails(date(2026, 3, 1), "satisfactory", "Good"), TODAY
    )
    assert (first.year, first.evaluator_id) == (2026, admin.id)
    with pytest.raises(CompetenceError, match="7.2.10: .* for 2026 is already recorded"):
        services.record_evaluation(
            admin, auditor, EvaluationDetails(TODAY, "unsatisfactory"), TODAY
        )
    assert count(db, PerformanceEvaluation) == 1
    assert len(logged(db, "evaluation_recorded")) == 1
    # last year's is another evaluation
    services.record_evaluation(
        admin, auditor, EvaluationDetails(date(2025, 3, 1), "satisfactory"), TODAY
    )
    assert count(db, PerformanceEvaluation) == 2


@pytest.mark.parametrize(
    "evaluated_on, outcome, message",
    [
        (None, "satisfactory", "Enter the date of the evaluation"),
        (TODAY + timedelta(days=1), "satisfactory", "the date is in the future"),
        (TODAY, "", "Choose the outcome"),
    ],
)
def test_bad_evaluation_is_refused_and_changes_nothing(db, people, evaluated_on, outcome, message):
    admin, auditor = people
    with pytest.raises(CompetenceError, match=message):
        services.record_evaluation(admin, auditor, EvaluationDetails(evaluated_on, outcome), TODAY)
    assert count(db, PerformanceEvaluation) == 0 and logged(db, "evaluation_recorded") == []


def test_the_evaluator_is_someone_else_of_the_body(db, people):
    admin, auditor = people
    customer = factories.user(Role.CLIENT)
    for evaluator, message in (
        (auditor, "nobody evaluates their own performance"),
        (customer, "Choose the evaluator among the people of the body"),
    ):
        details = EvaluationDetails(TODAY, "satisfactory", evaluator_id=evaluator.id)
        with pytest.raises(CompetenceError, match=message):
            services.record_evaluation(admin, auditor, details, TODAY)
    assert count(db, PerformanceEvaluation) == 0
    lead = factories.user(Role.AUDITOR, name="Baş Denetçi")
    details = EvaluationDetails(TODAY, "satisfactory", evaluator_id=lead.id)
    evaluation = services.record_evaluation(admin, auditor, details, TODAY)
    assert evaluation.evaluator == lead
    assert "Evaluated by Baş Denetçi." in notes.text(logged(db, "evaluation_recorded")[0], "en")


def test_an_evaluation_is_corrected_with_the_change_logged(db, people):
    admin, auditor = people
    evaluation = services.record_evaluation(
        admin, auditor, EvaluationDetails(TODAY, "satisfactory"), TODAY
    )
    with pytest.raises(CompetenceError, match="Choose the outcome"):
        services.update_evaluation(admin, evaluation, "excellent", "x")
    db.session.refresh(evaluation)
    assert evaluation.outcome == "satisfactory"
    services.update_evaluation(admin, evaluation, "improvement_needed", "Report writing")
    (row,) = logged(db, "evaluation_updated")
    worded = notes.text(row, "en")
    assert ": Satisfactory. Evaluated by " in worded and " → " in worded
    assert ": Improvement needed. Evaluated by " in worded and worded.endswith(". Report writing")


def test_the_overview_flags_lapsing_records_and_evaluations_due(db, people):
    admin, auditor = people
    today = date.today()
    factories.qualification(auditor, valid_until=today + timedelta(days=20))
    member = factories.committee_member()
    services.record_evaluation(admin, member, EvaluationDetails(today, "satisfactory"), today)
    rows = {r.person.id: r for r in queries.people_standing(today, 60)}
    assert len(rows[auditor.id].standing.expiring) == 1 and rows[auditor.id].standing.evaluation_due
    assert not rows[member.id].standing.evaluation_due and not rows[member.id].standing.expiring
    assert admin.id not in rows
    assert queries.attention_counts(today, 60) == {"expiring": 1, "evaluation_due": 1}
    assert queries.matches(rows[auditor.id], "auditor", "iso10002", "expiring")
    assert not queries.matches(rows[member.id], "auditor", "", "")


def test_the_homes_counts_agree_with_the_overview_at_every_edge(db):
    """The admin's home counts in SQL what the overview works out person by person: records
    lapsing on the first and last day of the window and just outside it, not yet valid,
    open-ended, two at once; evaluations on the last day due and the day after; people
    inactive or outside the roles that keep records."""
    today, days = date(2029, 2, 28), 30
    last = rules.last_day_due(today)
    people = [factories.user(Role.AUDITOR) for _ in range(9)]
    for person, until, starts in (
        (people[0], today, None),
        (people[1], today + timedelta(days=days), None),
        (people[2], today + timedelta(days=days + 1), None),
        (people[3], today - timedelta(days=1), None),
        (people[4], None, None),
        (people[5], today + timedelta(days=5), today + timedelta(days=1)),
        (people[6], today + timedelta(days=5), today),
        (people[6], today + timedelta(days=9), None),
    ):
        factories.qualification(person, valid_until=until, valid_from=starts)
    for person, evaluated_on in ((people[0], last), (people[1], last + timedelta(days=1))):
        year = evaluated_on.year
        db.session.add(
            PerformanceEvaluation(
                person=person, year=year, evaluated_on=evaluated_on, outcome="satisfactory"
            )
        )
    gone = factories.user(Role.COMMITTEE, active=False)
    factories.qualification(gone, valid_until=today)
    client = factories.user(Role.CLIENT)
    factories.qualification(client, valid_until=today)
    db.session.commit()
    rows = queries.people_standing(today, days)
    assert (
        queries.attention_counts(today, days)
        == {
            "expiring": sum(1 for r in rows if r.standing.expiring),
            "evaluation_due": sum(1 for r in rows if r.standing.evaluation_due),
        }
        == {"expiring": 3, "evaluation_due": len(rows) - 1}
    )


def test_a_deciders_lapsed_record_stops_the_decision_check(db):
    """The existing 7.2 check reads the record's validity dates."""
    member = factories.user(Role.COMMITTEE, name="Kurul Üyesi")
    factories.competence(member, valid_until=TODAY - timedelta(days=1))
    assert "7.2" in competence_reason(member, "iso10002", "29", TODAY)
    assert competence_reason(member, "iso10002", "29", TODAY - timedelta(days=1)) is None
