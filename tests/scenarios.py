"""Whole situations built through the services, for tests that start further along the cycle.

Each function takes `today`, adds to the current session and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from certification.audits import services as audit_services
from certification.checklists import loader
from certification.models_base import utcnow
from certification.programme import services as programme_services
from certification.programme.models import Audit, AuditTeamMember
from certification.reports import services as report_services
from certification.reports.models import AuditReport
from tests import factories


@dataclass
class Stage2:
    audit: Audit
    lead: object
    client: object
    planner: object


def stage2_on_site(
    session, today: date, *, grade: str = "conforming", org=None, **organisation
) -> Stage2:
    """A contracted client (`org`, or a new one) whose stage 2 started yesterday, every question
    answered `grade`."""
    org = org or factories.organisation(**organisation)
    client = factories.user("client", organisation=org)
    lead = factories.user("auditor", name="Lead Auditor")
    factories.qualification(lead, scheme="iso10002", sector_code=org.sector_code)
    planner = factories.user("planner")
    application = factories.application(
        org,
        state="contracted",
        competence_confirmed=True,
        reviewed_by_id=planner.id,
        reviewed_at=utcnow(),
    )
    quote = factories.quote(
        application,
        state="accepted",
        issued_on=today - timedelta(days=60),
        valid_until=today - timedelta(days=30),
        prepared_by_id=planner.id,
    )
    cycle = programme_services.create_programme(quote, planner, today - timedelta(days=30))
    audits = {audit.kind: audit for audit in cycle.audits}
    stage1, audit = audits["stage1"], audits["stage2"]
    stage1.state = "closed"
    stage1.start_date = stage1.end_date = today - timedelta(days=20)
    # 17021-1 9.3.1: stage 1 ended with the lead auditor's conclusion, the client ready.
    session.add(
        AuditReport(
            audit_id=stage1.id,
            computed_recommendation="recommended",
            recommendation="recommended",
            readiness="ready",
            summary="Ready for stage 2.",
        )
    )
    audit.state = "scheduled"
    audit.start_date, audit.end_date = today - timedelta(days=1), today
    session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
    session.flush()
    factories.sent_plan(audit, planner, today - timedelta(days=7))  # 17021-1 9.2.3
    audit_services.start_audit(lead, audit, today)
    answer_every_question(lead, audit, today, grade)
    return Stage2(audit=audit, lead=lead, client=client, planner=planner)


def answer_every_question(lead, audit, today: date, grade: str = "conforming") -> None:
    """The lead answers every question of the ISO 10002:2018 checklist with `grade`."""
    for question in loader.checklist_for("iso10002", "2018").questions():
        audit_services.save_answer(
            lead,
            audit,
            question.id,
            grade=grade,
            points=None,
            evidence="Procedure and records sampled.",
            expected_version=0,
            today=today,
        )


def submitted_stage2(session, today: date, **organisation) -> Stage2:
    """The same, its report submitted to the committee recommending certification."""
    stage2 = stage2_on_site(session, today, **organisation)
    factories.agreement(stage2.audit.organisation)  # 17021-1 5.1.2: no grant without one
    report_services.submit_report(
        stage2.lead,
        stage2.audit,
        recommendation="recommended",
        override_reason="",
        summary="The complaints-handling process is implemented and effective.",
        today=today,
    )
    return stage2
