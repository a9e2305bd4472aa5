"""The handling steps offered on a complaint's page: each step's form, the service it calls, and
which steps this person sees in this state (the services still decide, with the reason)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from certification.accounts.models import Role, User
from certification.complaints import closing, forms, handling, rules
from certification.complaints.models import Closure
from certification.extensions import db
from certification.organisations.models import Organisation
from certification.programme.models import Audit
from certification.workflow import AuditState, ComplaintState

K = ComplaintState


@dataclass(frozen=True)
class Step:
    form: type
    run: Callable
    done: str
    states: tuple[str, ...]
    who: str  # "manager" | "investigator" | "approver"


def _assess(actor, complaint, form, today):
    return handling.assess(
        actor,
        complaint,
        category=form.category.data,
        severity=form.severity.data,
        urgency=form.urgency.data,
        notes=form.notes.data,
        organisation_id=form.organisation_id.data or None,
        audit_id=form.audit_id.data or None,
        involved=[(uid, form.involved_note.data) for uid in form.involved.data or []],
        today=today,
    )


def _assign(actor, complaint, form, today):
    return handling.assign(actor, complaint, db.session.get(User, form.investigator_id.data), today)


STEPS: dict[str, Step] = {
    "acknowledge": Step(
        forms.AcknowledgeForm,
        lambda a, c, f, t: handling.acknowledge(a, c, f.message.data, t),
        _l("The complaint was acknowledged."),
        (K.RECEIVED,),
        "manager",
    ),
    "assess": Step(
        forms.AssessForm,
        _assess,
        _l("The initial assessment is recorded."),
        (K.ACKNOWLEDGED,),
        "manager",
    ),
    "dismiss": Step(
        forms.DismissForm,
        lambda a, c, f, t: handling.dismiss(a, c, f.answer.data, t),
        _l("Recorded as not a complaint, answered and closed."),
        (K.ACKNOWLEDGED,),
        "manager",
    ),
    "assign": Step(
        forms.AssignForm,
        _assign,
        _l("The investigator is appointed."),
        (K.ASSESSED, K.INVESTIGATING),
        "manager",
    ),
    "propose": Step(
        forms.ProposeForm,
        lambda a, c, f, t: handling.propose(a, c, f.findings.data, f.response.data, t),
        _l("The proposed decision went for review."),
        (K.INVESTIGATING,),
        "investigator",
    ),
    "approve": Step(
        forms.ApproveForm,
        lambda a, c, f, t: handling.approve(a, c, f.note.data, t),
        _l("The decision is approved."),
        (K.DECISION_PROPOSED,),
        "approver",
    ),
    "send_back": Step(
        forms.SendBackForm,
        lambda a, c, f, t: handling.send_back(a, c, f.note.data, t),
        _l("Sent back to the investigator."),
        (K.DECISION_PROPOSED,),
        "approver",
    ),
    "respond": Step(
        forms.RespondForm,
        lambda a, c, f, t: handling.respond(a, c, t),
        _l("The answer went to the complainant."),
        (K.DECISION_APPROVED,),
        "manager",
    ),
    "record_reply": Step(
        forms.RecordReplyForm,
        lambda a, c, f, t: closing.reply(a, c, f.accepted.data == "yes", f.comment.data, t),
        _l("The complainant's reply is recorded."),
        (K.ANSWERED,),
        "manager",
    ),
    "close": Step(
        forms.CloseForm,
        lambda a, c, f, t: closing.close(a, c, f.closure.data, f.note.data, t),
        _l("The complaint is closed."),
        (K.ANSWERED, K.IN_RECOURSE),
        "manager",
    ),
}

CLOSURES = {
    K.ANSWERED.value: (Closure.NO_REPLY,),
    K.IN_RECOURSE.value: (Closure.RECOURSE_EXHAUSTED, Closure.ACCEPTED_AFTER_RECOURSE),
}


def _may_see_step(step: Step, complaint, user) -> bool:
    if step.who == "manager":
        return user.role in rules.MANAGING_ROLES
    if step.who == "investigator":
        return user.id == complaint.investigator_id
    return user.role in rules.APPROVING_ROLES and user.id != complaint.investigator_id


def forms_for(complaint, user) -> dict[str, object]:
    """The empty forms of the steps this person may take now, with their choices."""
    return {
        name: _with_choices(name, step.form(formdata=None), complaint)
        for name, step in STEPS.items()
        if complaint.state in step.states and _may_see_step(step, complaint, user)
    }


def posted_form(name: str, complaint):
    return _with_choices(name, STEPS[name].form(), complaint)


def _with_choices(name: str, form, complaint):
    if name == "assess":
        form.with_choices(_organisations(), _audits(complaint), _staff())
        if complaint.organisation_id and not form.organisation_id.data:
            form.organisation_id.data = complaint.organisation_id
        if not form.category.data:
            form.category.data = complaint.category
    elif name == "assign":
        form.with_choices(_staff(rules.INVESTIGATING_ROLES))
    elif name in ("record_reply",):
        form.with_choices()
    elif name == "close":
        form.with_choices(CLOSURES.get(complaint.state, ()))
    return form


def _organisations():
    return db.session.scalars(select(Organisation).order_by(Organisation.legal_name)).all()


def _audits(complaint):
    ids = [i for i in (complaint.organisation_id, complaint.complainant_organisation_id) if i]
    if not ids:
        return []
    return db.session.scalars(
        select(Audit)
        .where(Audit.organisation_id.in_(ids), Audit.state != AuditState.PLANNED.value)
        .order_by(Audit.start_date.desc())
    ).all()


def _staff(roles=None):
    roles = roles or [r.value for r in Role if r != Role.CLIENT]
    return db.session.scalars(
        select(User).where(User.role.in_(list(roles)), User.active.is_(True)).order_by(User.name)
    ).all()
