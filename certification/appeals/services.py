"""Appeals (17021-1 9.8): the client lodges one from the portal, the certification manager
appoints a panel of people not involved, a panel member records the panel's decision; an upheld
appeal reverses or re-takes the decision through the normal lifecycle, with its own log.

Each verb checks everything first, then changes, logs and flushes; none commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from certification.accounts.models import Role, User
from certification.activity.notes import Coded, log_note
from certification.activity.services import record, transition
from certification.appeals import rules
from certification.appeals.models import Appeal, AppealAttachment, AppealPanelMember
from certification.applications import uploads
from certification.certificates.numbering import next_in_sequence
from certification.decisions.models import Decision, DecisionMember, Outcome
from certification.extensions import db
from certification.programme.models import Audit
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import Action, AppealState, AuditState, TransitionError, next_state


class AppealError(ValueError):
    """A refused appeal step; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# -- lodging -------------------------------------------------------------------------------------


def appeal_of(decision: Decision) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.decision_id == decision.id))


def decision_band(decision: Decision) -> str:
    return decision.certificate.band if decision.certificate is not None else ""


def lodging_refusal(decision: Decision, today: date) -> str | None:
    """Why this decision cannot be appealed today, in words; None when it can."""
    days = int(settings.get("appeal_days"))
    problem = rules.lodging_problem(
        decision.outcome,
        decision_band(decision),
        decision.decided_on,
        today,
        days,
        appeal_of(decision) is not None,
    )
    if problem == "not_appealable":
        return _(
            "This decision cannot be appealed: ISO/IEC 17021-1 9.8 appeals are against "
            "adverse decisions (refusal, suspension, withdrawal, scope reduction, a rating)."
        )
    if problem == "appealed":
        return _("This decision has already been appealed.")
    if problem == "too_late":
        return _(
            "The time to appeal ended on %(date)s (%(days)d days after the decision).",
            date=format_day(rules.appeal_deadline(decision.decided_on, days)),
            days=days,
        )
    return None


def open_to_appeal(organisation_id: int, today: date) -> list[tuple[Decision, date]]:
    """The organisation's decisions it may still appeal today, newest first, each with the last
    day to appeal (17021-1 9.8; the period is the appeal_days setting)."""
    days = int(settings.get("appeal_days"))
    appealed = select(Appeal.decision_id).where(Appeal.organisation_id == organisation_id)
    decisions = db.session.scalars(
        select(Decision)
        .where(Decision.organisation_id == organisation_id, Decision.id.not_in(appealed))
        .where(Decision.decided_on >= today - timedelta(days=days))
        .options(selectinload(Decision.certificate))
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    ).all()
    return [
        (d, rules.appeal_deadline(d.decided_on, days))
        for d in decisions
        if rules.lodging_problem(d.outcome, decision_band(d), d.decided_on, today, days, False)
        is None
    ]


def lodge_appeal(actor, decision: Decision, grounds: str, files, today: date) -> Appeal:
    """The client appeals a decision about its own organisation, with reasons and files."""
    if (
        getattr(actor, "role", None) != Role.CLIENT
        or actor.organisation_id != decision.organisation_id
    ):
        raise AppealError(_("Only the organisation the decision concerns can appeal it."))
    refusal = lodging_refusal(decision, today)
    if refusal is not None:
        raise AppealError(refusal)
    grounds = (grounds or "").strip()
    if not grounds:
        raise AppealError(_("Give the reasons for your appeal."), "grounds")
    checked = uploads.check_all(files)
    appeal = Appeal(
        organisation_id=decision.organisation_id,
        decision_id=decision.id,
        certificate_id=decision.certificate_id,
        kind=rules.appeal_kind(decision.outcome, decision_band(decision)),
        state=AppealState.LODGED.value,
        grounds=grounds,
        lodged_on=today,
        lodged_by_id=actor.id,
    )
    _insert(appeal, today)
    _store_files(actor, appeal, checked)
    record(
        actor,
        appeal,
        "appeal_lodged",
        to_state=appeal.state,
        note=log_note(
            "numbered_label", number=appeal.number, label=Coded("appeal_kind", appeal.kind)
        ),
    )
    db.session.flush()
    return appeal


