"""Appeals: lodging within the time limit, the panel of people not involved (refused with the
reason), upheld appeals reversing or re-taking the decision through the lifecycle, rejection,
withdrawal; every refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certification.activity.models import ActivityLog
from certification.appeals import services
from certification.decisions import services as decisions
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.services.test_certificates import grant
from tests.web.test_access_matrix import PDF, snapshot

TODAY = date(2026, 5, 4)


def certified(decided_on=date(2026, 3, 2), band=""):
    """A client certified after a stage 2 audit led by `lead`: (certificate, audit, lead)."""
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle,
        "stage2",
        state="closed",
        start_date=decided_on - timedelta(days=30),
        end_date=decided_on - timedelta(days=29),
    )
    lead = factories.user("auditor", name="Lead Auditor")
    _db.session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
    certificate = grant(cycle, decided_on=decided_on, band=band)
    return certificate, audit, lead


def suspended(today=TODAY):
    """A certificate suspended by a committee decision: (decision, certificate, decider, lead)."""
    certificate, _audit, lead = certified()
    decider = factories.committee_member(name="Deciding Member")
    decision = decisions.decide_on_certificate(
        decider, certificate, outcome="suspend", reasons="Surveillance not allowed.", today=today
    )
    return decision, certificate, decider, lead


def client_of(organisation):
    return factories.user("client", organisation=organisation)


def lodged(decision, today=TODAY, **kw):
    client = client_of(decision.organisation)
    return services.lodge_appeal(
        client, decision, kw.pop("grounds", "We had agreed a new date."), kw.pop("files", []), today
    )


def test_a_client_appeals_a_suspension_with_files(db, app):
    decision, certificate, _decider, _lead = suspended()
    appeal = lodged(decision, files=[("letter.pdf", PDF)])
    assert appeal.number == f"APL-{TODAY.year}-0001"
    assert (appeal.kind, appeal.state, appeal.certificate_id) == (
        "suspension",
        "lodged",
        certificate.id,
    )
    assert [a.original_name for a in appeal.attachments] == ["letter.pdf"]
    # the appeal does not suspend the decision: the certificate stays suspended
    assert certificate.state == "suspended"


def test_only_the_client_concerned_appeals(db):
    decision, *_rest = suspended()
    stranger = factories.user("client")
    planner = factories.user("planner")
    before = snapshot(_db)
    for person in (stranger, planner):
        with pytest.raises(services.AppealError):
            services.lodge_appeal(person, decision, "Because", [], TODAY)
    assert snapshot(_db) == before


def test_an_appeal_after_the_time_limit_is_refused(db):
    decision, *_rest = suspended(today=date(2026, 3, 2))
    client = client_of(decision.organisation)
    before = snapshot(_db)
    with pytest.raises(services.AppealError) as refused:
        services.lodge_appeal(client, decision, "Late", [], date(2026, 4, 2))
    assert (
        "The time to appeal ended" in refused.value.message and "30 days" in refused.value.message
    )
    assert snapshot(_db) == before


def test_a_decision_is_appealed_once(db):
    decision, *_rest = suspended()
    lodged(decision)
    client = client_of(decision.organisation)
    before = snapshot(_db)
    with pytest.raises(services.AppealError) as refused:
        services.lodge_appeal(client, decision, "Again", [], TODAY)
    assert "already been appealed" in refused.value.message
    assert snapshot(_db) == before


def test_a_grant_without_a_band_cannot_be_appealed(db):
    certificate, _audit, _lead = certified()
    grant_decision = _db.session.scalars(select(Decision)).one()
    client = client_of(certificate.organisation)
    with pytest.raises(services.AppealError) as refused:
        services.lodge_appeal(client, grant_decision, "Why", [], TODAY)
    assert "cannot be appealed" in refused.value.message


def test_the_panel_excludes_the_audit_team_and_the_deciders_with_the_reason(db):
    decision, _certificate, decider, lead = suspended()
    lead.role = "committee"  # an auditor who also sits on the committee
    appeal = lodged(decision)
    planner = factories.user("planner")
    before = snapshot(_db)
    with pytest.raises(services.AppealError) as refused:
        services.appoint_panel(planner, appeal, [decider.id], TODAY)
    assert "Deciding Member took the decision appealed" in refused.value.message
    assert "17021-1 9.8" in refused.value.message
    with pytest.raises(services.AppealError) as refused:
        services.appoint_panel(planner, appeal, [lead.id], TODAY)
    assert "was on the audit team" in refused.value.message
    with pytest.raises(services.AppealError):
        services.appoint_panel(planner, appeal, [], TODAY)
    assert snapshot(_db) == before


def test_the_panel_may_suspend_the_decision_meanwhile_with_a_reason(db):
    decision, certificate, *_rest = suspended()
    appeal = lodged(decision)
    planner, member = factories.user("planner"), factories.committee_member()
    with pytest.raises(services.AppealError):  # no panel yet
        services.stay_decision(member, appeal, "Strong evidence.", TODAY)
    services.appoint_panel(planner, appeal, [member.id], TODAY)
    assert appeal.state == "under_review" and not appeal.stays_decision
    before = snapshot(_db)
    with pytest.raises(services.AppealError):
        services.stay_decision(member, appeal, "", TODAY)
    with pytest.raises(services.AppealError):  # the planner is not on the panel
        services.stay_decision(planner, appeal, "Strong evidence.", TODAY)
    assert snapshot(_db) == before
    services.stay_decision(member, appeal, "Evidence of the agreed date is strong.", TODAY)
    assert appeal.stays_decision and "agreed date" in appeal.stay_reason
    assert certificate.state == "suspended"  # recorded: the certificate's lifecycle is not moved


def under_review(decision):
    appeal = lodged(decision)
    member = factories.user("committee", name="Panel Member")
    services.appoint_panel(factories.user("planner"), appeal, [member.id], TODAY)
    return appeal, member


def test_a_suspension_upheld_on_appeal_restores_the_certificate(db):
    decision, certificate, _decider, _lead = suspended()
    appeal, member = under_review(decision)
    services.decide_appeal(
        member,
        appeal,
        upheld=True,
        reasons="The date was agreed.",
        answer="Your appeal is upheld.",
        today=TODAY,
    )
    assert appeal.state == "upheld" and appeal.remedy == "restore"
    assert certificate.state == "active" and certificate.suspended_on is None
    restored = _db.session.scalars(
        select(ActivityLog).where(
            ActivityLog.subject_type == "Certificate", ActivityLog.action == "restore"
        )
    ).one()
    assert appeal.number in restored.text
    assert appeal.remedy_decision.outcome == "restore"
    assert [m.member_id for m in appeal.remedy_decision.members] == [member.id]


def test_a_withdrawal_upheld_on_appeal_reinstates_the_certificate(db):
    certificate, _audit, _lead = certified()
    decision = decisions.decide_on_certificate(
        factories.committee_member(),
        certificate,
        outcome="withdraw",
        reasons="Misuse.",
        today=TODAY,
    )
    appeal, member = under_review(decision)
    services.decide_appeal(
        member, appeal, upheld=True, reasons="No misuse.", answer="Reinstated.", today=TODAY
    )
    assert appeal.remedy == "reinstate"
    # A new revision effective on the panel's decision; the withdrawn one is superseded by it.
    reinstated = appeal.certificate
    assert reinstated.supersedes is certificate and certificate.state == "superseded"
    assert reinstated.state == "active" and reinstated.ended_on is None
    assert reinstated.revision == certificate.revision + 1
    assert reinstated.issued_on == TODAY
    assert reinstated.expires_on == certificate.expires_on


def test_a_refusal_upheld_on_appeal_goes_back_to_the_committee(db):
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle, "stage2", state="closed", start_date=date(2026, 3, 1), end_date=date(2026, 3, 2)
    )
    refusal = Decision(
        organisation_id=org.id,
        cycle_id=cycle.id,
        audit_id=audit.id,
        outcome="refuse",
        decided_on=date(2026, 4, 20),
        reasons="Not ready.",
    )
    _db.session.add(refusal)
    _db.session.flush()
    appeal, member = under_review(refusal)
    services.decide_appeal(
        member,
        appeal,
        upheld=True,
        reasons="Evidence was missed.",
        answer="The committee decides again.",
        today=TODAY,
    )
    assert appeal.remedy == "reopen" and audit.state == "submitted"
    assert audit in _db.session.scalars(decisions.queue_query()).all()


def test_a_rating_upheld_on_appeal_issues_a_revision_with_the_band(db):
    certificate, _audit, _lead = certified(decided_on=TODAY, band="Two stars")
    grant_decision = _db.session.scalars(select(Decision)).one()
    appeal, member = under_review(grant_decision)
    assert appeal.kind == "rating_band"
    with pytest.raises(services.AppealError):  # the band the panel found
        services.decide_appeal(
            member, appeal, upheld=True, reasons="Scores misread.", answer="Upheld.", today=TODAY
        )
    services.decide_appeal(
        member,
        appeal,
        upheld=True,
        reasons="Scores misread.",
        answer="Upheld.",
        today=TODAY,
        band="Three stars",
    )
    assert certificate.state == "superseded"
    assert appeal.certificate.band == "Three stars" and appeal.certificate.revision == 1


def test_a_rejected_appeal_leaves_the_decision_as_it_was(db):
    decision, certificate, _decider, _lead = suspended()
    appeal, member = under_review(decision)
    services.decide_appeal(
        member,
        appeal,
        upheld=False,
        reasons="The suspension was right.",
        answer="Your appeal is rejected.",
        today=TODAY,
    )
    assert appeal.state == "rejected" and certificate.state == "suspended"


def test_only_the_panel_decides_and_with_reasons(db):
    decision, _certificate, decider, _lead = suspended()
    appeal, member = under_review(decision)
    outsider = factories.committee_member()
    before = snapshot(_db)
    with pytest.raises(services.AppealError):
        services.decide_appeal(outsider, appeal, upheld=True, reasons="x", answer="y", today=TODAY)
    with pytest.raises(services.AppealError):
        services.decide_appeal(member, appeal, upheld=True, reasons="", answer="y", today=TODAY)
    with pytest.raises(services.AppealError):
        services.decide_appeal(member, appeal, upheld=True, reasons="x", answer="", today=TODAY)
    assert snapshot(_db) == before


def test_an_upheld_suspension_appeal_refuses_when_the_certificate_moved_on(db):
    decision, certificate, _decider, _lead = suspended()
    appeal, member = under_review(decision)
    certificate.state = "withdrawn"
    _db.session.flush()
    before = snapshot(_db)
    with pytest.raises(services.AppealError) as refused:
        services.decide_appeal(member, appeal, upheld=True, reasons="x", answer="y", today=TODAY)
    assert "no longer" in refused.value.message
    assert snapshot(_db) == before


def test_the_client_withdraws_its_appeal(db):
    decision, *_rest = suspended()
    appeal = lodged(decision)
    services.withdraw_appeal(client_of(decision.organisation), appeal, TODAY)
    assert appeal.state == "withdrawn"
    with pytest.raises(services.AppealError):
        services.withdraw_appeal(client_of(decision.organisation), appeal, TODAY)
