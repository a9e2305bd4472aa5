"""The demo breaks no rule: it is built, then every decision, audit, certificate and quote in it is
replayed against the rules of issue #8 (generic checks over whatever the demo holds, no names).

Findings only move forward (answered, plan accepted, verified on a recorded day), so a positive
decision is judged on them as they stand, a major on the day it was verified.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import create_app
from certification.accounts.competence import (
    SEAT_ROLES,
    CompetenceRole,
    competence_problem,
    competence_problem_any,
)
from certification.activity.models import ActivityLog
from certification.audit_time import compute_audit_time
from certification.certificates import rules as certificate_rules
from certification.certificates.models import Certificate
from certification.decisions import rules as decision_rules
from certification.decisions.file import cycle_team_ids, earlier_audits, rating_of, relied_on
from certification.decisions.models import Decision
from certification.extensions import db
from certification.findings.models import Finding
from certification.programme import rules as programme_rules
from certification.programme.models import Audit, Cycle
from certification.programme.team_rules import BOOKED_STATES, overlaps
from certification.quotes.models import Quote
from certification.reports.models import AuditReport
from certification.settings import services as settings
from certification.transfers.models import Transfer
from certification.workflow import certificate_expiry, renewed_expiry, stage2_redo_deadline


def logged_days(action: str, subject_type: str) -> dict[int, date]:
    """The first day each subject saw this action, from the activity log."""
    rows = db.session.execute(
        select(ActivityLog.subject_id, ActivityLog.at).where(
            ActivityLog.action == action, ActivityLog.subject_type == subject_type
        )
    )
    found: dict[int, date] = {}
    for subject_id, at in rows:
        found[subject_id] = min(found.get(subject_id, at.date()), at.date())
    return found


def decision_problems(decision: Decision) -> list[str]:
    audit, day, outcome = decision.audit, decision.decided_on, decision.outcome
    where = f"decision {decision.id} ({outcome} on {audit.kind} of {audit.organisation_id})"
    wrong = []
    if decision_rules.decision_day_problem(audit.end_date, day):
        wrong.append(f"{where}: before the audit's last day")
    deciders = [m.member for m in decision.members]
    team = cycle_team_ids(audit)
    org = audit.organisation
    for person in deciders:
        if person.role != "committee":
            wrong.append(f"{where}: {person.email} is not on the committee")
        if person.id in team:
            wrong.append(f"{where}: {person.email} was on an audit of the cycle")
        if programme_rules.blocking_conflict(person.conflicts, org.id, day) is not None:
            wrong.append(f"{where}: {person.email} has a conflict of interest")
        role, scheme = CompetenceRole.COMMITTEE_MEMBER, audit.cycle.scheme
        if competence_problem(person.qualifications, role, scheme, org.sector_code, day):
            wrong.append(f"{where}: {person.email} has no valid competence")
    if outcome in decision_rules.CONCLUDING:
        still_open = [
            a.kind for a in earlier_audits(audit) if a.state not in ("closed", "cancelled")
        ]
        if still_open:
            wrong.append(f"{where}: earlier audits open: {still_open}")
    if outcome in decision_rules.POSITIVE:
        wrong += findings_problems(where, audit, day, outcome)
    if outcome in decision_rules.RATED and rating_of(audit) not in (None, "ok"):
        wrong.append(f"{where}: no certifiable rating")
    return wrong


def findings_problems(where, audit, day, outcome) -> list[str]:
    ids = [a.id for a in relied_on(audit)]
    wrong = []
    for f in db.session.scalars(select(Finding).where(Finding.audit_id.in_(ids))):
        if f.grade == "major":
            done = f.verified_on if f.state == "closed" else None
            if done is None or done > day:
                wrong.append(f"{where}: major {f.id} not verified closed by then")
            elif outcome == "grant" and f.audit.kind == "stage2":
                if done > stage2_redo_deadline(f.audit.end_date):
                    wrong.append(f"{where}: stage 2 major {f.id} verified after 6 months")
        if f.grade == "minor" and f.state not in ("plan_accepted", "closed"):
            wrong.append(f"{where}: minor {f.id} without an accepted plan")
    return wrong


def audit_problems(audit: Audit, today: date, bookings: dict) -> list[str]:
    where = f"audit {audit.id} ({audit.kind} of {audit.organisation_id}, {audit.state})"
    wrong = []
    report = db.session.scalar(select(AuditReport).where(AuditReport.audit_id == audit.id))
    if report is not None and report.submitted_at is not None:
        if audit.start_date is None or report.submitted_at.date() < audit.start_date:
            wrong.append(f"{where}: report before the first day")
    if audit.kind == "stage2" and audit.state not in ("planned", "scheduled", "cancelled"):
        wrong += stage2_problems(where, audit)
    if audit.start_date is not None and audit.state in BOOKED_STATES:
        wrong += team_problems(where, audit, bookings)
        if audit.kind == "surveillance2" and audit.state != "cancelled":
            first = [
                a.end_date
                for a in audit.cycle.audits
                if a.kind == "surveillance1" and a.state != "cancelled" and a.end_date
            ]
            if first and audit.start_date.year <= max(first).year:  # 17021-1 9.1.3.3
                wrong.append(f"{where}: in the calendar year of surveillance 1")
        if programme_rules.scheduled_late(audit.kind, audit.due_by, audit.end_date):
            if not audit.late_justification:
                wrong.append(f"{where}: held after its due date without a justified exception")
    return wrong


def stage2_problems(where: str, audit: Audit) -> list[str]:
    stage1s = [a for a in earlier_audits(audit) if a.kind == "stage1" and a.state == "closed"]
    reports = {
        r.audit_id: r
        for r in db.session.scalars(
            select(AuditReport).where(AuditReport.audit_id.in_([a.id for a in stage1s]))
        )
    }
    ready = [a for a in stage1s if a.id in reports and reports[a.id].readiness == "ready"]
    if not ready:
        return [f"{where}: started without a stage 1 concluded ready"]
    stage1 = max(ready, key=lambda a: (a.sequence, a.id))
    problem = programme_rules.stage2_problem(
        "closed",
        "ready",
        stage1.end_date,
        audit.start_date,
        starting=True,
        void_months=int(settings.get("stage1_void_months")),
    )
    return [f"{where}: {problem}"] if problem else []


def team_problems(where: str, audit: Audit, bookings: dict) -> list[str]:
    wrong = []
    org, scheme = audit.organisation, audit.cycle.scheme
    for member in audit.team:
        person = member.user
        for other in bookings[person.id]:
            if other.id != audit.id and overlaps(
                audit.start_date, audit.end_date, other.start_date, other.end_date
            ):
                wrong.append(f"{where}: {person.email} also on audit {other.id} those days")
        conflict = programme_rules.blocking_conflict(person.conflicts, org.id, audit.start_date)
        if conflict is not None and conflict.kind == "consultancy":
            wrong.append(f"{where}: {person.email} consulted for the client")
        # 17021-1 7.1, 7.2: the seat's qualification on every day of the audit, no override.
        for day in (audit.start_date, audit.end_date):
            if competence_problem_any(
                person.qualifications, SEAT_ROLES[member.role], scheme, org.sector_code, day
            ):
                wrong.append(f"{where}: {person.email} not qualified as {member.role} on {day}")
    return wrong


def certificate_problems(certificate: Certificate, today: date, flagged: set) -> list[str]:
    where = f"certificate {certificate.number}"
    wrong = []
    decision = db.session.scalar(
        select(Decision).where(Decision.certificate_id == certificate.id).order_by(Decision.id)
    )
    if decision is None or certificate.issued_on < decision.decided_on:
        wrong.append(f"{where}: not issued on or after a decision")
    previous = certificate.supersedes
    transfer = db.session.scalar(select(Transfer).where(Transfer.certificate_id == certificate.id))
    if transfer is not None:  # IAF MD 2: the transferred certificate keeps the cycle's expiry
        expected = transfer.expires_on
    elif previous is None:
        expected = certificate_expiry(certificate.original_issued_on)
    elif certificate.certification_type == "recertification" and (
        previous.expires_on != certificate.expires_on
    ):
        expected = renewed_expiry(previous.expires_on, certificate.original_issued_on)
    else:
        expected = previous.expires_on
    if certificate.expires_on != expected:
        wrong.append(f"{where}: expires {certificate.expires_on}, the rule gives {expected}")
    checklist = checklist_of_scheme(certificate)
    if checklist is not None and checklist.scored:
        bands = {band.label["en"]: band for band in checklist.bands}
        band = bands.get(certificate.band)
        if band is None or not band.certifiable:
            wrong.append(f"{where}: band {certificate.band!r} gives no certificate")
    if certificate.state == "active":
        for audit in certificate.cycle.audits:
            due = (audit.kind, audit.state, audit.start_date, audit.due_by, today)
            if certificate_rules.audit_overdue(*due) and audit.id not in flagged:
                wrong.append(f"{where}: audit {audit.id} overdue and not flagged")
    return wrong


def checklist_of_scheme(certificate: Certificate):
    from certification.checklists import loader

    try:
        return loader.checklist_for(certificate.scheme, certificate.edition)
    except loader.UnknownChecklistError:
        return None


def quote_problems(quote: Quote) -> list[str]:
    site_personnel = [s["personnel"] for s in quote.site_times] or None
    time = compute_audit_time(
        quote.employees,
        sites=quote.sites,
        adjust_percent=float(quote.adjustment_percent),
        stage1_share=settings.stage1_share(),
        site_personnel=site_personnel,
        site_reduction_percent=float(quote.site_reduction_percent),
    )
    frozen = (
        float(quote.initial_days),
        float(quote.surveillance_days),
        float(quote.recertification_days),
        (quote.sample_initial, quote.sample_surveillance, quote.sample_recertification),
    )
    computed = (
        time.initial_days,
        time.surveillance_days,
        time.recertification_days,
        (
            time.sample_sites.initial,
            time.sample_sites.surveillance,
            time.sample_sites.recertification,
        ),
    )
    if frozen != computed:
        return [f"quote {quote.number}: {frozen} but IAF MD 5 / MD 1 give {computed}"]
    return []


def test_the_demo_breaks_no_rule(empty_database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "TESTING": True,
            "SECRET_KEY": "demo-rules",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    today = date.today()
    with app.app_context(), app.test_request_context():
        from certification import demo

        demo.rebuild_database()
        demo.build(today)
        db.session.commit()

        flagged = set(logged_days("audit_overdue", "Audit")) | set(
            logged_days("surveillance_overdue", "Audit")
        )
        audits = db.session.scalars(
            select(Audit).options(selectinload(Audit.team), selectinload(Audit.cycle))
        ).all()
        bookings = defaultdict(list)
        for audit in audits:
            if audit.start_date is not None and audit.state in BOOKED_STATES:
                for member in audit.team:
                    bookings[member.user_id].append(audit)

        wrong = []
        decisions = db.session.scalars(select(Decision).where(Decision.audit_id.is_not(None)))
        for decision in decisions:
            wrong += decision_problems(decision)
        for audit in audits:
            wrong += audit_problems(audit, today, bookings)
        for certificate in db.session.scalars(select(Certificate)):
            wrong += certificate_problems(certificate, today, flagged)
        for quote in db.session.scalars(select(Quote)):
            wrong += quote_problems(quote)
        for cycle in db.session.scalars(select(Cycle)):
            expiries = {
                c.expires_on
                for c in db.session.scalars(
                    select(Certificate).where(Certificate.cycle_id == cycle.id)
                )
            }
            if expiries and cycle.expires_on not in expiries:
                wrong.append(f"cycle {cycle.id}: expiry {cycle.expires_on} not its certificate's")

        # The replay looked at something: the demo has each kind of fact the rules govern.
        assert len(audits) > 40
        assert wrong == []
        db.session.remove()
        db.engine.dispose()
