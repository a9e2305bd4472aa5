"""Issue #8, decisions and the cycle (17021-1 9.3-9.6): each rule refuses in the service layer,
names the rule, and changes nothing when it refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.audits import services as audit_services
from certification.certificates import services as certificates
from certification.certificates.models import Certificate
from certification.decisions import services as decisions
from certification.decisions.models import Decision
from certification.extensions import db
from certification.programme import renewal, stages
from certification.programme import services as programme
from certification.programme.models import Audit, AuditTeamMember
from certification.programme.team import team_overview
from certification.reports import services as reports
from certification.reports.models import AuditReport
from certification.reports.stage1 import conclude_stage1
from certification.settings import services as settings
from tests import factories
from tests.services.test_reports import answer_all, audit_in_progress

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)))


def committee():
    return factories.committee_member()


def submitted(cycle=None, kind="stage2", start=TODAY - timedelta(days=3), end=None, **kw):
    """An audit in the committee's queue, its lead on the team, the report submitted; the
    client has accepted the certification agreement (17021-1 5.1.2)."""
    audit = factories.audit(
        cycle, kind=kind, state="submitted", start_date=start, end_date=end or start, **kw
    )
    factories.agreement(audit.organisation)
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.add(
        AuditReport(
            audit_id=audit.id, computed_recommendation="recommended", recommendation="recommended"
        )
    )
    db.session.flush()
    return audit


def decide(audit, outcome="grant", member=None, today=TODAY):
    return decisions.decide(
        member or committee(), audit, outcome=outcome, reasons="The file supports it.", today=today
    )


# -- dates of the decision and of the report ------------------------------------------------------


def test_no_decision_before_the_audits_last_day():
    audit = submitted(start=TODAY - timedelta(days=1), end=TODAY + timedelta(days=1))
    with pytest.raises(decisions.DecisionError) as refused:
        decide(audit)
    assert "ISO/IEC 17021-1 9.5.2" in refused.value.message
    assert audit.state == "submitted" and count(Decision) == 0 and count(Certificate) == 0
    decide(audit, today=TODAY + timedelta(days=1))
    assert audit.state == "closed" and count(Certificate) == 1


def test_no_report_before_the_audits_first_day():
    audit = audit_in_progress("iso10002")
    answer_all(audit)
    audit.start_date = TODAY + timedelta(days=1)
    with pytest.raises(reports.ReportError) as refused:
        reports.submit_report(
            audit.lead,
            audit,
            recommendation="recommended",
            override_reason="",
            summary="",
            today=TODAY,
        )
    assert "ISO/IEC 17021-1 9.4.8" in refused.value.message
    assert audit.state == "in_progress" and count(AuditReport) == 0


# -- stage 1 concluded by the lead, stage 2 after it -----------------------------------------------


def stage1_in_progress():
    audit = audit_in_progress("iso10002", kind="stage1")
    answer_all(audit)
    return audit


def test_stage1_is_concluded_by_the_lead_without_the_committee():
    audit = stage1_in_progress()
    with pytest.raises(reports.ReportError, match="9.3.1"):
        reports.submit_report(
            audit.lead,
            audit,
            recommendation="recommended",
            override_reason="",
            summary="",
            today=TODAY,
        )
    assert audit.state == "in_progress" and count(AuditReport) == 0
    report = conclude_stage1(
        audit.lead, audit, readiness="ready", summary="Documents fit; ready.", today=TODAY
    )
    assert audit.state == "closed" and report.readiness == "ready"
    assert [(e.from_state, e.to_state) for e in log("conclude")] == [("in_progress", "closed")]
    assert "Ready for stage 2" in log("conclude")[0].text
    assert audit not in db.session.scalars(decisions.queue_query()).all()


@pytest.mark.parametrize(
    ("who", "readiness", "summary", "message"),
    [
        ("member", "ready", "Fine.", "Only the lead auditor"),
        ("lead", "maybe", "Fine.", "ready for stage 2"),
        ("lead", "ready", "  ", "reasons"),
    ],
)
def test_a_stage1_conclusion_refused_changes_nothing(who, readiness, summary, message):
    audit = stage1_in_progress()
    member = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=member.id, role="auditor"))
    actor = audit.lead if who == "lead" else member
    with pytest.raises(reports.ReportError, match=message):
        conclude_stage1(actor, audit, readiness=readiness, summary=summary, today=TODAY)
    assert audit.state == "in_progress" and count(AuditReport) == 0 and log("conclude") == []


def stage2_scheduled(
    stage1_state="closed", readiness="ready", stage1_end=TODAY - timedelta(days=20)
):
    cycle = factories.cycle()
    if stage1_state == "closed":
        factories.concluded_stage1(cycle, stage1_end, readiness=readiness)
    elif stage1_state is not None:
        factories.audit(
            cycle, kind="stage1", state=stage1_state, start_date=stage1_end, end_date=stage1_end
        )
    audit = factories.audit(
        cycle, kind="stage2", state="scheduled", start_date=TODAY, end_date=TODAY
    )
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.flush()
    db.session.refresh(cycle)
    factories.sent_plan(audit, lead)
    return audit, lead


@pytest.mark.parametrize(
    ("stage1_state", "readiness", "stage1_end", "message"),
    [
        (None, "", TODAY, "this cycle has none"),
        ("in_progress", "", TODAY - timedelta(days=2), "until the lead auditor has concluded"),
        ("closed", "not_ready", TODAY - timedelta(days=20), "not ready for stage 2"),
        ("closed", "ready", date(2026, 5, 23), r"Stage 1 validity \(6 months"),
    ],
)
def test_stage2_cannot_start_without_a_valid_ready_stage1(
    stage1_state, readiness, stage1_end, message
):
    audit, lead = stage2_scheduled(stage1_state, readiness, stage1_end)
    with pytest.raises(audit_services.AuditWorkError, match=message):
        audit_services.start_audit(lead, audit, TODAY)
    assert audit.state == "scheduled" and audit_services.recorded_checklist(audit) is None


def test_stage2_starts_on_the_last_valid_day_of_stage1():
    audit, lead = stage2_scheduled(stage1_end=date(2026, 5, 24))  # + 6 months = 2026-11-24
    audit_services.start_audit(lead, audit, TODAY)
    assert audit.state == "in_progress"


def test_the_stage1_validity_setting_acts_on_start_and_schedule():
    settings.put("stage1_void_months", 1)
    audit, lead = stage2_scheduled(stage1_end=TODAY - timedelta(days=40))
    with pytest.raises(audit_services.AuditWorkError, match=r"\(1 month,"):
        audit_services.start_audit(lead, audit, TODAY)
    auditor = factories.user("auditor")
    factories.qualification(auditor)
    with pytest.raises(programme.ProgrammeError, match="stage 1 must be repeated"):
        programme.schedule_audit(
            factories.user("planner"),
            audit,
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=1),
            auditor.id,
            [],
            {},
            today=TODAY,
        )
    assert audit.start_date == TODAY and [m.user_id for m in audit.team] == [lead.id]


def test_the_stage1_warning_setting_shows_an_old_stage1():
    audit, _lead = stage2_scheduled(stage1_end=TODAY - timedelta(days=100))
    warning = stages.stage1_warning(audit, audit.start_date)
    assert "100 days" in warning and "(90 days)" in warning
    settings.put("stage1_warn_days", 120)
    assert stages.stage1_warning(audit, audit.start_date) is None


def test_another_stage1_is_planned_when_the_client_was_not_ready():
    cycle = factories.cycle()
    first = factories.concluded_stage1(cycle, TODAY - timedelta(days=5), readiness="not_ready")
    db.session.refresh(cycle)
    with pytest.raises(stages.StageError, match="reason"):
        stages.repeat_stage(factories.user("planner"), cycle, "stage1", " ", TODAY)
    assert len(cycle.audits) == 1
    again = stages.repeat_stage(factories.user("planner"), cycle, "stage1", "Not ready", TODAY)
    assert again.state == "planned" and again.kind == "stage1" and again.id != first.id
    assert stages.latest_stage1(cycle) is again
    assert "Not ready" in log("stage_repeated")[0].reason
    with pytest.raises(stages.StageError, match="already has an audit"):
        stages.repeat_stage(factories.user("planner"), cycle, "stage1", "Again", TODAY)


# -- majors of stage 2, earlier audits, the queue --------------------------------------------------


def test_a_stage2_major_not_verified_within_six_months_allows_no_grant():
    audit = submitted(start=date(2026, 4, 1), end=date(2026, 4, 2))  # verify by 2026-10-02
    factories.finding(audit, "major", "closed", verified_on=date(2026, 10, 5))
    with pytest.raises(decisions.DecisionError) as refused:
        decide(audit)
    message = refused.value.message
    assert "9.5.3.2" in message and "another stage 2" in message and "Oct 2, 2026" in message
    assert audit.state == "submitted" and count(Decision) == 0 and count(Certificate) == 0
    notes = decisions.file_notes(audit, None, TODAY)
    assert any("another stage 2" in note for note in notes)
    # The committee refuses this file; the planner adds another stage 2 to the cycle.
    decide(audit, outcome="refuse")
    again = stages.repeat_stage(factories.user("planner"), audit.cycle, "stage2", "9.5.3.2", TODAY)
    assert again.kind == "stage2" and again.state == "planned"


def hold(planner, lead, audit, first_day, last_day, grade="conforming"):
    """Schedule, send the plan of, start and audit every question of `audit` (the services)."""
    from certification.programme.scheduling import schedule_audit
    from tests.scenarios import answer_every_question

    schedule_audit(planner, audit, first_day, last_day, lead.id, [], {}, today=first_day)
    factories.sent_plan(audit, planner, first_day)  # 17021-1 9.2.3: the client has the plan
    audit_services.start_audit(lead, audit, first_day)
    answer_every_question(lead, audit, first_day, grade)
    return audit


def test_a_repeated_stage2_replaces_the_refused_one_and_the_grant_rests_on_it():
    """domain.md, Findings: a stage 2 major not verified within 6 months of the last day of
    stage 2 calls for a new stage 2. The new one replaces it: the decision relies on the latest
    stage 1 and stage 2, so the old major verified too late no longer refuses every grant."""
    from certification.findings import services as findings
    from tests import scenarios

    stage2 = scenarios.stage2_on_site(db.session, date(2026, 4, 2))  # 1-2 April 2026
    first, lead, planner = stage2.audit, stage2.lead, stage2.planner
    factories.agreement(first.organisation)
    question = audit_services.checklist_of(first).questions()[0]
    audit_services.save_answer(
        lead, first, question.id, grade="major", points=None, evidence="No register kept.",
        expected_version=1, today=date(2026, 4, 2),
    )  # fmt: skip
    reports.submit_report(
        lead, first, recommendation=reports.report_data(first).computed, override_reason="",
        summary="A major nonconformity.", today=date(2026, 4, 2),
    )  # fmt: skip
    major = reports.report_data(first).findings[0]
    findings.answer_finding(
        stage2.client, major, "Register opened.", "No procedure.", "Procedure written.",
        date(2026, 9, 30), [], today=date(2026, 4, 20),
    )  # fmt: skip
    findings.accept_plan(lead, major)
    findings.verify_finding(lead, major, "Seen at a document review.", date(2026, 10, 5))
    with pytest.raises(decisions.DecisionError, match="Oct 2, 2026"):
        decide(first, today=date(2026, 10, 6))
    decide(first, outcome="refuse", today=date(2026, 10, 6))

    # Stage 1 (13 March) is past its 6-month validity too: both stages are conducted again.
    cycle = first.cycle
    first_stage1 = stages.latest_stage1(cycle)
    stage1 = stages.repeat_stage(planner, cycle, "stage1", "Stage 1 past validity", TODAY)
    again = stages.repeat_stage(planner, cycle, "stage2", "9.5.3.2: major verified late", TODAY)
    hold(planner, lead, stage1, date(2026, 10, 20), date(2026, 10, 20))
    conclude_stage1(lead, stage1, readiness="ready", summary="Ready.", today=date(2026, 10, 20))
    hold(planner, lead, again, date(2026, 11, 16), date(2026, 11, 17))
    reports.submit_report(
        lead, again, recommendation="recommended", override_reason="", summary="Conforming.",
        today=date(2026, 11, 17),
    )  # fmt: skip
    assert reports.report_data(again).findings == []
    assert decisions.file_notes(again, None, date(2026, 11, 18)) == []

    grant = decide(again, today=date(2026, 11, 18))
    assert grant.outcome == "grant" and again.state == "closed"
    assert grant.certificate.issued_on == date(2026, 11, 18)
    assert cycle.decision_date == date(2026, 11, 18)
    # The refused stage 2 stays in the committee's file as history, with its late major.
    history = decisions.replaced_history(again, decisions.previous_decisions(cycle.organisation_id))
    assert [(r.audit.id, r.findings, [d.outcome for d in r.decisions]) for r in history] == [
        (first_stage1.id, [], []),  # past its validity
        (first.id, [major], ["refuse"]),
    ]


def test_an_open_major_of_a_replaced_stage2_does_not_block_the_repeat():
    """The refused stage 2's major, never verified, stays on that audit (the committee decided
    on it with the refusal): the repeated stage 2 audits every clause again, sees it among the
    previous findings of its report, and a grant rests on what it finds. Who audited the refused
    stage 2 still does not decide the repeat (17021-1 9.5.1.2)."""
    first = submitted(start=date(2026, 4, 1), end=date(2026, 4, 2))
    cycle = first.cycle
    factories.concluded_stage1(cycle, TODAY - timedelta(days=40))
    old_major = factories.finding(first, "major", "open")
    former = committee()
    first.team.append(AuditTeamMember(user_id=former.id, role="auditor"))
    decide(first, outcome="refuse")
    again = stages.repeat_stage(factories.user("planner"), cycle, "stage2", "9.5.3.2", TODAY)
    again.state = "submitted"
    again.start_date = again.end_date = TODAY - timedelta(days=2)
    again.team.append(AuditTeamMember(user_id=factories.user("auditor").id, role="lead"))
    db.session.add(
        AuditReport(
            audit_id=again.id, computed_recommendation="recommended", recommendation="recommended"
        )
    )
    db.session.flush()
    assert old_major in reports.previous_findings(again)
    with pytest.raises(decisions.NotImpartial, match="9.5.1.2"):
        decide(again, member=former)
    assert again.state == "submitted" and count(Certificate) == 0

    decide(again)
    assert again.state == "closed" and old_major.state == "open"
    assert count(Certificate) == 1


def test_a_repeated_stage1_replaces_the_one_the_client_was_not_ready_after():
    """The stage 1 that counts is the latest one (stages.latest_stage1): a finding left on the
    stage 1 the client was not ready after does not hold the grant back; the latest one's do
    (test_the_findings_of_stage1_count_for_the_grant)."""
    cycle = factories.cycle()
    not_ready = factories.concluded_stage1(cycle, TODAY - timedelta(days=60), readiness="not_ready")
    factories.finding(not_ready, "minor", "answered")
    db.session.refresh(cycle)
    again = stages.repeat_stage(factories.user("planner"), cycle, "stage1", "Not ready", TODAY)
    again.state = "closed"
    again.start_date = again.end_date = TODAY - timedelta(days=30)
    db.session.add(
        AuditReport(
            audit_id=again.id,
            computed_recommendation="recommended",
            recommendation="recommended",
            readiness="ready",
            summary="Ready.",
        )
    )
    audit = submitted(cycle)
    decide(audit)
    assert audit.state == "closed" and count(Certificate) == 1


def test_a_grant_needs_every_earlier_audit_of_the_cycle_closed():
    cycle = factories.cycle()
    stage1 = factories.audit(
        cycle,
        kind="stage1",
        state="in_progress",
        start_date=TODAY - timedelta(days=30),
        end_date=TODAY - timedelta(days=30),
    )
    audit = submitted(cycle)
    with pytest.raises(decisions.DecisionError) as refused:
        decide(audit)
    assert "9.5.3" in refused.value.message and "Stage 1" in refused.value.message
    assert audit.state == "submitted" and count(Certificate) == 0
    stage1.state = "closed"
    decide(audit)
    assert audit.state == "closed"


def test_nothing_of_the_cycle_stays_in_the_queue_after_the_grant():
    cycle = factories.cycle()
    factories.concluded_stage1(cycle, TODAY - timedelta(days=30))
    first = submitted(cycle)
    decide(first, outcome="more_information")
    first.state = "submitted"
    decide(first)
    queue = db.session.scalars(decisions.queue_query()).all()
    assert [a for a in queue if a.cycle_id == cycle.id] == []


def test_the_findings_of_stage1_count_for_the_grant():
    cycle = factories.cycle()
    stage1 = factories.concluded_stage1(cycle, TODAY - timedelta(days=30))
    factories.finding(stage1, "minor", "answered")
    audit = submitted(cycle)
    with pytest.raises(decisions.DecisionError, match="minor nonconformity"):
        decide(audit)
    assert audit.state == "submitted"


# -- restoration of an expired certificate ---------------------------------------------------------


def expired_certificate(granted=date(2023, 3, 1)):
    """A certificate granted on `granted`, expired since its third anniversary."""
    cycle = factories.cycle()
    grant = Decision(
        organisation_id=cycle.organisation_id, cycle=cycle, outcome="grant", decided_on=granted
    )
    db.session.add(grant)
    db.session.flush()
    certificate = certificates.issue_certificate(
        None, grant, today=granted, scope="Complaints handling", sites=cycle.organisation.sites
    )
    certificates.sweep(certificate.expires_on + timedelta(days=1))
    assert certificate.state == "expired"
    return certificate


@pytest.mark.parametrize("kind", ["surveillance2", "special"])
def test_a_surveillance_or_special_audit_cannot_restore_an_expired_certificate(kind):
    certificate = expired_certificate()  # expired after 2026-02-28
    audit = submitted(certificate.cycle, kind=kind)
    with pytest.raises(decisions.DecisionError) as refused:
        decide(audit, outcome="restore")
    assert "9.6.3.2.5" in refused.value.message
    assert certificate.state == "expired" and count(Certificate) == 1 and count(Decision) == 1


def test_a_recertification_within_six_months_restores_as_a_new_revision():
    certificate = expired_certificate()  # expires 2026-02-28, restorable until 2026-08-28
    audit = submitted(certificate.cycle, kind="recertification", start=date(2026, 8, 20))
    decision = decide(audit, outcome="restore", today=date(2026, 8, 28))
    restored = db.session.get(Certificate, decision.certificate_id)
    assert restored.id != certificate.id and restored.revision == 1
    assert certificate.state == "superseded" and restored.state == "active"
    assert restored.issued_on == date(2026, 8, 28)
    assert restored.original_issued_on == date(2023, 3, 1)
    assert restored.expires_on == date(2029, 2, 28)
    dues = {a.kind: a.due_by for a in restored.cycle.audits}
    assert dues["surveillance1"] == date(2027, 8, 28)


def test_a_recertification_completed_too_late_does_not_restore():
    certificate = expired_certificate()
    audit = submitted(certificate.cycle, kind="recertification", start=date(2026, 8, 30))
    with pytest.raises(decisions.DecisionError) as refused:
        decide(audit, outcome="restore", today=date(2026, 9, 1))
    assert "9.6.3.2.5" in refused.value.message and "Aug 28, 2026" in refused.value.message
    assert certificate.state == "expired" and count(Certificate) == 1


# -- renewal: the recertification time from the declared personnel -----------------------------


def programme_cycle(personnel=40):
    org = factories.organisation(effective_personnel=personnel)
    quote = factories.quote(factories.application(org))
    return programme.create_programme(quote, factories.user("planner"), TODAY)


def test_the_recertification_time_is_computed_from_the_declared_personnel():
    cycle = programme_cycle()
    recertification = next(a for a in cycle.audits if a.kind == "recertification")
    assert recertification.planned_days == 2.5  # from the quote (40 people)
    renewal.declare_personnel(factories.user("planner"), recertification, 300, TODAY)
    # IAF MD 5: 276-425 people take 10 days; recertification two thirds: 6.5.
    assert recertification.declared_personnel == 300 and recertification.planned_days == 6.5
    assert "300 effective personnel" in log("renewal_personnel_declared")[0].text
    days = renewal.next_cycle_days(cycle)
    assert (days["surveillance1"], days["recertification"]) == (3.5, 6.5)


@pytest.mark.parametrize("value", [0, -3, "many", True, 10**9])
def test_a_bad_declaration_changes_nothing(value):
    cycle = programme_cycle()
    recertification = next(a for a in cycle.audits if a.kind == "recertification")
    with pytest.raises(renewal.RenewalError):
        renewal.declare_personnel(factories.user("planner"), recertification, value, TODAY)
    assert recertification.declared_personnel is None and recertification.planned_days == 2.5
    assert log("renewal_personnel_declared") == []


def test_a_recertification_is_scheduled_only_once_the_personnel_is_declared():
    cycle = programme_cycle()
    recertification = next(a for a in cycle.audits if a.kind == "recertification")
    lead = factories.user("auditor")
    factories.qualification(lead)
    day = TODAY + timedelta(days=30)
    with pytest.raises(programme.ProgrammeError, match="IAF MD 5"):
        programme.schedule_audit(
            factories.user("planner"), recertification, day, day, lead.id, [], {}, today=TODAY
        )
    assert recertification.state == "planned" and recertification.team == []
    assert db.session.scalar(select(func.count(Audit.id))) == 5


# -- impartiality and competence of deciders, the audit team ------------------------------------


def test_who_took_part_in_stage1_cannot_decide_the_stage2_file():
    cycle = factories.cycle()
    stage1 = factories.concluded_stage1(cycle, TODAY - timedelta(days=30))
    member = committee()
    stage1.team.append(AuditTeamMember(user_id=member.id, role="expert"))
    audit = submitted(cycle)
    with pytest.raises(decisions.NotImpartial) as refused:
        decide(audit, member=member)
    assert (
        "9.5.1.2" in refused.value.message and "earlier audit of the cycle" in refused.value.message
    )
    assert audit.state == "submitted" and count(Decision) == 0


def test_an_administrator_is_not_a_decider_by_role():
    audit = submitted()
    with pytest.raises(decisions.NotImpartial, match="Only members of the certification committee"):
        decide(audit, member=factories.user("admin"))
    assert audit.state == "submitted" and count(Decision) == 0


@pytest.mark.parametrize(
    ("competence", "message"),
    [
        (None, "no recorded competence as a certification committee member"),
        ({"valid_until": TODAY - timedelta(days=1)}, "lapsed on"),
        ({"valid_from": TODAY + timedelta(days=1)}, "no recorded competence"),
        ({"scheme": "csat-star"}, "no recorded competence"),
        ({"sector_code": "35"}, "no recorded competence"),
    ],
)
def test_a_decider_needs_a_valid_competence_for_the_scheme(competence, message):
    audit = submitted()
    member = factories.user("committee", name="Kemal Karar")
    if competence is not None:
        factories.competence(member, **competence)
    with pytest.raises(decisions.NotImpartial) as refused:
        decide(audit, member=member)
    assert "ISO/IEC 17021-1 7.2: Kemal Karar" in refused.value.message
    assert message in refused.value.message
    assert audit.state == "submitted" and count(Decision) == 0 and count(Certificate) == 0


def test_a_co_decider_needs_competence_too():
    audit = submitted()
    co = factories.user("committee", name="Selin Yeterlik")
    with pytest.raises(decisions.NotImpartial, match="Selin Yeterlik has no recorded competence"):
        decisions.decide(
            committee(),
            audit,
            outcome="grant",
            reasons="Fine.",
            today=TODAY,
            other_members=[(co.id, True, "")],
        )
    assert audit.state == "submitted" and count(Decision) == 0


def test_consultancy_in_the_last_two_years_bars_a_decider():
    audit = submitted()
    member = committee()
    factories.conflict(member, audit.organisation, ended_on=TODAY - timedelta(days=400))
    with pytest.raises(decisions.NotImpartial, match="conflict of interest"):
        decide(audit, member=member)
    assert audit.state == "submitted" and count(Decision) == 0


def planned_audit(org=None):
    cycle = factories.cycle(factories.quote(factories.application(org)))
    factories.concluded_stage1(cycle, TODAY - timedelta(days=10))
    return factories.audit(cycle, kind="stage2", state="planned")


def qualified_auditor(**kw):
    person = factories.user("auditor", **kw)
    factories.qualification(person)
    return person


def test_an_auditor_cannot_be_on_two_audits_on_the_same_days():
    first, second = planned_audit(), planned_audit()
    busy, lead = qualified_auditor(name="Ozan Meşgul"), qualified_auditor()
    planner = factories.user("planner")
    day = TODAY + timedelta(days=5)
    programme.schedule_audit(
        planner, first, day, day + timedelta(days=1), busy.id, [], {}, today=TODAY
    )
    for team, overrides in (
        ([(busy.id, "auditor")], {}),
        ([(busy.id, "auditor")], {busy.id: "Needed"}),
    ):
        with pytest.raises(programme.AssignmentRefused) as refused:
            programme.schedule_audit(
                planner,
                second,
                day + timedelta(days=1),
                day + timedelta(days=2),
                lead.id,
                team,
                overrides,
                today=TODAY,
            )
        assert "9.2.2: Ozan Meşgul is already on Stage 2" in refused.value.refusals[busy.id]
    assert second.state == "planned" and second.team == [] and log("assignment_override") == []
    # The day after the first audit he is free again.
    programme.schedule_audit(
        planner,
        second,
        day + timedelta(days=2),
        day + timedelta(days=2),
        lead.id,
        [(busy.id, "auditor")],
        {},
        today=TODAY,
    )
    assert second.state == "scheduled"


def test_the_team_overview_tells_qualified_free_and_conflicted_before_picking():
    audit = planned_audit()
    day = TODAY + timedelta(days=5)
    qualified_auditor(name="Ada Uygun")
    factories.user("auditor", name="Bora Yetkisiz")
    consultant = qualified_auditor(name="Cem Danışman")
    factories.conflict(consultant, audit.organisation, ended_on=TODAY - timedelta(days=100))
    busy = qualified_auditor(name="Deniz Dolu")
    other = planned_audit()
    programme.schedule_audit(
        factories.user("planner"), other, day, day, busy.id, [], {}, today=TODAY
    )
    rows = {c.person.name: c for c in team_overview(audit, day, day)}
    assert rows["Ada Uygun"].assessment.fit and rows["Ada Uygun"].reasons == []
    assert (
        not rows["Bora Yetkisiz"].qualified and "not qualified" in rows["Bora Yetkisiz"].reasons[0]
    )
    assert rows["Cem Danışman"].assessment.consultancy
    assert not rows["Deniz Dolu"].assessment.free and "already on" in rows["Deniz Dolu"].reasons[0]


# -- programme dates ----------------------------------------------------------------------------


def granted_cycle(granted=date(2025, 11, 1)):
    """A certified cycle with its surveillance and recertification audits planned."""
    org = factories.organisation()
    quote = factories.quote(factories.application(org))
    cycle = programme.create_programme(quote, factories.user("planner"), granted)
    for audit in cycle.audits[:2]:
        audit.state = "closed"
        audit.start_date = audit.end_date = granted - timedelta(days=20)
    grant = Decision(
        organisation_id=cycle.organisation_id, cycle=cycle, outcome="grant", decided_on=granted
    )
    db.session.add(grant)
    db.session.flush()
    certificate = certificates.issue_certificate(
        None, grant, today=granted, scope="Complaints handling", sites=org.sites
    )
    return cycle, certificate


def test_a_surveillance_after_its_due_date_needs_a_justified_exception():
    cycle, _certificate = granted_cycle(date(2025, 12, 1))
    surveillance1 = next(a for a in cycle.audits if a.kind == "surveillance1")
    assert surveillance1.due_by == date(2026, 12, 1)
    lead = qualified_auditor()
    planner = factories.user("planner")
    late = date(2026, 12, 2)
    with pytest.raises(programme.ProgrammeError) as refused:
        programme.schedule_audit(planner, surveillance1, TODAY, late, lead.id, [], {}, today=TODAY)
    assert "ISO/IEC 17021-1 9.1.3" in refused.value.message
    assert refused.value.field == "late_reason"
    assert surveillance1.state == "planned" and surveillance1.start_date is None
    assert log("late_exception") == []
    programme.schedule_audit(
        planner,
        surveillance1,
        TODAY,
        late,
        lead.id,
        [],
        {},
        today=TODAY,
        late_reason="The client's site was closed by flooding in October.",
    )
    assert surveillance1.state == "scheduled"
    assert surveillance1.late_justification.startswith("The client's site was closed")
    assert "Justification: The client's site" in log("late_exception")[0].text


def _surveillances(granted):
    cycle, _certificate = granted_cycle(granted)
    kinds = {a.kind: a for a in cycle.audits}
    return kinds["surveillance1"], kinds["surveillance2"]


def _schedule(audit, start, end=None):
    return programme.schedule_audit(
        factories.user("planner"),
        audit,
        start,
        end or start,
        qualified_auditor().id,
        [],
        {},
        today=TODAY,
    )


def test_surveillance2_in_the_calendar_year_of_surveillance1_is_refused():
    """domain.md: surveillance 2 falls in the calendar year after surveillance 1 (17021-1
    9.1.3.3). Decision 2026-03-15, surveillance 1 on 2027-02-02: 2027-11-10 is too early."""
    surveillance1, surveillance2 = _surveillances(date(2026, 3, 15))
    _schedule(surveillance1, date(2027, 2, 2))

    with pytest.raises(programme.ProgrammeError) as refused:
        _schedule(surveillance2, date(2027, 11, 10))

    assert refused.value.message == (
        "ISO/IEC 17021-1 9.1.3.3: surveillance is held at least once every calendar year, so "
        "surveillance 2 falls in the calendar year after surveillance 1 (which ends on "
        "Feb 2, 2027). Surveillance 2 can start on Jan 1, 2028 at the earliest."
    )
    assert refused.value.field == "start"
    assert surveillance2.state == "planned" and surveillance2.start_date is None
    assert surveillance2.team == []
    # Its first allowed day is fine (and before the due date: no exception needed).
    _schedule(surveillance2, date(2028, 1, 1))
    assert surveillance2.state == "scheduled"


def test_surveillance2_before_surveillance1_is_dated_waits_for_the_next_year():
    """Surveillance 1 not dated yet: it comes after the decision, so surveillance 2 cannot fall
    in the decision's calendar year."""
    _surveillance1, surveillance2 = _surveillances(date(2026, 3, 15))

    with pytest.raises(programme.ProgrammeError) as refused:
        _schedule(surveillance2, date(2026, 12, 10))

    assert "surveillance 1, which is not dated yet" in refused.value.message
    assert "can start on Jan 1, 2027 at the earliest" in refused.value.message
    assert surveillance2.state == "planned" and surveillance2.start_date is None


