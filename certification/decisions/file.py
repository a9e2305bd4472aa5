"""The committee's file on an audit: what the decision relies on, who may decide it, and the
words for every rule that refuses a decision.

17021-1 9.5: the decision rests on every audit of the cycle it relies on (stage 1 included), is
taken by competent people who took part in none of them, and names the rule when it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.accounts.competence import CompetenceRole, competence_problem, lapsed_on
from certification.accounts.models import ConflictKind, Role, User
from certification.applications.schemes import SCHEMES
from certification.certificates.models import Certificate
from certification.decisions import rules
from certification.decisions.models import Decision, DecisionMember
from certification.extensions import db
from certification.findings.models import Finding
from certification.programme.models import Audit
from certification.programme.rules import blocking_conflict
from certification.reports import scoring
from certification.reports.services import answers_of, checklist_of
from certification.templating import format_day
from certification.workflow import CertificateState, restoration_deadline, stage2_redo_deadline

# Only the certification committee decides (17021-1 9.5.1.2); an administrator does not by role.
DECIDERS = (Role.COMMITTEE,)
# The certificate of a cycle that is still in force or can come back (not superseded).
LIVE_STATES = (CertificateState.ACTIVE, CertificateState.SUSPENDED, CertificateState.EXPIRED)


def current_certificate(organisation_id: int, scheme: str) -> Certificate | None:
    """The organisation's newest certificate of the scheme in force or lapsed (not superseded,
    not withdrawn): the one a later decision acts on."""
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.organisation_id == organisation_id,
            Certificate.scheme == scheme,
            Certificate.state.in_([s.value for s in LIVE_STATES]),
        )
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    )


def previous_decisions(organisation_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.organisation_id == organisation_id)
            .options(
                selectinload(Decision.members).selectinload(DecisionMember.member),
                selectinload(Decision.decided_by),
                selectinload(Decision.audit),
                selectinload(Decision.certificate),
            )
            .order_by(Decision.decided_on.desc(), Decision.id.desc())
        )
    )


# -- what the decision relies on -----------------------------------------------------------------


def earlier_audits(audit: Audit) -> list[Audit]:
    """The audits of the cycle before this one, in programme order (a repeat comes later)."""
    here = (audit.sequence, audit.id)
    return [a for a in audit.cycle.audits if (a.sequence, a.id) < here]


def relied_on(audit: Audit) -> list[Audit]:
    """The audits the decision rests on: this one and the earlier ones that took place, less a
    stage conducted again (its later audit replaces it: rules.relied_positions)."""
    audits = [*earlier_audits(audit), audit]
    return [audits[i] for i in rules.relied_positions([(a.kind, a.state) for a in audits])]


def replaced_audits(audit: Audit) -> list[Audit]:
    """The earlier audits of the cycle that took place and were conducted again (a stage 1 the
    client was not ready after, a stage 2 refused): history for the committee, not relied on."""
    relied = {a.id for a in relied_on(audit)}
    return [a for a in earlier_audits(audit) if a.state != "cancelled" and a.id not in relied]


def took_part(audit: Audit) -> list[Audit]:
    """Every audit of the cycle so far that took place, replaced ones included."""
    return [a for a in earlier_audits(audit) if a.state != "cancelled"] + [audit]


def relied_findings(audit: Audit) -> list[Finding]:
    return findings_of_audits(relied_on(audit))


def findings_of_audits(audits: list[Audit]) -> list[Finding]:
    ids = [a.id for a in audits]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Finding)
            .where(Finding.audit_id.in_(ids))
            .options(selectinload(Finding.audit), selectinload(Finding.actions))
            .order_by(Finding.audit_id, Finding.number)
        )
    )


@dataclass(frozen=True)
class ReplacedAudit:
    """An audit of the cycle conducted again, as the committee's file shows it: history."""

    audit: Audit
    findings: list[Finding]
    decisions: list[Decision]


def replaced_history(audit: Audit, decisions: list[Decision]) -> list[ReplacedAudit]:
    """The replaced audits of the cycle with their findings and the decisions taken on them
    (out of `decisions`, the organisation's): the committee sees that an earlier stage failed."""
    replaced = replaced_audits(audit)
    findings = findings_of_audits(replaced)
    return [
        ReplacedAudit(
            audit=a,
            findings=[f for f in findings if f.audit_id == a.id],
            decisions=[d for d in decisions if d.audit_id == a.id],
        )
        for a in replaced
    ]


def file_facts(audit: Audit, certificate: Certificate | None) -> rules.FileFacts:
    findings = tuple(
        rules.FindingFacts(f.grade, f.state, f.audit.kind, f.audit.end_date, f.verified_on)
        for f in relied_findings(audit)
    )
    return rules.FileFacts(
        audit_kind=audit.kind,
        first_day=audit.start_date,
        last_day=audit.end_date,
        findings=findings,
        earlier_audits=tuple((a.kind, a.state) for a in earlier_audits(audit)),
        certificate_state=certificate.state if certificate else None,
        certificate_expires_on=certificate.expires_on if certificate else None,
        rating=rating_of(audit),
        certificate_audits=tuple(
            (a.kind, a.state, a.due_by) for a in cycle_audits(certificate) if a.id != audit.id
        ),
    )


