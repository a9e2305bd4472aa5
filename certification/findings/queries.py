"""Lists of findings: per audit, per organisation, the client's to-do list, the planners' list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, exists, not_, or_, select
from sqlalchemy.orm import aliased, selectinload

from certification import listing
from certification.access import REVIEWING_STATES, reviewing_audits
from certification.activity.models import ActivityLog
from certification.audits.models import AuditChecklist
from certification.checklists import loader
from certification.extensions import db
from certification.findings import rules
from certification.findings.models import CorrectiveAction, Finding, open_nonconformity
from certification.listing import Listing
from certification.paging import Page, Segment, page_of
from certification.programme.models import Audit, AuditTeamMember, Cycle
from certification.workflow import FindingState

NONCONFORMITIES = list(rules.NONCONFORMITIES)
WAITING_FOR_CLIENT = list(rules.WAITING_FOR_CLIENT)
SHOW = ("open", "overdue", "answered")


def _with_details(query):
    return query.options(
        selectinload(Finding.audit).selectinload(Audit.team),
        selectinload(Finding.organisation),
        selectinload(Finding.actions),
    )


def _with_reviewing_teams(query):
    """Also each finding's cycle with its audits and their teams: what access.reviewing_audits
    reads to let a later audit's team see a finding, loaded once for all of them."""
    return _with_details(query).options(
        selectinload(Finding.audit)
        .selectinload(Audit.cycle)
        .selectinload(Cycle.audits)
        .selectinload(Audit.team)
    )


def audit_findings(audit_id: int) -> list[Finding]:
    query = select(Finding).where(Finding.audit_id == audit_id).order_by(Finding.number)
    return list(db.session.scalars(_with_details(query)))


def previous_open_findings(audit: Audit) -> list[Finding]:
    """Nonconformities raised at earlier audits of the cycle and not verified yet: this audit
    reviews their status (17021-1 9.4.8) and its team may verify them."""
    query = (
        select(Finding)
        .where(
            Finding.cycle_id == audit.cycle_id,
            Finding.audit_id != audit.id,
            Finding.grade.in_(NONCONFORMITIES),
            Finding.state != FindingState.CLOSED.value,
        )
        .order_by(Finding.number)
    )
    found = db.session.scalars(_with_reviewing_teams(query))
    return [f for f in found if audit in reviewing_audits(f)]


def organisation_findings(organisation_id: int) -> list[Finding]:
    """Every finding of the client, newest audit first."""
    query = (
        select(Finding)
        .where(Finding.organisation_id == organisation_id)
        .order_by(Finding.audit_id.desc(), Finding.number)
    )
    return list(db.session.scalars(_with_reviewing_teams(query)))


def waiting_for_client(findings: list[Finding]) -> list[Finding]:
    """Nonconformities the client still has to answer (first answer, or after a rejection)."""
    return [f for f in findings if f.grade in NONCONFORMITIES and f.state in WAITING_FOR_CLIENT]


def overdue_clause(today: date):
    """SQL form of rules.finding_due(...) < today, for filtering a list."""
    late_target = exists().where(
        CorrectiveAction.finding_id == Finding.id,
        CorrectiveAction.accepted.is_(True),
        CorrectiveAction.target_date < today,
    )
    late_stage2 = Finding.audit_id.in_(
        select(Audit.id).where(
            Audit.kind == rules.STAGE2,
            Audit.end_date <= rules.last_stage2_end_past_deadline(today),
        )
    )
    return or_(
        and_(Finding.state.in_(WAITING_FOR_CLIENT), Finding.plan_due_on < today),
        and_(Finding.state == FindingState.PLAN_ACCEPTED.value, late_target),
        and_(Finding.grade == "major", Finding.state != FindingState.CLOSED.value, late_stage2),
    )


def team_audit_ids(user_id: int):
    """The audits this person is on the team of (SQL, for filtering a list)."""
    return select(AuditTeamMember.audit_id).where(AuditTeamMember.user_id == user_id)