def test_surveillance1_cannot_move_into_the_year_of_surveillance2():
    surveillance1, surveillance2 = _surveillances(date(2026, 3, 15))
    _schedule(surveillance1, date(2027, 2, 2))
    _schedule(surveillance2, date(2028, 1, 10))

    with pytest.raises(programme.ProgrammeError) as refused:
        _schedule(surveillance1, date(2028, 1, 3))

    assert refused.value.message.startswith("ISO/IEC 17021-1 9.1.3.3:")
    assert "Surveillance 1 must end by Dec 31, 2027" in refused.value.message
    assert refused.value.field == "end"
    assert surveillance1.start_date == date(2027, 2, 2)
    assert surveillance2.window_start == date(2028, 1, 1)
    # Within the year before surveillance 2's it may move.
    _schedule(surveillance1, date(2027, 3, 1))
    assert surveillance1.start_date == date(2027, 3, 1)


def test_an_audit_not_held_by_its_due_date_puts_the_certificate_on_the_committees_list():
    cycle, certificate = granted_cycle()
    surveillance1 = next(a for a in cycle.audits if a.kind == "surveillance1")
    assert certificates.overdue_audits(date(2026, 11, 1)) == []
    assert certificates.overdue_audits(date(2026, 11, 2)) == [(surveillance1, certificate)]
    result = certificates.sweep(date(2026, 11, 2))
    assert result.overdue_surveillance == [surveillance1] and result.newly_flagged == 1
    assert certificates.sweep(date(2026, 11, 3)).newly_flagged == 0
    # Held (started) on its due day: off the list.
    surveillance1.state, surveillance1.start_date = "in_progress", date(2026, 11, 1)
    surveillance1.end_date = date(2026, 11, 1)
    assert certificates.overdue_audits(date(2026, 11, 10)) == []