def cycle_audits(certificate: Certificate | None) -> list[Audit]:
    """The audits of the certificate's cycle (none without a certificate)."""
    if certificate is None or certificate.cycle is None:
        return []
    return list(certificate.cycle.audits)


def rating_of(audit: Audit) -> str | None:
    """The star scheme's rating of this audit: "ok", "withheld", "below_lowest_band"; None when
    the scheme gives no rating."""
    checklist = checklist_of(audit)
    if checklist is None or not checklist.scored:
        return None
    scores = scoring.score(checklist, answers_of(audit))
    if scores.certifiable:
        return "ok"
    return "withheld" if scores.rating_withheld else "below_lowest_band"


def findings_summary(findings) -> list[tuple[str, str]]:
    return [(finding.grade, finding.state) for finding in findings]


# -- who may decide --------------------------------------------------------------------------------


def cycle_team_ids(audit: Audit | None) -> set[int]:
    """Everyone who took part in an audit of the cycle so far (17021-1 9.5.1.2): the audits the
    decision relies on, and a stage they replaced (its auditors would review their own work)."""
    if audit is None:
        return set()
    return {member.user_id for a in took_part(audit) for member in a.team}


def impartiality_reason(person: User, audit: Audit | None, organisation, today: date) -> str | None:
    """Why this person may not decide on the file, in words; None when impartial."""
    problem = rules.impartiality_problem(
        person.id, cycle_team_ids(audit), person.conflicts, organisation.id, today
    )
    if problem == "audit_team":
        return _(
            "ISO/IEC 17021-1 9.5.1.2: %(name)s was on the team of this audit or of an earlier "
            "audit of the cycle, so cannot decide on it: the decision is kept apart from the "
            "audit.",
            name=person.name,
        )
    if problem == "conflict":
        conflict = blocking_conflict(person.conflicts, organisation.id, today)
        return _(
            "ISO/IEC 17021-1 5.2: %(name)s has a recorded conflict of interest with "
            "%(organisation)s (%(kind)s, %(until)s), so cannot decide on its certification.",
            name=person.name,
            organisation=organisation.display_name,
            kind=_conflict_label(conflict.kind),
            until=_("ended %(date)s", date=format_day(conflict.ended_on))
            if conflict.ended_on
            else _("ongoing"),
        )
    return None


def competence_reason(person: User, scheme: str, sector: str, today: date) -> str | None:
    """17021-1 7.2: a decider holds a recorded competence for the scheme, valid today."""
    problem = competence_problem(
        person.qualifications, CompetenceRole.COMMITTEE_MEMBER, scheme, sector, today
    )
    if problem is None:
        return None
    title = scheme_ids_titles().get(scheme, scheme)
    if problem == "expired":
        lapsed = lapsed_on(person.qualifications, CompetenceRole.COMMITTEE_MEMBER, scheme, sector)
        return _(
            "ISO/IEC 17021-1 7.2: %(name)s's competence as a certification committee member for "
            "%(scheme)s lapsed on %(date)s; it must be renewed before they decide.",
            name=person.name,
            scheme=title,
            date=format_day(lapsed),
        )
    return _(
        "ISO/IEC 17021-1 7.2: %(name)s has no recorded competence as a certification committee "
        "member for %(scheme)s (sector %(sector)s) valid on %(date)s.",
        name=person.name,
        scheme=title,
        sector=sector,
        date=format_day(today),
    )


def decider_reason(person: User, audit: Audit | None, organisation, scheme: str, today: date):
    """Why this person may not decide here, in words (role, impartiality, competence); or None."""
    if getattr(person, "role", None) not in DECIDERS:
        return _("Only members of the certification committee decide.")
    return impartiality_reason(person, audit, organisation, today) or competence_reason(
        person, scheme, organisation.sector_code, today
    )


def scheme_ids_titles() -> dict[str, str]:
    return {scheme: title for scheme, _edition, title in SCHEMES}


def _conflict_label(kind: str) -> str:
    try:
        return ConflictKind(kind).label
    except ValueError:
        return kind


# -- the words for the rules -----------------------------------------------------------------------


