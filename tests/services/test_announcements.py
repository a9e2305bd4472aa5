"""Who is told of what: each event of the issue reaches its people, through the real services,
in the same transaction as the change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from certification.activity.services import record
from certification.applications.services import review_application
from certification.audits.services import checklist_of, save_answer, start_audit
from certification.certificates.lifecycle import suspend_certificate, withdraw_certificate
from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.findings.models import Finding
from certification.findings.services import answer_finding
from certification.notifications.models import OutboxMessage
from certification.programme.services import schedule_audit
from tests import factories

TODAY = factories.today()


def told(db, event: str) -> set[str]:
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event))
    return {row.recipient_email for row in rows}


def a_client(db):
    org = factories.organisation(legal_name="Duyuru Müşterisi A.Ş.")
    user = factories.user("client", organisation=org, email="client@announce.example.test")
    return org, user


def test_an_application_review_is_told_to_the_client(db):
    org, user = a_client(db)
    application = factories.application(org)
    review_application(
        factories.user("planner"),
        application,
        approve=True,
        competence_confirmed=True,
        notes="",
        today=TODAY,
    )
    assert told(db, "application_reviewed") == {user.email}


def test_a_scheduled_audit_is_told_to_the_team_and_the_client_with_a_calendar_file(db):
    org, user = a_client(db)
    lead = factories.user("auditor", email="lead@body.example.test")
    factories.qualification(lead)
    audit = factories.audit(factories.cycle(factories.quote(factories.application(org))))
    start = TODAY + timedelta(days=10)
    schedule_audit(
        factories.user("planner"),
        audit,
        start,
        start + timedelta(days=1),
        lead.id,
        [],
        {},
        today=TODAY,
    )
    assert told(db, "audit_scheduled") == {user.email, lead.email}
    schedule_audit(
        factories.user("planner"),
        audit,
        start + timedelta(days=7),
        start + timedelta(days=8),
        lead.id,
        [],
        {},
        today=TODAY,
    )
    assert told(db, "audit_moved") == {user.email, lead.email}


def test_a_finding_goes_to_the_client_and_its_answer_to_the_team(db):
    org, user = a_client(db)
    lead = factories.user("auditor", email="lead2@body.example.test")
    cycle = factories.cycle(factories.quote(factories.application(org)))
    factories.concluded_stage1(cycle, TODAY - timedelta(days=20))  # 17021-1 9.3.1
    audit = factories.audit(
        cycle,
        kind="stage2",
        state="scheduled",
        start_date=TODAY,
        end_date=TODAY,
    )
    from certification.programme.models import AuditTeamMember

    db.session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
    db.session.flush()
    factories.sent_plan(audit, lead)
    start_audit(lead, audit, TODAY)
    question = checklist_of(audit).questions()[0].id
    save_answer(
        lead,
        audit,
        question,
        grade="observation",
        points=None,
        evidence="Fine.",
        expected_version=0,
        today=TODAY,
    )
    assert told(db, "finding_raised") == set()  # an observation needs no answer
    save_answer(
        lead,
        audit,
        question,
        grade="major",
        points=None,
        evidence="No register.",
        expected_version=1,
        today=TODAY,
    )
    assert told(db, "finding_raised") == {user.email}
    finding = db.session.scalars(select(Finding)).one()
    answer_finding(
        user,
        finding,
        "Fixed",
        "No procedure",
        "Procedure written",
        TODAY + timedelta(days=10),
        [],
        today=TODAY,
    )
    assert told(db, "finding_answered") == {lead.email}


def test_a_submitted_report_goes_to_the_committee(db):
    members = {factories.user("committee").email, factories.user("committee").email}
    factories.user("planner")
    audit = factories.audit(state="submitted", start_date=TODAY, end_date=TODAY)
    record(
        factories.user("auditor"), audit, "submit", from_state="in_progress", to_state="submitted"
    )
    assert told(db, "report_submitted") == members


def test_a_decision_and_the_certificate_go_to_the_client(db):
    org, user = a_client(db)
    cycle = factories.cycle(factories.quote(factories.application(org)))
    decision = factories._add(
        Decision(organisation=org, cycle=cycle, outcome="grant", decided_on=TODAY, reasons="ok")
    )
    record(factories.user("committee"), decision, "decided", reason="Grant")
    certificate = factories._add(
        Certificate(
            number="CB-A-1",
            token="ann1",
            organisation=org,
            cycle=cycle,
            scheme="iso10002",
            edition="2018",
            scope="s",
            issued_on=TODAY,
            original_issued_on=TODAY,
            expires_on=TODAY + timedelta(days=1000),
        )
    )
    record(None, certificate, "certificate_issued", to_state="active")
    assert told(db, "decision_made") == {user.email}
    assert told(db, "certificate_issued") == {user.email}
    planner = factories.user("planner")
    suspend_certificate(planner, certificate, "Surveillance not held", TODAY)
    withdraw_certificate(planner, certificate, "Not resolved", TODAY)
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "certificate_changed")
    ).all()
    assert sorted(row.subject for row in rows) == [
        "Certificate CB-A-1: Suspended",
        "Certificate CB-A-1: Withdrawn",
    ]


def test_nothing_is_told_twice_when_the_same_change_is_committed_again(db):
    org, user = a_client(db)
    application = factories.application(org)
    review_application(
        factories.user("planner"),
        application,
        approve=False,
        competence_confirmed=False,
        notes="Out of our scope",
        today=TODAY,
    )
    db.session.commit()
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 1 and "Out of our scope" in rows[0].text_body
