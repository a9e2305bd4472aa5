"""The committee's decision: impartiality, outcomes, and what they do to audit and certificate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.certificates.models import Certificate
from certification.decisions import services
from certification.decisions.models import Decision, DecisionMember
from certification.decisions.services import DecisionError, NotImpartial
from certification.extensions import db
from certification.models_base import utcnow
from certification.programme.models import AuditTeamMember
from certification.reports.models import AuditReport
from tests import factories

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def submitted(kind="stage2", cycle=None, recommendation="recommended", band="", agreement=True):
    """An audit whose report waits for the committee, with a lead auditor; the client accepted
    the certification agreement unless `agreement` is False."""
    audit = factories.audit(
        cycle,
        kind=kind,
        state="submitted",
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY - timedelta(days=9),
    )
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.add(
        AuditReport(
            audit_id=audit.id,
            computed_recommendation=recommendation,
            recommendation=recommendation,
            band=band,
            submitted_by_id=lead.id,
            submitted_at=utcnow(),
        )
    )
    if agreement:
        factories.agreement(audit.organisation)
    db.session.flush()
    return audit


def test_no_grant_without_a_certification_agreement_in_force(member):
    audit = submitted(agreement=False)
    with pytest.raises(services.DecisionError, match="5.1.2"):
        decide(member, audit)
    assert (decisions(), certificates(), audit.state) == (0, 0, "submitted")
    factories.agreement(audit.organisation)
    decide(member, audit)
    assert certificates() == 1


def decide(member, audit, outcome="grant", reasons="The file supports it.", **kw):
    return services.decide(member, audit, outcome=outcome, reasons=reasons, today=TODAY, **kw)


def decisions() -> int:
    return db.session.scalar(select(func.count(Decision.id)))


def certificates() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


def log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)))


@pytest.fixture
def member():
    return factories.committee_member(name="Ayşe Kurul")


# -- impartiality --------------------------------------------------------------------------------


def test_a_member_of_the_audit_team_cannot_decide():
    audit = submitted()
    former_auditor = audit.lead
    former_auditor.role = "committee"  # moved to the committee since the audit
    with pytest.raises(NotImpartial) as refused:
        decide(former_auditor, audit)
    assert "was on the team of this audit" in refused.value.message
    assert audit.state == "submitted"
    assert decisions() == 0 and certificates() == 0


def test_a_member_with_a_conflict_of_interest_cannot_decide(member):
    audit = submitted()
    factories.conflict(
        member, audit.organisation, kind="employment", ended_on=TODAY - timedelta(days=400)
    )
    reason = services.impartiality_reason(member, audit, audit.organisation, TODAY)
    assert "conflict of interest" in reason and audit.organisation.display_name in reason
    with pytest.raises(NotImpartial):
        decide(member, audit)
    assert audit.state == "submitted" and decisions() == 0


def test_a_decider_who_consulted_is_told_of_the_consultancy_whatever_else_is_recorded(member):
    """17021-1 5.2.10: consultancy within 2 years is the tie named, even when a family tie with
    the client was recorded before it."""
    audit = submitted()
    org = audit.organisation
    factories.conflict(member, org, kind="other", started_on=date(2020, 1, 1))
    factories.conflict(member, org, kind="consultancy", ended_on=TODAY - timedelta(days=200))

    reason = services.impartiality_reason(member, audit, org, TODAY)

    assert "(Consultancy, ended" in reason and "Other relationship" not in reason
    with pytest.raises(NotImpartial):
        decide(member, audit)
    assert audit.state == "submitted" and decisions() == 0


def test_an_impartial_member_has_no_reason(member):
    audit = submitted()
    factories.conflict(member, factories.organisation(), kind="consultancy")
    assert services.impartiality_reason(member, audit, audit.organisation, TODAY) is None


def test_only_committee_members_and_admins_decide():
    audit = submitted()
    with pytest.raises(NotImpartial):
        decide(factories.user("planner"), audit)


def test_a_co_member_on_the_team_is_refused(member):
    audit = submitted()
    co = audit.lead
    co.role = "committee"
    with pytest.raises(NotImpartial) as refused:
        decide(member, audit, other_members=[(co.id, True, "")])
    assert refused.value.field == "members"
    assert decisions() == 0


# -- outcomes ----------------------------------------------------------------------------------


def test_grant_issues_a_certificate_and_closes_the_audit(member):
    audit = submitted(band="")
    co = factories.committee_member()
    decision = decide(member, audit, other_members=[(co.id, False, "Would wait for the plan.")])
    assert audit.state == "closed"
    assert decision.outcome == "grant" and decision.decided_on == TODAY
    assert decision.recommendation == "recommended"
    assert decision.scope == audit.cycle.application.scope
    certificate = db.session.get(Certificate, decision.certificate_id)
    assert certificate.state == "active" and certificate.issued_on == TODAY
    assert certificate.expires_on == date(2029, 11, 23)
    assert [s.name for s in certificate.sites] == ["Head office"]
    assert audit.cycle.decision_date == TODAY
    votes = {(m.member_id, m.agrees, m.reasons) for m in decision.members}
    assert votes == {
        (member.id, True, "The file supports it."),
        (co.id, False, "Would wait for the plan."),
    }
    assert [(e.from_state, e.to_state) for e in log("close")] == [("submitted", "closed")]
    assert log("decided")[0].subject_id == decision.id


def test_refuse_closes_the_audit_without_a_certificate(member):
    audit = submitted(recommendation="not_recommended")
    factories.finding(audit, "major", "open")
    decision = decide(member, audit, outcome="refuse", reasons="A major is not resolved.")
    assert audit.state == "closed" and decision.certificate_id is None
    assert decision.recommendation == "not_recommended"
    assert certificates() == 0 and log("decided")


def test_stage_1_is_not_the_committees_to_decide(member):
    audit = submitted(kind="stage1")
    with pytest.raises(DecisionError, match="does not fit"):
        decide(member, audit, outcome="accept_report", reasons="Ready for stage 2.")
    assert audit.state == "submitted" and decisions() == 0
    assert audit not in db.session.scalars(services.queue_query()).all()


def test_more_information_returns_the_audit_to_the_team(member):
    audit = submitted()
    decision = decide(member, audit, outcome="more_information", reasons="Evidence for 7.2?")
    assert audit.state == "returned"
    assert decision.outcome == "more_information" and certificates() == 0
    assert [(e.from_state, e.to_state) for e in log("return")] == [("submitted", "returned")]


@pytest.mark.parametrize(("state", "message"), [("plan_accepted", "major"), ("answered", "major")])
def test_no_grant_while_a_major_is_not_verified_closed(member, state, message):
    audit = submitted()
    factories.finding(audit, "major", state)
    with pytest.raises(DecisionError) as refused:
        decide(member, audit)
    assert message in refused.value.message and refused.value.field == "outcome"
    assert audit.state == "submitted" and decisions() == 0 and certificates() == 0


def test_minors_need_an_accepted_plan(member):
    audit = submitted()
    minor = factories.finding(audit, "minor", "answered")
    with pytest.raises(DecisionError) as refused:
        decide(member, audit)
    assert "plan" in refused.value.message
    minor.state = "plan_accepted"
    factories.finding(audit, "major", "closed", number=2)
    assert decide(member, audit).certificate_id is not None


def test_reasons_are_required(member):
    audit = submitted()
    with pytest.raises(DecisionError) as refused:
        decide(member, audit, reasons="   ")
    assert refused.value.field == "reasons" and decisions() == 0


def test_an_audit_not_submitted_cannot_be_decided(member):
    audit = submitted()
    audit.state = "closed"
    with pytest.raises(DecisionError):
        decide(member, audit)


def test_an_outcome_of_another_kind_of_audit_is_refused(member):
    audit = submitted()
    with pytest.raises(DecisionError) as refused:
        decide(member, audit, outcome="maintain")
    assert "does not fit" in refused.value.message


# -- later audits act on the certificate ---------------------------------------------------------


def granted(member):
    stage2 = submitted()
    decision = decide(member, stage2)
    return stage2.cycle, db.session.get(Certificate, decision.certificate_id)


def test_surveillance_maintain_and_suspend(member):
    cycle, certificate = granted(member)
    first = submitted("surveillance1", cycle)
    decision = decide(member, first, outcome="maintain", reasons="All fine.")
    assert first.state == "closed" and decision.certificate_id == certificate.id
    assert certificate.state == "active"
    second = submitted("surveillance2", cycle)
    factories.finding(second, "major", "open")
    decide(member, second, outcome="suspend", reasons="A major in 7.6.")
    assert certificate.state == "suspended" and certificate.suspended_on == TODAY


def test_scope_reduction_issues_a_new_revision(member):
    cycle, certificate = granted(member)
    audit = submitted("surveillance1", cycle)
    with pytest.raises(DecisionError) as refused:
        decide(member, audit, outcome="reduce_scope", reasons="One service line closed.")
    assert refused.value.field == "scope"
    decision = decide(
        member, audit, outcome="reduce_scope", reasons="One line closed.", scope="Retail only"
    )
    revised = db.session.get(Certificate, decision.certificate_id)
    assert revised.revision == 1 and revised.scope == "Retail only"
    assert certificate.state == "superseded"


def test_recertification_renews(member):
    cycle, certificate = granted(member)
    audit = submitted("recertification", cycle)
    decision = decide(member, audit, outcome="renew", reasons="Cycle complete.")
    renewed = db.session.get(Certificate, decision.certificate_id)
    assert renewed.id != certificate.id and renewed.certification_type == "recertification"
    assert certificate.state == "superseded" and audit.state == "closed"


def test_withdrawal_at_the_clients_request(member):
    _cycle, certificate = granted(member)
    decision = services.decide_on_certificate(
        member, certificate, outcome="withdraw", reasons="The client asked.", today=TODAY
    )
    assert certificate.state == "withdrawn" and decision.audit_id is None
    assert decision.certificate_id == certificate.id
    assert (
        db.session.scalar(
            select(func.count(DecisionMember.id)).where(DecisionMember.decision_id == decision.id)
        )
        == 1
    )
    with pytest.raises(DecisionError):
        services.decide_on_certificate(
            member, certificate, outcome="suspend", reasons="Again.", today=TODAY
        )


def test_a_suspension_decided_on_the_certificate_keeps_its_limit_and_is_lifted_by_decision(
    member,
):
    """17021-1 9.6.5: suspension and its lifting without an audit are committee decisions."""
    _cycle, certificate = granted(member)
    limit = TODAY + timedelta(days=45)
    services.decide_on_certificate(
        member, certificate, outcome="suspend", reasons="Asked.", today=TODAY, limit=limit
    )
    assert certificate.state == "suspended" and certificate.suspended_until == limit
    lifted = services.decide_on_certificate(
        member, certificate, outcome="restore", reasons="Resolved.", today=TODAY
    )
    assert certificate.state == "active" and lifted.outcome == "restore"
    assert lifted.certificate_id == certificate.id and lifted.audit_id is None


def test_a_suspension_limit_past_the_policy_is_refused_and_nothing_is_recorded(member):
    _cycle, certificate = granted(member)
    before = decisions()
    with pytest.raises(DecisionError, match="at the latest") as refused:
        services.decide_on_certificate(
            member,
            certificate,
            outcome="suspend",
            reasons="Asked.",
            today=TODAY,
            limit=TODAY + timedelta(days=400),
        )
    assert refused.value.field == "limit"
    assert decisions() == before and certificate.state == "active"


def test_a_suspension_for_a_missed_surveillance_is_lifted_only_on_that_audits_file(member):
    """17021-1 9.6.2, 9.6.5: surveillance 1, due a month ago, is held late and waits for the
    committee; the certificate was suspended for it. Surveillance 2's file cannot restore the
    certificate while surveillance 1 is not decided; surveillance 1's own file can."""
    cycle, certificate = granted(member)
    missed = submitted("surveillance1", cycle)
    missed.due_by = TODAY - timedelta(days=30)
    services.decide_on_certificate(
        member, certificate, outcome="suspend", reasons="Surveillance 1 not held.", today=TODAY
    )
    second = submitted("surveillance2", cycle)
    before = decisions()
    with pytest.raises(DecisionError) as refused:
        decide(member, second, outcome="restore", reasons="Surveillance 2 went well.")
    assert "ISO/IEC 17021-1 9.6.2, 9.6.5: Surveillance 1 was due by" in refused.value.message
    assert "has not been held and decided" in refused.value.message
    assert certificate.state == "suspended" and second.state == "submitted"
    assert decisions() == before
    decide(member, missed, outcome="restore", reasons="Surveillance 1 held; all resolved.")
    assert certificate.state == "active" and missed.state == "closed"
    decide(member, second, outcome="maintain", reasons="Surveillance 2 went well.")
    assert second.state == "closed"