def outcome_message(
    problem: str, audit: Audit | None = None, certificate=None, today: date | None = None
) -> str:
    """The words for a code of rules.decision_problem, naming the rule."""
    if problem == "missed_audit_awaited" and certificate is not None and today is not None:
        from certification.certificates import lifecycle

        missed = lifecycle.missed_audit(certificate, today, besides=audit)
        if missed is not None:
            return lifecycle.missed_audit_reason(missed)
    if problem in _DATED and audit is not None:
        return _DATED[problem](audit, certificate)
    messages = {
        "unknown_outcome": _("Choose an outcome."),
        "not_for_audit_kind": _("This outcome does not fit the file of this audit."),
        "open_major": _(
            "ISO/IEC 17021-1 9.5.3.2: a major nonconformity is not verified closed yet: no "
            "positive decision until it is."
        ),
        "minor_without_plan": _(
            "ISO/IEC 17021-1 9.5.3.2: a minor nonconformity has no accepted corrective-action "
            "plan yet: no positive decision until every plan is accepted."
        ),
        "already_certified": _("This cycle already has a certificate."),
        "no_certificate": _("There is no certificate to act on in this cycle."),
        "certificate_state": _("The certificate's present state does not allow this outcome."),
        "restoration_needs_recertification": _(
            "ISO/IEC 17021-1 9.6.3.2.5: an expired certificate is restored only from a "
            "recertification audit; a surveillance or special audit cannot restore it."
        ),
        "restoration_window_passed": _(
            "ISO/IEC 17021-1 9.6.3.2.5: the recertification must be completed and decided within "
            "6 months of expiry; now at least a new stage 2 audit is needed."
        ),
        "before_last_day": _(
            "ISO/IEC 17021-1 9.5.2: the committee decides on a finished audit, not before its "
            "last day."
        ),
        "stage2_major_late": _(
            "ISO/IEC 17021-1 9.5.3.2: a major nonconformity of stage 2 was not verified closed "
            "within 6 months of the last day of stage 2: no grant; another stage 2 audit must be "
            "conducted."
        ),
        "missed_audit_awaited": _(
            "ISO/IEC 17021-1 9.6.2, 9.6.5: an audit of the cycle past its due date has not been "
            "held and decided; the suspension is lifted by the committee's decision on that "
            "audit's file once it is held."
        ),
        "earlier_audit_open": _(
            "ISO/IEC 17021-1 9.5.3: every earlier audit of the cycle must be closed first."
        ),
        "no_rating": _(
            "Star scheme rule: this audit has no rating (too few questions were answered other "
            "than not applicable), so no certificate can rest on it."
        ),
        "below_lowest_band": _(
            "Star scheme rule: the audit's rating is below the lowest star band, so no "
            "certificate can be granted or kept on it."
        ),
    }
    return messages.get(problem, _("This outcome cannot be decided on this file."))


def _before_last_day(audit: Audit, _certificate) -> str:
    return _(
        "ISO/IEC 17021-1 9.5.2: the committee decides on a finished audit, not before its last "
        "day (%(date)s).",
        date=format_day(audit.end_date),
    )


def _stage2_major_late(audit: Audit, _certificate) -> str:
    stage2 = [a for a in relied_on(audit) if a.kind == "stage2" and a.end_date]
    deadline = min((stage2_redo_deadline(a.end_date) for a in stage2), default=None)
    return _(
        "ISO/IEC 17021-1 9.5.3.2: a major nonconformity of stage 2 was not verified closed by "
        "%(date)s (6 months after the last day of stage 2): no grant; another stage 2 audit must "
        "be conducted.",
        date=format_day(deadline),
    )


def _earlier_audit_open(audit: Audit, _certificate) -> str:
    still_open = [
        _("%(audit)s (%(state)s)", audit=a.kind_enum.label, state=a.state_enum.label)
        for a in earlier_audits(audit)
        if a.state not in rules.FINISHED_AUDIT_STATES
    ]
    return _(
        "ISO/IEC 17021-1 9.5.3: every earlier audit of the cycle must be closed first; still "
        "open: %(audits)s.",
        audits=", ".join(still_open),
    )


def _restoration_window_passed(_audit: Audit, certificate) -> str:
    if certificate is None:
        return outcome_message("restoration_window_passed")
    return _(
        "ISO/IEC 17021-1 9.6.3.2.5: the recertification had to be completed and decided by "
        "%(date)s, 6 months after the certificate expired; now at least a new stage 2 audit is "
        "needed.",
        date=format_day(restoration_deadline(certificate.expires_on)),
    )


_DATED = {
    "before_last_day": _before_last_day,
    "stage2_major_late": _stage2_major_late,
    "earlier_audit_open": _earlier_audit_open,
    "restoration_window_passed": _restoration_window_passed,
}


def file_notes(audit: Audit, certificate, today: date) -> list[str]:
    """What stands in the way of each positive outcome of this file, once each, for the page."""
    facts = file_facts(audit, certificate)
    notes: list[str] = []
    for outcome in rules.outcomes_for(audit.kind):
        if outcome not in rules.POSITIVE:
            continue
        problem = rules.decision_problem(outcome.value, facts, today)
        if problem in (None, "already_certified", "no_certificate", "certificate_state"):
            continue
        message = outcome_message(problem, audit, certificate, today)
        if message not in notes:
            notes.append(message)
    return notes
