"""Handling a complaint after receipt, step by step (ISO 10002 7.4 to 7.9; 17021-1 9.7).

Each step checks who acts and what the state allows before anything changes, moves the complaint
through the one transition table, logs it (never with the complainant's name) and flushes.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from certification.accounts.models import User
from certification.activity.notes import log_note
from certification.activity.services import record, transition
from certification.complaints import rules
from certification.complaints.models import (
    About,
    Category,
    Closure,
    Complaint,
    ComplaintInvolvement,
    Severity,
    Urgency,
)
from certification.complaints.services import ComplaintError, holidays
from certification.decisions.models import Decision
from certification.extensions import db
from certification.programme.models import Audit
from certification.workflow import Action, ComplaintState, TransitionError, next_state

K = ComplaintState


# -- who is involved, who may act ----------------------------------------------------------------


def involved_people(complaint: Complaint) -> dict[int, str]:
    """Everyone of the body involved in the matter, with why: named at the initial assessment,
    on the team of the audit concerned, or deciding on that audit."""
    people = {row.user_id: row.note or _("named in the complaint") for row in complaint.involved}
    audit = db.session.get(Audit, complaint.audit_id) if complaint.audit_id else None
    if audit is not None:
        for member in audit.team:
            people.setdefault(member.user_id, _("on the team of the audit concerned"))
        decisions = db.session.scalars(
            select(Decision).where(Decision.audit_id == complaint.audit_id)
        )
        for decision in decisions:
            for member in decision.members:
                people.setdefault(member.member_id, _("decided on the audit concerned"))
    return people


def organisations_concerned(complaint: Complaint) -> tuple[int | None, int | None]:
    return complaint.organisation_id, complaint.complainant_organisation_id


def handling_refusal(
    person: User, complaint: Complaint, today: date, *, approving=False
) -> str | None:
    """Why this person may not investigate (or approve the decision on) the complaint, in words;
    None when they may."""
    involved = involved_people(complaint)
    args = (person.id, person.role, involved, person.conflicts, organisations_concerned(complaint))
    if approving:
        problem = rules.approval_problem(*args, complaint.investigator_id, today)
    else:
        problem = rules.handling_problem(*args, today)
    if problem == "role":
        return _("%(name)s does not have a role that handles complaints.", name=person.name)
    if problem == "involved":
        return _(
            "%(name)s is involved in the matter complained about (%(why)s): ISO/IEC 17021-1 9.7 "
            "has complaints investigated and decided by people not involved.",
            name=person.name,
            why=involved[person.id],
        )
    if problem == "conflict":
        return _(
            "%(name)s has a recorded conflict of interest with the organisation concerned "
            "(ISO/IEC 17021-1 5.2), so cannot handle this complaint.",
            name=person.name,
        )
    if problem == "investigator":
        return _(
            "%(name)s investigated this complaint: ISO/IEC 17021-1 9.7 has the decision reviewed "
            "and approved by someone else not involved.",
            name=person.name,
        )
    return None


def can_see_identity(user, complaint: Complaint) -> bool:
    """ISO 10002 4.10: the complainant's name and contact, only to those handling it."""
    return rules.may_see_identity(
        getattr(user, "id", None),
        getattr(user, "role", None),
        complaint.identity_shared,
        involved_people(complaint),
        (complaint.investigator_id, complaint.approver_id),
    )


def check_manager(actor, complaint: Complaint) -> None:
    """The running of the process: planning staff who are not involved in the matter."""
    if getattr(actor, "role", None) not in rules.MANAGING_ROLES:
        raise ComplaintError(_("Only the staff who handle complaints can do this."))
    if actor.id in involved_people(complaint):
        raise ComplaintError(
            _(
                "You are involved in the matter complained about: ISO/IEC 17021-1 9.7 leaves its "
                "handling to others."
            )
        )


def check_state(complaint: Complaint, action: Action) -> None:
    try:
        next_state(complaint.state_enum, action)
    except TransitionError:
        raise ComplaintError(
            _(
                "This cannot be done now: the complaint is %(state)s.",
                state=complaint.state_enum.label,
            )
        ) from None


def required_text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ComplaintError(message, field)
    return value


# -- 7.4 acknowledgement, 7.5 initial assessment ----------------------------------------------


def acknowledge(actor, complaint: Complaint, message: str, today: date) -> Complaint:
    """ISO 10002 7.4: tell the complainant the complaint arrived, what happens next, and when."""
    check_state(complaint, Action.ACKNOWLEDGE)
    check_manager(actor, complaint)
    complaint.acknowledgement = required_text(
        message, _("Write the acknowledgement the complainant reads."), "message"
    )
    complaint.acknowledged_on = today
    transition(
        actor, complaint, Action.ACKNOWLEDGE, note=_late_note(complaint.acknowledge_by, today)
    )
    return complaint


def assess(
    actor,
    complaint: Complaint,
    *,
    category: str,
    severity: str,
    urgency: str,
    notes: str,
    today: date,
    organisation_id: int | None = None,
    audit_id: int | None = None,
    involved: list[tuple[int, str]] | tuple = (),
) -> Complaint:
    """ISO 10002 7.5: a complaint, assessed for severity and urgency; the people of the body
    involved in the matter are named here, so that none of them investigates it."""
    check_state(complaint, Action.ASSESS)
    check_manager(actor, complaint)
    _check_assessment(complaint, category, severity, urgency, organisation_id)
    people = _involved_rows(actor, involved)
    complaint.category, complaint.severity, complaint.urgency = category, severity, urgency
    complaint.assessment = (notes or "").strip()
    complaint.assessed_on, complaint.assessed_by_id = today, actor.id
    complaint.organisation_id = organisation_id or complaint.organisation_id
    complaint.audit_id = audit_id or complaint.audit_id
    complaint.involved.extend(people)
    transition(
        actor,
        complaint,
        Action.ASSESS,
        note=log_note("assessed", severity=Severity(severity), urgency=Urgency(urgency)),
    )
    if complaint.about == About.CLIENT:
        # The certified client is told and has its say (it reads the complaint in the portal).
        record(
            actor, complaint, "complaint_client_informed", organisation_id=complaint.organisation_id
        )
    return complaint


