"""Handling a complaint after receipt, step by step (ISO 10002 7.4 to 7.9; 17021-1 9.7).

Each step checks who acts and what the state allows before anything changes, moves the complaint
through the one transition table, logs it (never with the complainant's name) and flushes.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from certification.accounts.models import User
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
from certification.models_base import utcnow
from certification.programme.models import Audit
from certification.settings import services as settings
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


def _check_manager(actor, complaint: Complaint) -> None:
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


def _check_state(complaint: Complaint, action: Action) -> None:
    try:
        next_state(complaint.state_enum, action)
    except TransitionError:
        raise ComplaintError(
            _(
                "This cannot be done now: the complaint is %(state)s.",
                state=complaint.state_enum.label,
            )
        ) from None


def _text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ComplaintError(message, field)
    return value


# -- 7.4 acknowledgement, 7.5 initial assessment ----------------------------------------------


def acknowledge(actor, complaint: Complaint, message: str, today: date) -> Complaint:
    """ISO 10002 7.4: tell the complainant the complaint arrived, what happens next, and when."""
    _check_state(complaint, Action.ACKNOWLEDGE)
    _check_manager(actor, complaint)
    complaint.acknowledgement = _text(
        message, _("Write the acknowledgement the complainant reads."), "message"
    )
    complaint.acknowledged_on = today
    transition(
        actor, complaint, Action.ACKNOWLEDGE, reason=_late_note(complaint.acknowledge_by, today)
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
    _check_state(complaint, Action.ASSESS)
    _check_manager(actor, complaint)
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
        reason=_(
            "Severity %(severity)s, urgency %(urgency)s.",
            severity=Severity(severity).label,
            urgency=Urgency(urgency).label,
        ),
    )
    if complaint.about == About.CLIENT:
        # The certified client is told and has its say (it reads the complaint in the portal).
        record(
            actor, complaint, "complaint_client_informed", organisation_id=complaint.organisation_id
        )
    return complaint


def _involved_rows(actor, involved) -> list[ComplaintInvolvement]:
    rows, seen = [], set()
    for user_id, note in involved:
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
            rows.append(ComplaintInvolvement(user_id=person.id, note=(note or "").strip()[:500]))
    return rows


def dismiss(actor, complaint: Complaint, answer: str, today: date) -> Complaint:
    """ISO 10002 7.5: not a complaint (a question, a request): answered and closed, with why."""
    _check_state(complaint, Action.DISMISS)
    _check_manager(actor, complaint)
    complaint.response = _text(
        answer, _("Tell the person why this is not handled as a complaint."), "answer"
    )
    complaint.assessed_on, complaint.assessed_by_id = today, actor.id
    complaint.answered_on = complaint.closed_on = today
    complaint.closure = Closure.NOT_A_COMPLAINT.value
    transition(actor, complaint, Action.DISMISS, reason=Closure.NOT_A_COMPLAINT.label)
    return complaint


# -- 7.6 investigation and the decision ---------------------------------------------------------


def assign(actor, complaint: Complaint, investigator: User | None, today: date) -> Complaint:
    """ISO 10002 7.6: the investigator is someone not involved in the matter (refused with why)."""
    _check_state(complaint, Action.ASSIGN)
    _check_manager(actor, complaint)
    if investigator is None or not investigator.active:
        raise ComplaintError(_("Choose an investigator."), "investigator_id")
    refusal = handling_refusal(investigator, complaint, today)
    if refusal is not None:
        raise ComplaintError(refusal, "investigator_id")
    complaint.investigator_id, complaint.assigned_on = investigator.id, today
    complaint.approver_id = complaint.approved_on = None
    transition(
        actor, complaint, Action.ASSIGN, reason=_("Investigator: %(name)s.", name=investigator.name)
    )
    return complaint


def propose(actor, complaint: Complaint, findings: str, response: str, today: date) -> Complaint:
    """The investigator records what was found and the answer they propose."""
    _check_state(complaint, Action.PROPOSE)
    if getattr(actor, "id", None) != complaint.investigator_id:
        raise ComplaintError(_("Only the investigator of this complaint proposes its decision."))
    refusal = handling_refusal(actor, complaint, today)
    if refusal is not None:
        raise ComplaintError(refusal)
    complaint.findings = _text(findings, _("Write what the investigation found."), "findings")
    complaint.response = _text(response, _("Write the answer you propose."), "response")
    complaint.proposed_on = today
    transition(actor, complaint, Action.PROPOSE)
    return complaint


def approve(actor, complaint: Complaint, note: str, today: date) -> Complaint:
    """17021-1 9.7: the decision is reviewed and approved by someone not involved (and not its
    investigator); refused with the reason otherwise."""
    _check_state(complaint, Action.APPROVE)
    refusal = handling_refusal(actor, complaint, today, approving=True)
    if refusal is not None:
        raise ComplaintError(refusal)
    complaint.approver_id, complaint.approved_on = actor.id, today
    complaint.approval_note = (note or "").strip()
    transition(actor, complaint, Action.APPROVE, reason=complaint.approval_note)
    return complaint


def send_back(actor, complaint: Complaint, note: str, today: date) -> Complaint:
    """The reviewer does not approve: back to the investigator with what is missing."""
    _check_state(complaint, Action.RETURN)
    refusal = handling_refusal(actor, complaint, today, approving=True)
    if refusal is not None:
        raise ComplaintError(refusal)
    note = _text(note, _("Say what the investigation still needs."), "note")
    transition(actor, complaint, Action.RETURN, reason=note)
    return complaint


# -- 7.7, 7.8 the answer; 7.9 closing ----------------------------------------------------------


def respond(actor, complaint: Complaint, today: date) -> Complaint:
    """ISO 10002 7.8: the approved answer goes to the complainant (they read it by the link)."""
    _check_state(complaint, Action.RESPOND)
    _check_manager(actor, complaint)
    complaint.answered_on = today
    transition(actor, complaint, Action.RESPOND, reason=_late_note(complaint.answer_by, today))
    return complaint


def reply(actor, complaint: Complaint, accepted: bool, comment: str, today: date) -> Complaint:
    """ISO 10002 7.9: the complainant accepts (closed) or not (told of internal appeal and
    external recourse; the complaint stays open). `actor` is None through the private link."""
    action = Action.ACCEPT if accepted else Action.CONTEST
    _check_state(complaint, action)
    if actor is not None:
        _check_manager(actor, complaint)
    comment = (comment or "").strip()
    if not accepted and not comment:
        raise ComplaintError(
            _("Tell us what you do not accept, so that we can look again."), "comment"
        )
    complaint.reply = "accepted" if accepted else "not_accepted"
    complaint.replied_on, complaint.reply_comment = today, comment
    if accepted:
        complaint.closed_on, complaint.closure = today, Closure.ACCEPTED.value
    else:
        complaint.recourse_note = recourse_text()
    transition(actor, complaint, action, reason=comment)
    return complaint


def recourse_text() -> str:
    """What a complainant who does not accept is told (ISO 10002 7.9; 17021-1 9.7, 9.8)."""
    return _(
        "You may ask for an internal appeal: a review of the outcome by the body's management, "
        "independent of those who handled your complaint. Reply through this page or in writing "
        "to the body. You may also take the matter to the accreditation body or to the courts "
        "or consumer arbitration bodies of your country. Your complaint stays open until these "
        "are exhausted or you accept the outcome."
    )


def close(actor, complaint: Complaint, closure: str, note: str, today: date) -> Complaint:
    """ISO 10002 7.9: closed once the complainant accepted, the time to reply passed without a
    reply, or the internal appeal and external recourse are exhausted."""
    _check_state(complaint, Action.CLOSE)
    _check_manager(actor, complaint)
    allowed = {
        K.ANSWERED.value: (Closure.NO_REPLY.value,),
        K.IN_RECOURSE.value: (
            Closure.RECOURSE_EXHAUSTED.value,
            Closure.ACCEPTED_AFTER_RECOURSE.value,
        ),
    }[complaint.state]
    if closure not in allowed:
        raise ComplaintError(_("Choose how the complaint came to an end."), "closure")
    reply_days = int(settings.get("complaint_reply_days"))
    if closure == Closure.NO_REPLY and not rules.may_close_without_reply(
        complaint.answered_on, today, reply_days, holidays()
    ):
        raise ComplaintError(
            _(
                "ISO 10002 7.9: the complainant has %(days)d working days after the answer to "
                "reply; until then the complaint stays open.",
                days=reply_days,
            ),
            "closure",
        )
    note = _text(note, _("Write down how it ended."), "note")
    complaint.closed_on, complaint.closure, complaint.closing_note = today, closure, note
    transition(actor, complaint, Action.CLOSE, reason=f"{Closure(closure).label}: {note}")
    return complaint


def rate(complaint: Complaint, score, comment: str) -> Complaint:
    """ISO 10002 8.3: the complainant's satisfaction with the handling, once, after closing.
    One guarded UPDATE: two ratings sent at once cannot both count."""
    problem = rules.rating_problem(complaint.state, complaint.satisfaction_score is not None, score)
    if problem == "not_closed":
        raise ComplaintError(_("You can rate the handling once the complaint is closed."))
    if problem == "already_rated":
        raise ComplaintError(_("You have already rated the handling of this complaint. Thank you."))
    if problem == "score":
        raise ComplaintError(_("Choose a rating from 1 to 5."), "score")
    comment = (comment or "").strip()
    now = utcnow()
    result = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.satisfaction_score.is_(None))
        .values(satisfaction_score=score, satisfaction_comment=comment, rated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ComplaintError(_("You have already rated the handling of this complaint. Thank you."))
    db.session.refresh(complaint)
    record(None, complaint, "complaint_rated", reason=f"{score}/5")
    db.session.flush()
    return complaint


# -- the certified client's say ------------------------------------------------------------------

CLIENT_MAY_RESPOND = (K.ASSESSED.value, K.INVESTIGATING.value, K.DECISION_PROPOSED.value)


def client_may_respond(complaint: Complaint) -> bool:
    return (
        complaint.about == About.CLIENT
        and complaint.state in CLIENT_MAY_RESPOND
        and not complaint.client_response
    )


def client_respond(actor, complaint: Complaint, text: str, today: date) -> Complaint:
    """A certified client answers a complaint about it; the investigator reads it."""
    if getattr(actor, "organisation_id", None) != complaint.organisation_id:
        raise ComplaintError(_("Only the organisation complained about answers here."))
    if not client_may_respond(complaint):
        raise ComplaintError(
            _(
                "This cannot be done now: the complaint is %(state)s.",
                state=complaint.state_enum.label,
            )
        )
    complaint.client_response = _text(text, _("Write your organisation's answer."), "text")
    complaint.client_responded_on, complaint.client_responded_by_id = today, actor.id
    record(
        actor, complaint, "complaint_client_responded", organisation_id=complaint.organisation_id
    )
    db.session.flush()
    return complaint


def _late_note(due: date, today: date) -> str:
    if today <= due:
        return ""
    days = rules.working_days_between(due, today, holidays())
    return _("%(days)d working days after the time limit.", days=days)