STATES = ("planned", "scheduled", "in_progress", "submitted", "returned", "closed", "cancelled")


def test_the_committees_sql_list_agrees_with_the_overdue_rule():
    """lifecycle.overdue_audit_clause counts and limits the list in SQL; it must pick exactly
    the audits rules.audit_overdue picks (17021-1 9.6.2), for every state and start day."""
    from certification.certificates import rules

    cycle, _certificate = granted_cycle()
    due = date(2026, 11, 1)
    audits = []
    for kind in ("surveillance2", "recertification", "special"):
        for state in STATES:
            undated = state in ("planned", "cancelled")
            for started in [None] if undated else [-3, 0, 4]:  # days from the due date
                start = None if started is None else due + timedelta(days=started)
                audits.append(
                    factories.audit(
                        cycle, kind=kind, state=state, due_by=due, start_date=start, end_date=start
                    )
                )
    db.session.flush()
    for today in (due, due + timedelta(days=1), due + timedelta(days=30)):
        expected = {
            a.id
            for a in audits
            if rules.audit_overdue(a.kind, a.state, a.start_date, a.due_by, today)
        }
        mine = {a.id for a in audits}
        assert overdue_ids(today) & mine == expected
        assert {a.id for a, _c in certificates.overdue_audits(today)} & mine == expected
    assert expected  # the list is not trivially empty


