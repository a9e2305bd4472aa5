"""Findings and corrective actions: raised from graded answers, answered by the client in the
portal, reviewed and verified by the audit team. Every change is logged."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from certification.access import can_answer_finding, can_edit_finding, can_review_finding
from certification.activity.notes import Coded, log_note
from certification.activity.services import lock, record, refused_again, transition
from certification.applications import uploads
from certification.audits.models import Answer, Grade
from certification.extensions import db
from certification.findings import evidence, rules
from certification.findings.models import CorrectiveAction, Finding
from certification.models_base import utcnow
from certification.programme.models import Audit, Cycle
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import Action, FindingState, TransitionError, next_state

TEXT_LIMIT = 5000


class FindingError(ValueError):
    """A refused finding action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# -- raised from the checklist ------------------------------------------------------------------


def sync_finding(actor, answer: Answer, today: date) -> Finding | None:
    """Keep the answer's finding in step with its grade; called after every save of an answer.

    A grade that raises a finding creates it or updates the open one; a grade that no longer
    does removes it while the client has not answered, and is refused (FindingError) after.
    """
    finding = db.session.scalar(
        select(Finding).where(
            Finding.audit_id == answer.audit_id, Finding.question_id == answer.question_id
        )
    )
    grade = answer.grade_enum
    if grade is not None and grade.raises_finding:
        if finding is None:
            return _raise(actor, answer, grade, today)
        return _update(actor, finding, answer, grade, today)
    if finding is not None:
        _remove(actor, finding, grade)
    return None


def _raise(actor, answer: Answer, grade: Grade, today: date) -> Finding:
    if answer.id is None:
        db.session.flush()
    audit = db.session.get(Audit, answer.audit_id)
    number = next_number(audit.cycle_id)
    finding = Finding(
        audit_id=answer.audit_id,
        organisation_id=audit.organisation_id,
        cycle_id=audit.cycle_id,
        answer_id=answer.id,
        number=number,
        reference=rules.finding_reference(audit.kind, number),
        question_id=answer.question_id,
        clause=answer.clause,
        grade=grade.value,
        evidence=answer.evidence or "",
        statement="",
        requirement="",
        state=FindingState.OPEN.value,
        raised_on=today,
    )
    finding.audit = audit
    finding.plan_due_on = _plan_due(finding)
    db.session.add(finding)
    db.session.flush()
    record(actor, finding, "finding_raised", note=_describe(finding))
    return finding


def next_number(cycle_id: int) -> int:
    """The cycle's next finding number, with the cycle's row held so that two findings raised at
    once (two auditors, two audits of the cycle) wait in turn and never share a number."""
    lock(db.session.get(Cycle, cycle_id), rows_may_point_here=True)
    last = db.session.scalar(select(func.max(Finding.number)).where(Finding.cycle_id == cycle_id))
    return (last or 0) + 1


def _update(actor, finding: Finding, answer: Answer, grade: Grade, today: date) -> Finding:
    answered = finding.state != FindingState.OPEN or bool(finding.actions)
    if finding.grade != grade.value:
        if answered:
            raise FindingError(
                _(
                    "Finding %(number)s was already answered by the client; its grade can no "
                    "longer change.",
                    number=finding.reference,
                ),
                field="grade",
            )
        before = finding.grade_enum
        finding.grade = grade.value
        finding.plan_due_on = _plan_due(finding)
        record(
            actor,
            finding,
            "finding_regraded",
            note=log_note("regraded", before=before, after=finding.grade_enum),
        )
    # Once the client answered, the evidence it answered to stays as it was.
    if not answered and finding.evidence != (answer.evidence or ""):
        finding.evidence = answer.evidence or ""
    db.session.flush()
    return finding


def _remove(actor, finding: Finding, grade: Grade | None) -> None:
    if finding.state != FindingState.OPEN or finding.actions:
        raise FindingError(
            _(
                "Finding %(number)s has the client's answer, so this question cannot become "
                "%(grade)s. Keep the grade, or verify and close the finding first.",
                number=finding.reference,
                grade=grade.label if grade else _("ungraded"),
            ),
            field="grade",
        )
    record(actor, finding, "finding_removed", note=_describe(finding))
    db.session.delete(finding)
    db.session.flush()


def _describe(finding: Finding) -> dict:
    return log_note(
        "finding",
        number=finding.reference,
        grade=finding.grade_enum,
        clause=finding.clause,
        question=finding.question_id,
    )