def reviewable_by(user_id: int):
    """SQL condition on Finding, the form of access.can_review_finding for a list: this person
    is on the team of the audit that raised it, or of a later audit of its cycle under way
    (access.REVIEWING_STATES), later as access.later_audit orders them."""
    raised, later = aliased(Audit), aliased(Audit)
    special = or_(raised.kind == "special", later.kind == "special")
    dated = and_(
        raised.start_date.is_not(None),
        later.start_date.is_not(None),
        later.start_date != raised.start_date,
    )
    is_later = or_(
        and_(special, dated, later.start_date > raised.start_date),
        and_(special, not_(dated), later.id > raised.id),
        and_(
            not_(special),
            or_(
                later.sequence > raised.sequence,
                and_(later.sequence == raised.sequence, later.id > raised.id),
            ),
        ),
    )
    later_team = exists().where(
        raised.id == Finding.audit_id,
        later.cycle_id == raised.cycle_id,
        later.state.in_(REVIEWING_STATES),
        later.id.in_(team_audit_ids(user_id)),
        is_later,
    )
    return or_(Finding.audit_id.in_(team_audit_ids(user_id)), later_team)


# Soonest plan due first, then those without a due date; each segment read from its index.
DUE_FIRST = (
    Segment(key=(Finding.plan_due_on, Finding.id), where=Finding.plan_due_on.is_not(None)),
    Segment(key=(Finding.id,), where=Finding.plan_due_on.is_(None)),
)


def open_findings_page(
    show: str,
    today: date,
    args: Mapping[str, str],
    per_page: int,
    where: Sequence = (),
    chosen: Listing | None = None,
) -> Page:
    """The staff list a page at a time, paged by key (the last page costs what the first does);
    `where`: further conditions (an auditor's own audits); `chosen`: search, filters, sort."""
    chosen = chosen or Listing(segments=DUE_FIRST)
    query = open_findings_query(show, today).where(*where, *findings_where(chosen))
    return page_of(listing.joined(query, chosen, Finding), chosen.segments, args, per_page)


def findings_listing(args: Mapping[str, str], locale, kept: Mapping[str, object]) -> Listing:
    """The list's search (organisation), auditor, plan-due dates and sort, as in the address."""
    chosen = {
        "q": listing.text(args),
        "auditor": listing.number(args, "auditor"),
        "from": listing.day(args, "from"),
        "to": listing.day(args, "to"),
    }
    orders = {
        "due": DUE_FIRST,
        "organisation": listing.by_organisation(Finding, locale),
        "raised": (Segment(key=(Finding.raised_on, Finding.id)),),
        "state": (Segment(key=(Finding.state, Finding.id)),),
    }
    return listing.read(args, orders, DUE_FIRST, {**kept, **chosen})


def findings_where(chosen: Listing) -> list:
    """SQL conditions of the chosen search, auditor (on the audit's team) and plan-due dates."""
    values, where = chosen.chosen, []
    if values.get("q"):
        where.append(listing.matching(values["q"], Finding.organisation_id))
    if values.get("auditor"):
        where.append(Finding.audit_id.in_(team_audit_ids(values["auditor"])))
    start, end = (date.fromisoformat(values[k]) if values.get(k) else None for k in ("from", "to"))
    return where + listing.between(Finding.plan_due_on, start, end)


def open_findings_query(show: str, today: date):
    """Nonconformities not yet verified, across clients; the soonest due first."""
    query = select(Finding).where(open_nonconformity())
    if show == "overdue":
        query = query.where(overdue_clause(today))
    elif show == "answered":
        query = query.where(Finding.state == FindingState.ANSWERED.value)
    return _with_details(query).order_by(
        Finding.plan_due_on.is_(None), Finding.plan_due_on, Finding.id
    )


def finding_timeline(finding: Finding) -> list[ActivityLog]:
    """Log lines about this finding, newest first."""
    query = (
        select(ActivityLog)
        .where(ActivityLog.subject_type == "Finding", ActivityLog.subject_id == finding.id)
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
    )
    return list(db.session.scalars(query))


@lru_cache(maxsize=16)
def _parsed(fingerprint: str, source: str):
    return loader.parse(source, stored=True)


def question_texts(finding: Finding, locale) -> tuple[str, str]:
    """The clause title and the question as the audit's own checklist asked it ("" if unknown)."""
    kept = db.session.scalar(
        select(AuditChecklist).where(AuditChecklist.audit_id == finding.audit_id)
    )
    if kept is None:
        return "", ""
    try:
        checklist = _parsed(kept.fingerprint, kept.source)
        clause = checklist.clause(finding.clause)
        question = checklist.question(finding.question_id)
    except (loader.ChecklistError, KeyError):
        return "", ""
    return loader.text(clause.title, locale), loader.text(question.text, locale)