def overdue_ids(day):
    from certification.certificates import lifecycle

    return set(
        db.session.scalars(
            select(Audit.id)
            .join(Certificate, Certificate.cycle_id == Audit.cycle_id)
            .where(lifecycle.overdue_audit_clause(day))
        )
    )


def test_the_committees_list_is_limited_and_counted():
    from certification.certificates import lifecycle

    made = [granted_cycle() for _ in range(3)]
    day = date(2026, 12, 1)
    assert lifecycle.overdue_audit_count(day) == 3
    shown = lifecycle.overdue_audits(day, limit=2)
    assert len(shown) == 2 and {c.id for _a, c in shown} <= {c.id for _cy, c in made}
    for _cycle, certificate in made:
        certificate.state, certificate.suspended_until = "suspended", day - timedelta(days=1)
    db.session.flush()
    assert lifecycle.overdue_audit_count(day) == 0  # no active certificate left to suspend
    assert lifecycle.suspensions_past_limit_count(day) == 3
    assert len(lifecycle.suspensions_past_limit(day, limit=2)) == 2


def test_an_audit_flagged_under_the_earlier_code_is_not_flagged_again():
    cycle, _certificate = granted_cycle()
    surveillance1 = next(a for a in cycle.audits if a.kind == "surveillance1")
    db.session.add(
        ActivityLog(
            subject_type="Audit", subject_id=surveillance1.id, action="surveillance_overdue"
        )
    )
    db.session.flush()
    assert certificates.sweep(date(2026, 11, 2)).newly_flagged == 0