def _insert(appeal: Appeal, today: date) -> None:
    """Number and insert; a second appeal of the decision fails on the unique index."""
    try:
        with db.session.begin_nested():
            appeal.number = f"APL-{today.year}-{next_in_sequence(f'appeal-{today.year}'):04d}"
            db.session.add(appeal)
            db.session.flush()
    except IntegrityError:
        raise AppealError(_("This decision has already been appealed.")) from None


def _store_files(actor, appeal: Appeal, checked) -> None:
    rows = uploads.store_files(
        checked,
        lambda upload, stored_name: AppealAttachment(
            appeal_id=appeal.id,
            original_name=upload.display_name,
            stored_name=stored_name,
            content_type=upload.content_type,
            size=len(upload.data),
            uploaded_by_id=actor.id,
        ),
    )
    for row in rows:
        record(
            actor,
            row,
            "document_uploaded",
            reason=row.original_name,
            organisation_id=appeal.organisation_id,
        )


# -- the panel -----------------------------------------------------------------------------------


def involved_in_decision(decision: Decision) -> tuple[set[int], set[int]]:
    """(audit team, deciders) of the decision appealed. "The audit" is every audit of the cycle
    the decision relied on, stage 1 included (domain.md)."""
    audits = db.session.scalars(
        select(Audit).where(
            Audit.cycle_id == decision.cycle_id, Audit.state != AuditState.CANCELLED.value
        )
    ).all()
    relied_on = [a for a in audits if a.start_date is None or a.start_date <= decision.decided_on]
    team = {m.user_id for a in relied_on for m in a.team}
    if decision.audit is not None:
        team |= {m.user_id for m in decision.audit.team}
    deciders = {m.member_id for m in decision.members}
    if decision.decided_by_id:
        deciders.add(decision.decided_by_id)
    return team, deciders


def panel_refusal(person: User, appeal: Appeal, today: date) -> str | None:
    team, deciders = involved_in_decision(appeal.decision)
    problem = rules.panel_problem(
        person.id, person.role, team, deciders, person.conflicts, appeal.organisation_id, today
    )
    messages = {
        "role": _("%(name)s does not have a role that sits on appeal panels."),
        "audit_team": _(
            "%(name)s was on the audit team of the decision appealed: ISO/IEC 17021-1 9.8 keeps "
            "the appeal with people not involved in it."
        ),
        "decided": _(
            "%(name)s took the decision appealed: ISO/IEC 17021-1 9.8 keeps the appeal with "
            "people not involved in it."
        ),
        "conflict": _(
            "%(name)s has a recorded conflict of interest with the client (ISO/IEC 17021-1 5.2)."
        ),
    }
    return messages[problem] % {"name": person.name} if problem else None


def appoint_panel(actor, appeal: Appeal, member_ids, today: date) -> Appeal:
    """The appeal is acknowledged and handed to a panel of people not involved (refused with
    the reason otherwise)."""
    _check_state(appeal, Action.APPOINT_PANEL)
    if getattr(actor, "role", None) not in (Role.ADMIN, Role.PLANNER):
        raise AppealError(_("Only the certification manager appoints an appeal panel."))
    people = [db.session.get(User, int(i)) for i in dict.fromkeys(member_ids or [])]
    if not people or any(p is None or not p.active for p in people):
        raise AppealError(_("Choose the members of the panel."), "members")
    for person in people:
        refusal = panel_refusal(person, appeal, today)
        if refusal is not None:
            raise AppealError(refusal, "members")
    appeal.panel = [AppealPanelMember(user_id=p.id) for p in people]
    appeal.panel_appointed_on, appeal.panel_appointed_by_id = today, actor.id
    names = ", ".join(p.name for p in people)
    transition(actor, appeal, Action.APPOINT_PANEL, note=log_note("panel", names=names))
    return appeal


