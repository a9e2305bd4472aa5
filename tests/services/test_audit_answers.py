"""Starting an audit, the checklist it keeps, and saving answers: who, when, what, and no silent
overwrite when two auditors of one team answer the same question."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certification.activity.models import ActivityLog
from certification.admin.profiles import add_conflict
from certification.audits import services
from certification.audits.models import Answer, AuditChecklist
from certification.checklists import loader
from certification.plans import services as plans
from certification.programme.models import AuditTeamMember
from certification.programme.services import schedule_audit
from tests import factories

TODAY = factories.today()
QUESTION = "7.2-a"


def team_audit(db, scheme="iso10002", edition="2018", state="scheduled", start=TODAY, plan=True):
    """A stage 2 audit with a lead and a second auditor on its team; once scheduled, its plan
    was sent to the client (unless `plan` is False)."""
    lead, member = factories.user("auditor"), factories.user("auditor")
    quote = factories.quote(factories.application(scheme=scheme, edition=edition))
    cycle = factories.cycle(quote)
    factories.concluded_stage1(cycle, (start or TODAY) - timedelta(days=7))
    audit = factories.audit(cycle, kind="stage2", state=state, start_date=start, end_date=start)
    db.session.add_all(
        [
            AuditTeamMember(audit=audit, user=lead, role="lead"),
            AuditTeamMember(audit=audit, user=member, role="auditor"),
        ]
    )
    db.session.flush()
    if plan and state == "scheduled":
        factories.sent_plan(audit)  # by a planner
    return audit, lead, member


def started(db, **kw):
    audit, lead, member = team_audit(db, **kw)
    services.start_audit(lead, audit, TODAY)
    return audit, lead, member


def save(
    actor,
    audit,
    question=QUESTION,
    *,
    version=0,
    grade="conforming",
    points=None,
    evidence="Complaints log seen",
):
    return services.save_answer(
        actor,
        audit,
        question,
        grade=grade,
        points=points,
        evidence=evidence,
        expected_version=version,
        today=TODAY,
    )


# -- starting ---------------------------------------------------------------------------------


def test_the_lead_starts_the_audit_and_the_checklist_file_is_kept(db):
    audit, lead, _member = team_audit(db)
    recorded = services.start_audit(lead, audit, TODAY)
    current = loader.checklist_for("iso10002", "2018")
    assert audit.state == "in_progress"
    assert (recorded.scheme, recorded.edition, recorded.version) == (
        "iso10002",
        "2018",
        current.version,
    )
    assert recorded.file_name == "iso10002-2018.toml"
    assert recorded.source == current.source
    assert recorded.fingerprint == hashlib.sha256(current.source.encode()).hexdigest()
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.subject_type == "Audit"))
    assert (log.action, log.from_state, log.to_state, log.actor_id) == (
        "start",
        "scheduled",
        "in_progress",
        lead.id,
    )


def test_a_team_member_may_start_the_audit_after_its_first_day(db):
    audit, _lead, member = team_audit(db, start=TODAY - timedelta(days=2))
    services.start_audit(member, audit, TODAY)
    assert audit.state == "in_progress"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": TODAY + timedelta(days=1)}, "can be started from its first day"),
        ({"state": "planned", "start": None}, "cannot be done now"),
    ],
)
def test_an_audit_cannot_start_early_or_unscheduled(db, change, message):
    audit, lead, _member = team_audit(db, **change)
    with pytest.raises(services.AuditWorkError, match=message):
        services.start_audit(lead, audit, TODAY)
    assert audit.state == change.get("state", "scheduled")
    assert db.session.scalar(select(AuditChecklist)) is None


@pytest.mark.parametrize("role", ["auditor", "planner", "committee"])
def test_only_the_team_starts_the_audit(db, role):
    audit, _lead, _member = team_audit(db)
    with pytest.raises(services.AuditWorkError, match="Only the audit team"):
        services.start_audit(factories.user(role), audit, TODAY)
    assert audit.state == "scheduled"


def refused_start(actor, audit, *messages) -> str:
    """start_audit refuses with every `messages` (regexes) and changes nothing."""
    with pytest.raises(services.AuditWorkError) as refused:
        services.start_audit(actor, audit, TODAY)
    for message in messages:
        assert re.search(message, refused.value.message), refused.value.message
    assert audit.state == "scheduled" and services.recorded_checklist(audit) is None
    return refused.value.message


# -- the plan sent before the audit (17021-1 9.2.3) -------------------------------------------


def test_an_audit_without_a_plan_sent_does_not_start_until_it_is_sent(db):
    audit, lead, _member = team_audit(db, plan=False)
    refused_start(lead, audit, "ISO/IEC 17021-1 9.2.3", "has not been sent to the client")
    draft = plans.prepare_plan(lead, audit, TODAY, seed=1)  # prepared, not sent: still no
    refused_start(lead, audit, "has not been sent to the client")
    draft.representative = "Quality manager"
    plans.send_plan(lead, draft, TODAY)
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


@pytest.mark.parametrize("answer", ["", "confirm"])
def test_a_plan_sent_or_confirmed_lets_the_audit_start(db, answer):
    audit, lead, _member = team_audit(db, plan=False)
    refused_start(lead, audit, "9.2.3")
    factories.sent_plan(audit, lead, answer=answer)
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


def test_a_plan_the_client_asked_to_change_needs_a_new_version_sent(db):
    audit, lead, _member = team_audit(db, plan=False)
    plan = factories.sent_plan(audit, lead, answer="change")
    refused_start(lead, audit, r"asked for a change to the audit plan \(version 1\)", "new version")
    plans.send_plan(lead, plans.revise_plan(lead, plan, TODAY), TODAY)
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


def test_an_audit_moved_after_its_plan_was_sent_needs_a_new_version(db):
    audit, lead, _member = team_audit(db, start=TODAY - timedelta(days=1))
    plan = plans.plan_in_force(audit)
    audit.start_date = audit.end_date = TODAY  # rescheduled: the client was told another day
    refused_start(lead, audit, r"\(version 1\) gives .* but the audit is now from", "new version")
    plans.send_plan(lead, plans.revise_plan(lead, plan, TODAY), TODAY)
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


def test_a_team_changed_after_its_plan_was_sent_needs_a_new_version(db):
    audit, lead, member = team_audit(db)
    plan = plans.plan_in_force(audit)
    newcomer = factories.user("auditor")
    audit.team.append(AuditTeamMember(user=newcomer, role="auditor"))
    db.session.flush()
    refused_start(lead, audit, "the audit team changed after the audit plan")
    plans.send_plan(lead, plans.revise_plan(lead, plan, TODAY), TODAY)
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


# -- impartiality at the start (17021-1 5.2.10) -----------------------------------------------


def test_consultancy_recorded_after_scheduling_keeps_the_audit_from_starting(db):
    audit, lead, member = team_audit(db)
    admin = factories.user("admin")
    # Another tie first (weighed when the team was picked), then the consultancy, found later.
    add_conflict(admin, member, audit.organisation, "other", TODAY - timedelta(days=900), None)
    add_conflict(
        admin,
        member,
        audit.organisation,
        "consultancy",
        TODAY - timedelta(days=700),
        TODAY - timedelta(days=400),
    )
    message = refused_start(
        lead, audit, "ISO/IEC 17021-1 5.2.10", "takes .* off the team", "Change dates or team"
    )
    assert member.name in message and lead.name not in message
    assert "free from" in message


def test_once_the_planner_changes_the_team_and_the_client_has_the_new_plan_it_starts(db):
    audit, lead, member = team_audit(db)
    factories.conflict(member, audit.organisation, started_on=date(2025, 1, 1))  # ongoing
    refused_start(lead, audit, f"5.2.10: {member.name} gave consultancy")
    planner, stand_in = factories.user("planner"), factories.user("auditor")
    for person in (lead, stand_in):
        factories.qualification(person)
    schedule_audit(planner, audit, TODAY, TODAY, lead.id, [(stand_in.id, "auditor")], {},
                   today=TODAY - timedelta(days=3))  # fmt: skip
    refused_start(lead, audit, "the audit team changed after the audit plan")
    plans.send_plan(planner, plans.revise_plan(planner, plans.plan_in_force(audit), TODAY), TODAY)
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


def test_consultancy_ended_two_years_before_the_first_day_no_longer_bars(db):
    audit, lead, member = team_audit(db)
    factories.conflict(member, audit.organisation, started_on=date(2023, 1, 1),
                       ended_on=date(2024, 11, 25))  # fmt: skip
    refused_start(lead, audit, "5.2.10")  # free from 25 November 2026, the day after
    member.conflicts[0].ended_on = date(2024, 11, 24)  # free from the audit's first day
    db.session.flush()
    services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


def test_an_old_audit_still_shows_the_checklist_it_used(db):
    audit, _lead, _member = started(db)
    recorded = services.recorded_checklist(audit)
    assert services.checklist_of(audit) is loader.checklist_for("iso10002", "2018")
    # The file has changed since: the audit keeps what was asked then.
    current_text = loader.text(loader.checklist_for("iso10002", "2018").question(QUESTION).text)
    recorded.source = recorded.source.replace(current_text, "Were complaints received in 2019?")
    recorded.fingerprint = hashlib.sha256(recorded.source.encode()).hexdigest()
    old = services.checklist_of(audit)
    assert loader.text(old.question(QUESTION).text, "en") == "Were complaints received in 2019?"


# -- answers ----------------------------------------------------------------------------------


def test_saving_an_answer_counts_versions_and_who_saved(db):
    audit, lead, member = started(db)
    first = save(lead, audit)
    assert (first.version, first.grade, first.clause, first.updated_by_id) == (
        1,
        "conforming",
        "7.2",
        lead.id,
    )
    second = save(member, audit, version=1, grade="minor", evidence="Two complaints not logged")
    assert second.id == first.id
    assert (second.version, second.grade, second.updated_by.name) == (2, "minor", member.name)


def test_a_stale_save_is_refused_with_both_values_and_changes_nothing(db):
    audit, lead, member = started(db)
    save(member, audit, evidence="Member's evidence")
    with pytest.raises(services.StaleAnswer) as refused:
        save(lead, audit, version=0, grade="major", evidence="Lead's evidence")
    theirs = refused.value.theirs
    assert (theirs["evidence"], theirs["grade"], theirs["version"]) == (
        "Member's evidence",
        "conforming",
        1,
    )
    assert theirs["updated_by"] == member.name
    assert member.name in refused.value.message
    stored = db.session.scalar(select(Answer))
    assert (stored.evidence, stored.version, stored.updated_by_id) == (
        "Member's evidence",
        1,
        member.id,
    )


def test_a_retried_save_that_already_went_through_is_not_a_conflict(db):
    audit, lead, _member = started(db)
    save(lead, audit)
    again = save(lead, audit, version=0)  # the answer to the first request was lost
    assert again.version == 1


def test_a_save_without_changes_keeps_the_version(db):
    audit, lead, _member = started(db)
    save(lead, audit)
    assert save(lead, audit, version=1).version == 1


def test_grade_changes_are_logged_but_not_every_evidence_edit(db):
    audit, lead, _member = started(db)
    save(lead, audit, evidence="Comp")
    save(lead, audit, version=1, evidence="Complaints")
    save(lead, audit, version=2, evidence="Complaints log", grade="observation")
    rows = db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "answer_graded").order_by(ActivityLog.id)
    ).all()
    assert [(r.from_state, r.to_state) for r in rows] == [
        (None, "conforming"),
        ("conforming", "observation"),
    ]
    assert rows[0].organisation_id == audit.organisation_id


@pytest.mark.parametrize("role", ["auditor", "planner", "committee", "admin"])
def test_only_the_team_answers(db, role):
    audit, _lead, _member = started(db)
    with pytest.raises(services.AuditWorkError, match="Only the audit team"):
        save(factories.user(role), audit)
    assert db.session.scalar(select(Answer)) is None


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        ("scheduled", "only while the audit is in progress"),
        ("submitted", "was submitted to the committee, so this change was not saved"),
        ("closed", "was submitted to the committee, so this change was not saved"),
        ("returned", None),
    ],
)
def test_answers_change_only_while_the_audit_is_in_progress_or_returned(db, state, refusal):
    audit, lead, _member = started(db)
    audit.state = state
    if refusal is None:
        assert save(lead, audit).version == 1
    else:
        with pytest.raises(services.AuditWorkError, match=refusal):
            save(lead, audit)
        assert db.session.scalar(select(Answer)) is None


def test_unknown_question_and_grade_are_refused(db):
    audit, lead, _member = started(db)
    with pytest.raises(services.AuditWorkError, match="no question 99.1-z"):
        save(lead, audit, "99.1-z")
    with pytest.raises(services.AuditWorkError, match="Choose one of the grades"):
        save(lead, audit, grade="excellent")
    assert db.session.scalar(select(Answer)) is None


def test_points_only_in_a_scored_scheme(db):
    audit, lead, _member = started(db)
    with pytest.raises(services.AuditWorkError, match="gives no maturity points"):
        save(lead, audit, points=3)


@pytest.mark.parametrize("points", [0, 2, 4])
def test_points_0_to_max_in_a_scored_scheme(db, points):
    audit, lead, _member = started(db, scheme="csat-star")
    assert save(lead, audit, points=points).points == points


@pytest.mark.parametrize(
    ("grade", "points", "message"),
    [
        ("conforming", 5, "Points run from 0 to 4"),
        ("conforming", -1, "Points run from 0 to 4"),
        ("not_applicable", 2, "not applicable gets no points"),
    ],
)
def test_points_out_of_range_or_on_not_applicable_are_refused(db, grade, points, message):
    audit, lead, _member = started(db, scheme="csat-star")
    with pytest.raises(services.AuditWorkError, match=message):
        save(lead, audit, grade=grade, points=points)


def test_a_nonconformity_raises_a_finding(db):
    from certification.findings.models import Finding

    audit, lead, _member = started(db)
    save(lead, audit, grade="major", evidence="No complaints log at all")
    finding = db.session.scalar(select(Finding))
    assert (finding.grade, finding.question_id, finding.clause) == ("major", QUESTION, "7.2")


def test_progress_counts_graded_questions_per_clause(db):
    audit, lead, _member = started(db)
    save(lead, audit, "7.2-a")
    save(lead, audit, "7.2-b", grade=None, evidence="Notes only, not graded yet")
    checklist = services.checklist_of(audit)
    progress = services.progress(checklist, services.answers_of(audit))
    assert progress.answered == 1
    assert progress.total == len(checklist.questions())
    assert progress.per_clause["7.2"] == (1, len(checklist.clause("7.2").questions))
