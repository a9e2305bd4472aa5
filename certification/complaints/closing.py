"""After the answer (ISO 10002 7.9, 8.3): the complainant accepts or not (then internal appeal
and external recourse are explained and the complaint stays open), the closing, the rating of
the handling; and the certified client's say on a complaint about it."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import update

from certification.activity.notes import log_note
from certification.activity.services import record, transition
from certification.complaints import rules
from certification.complaints.handling import check_manager, check_state, required_text
from certification.complaints.models import About, Closure, Complaint
from certification.complaints.services import ComplaintError, holidays
from certification.extensions import db
from certification.models_base import utcnow
from certification.settings import services as settings
from certification.workflow import Action, ComplaintState

K = ComplaintState


def reply(actor, complaint: Complaint, accepted: bool, comment: str, today: date) -> Complaint:
    """ISO 10002 7.9: the complainant accepts (closed) or not (told of internal appeal and
    external recourse; the complaint stays open). `actor` is None through the private link."""
    action = Action.ACCEPT if accepted else Action.CONTEST
    check_state(complaint, action)
    if actor is not None:
        check_manager(actor, complaint)
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
    check_state(complaint, Action.CLOSE)
    check_manager(actor, complaint)
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
    note = required_text(note, _("Write down how it ended."), "note")
    complaint.closed_on, complaint.closure, complaint.closing_note = today, closure, note
    said = log_note("labelled_reason", label=Closure(closure))
    transition(actor, complaint, Action.CLOSE, reason=note, note=said)
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
    record(None, complaint, "complaint_rated", note=log_note("rating", score=score))
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
    complaint.client_response = required_text(text, _("Write your organisation's answer."), "text")
    complaint.client_responded_on, complaint.client_responded_by_id = today, actor.id
    record(
        actor, complaint, "complaint_client_responded", organisation_id=complaint.organisation_id
    )
    db.session.flush()
    return complaint
