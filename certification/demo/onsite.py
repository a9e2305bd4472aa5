"""On-site work through the real services: schedule and start an audit, answer its checklist,
write findings up, the client's answers, the complaints figures and the report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from certification.demo.documents import minimal_pdf, site_photo
from certification.demo.notes import (
    ROUTINE_NOTES,
    STAGE1_SOURCES,
    STAGE1_TAILS,
    DemoFinding,
    Facts,
)
from certification.extensions import db


def first_audits(org):
    """The organisation's stage 1 and stage 2 audits."""
    from certification.programme.models import Audit

    stage1, stage2 = db.session.scalars(
        db.select(Audit).where(Audit.organisation_id == org.id).order_by(Audit.sequence)
    ).all()[:2]
    return stage1, stage2


def free_team(team, audit, start: date, end: date) -> list:
    """The story's team for these days; whoever is already booked then (or no longer fit)
    gives way to another auditor fit for the audit (17021-1 9.2.2: one audit at a time)."""
    from certification.programme.team import team_overview

    candidates = team_overview(audit, start, end)
    fit = [c.person for c in candidates if c.assessment.fit]
    chosen = []
    for person in team:
        if person in fit and person not in chosen:
            chosen.append(person)
            continue
        stand_in = next((p for p in fit if p not in chosen and p not in team), None)
        if stand_in is not None:
            chosen.append(stand_in)
    return chosen


def first_free_days(team, audit, earliest: date, days: int) -> tuple[date, list]:
    """The first start from `earliest` on which a fit team is free for `days` days."""
    start = earliest
    for _ in range(120):
        chosen = free_team(team, audit, start, start + timedelta(days=days - 1))
        if chosen:
            return start, chosen
        start += timedelta(days=1)
    raise LookupError(f"no free team for {audit.kind} of organisation {audit.organisation_id}")


def on_site(
    planner, team, audit, start: date, days: int, scheduled_on: date, late_reason: str = ""
) -> list:
    """Scheduled weeks ahead, its plan sent to the client and confirmed, started by the lead on
    its first day; returns the team."""
    from certification.audits.services import start_audit
    from certification.programme.services import schedule_audit

    end = start + timedelta(days=days - 1)
    team = free_team(team, audit, start, end)
    lead, members = team[0], team[1:]
    schedule_audit(
        planner,
        audit,
        start,
        end,
        lead.id,
        [(m.id, "auditor") for m in members],
        {},
        today=scheduled_on,
        late_reason=late_reason,
    )
    send_plan(planner, audit, min(scheduled_on + timedelta(days=3), start))
    start_audit(lead, audit, start)
    return team


def send_plan(planner, audit, day: date):
    """17021-1 9.2.3: the plan as prepared from the programme, the client's representative filled
    in as the planner would on the form, sent; the client confirms it where it has a login."""
    from certification.accounts.models import Role, User
    from certification.plans import services as plans

    plan = plans.prepare_plan(planner, audit, day, seed=audit.id)
    client = db.session.scalar(
        db.select(User)
        .where(User.organisation_id == audit.organisation_id, User.role == Role.CLIENT.value)
        .order_by(User.id)
        .limit(1)
    )
    if not plan.representative:
        lines = [
            plans.LineInput(
                a.day, a.starts, a.ends, a.activity, a.clauses, a.auditors, a.auditor_hours
            )
            for a in plan.activities
        ]
        values = plans.PlanInput(
            objectives=plan.objectives,
            scope=plan.scope,
            criteria=plan.criteria,
            client_documents=plan.client_documents,
            representative=client.name if client is not None else "Quality manager",
            language=plan.language,
            confidentiality=plan.confidentiality,
            extra_seats=[],
            lines=lines,
        )
        plans.update_plan(planner, plan, values)
    plans.send_plan(planner, plan, day)
    if client is not None:
        plans.confirm_plan(client, plan, day)
    return plan


def _number(facts: Facts, year: int, seed: int) -> str:
    return f"{facts.prefix}-{year}-{(seed * 389) % 9000 + 1000}"


def _routine(question, index: int, facts: Facts, year: int) -> str:
    return ROUTINE_NOTES[question.id].format(
        procedure=facts.procedure,
        system=facts.system,
        manager=facts.manager,
        a=_number(facts, year, index),
        b=_number(facts, year, index + 17),
    )


def stage1_entries(audit, facts: Facts, findings: list[DemoFinding], points: dict) -> list:
    from certification.audits.services import checklist_of

    checklist = checklist_of(audit)
    raised = {f.question: f for f in findings}
    entries = []
    for index, question in enumerate(checklist.questions()):
        if question.id in raised:
            grade, note = raised[question.id].grade, raised[question.id].evidence
        else:
            source = STAGE1_SOURCES[question.clause.split(".")[0]]
            tail = STAGE1_TAILS[index % len(STAGE1_TAILS)]
            note = f"Stage 1 document review: {source}. {tail}".format(
                procedure=facts.procedure, system=facts.system, manager=facts.manager
            )
            grade = "conforming"
        entries.append((question.id, grade, _points(checklist, question, points), note))
    return entries