def test_a_special_audit_does_not_lift_a_suspension_for_a_missed_surveillance(member):
    cycle, certificate = granted(member)
    factories.audit(cycle, kind="surveillance1", state="planned", due_by=TODAY - timedelta(days=1))
    services.decide_on_certificate(
        member, certificate, outcome="suspend", reasons="Surveillance 1 not held.", today=TODAY
    )
    special = submitted("special", cycle)
    with pytest.raises(DecisionError, match="Surveillance 1 was due by"):
        decide(member, special, outcome="restore", reasons="Special audit went well.")
    assert certificate.state == "suspended" and special.state == "submitted"


def test_an_expired_certificate_is_not_restored_without_a_recertification_file(member):
    _cycle, certificate = granted(member)
    certificate.state = "expired"
    with pytest.raises(DecisionError, match="9.6.3.2.5"):
        services.decide_on_certificate(
            member, certificate, outcome="restore", reasons="Paid.", today=TODAY
        )


# -- the queue ----------------------------------------------------------------------------------


def test_queue_lists_submitted_audits_oldest_first():
    newer, older = submitted(), submitted()
    reports = services.reports_by_audit([newer, older])
    reports[newer.id].submitted_at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    reports[older.id].submitted_at = datetime(2026, 11, 20, 17, tzinfo=UTC)
    factories.audit(kind="stage1", state="scheduled", start_date=TODAY, end_date=TODAY)
    db.session.flush()
    queue = list(db.session.scalars(services.queue_query()))
    assert queue == [older, newer]
    assert services.days_waiting(reports[older.id], older, TODAY) == 4