def stay_decision(actor, appeal: Appeal, reason: str, today: date) -> Appeal:
    """17021-1 9.8: the decision stays in force during the appeal unless the panel says
    otherwise; a panel member records that it is suspended meanwhile, and why."""
    if appeal.state != AppealState.UNDER_REVIEW:
        raise AppealError(
            _("This cannot be done now: the appeal is %(state)s.", state=appeal.state_enum.label)
        )
    if getattr(actor, "id", None) not in {m.user_id for m in appeal.panel}:
        raise AppealError(_("Only a member of the appeal panel records its decision."))
    if appeal.stays_decision:
        raise AppealError(_("The decision is already suspended during the appeal."))
    reason = (reason or "").strip()
    if not reason:
        raise AppealError(_("Say why the decision is suspended during the appeal."), "reason")
    appeal.stays_decision, appeal.stay_reason = True, reason
    record(actor, appeal, "appeal_stays_decision", reason=reason)
    db.session.flush()
    return appeal


def _check_state(appeal: Appeal, action: Action) -> None:
    try:
        next_state(appeal.state_enum, action)
    except TransitionError:
        raise AppealError(
            _("This cannot be done now: the appeal is %(state)s.", state=appeal.state_enum.label)
        ) from None


# -- the panel's decision ------------------------------------------------------------------------


def decide_appeal(
    actor, appeal: Appeal, *, upheld: bool, reasons: str, answer: str, today: date, band: str = ""
) -> Appeal:
    """Upheld (the decision reversed or re-taken through its own lifecycle) or rejected; the
    reasons and the written answer to the client are kept."""
    _check_state(appeal, Action.UPHOLD if upheld else Action.REJECT)
    if getattr(actor, "id", None) not in {m.user_id for m in appeal.panel}:
        raise AppealError(_("Only a member of the appeal panel records its decision."))
    refusal = panel_refusal(actor, appeal, today)
    if refusal is not None:
        raise AppealError(refusal)
    reasons, answer = (reasons or "").strip(), (answer or "").strip()
    if not reasons:
        raise AppealError(_("Give the panel's reasons."), "reasons")
    if not answer:
        raise AppealError(_("Write the answer the client receives."), "answer")
    appeal.reasons, appeal.answer = reasons, answer
    appeal.decided_on, appeal.decided_by_id = today, actor.id
    if upheld:
        from certification.appeals.remedies import carry_out

        carry_out(actor, appeal, today, band=band)
    transition(actor, appeal, Action.UPHOLD if upheld else Action.REJECT, reason=reasons)
    return appeal


def remedy_decision(actor, appeal: Appeal, outcome: Outcome, today: date) -> Decision:
    """The decision re-taken on appeal, recorded with the panel as its members."""
    original = appeal.decision
    decision = Decision(
        organisation_id=original.organisation_id,
        cycle_id=original.cycle_id,
        certificate_id=appeal.certificate_id,
        outcome=outcome.value,
        decided_on=today,
        decided_by_id=actor.id,
        reasons=_(
            "Appeal %(number)s upheld: %(reasons)s", number=appeal.number, reasons=appeal.reasons
        ),
        scope=original.scope,
    )
    decision.members = [
        DecisionMember(member_id=m.user_id, agrees=True, reasons=appeal.reasons)
        for m in appeal.panel
    ]
    db.session.add(decision)
    db.session.flush()
    appeal.remedy_decision_id = decision.id
    record(
        actor,
        decision,
        "decided",
        reason=decision.reasons,
        organisation_id=decision.organisation_id,
    )
    return decision


def withdraw_appeal(actor, appeal: Appeal, today: date) -> Appeal:
    """The client takes its appeal back before the panel decides."""
    _check_state(appeal, Action.WITHDRAW)
    if getattr(actor, "organisation_id", None) != appeal.organisation_id:
        raise AppealError(_("Only the organisation that appealed can withdraw the appeal."))
    appeal.withdrawn_on = today
    transition(actor, appeal, Action.WITHDRAW)
    return appeal