def stage2_entries(audit, facts: Facts, findings: list[DemoFinding], points: dict) -> list:
    from certification.audits.services import checklist_of

    checklist = checklist_of(audit)
    raised = {f.question: f for f in findings}
    entries = []
    for index, question in enumerate(checklist.questions()):
        if question.id in raised:
            finding = raised[question.id]
            entries.append((question.id, finding.grade, finding.points, finding.evidence))
            continue
        note = _routine(question, index, facts, audit.start_date.year)
        entries.append((question.id, "conforming", _points(checklist, question, points), note))
    return entries


def _points(checklist, question, points: dict) -> int | None:
    return points.get(question.id, 3) if checklist.scored else None


def answer(team, audit, entries, today: date) -> None:
    """Saved through the checklist service, the team sharing the clauses, over the audit days."""
    from certification.audits.services import save_answer

    days = (audit.end_date - audit.start_date).days + 1
    for index, (question_id, grade, points, evidence) in enumerate(entries):
        day = min(audit.start_date + timedelta(days=index * days // len(entries)), today)
        section = int(question_id.split(".")[0])
        save_answer(
            team[section % len(team)],
            audit,
            question_id,
            grade=grade,
            points=points,
            evidence=evidence,
            expected_version=0,
            today=day,
        )


def attach(auditor, audit, question_id: str, file: tuple[str, str]) -> None:
    from certification.audits.attachments import add_attachments

    name, heading = file
    add_attachments(auditor, audit, question_id, [(name, minimal_pdf(name, heading))])


def photo(auditor, audit, question_id: str, file: tuple[str, str]) -> None:
    """A photo taken on site as evidence of a question (its thumbnail is made as it is kept)."""
    from certification.audits.attachments import add_attachments

    name, caption = file
    add_attachments(auditor, audit, question_id, [(name, site_photo(caption))])


def period(audit_day: date) -> tuple[date, date]:
    """The twelve full months before the audit's month."""
    first = audit_day.replace(day=1)
    return first.replace(year=first.year - 1), first - timedelta(days=1)


def figures(auditor, audit, values) -> None:
    from certification.reports.services import record_figures

    record_figures(auditor, audit, values)


def write_up(auditor, audit, findings: list[DemoFinding]) -> dict:
    """A team member writes every finding up: statement, objective evidence, requirement."""
    from certification.findings.models import Finding
    from certification.findings.services import edit_finding

    by_question = {
        f.question_id: f
        for f in db.session.scalars(db.select(Finding).where(Finding.audit_id == audit.id))
    }
    for spec in findings:
        edit_finding(
            auditor, by_question[spec.question], spec.statement, spec.evidence, spec.requirement
        )
    return by_question


def follow_up(lead, client, audit, findings: list[DemoFinding], today: date) -> None:
    """The team writes the findings up; the client answers; the lead reviews some answers."""
    from certification.findings.services import accept_plan, answer_finding

    by_question = write_up(lead, audit, findings)
    for spec in findings:
        finding = by_question[spec.question]
        if spec.answer is None:
            continue
        correction, cause, action, target_in = spec.answer
        day = today - timedelta(days=spec.answered_days_ago)
        files = [(spec.file[0], minimal_pdf(spec.file[0], spec.file[1]))] if spec.file else []
        answer_finding(
            client,
            finding,
            correction,
            cause,
            action,
            day + timedelta(days=target_in),
            files,
            today=day,
        )
        if spec.accepted is not None:
            accept_plan(lead, finding, spec.accepted)


def demo_assessment(audit):
    """The lead's 9.4.8 statements in the demo: nothing unresolved, the scope fits, and at a
    surveillance the marks are used as the agreement allows."""
    from certification.reports.assessment import MARKS_ASKED, Assessment

    marks = (
        "The certificate and the body's mark appear on the website and the complaints leaflet, "
        "for the certified scope only; not on products."
        if audit.kind in MARKS_ASKED
        else ""
    )
    return Assessment(scope_verdict="appropriate", marks_use=marks)


def report(lead, audit, day: date, summary: str) -> None:
    """The lead confirms the recommendation the findings give and hands it to the committee;
    stage 1 ends with the lead's conclusion that the client is ready (17021-1 9.3.1)."""
    from certification.reports.services import report_data, report_of, submit_report
    from certification.reports.stage1 import conclude_stage1

    if audit.kind == "stage1":
        conclude_stage1(lead, audit, readiness="ready", summary=summary, today=day)
        return
    computed = report_data(audit).computed
    submit_report(
        lead,
        audit,
        recommendation=computed,
        override_reason="",
        summary=summary,
        today=day,
        assessment=demo_assessment(audit),
    )
    # Signed at submission on the story's day, so before the committee decides on it.
    report_of(audit).submitted_at = datetime.combine(day, time(17, 0), tzinfo=UTC)