def _plan_due(finding: Finding) -> date | None:
    audit = finding.audit
    return rules.plan_due(
        finding.grade,
        finding.raised_on,
        audit.kind,
        audit.end_date,
        int(settings.get("action_plan_days")),
    )


# -- derived dates --------------------------------------------------------------------------


def latest_action(finding: Finding) -> CorrectiveAction | None:
    return finding.actions[-1] if finding.actions else None


def verify_by(finding: Finding) -> date | None:
    """A stage 2 major's verification deadline (the 6-month rule), else None."""
    return rules.majors_verified_by(finding.grade, finding.audit.kind, finding.audit.end_date)


def latest_target_date(finding: Finding) -> date | None:
    return rules.latest_target_date(
        finding.grade, finding.raised_on, finding.audit.kind, finding.audit.end_date
    )


def due_windows() -> tuple[int, ...]:
    return tuple(int(d) for d in settings.get("due_windows"))


def due_status(finding: Finding, today: date, windows: tuple[int, ...] | None = None) -> str | None:
    action = latest_action(finding)
    return rules.finding_due_status(
        finding.grade,
        finding.state,
        finding.plan_due_on,
        action.target_date if action and action.accepted else None,
        verify_by(finding),
        today,
        windows or due_windows(),
    )


def due_badges(findings, today: date) -> dict[int, str | None]:
    """Badge of each finding by id: "overdue", "due_30", ... or None."""
    if not findings:
        return {}
    windows = due_windows()
    return {finding.id: due_status(finding, today, windows) for finding in findings}


def stage2_redo_required(finding: Finding, today: date) -> bool:
    return rules.stage2_redo_required(
        finding.grade, finding.state, finding.audit.kind, finding.audit.end_date, today
    )


# -- the team edits -------------------------------------------------------------------------


def edit_finding(actor, finding: Finding, statement: str, evidence: str, requirement: str):
    """The team writes the finding up: statement, objective evidence, the requirement."""
    if not can_edit_finding(actor, finding):
        raise FindingError(_("Only the audit team can change this finding."))
    if finding.state == FindingState.CLOSED:
        raise FindingError(_("A verified finding can no longer be changed."))
    values = {
        "statement": (statement or "").strip(),
        "evidence": (evidence or "").strip(),
        "requirement": (requirement or "").strip(),
    }
    for name, value in values.items():
        if len(value) > TEXT_LIMIT:
            raise FindingError(_too_long(), name)
    changed = [name for name, value in values.items() if getattr(finding, name) != value]
    for name in changed:
        setattr(finding, name, values[name])
    if changed:
        db.session.flush()
        fields = [Coded("finding_field", name) for name in changed]  # worded when read
        record(actor, finding, "finding_edited", note=log_note("fields_edited", fields=fields))
    return finding


# -- the client answers ---------------------------------------------------------------------


def answer_finding(
    actor,
    finding: Finding,
    correction: str,
    root_cause: str,
    action: str,
    target_date: date | None,
    files,
    *,
    today: date,
) -> CorrectiveAction:
    """The client's correction, root cause, corrective action, target date and evidence files.

    Everything is checked before anything is written; one bad file refuses the whole answer.
    """
    _lock(finding)  # a double submit waits here, then finds the finding answered
    _check_allowed(finding, Action.ANSWER)
    if not can_answer_finding(actor, finding):
        raise FindingError(_("Only the client's own users can answer this finding."))
    texts = _required_texts(correction=correction, root_cause=root_cause, action=action)
    _check_target(finding, target_date, today)
    checked = uploads.check_all(files or [])
    corrective = CorrectiveAction(
        finding=finding,
        target_date=target_date,
        submitted_by_id=actor.id,
        submitted_at=utcnow(),
        **texts,
    )
    db.session.add(corrective)
    db.session.flush()
    evidence.store_attachments(actor, finding, corrective, checked)
    transition(
        actor,
        finding,
        Action.ANSWER,
        note=log_note("target_date", date=target_date),
    )
    return corrective


def _lock(finding: Finding) -> None:
    """Hold the audit's row, then the finding's: the order a committee decision takes (it locks
    the audit, then writes rows that point at its findings). Locking the finding first let an
    answer with evidence files (their rows point at the audit) and a decision wait on each other
    on PostgreSQL: a deadlock. FOR NO KEY UPDATE on the audit, so other rows may still point at it.
    """
    lock(finding.audit, rows_may_point_here=True)
    lock(finding)