def _check_assessment(complaint, category, severity, urgency, organisation_id) -> None:
    if category not in {c.value for c in Category}:
        raise ComplaintError(_("Choose what the complaint is about."), "category")
    if severity not in {s.value for s in Severity}:
        raise ComplaintError(_("Choose the severity."), "severity")
    if urgency not in {u.value for u in Urgency}:
        raise ComplaintError(_("Choose the urgency."), "urgency")
    if complaint.about == About.CLIENT and not (organisation_id or complaint.organisation_id):
        raise ComplaintError(
            _("Choose the certified organisation the complaint is about."), "organisation_id"
        )


def _involved_rows(actor, involved) -> list[ComplaintInvolvement]:
    rows, seen = [], set()
    for user_id, said in involved:
        person = db.session.get(User, int(user_id))
        if person is None or not person.is_staff:
            raise ComplaintError(_("Only people of the body can be named as involved."), "involved")
        if person.id == actor.id:
            raise ComplaintError(
                _(
                    "You name yourself as involved: ISO/IEC 17021-1 9.7 leaves the handling of "
                    "this complaint to someone else."
                ),
                "involved",
            )
        if person.id not in seen:
            seen.add(person.id)
            rows.append(ComplaintInvolvement(user_id=person.id, note=(said or "").strip()[:500]))
    return rows


def dismiss(actor, complaint: Complaint, answer: str, today: date) -> Complaint:
    """ISO 10002 7.5: not a complaint (a question, a request): answered and closed, with why."""
    check_state(complaint, Action.DISMISS)
    check_manager(actor, complaint)
    complaint.response = required_text(
        answer, _("Tell the person why this is not handled as a complaint."), "answer"
    )
    complaint.assessed_on, complaint.assessed_by_id = today, actor.id
    complaint.answered_on = complaint.closed_on = today
    complaint.closure = Closure.NOT_A_COMPLAINT.value
    transition(
        actor, complaint, Action.DISMISS, note=log_note("label", label=Closure.NOT_A_COMPLAINT)
    )
    return complaint


# -- 7.6 investigation and the decision ---------------------------------------------------------


def assign(actor, complaint: Complaint, investigator: User | None, today: date) -> Complaint:
    """ISO 10002 7.6: the investigator is someone not involved in the matter (refused with why)."""
    check_state(complaint, Action.ASSIGN)
    check_manager(actor, complaint)
    if investigator is None or not investigator.active:
        raise ComplaintError(_("Choose an investigator."), "investigator_id")
    refusal = handling_refusal(investigator, complaint, today)
    if refusal is not None:
        raise ComplaintError(refusal, "investigator_id")
    complaint.investigator_id, complaint.assigned_on = investigator.id, today
    complaint.approver_id = complaint.approved_on = None
    transition(
        actor, complaint, Action.ASSIGN, note=log_note("investigator", name=investigator.name)
    )
    return complaint


def propose(actor, complaint: Complaint, findings: str, response: str, today: date) -> Complaint:
    """The investigator records what was found and the answer they propose."""
    check_state(complaint, Action.PROPOSE)
    if getattr(actor, "id", None) != complaint.investigator_id:
        raise ComplaintError(_("Only the investigator of this complaint proposes its decision."))
    refusal = handling_refusal(actor, complaint, today)
    if refusal is not None:
        raise ComplaintError(refusal)
    complaint.findings = required_text(
        findings, _("Write what the investigation found."), "findings"
    )
    complaint.response = required_text(response, _("Write the answer you propose."), "response")
    complaint.proposed_on = today
    transition(actor, complaint, Action.PROPOSE)
    return complaint


def approve(actor, complaint: Complaint, note: str, today: date) -> Complaint:
    """17021-1 9.7: the decision is reviewed and approved by someone not involved (and not its
    investigator); refused with the reason otherwise."""
    check_state(complaint, Action.APPROVE)
    refusal = handling_refusal(actor, complaint, today, approving=True)
    if refusal is not None:
        raise ComplaintError(refusal)
    complaint.approver_id, complaint.approved_on = actor.id, today
    complaint.approval_note = (note or "").strip()
    transition(actor, complaint, Action.APPROVE, reason=complaint.approval_note)
    return complaint


def send_back(actor, complaint: Complaint, note: str, today: date) -> Complaint:
    """The reviewer does not approve: back to the investigator with what is missing."""
    check_state(complaint, Action.RETURN)
    refusal = handling_refusal(actor, complaint, today, approving=True)
    if refusal is not None:
        raise ComplaintError(refusal)
    note = required_text(note, _("Say what the investigation still needs."), "note")
    transition(actor, complaint, Action.RETURN, reason=note)
    return complaint


# -- 7.7, 7.8 the answer; 7.9 closing ----------------------------------------------------------


def respond(actor, complaint: Complaint, today: date) -> Complaint:
    """ISO 10002 7.8: the approved answer goes to the complainant (they read it by the link)."""
    check_state(complaint, Action.RESPOND)
    check_manager(actor, complaint)
    complaint.answered_on = today
    transition(actor, complaint, Action.RESPOND, note=_late_note(complaint.answer_by, today))
    return complaint


def _late_note(due: date, today: date) -> dict | None:
    if today <= due:
        return None
    return log_note("late_by", days=rules.working_days_between(due, today, holidays()))