def test_a_renewed_cycle_keeps_its_recertification_due_before_its_own_expiry():
    cycle, certificate = granted_cycle(date(2026, 3, 15))
    renewal_decision = Decision(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        outcome="renew",
        decided_on=date(2029, 2, 1),
    )
    db.session.add(renewal_decision)
    db.session.flush()
    renewed = certificates.renew_certificate(
        None, certificate, renewal_decision, today=date(2029, 2, 1)
    )
    recertification = next(a for a in renewed.cycle.audits if a.kind == "recertification")
    assert renewed.expires_on == date(2032, 3, 14)
    assert recertification.due_by == date(2032, 3, 13)
    programme.refresh_programme_dates(renewed.cycle)
    assert recertification.due_by == date(2032, 3, 13)


def test_chained_renewals_from_29_february_expire_on_28_february_in_2040():
    cycle, certificate = granted_cycle(date(2028, 2, 29))
    assert certificate.expires_on == date(2031, 2, 27)
    expiries = []
    for decided_on in (date(2031, 1, 10), date(2034, 1, 10), date(2037, 1, 10)):
        renewal_decision = Decision(
            organisation_id=certificate.organisation_id,
            cycle=certificate.cycle,
            outcome="renew",
            decided_on=decided_on,
        )
        db.session.add(renewal_decision)
        db.session.flush()
        certificate = certificates.renew_certificate(
            None, certificate, renewal_decision, today=decided_on
        )
        expiries.append(certificate.expires_on)
    assert expiries == [date(2034, 2, 27), date(2037, 2, 27), date(2040, 2, 28)]