def _required_texts(**fields: str) -> dict[str, str]:
    missing = {
        "correction": _("Describe the correction: what was done to fix this case."),
        "root_cause": _("Give the root cause: why it happened."),
        "action": _("Describe the corrective action that stops it happening again."),
    }
    texts = {}
    for name, value in fields.items():
        value = (value or "").strip()
        if not value:
            raise FindingError(missing[name], field=name)
        if len(value) > TEXT_LIMIT:
            raise FindingError(_too_long(), name)
        texts[name] = value
    return texts


def _check_target(finding: Finding, target: date | None, today: date) -> None:
    latest = latest_target_date(finding)
    problem = rules.target_date_problem(target, today, latest)
    if problem == "missing":
        raise FindingError(_("Give the date the corrective action will be in place."), "target")
    if problem == "past":
        raise FindingError(_("The target date cannot be in the past."), "target")
    if problem == "too_late":
        if verify_by(finding):
            message = _(
                "A major nonconformity of stage 2 must be verified by %(date)s, or a new stage 2 "
                "is needed. Choose a target date on or before it.",
                date=format_day(latest),
            )
        else:
            message = _("Choose a target date on or before %(date)s.", date=format_day(latest))
        raise FindingError(message, "target")


# -- the team reviews and verifies ----------------------------------------------------------


def accept_plan(actor, finding: Finding, comment: str = "") -> Finding:
    """The auditor accepts the client's plan; a minor is then enough for the decision."""
    corrective = _reviewable(actor, finding, Action.ACCEPT_PLAN)
    _review(actor, corrective, True, comment)
    transition(actor, finding, Action.ACCEPT_PLAN, reason=corrective.review_comment)
    return finding


def reject_answer(actor, finding: Finding, comment: str) -> Finding:
    """The answer goes back to the client with the auditor's reason."""
    corrective = _reviewable(actor, finding, Action.REJECT_ANSWER)
    if not (comment or "").strip():
        raise FindingError(
            _("Tell the client why the answer is rejected and what is missing."), "comment"
        )
    _review(actor, corrective, False, comment)
    transition(actor, finding, Action.REJECT_ANSWER, reason=corrective.review_comment)
    return finding


def verify_finding(actor, finding: Finding, note: str, today: date) -> Finding:
    """The action is in place and effective: checked at the next audit or by document review.

    The day is kept: 17021-1 9.5.3.2 counts whether a stage 2 major was verified in time.
    """
    if not can_review_finding(actor, finding):
        raise FindingError(
            _(
                "ISO/IEC 17021-1 9.4.8: only the team of the audit that raised this finding, or "
                "of a later audit of its cycle once that audit has started, verifies it (a minor "
                "nonconformity is verified at the next audit)."
            )
        )
    _lock(finding)
    _check_allowed(finding, Action.VERIFY)
    note = (note or "").strip()
    if not note:
        raise FindingError(
            _("Say how the action was verified (at an audit, or which documents)."), "note"
        )
    if len(note) > TEXT_LIMIT:
        raise FindingError(_too_long(), "note")
    finding.verified_on = today
    transition(actor, finding, Action.VERIFY, reason=note)
    return finding


def _reviewable(actor, finding: Finding, action: Action) -> CorrectiveAction:
    if not can_review_finding(actor, finding):
        raise FindingError(
            _(
                "ISO/IEC 17021-1 9.4.8: only the team of the audit that raised this finding, or "
                "of a later audit of its cycle once that audit has started, reviews the client's "
                "answer."
            )
        )
    _lock(finding)
    _check_allowed(finding, action)
    corrective = latest_action(finding)
    if corrective is None or corrective.accepted is not None:
        raise FindingError(_("There is no answer waiting for review."))
    return corrective


def _review(actor, corrective: CorrectiveAction, accepted: bool, comment: str) -> None:
    comment = (comment or "").strip()
    if len(comment) > TEXT_LIMIT:
        raise FindingError(_too_long(), "comment")
    corrective.accepted = accepted
    corrective.review_comment = comment
    corrective.reviewed_by_id = actor.id
    corrective.reviewed_at = utcnow()
    db.session.flush()


def _check_allowed(finding: Finding, action: Action) -> None:
    if not rules.is_nonconformity(finding.grade):
        raise FindingError(
            _("Observations and opportunities for improvement need no corrective action.")
        )
    try:
        next_state(finding.state_enum, action)
    except TransitionError as error:
        if refused_again(error):
            raise
        raise FindingError(
            _(
                "This cannot be done now: the finding is %(state)s.",
                state=finding.state_enum.label,
            )
        ) from None


def _too_long() -> str:
    return ngettext(
        "Keep this under %(num)d character.", "Keep this under %(num)d characters.", TEXT_LIMIT
    )
