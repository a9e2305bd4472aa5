"""On-site work of an audit: starting it, the checklist it recorded, graded answers, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from certification.accounts.models import ConflictOfInterest
from certification.activity.notes import checklist_group, log_note
from certification.activity.services import lock, record, refused_again, transition
from certification.audits import rules
from certification.audits.models import Answer, AuditChecklist, Grade
from certification.checklists import loader
from certification.extensions import db
from certification.models_base import utcnow
from certification.programme import stages, team_rules
from certification.programme.models import Audit, AuditTeamMember
from certification.templating import format_day
from certification.workflow import Action, AuditState, TransitionError, next_state

# Answers change only while the team is on the audit, or after the committee sent it back.
EDITABLE = (AuditState.IN_PROGRESS.value, AuditState.RETURNED.value)
MAX_EVIDENCE = 20_000


class AuditWorkError(ValueError):
    """A refused change to the audit's work; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class StaleAnswer(AuditWorkError):
    """Someone saved this question since the page was loaded: both values go back to the user."""

    def __init__(self, stored: Answer | None):
        self.theirs = answer_values(stored)
        who = stored.updated_by.name if stored is not None and stored.updated_by else _("someone")
        super().__init__(
            _(
                "%(name)s saved this question after you opened it. Your text was not saved: "
                "compare both versions and choose.",
                name=who,
            )
        )


def answer_values(answer: Answer | None) -> dict:
    """What a question holds, as sent back to the page (JSON-safe)."""
    if answer is None:
        return {
            "grade": None,
            "points": None,
            "evidence": "",
            "version": 0,
            "updated_by": None,
            "updated_at": None,
        }
    return {
        "grade": answer.grade,
        "points": answer.points,
        "evidence": answer.evidence or "",
        "version": answer.version,
        "updated_by": answer.updated_by.name if answer.updated_by else None,
        "updated_at": answer.updated_at.isoformat() if answer.updated_at else None,
    }


def on_team(user, audit: Audit) -> bool:
    return user is not None and any(m.user_id == user.id for m in audit.team)


# -- starting the audit and its checklist --------------------------------------------------------


def start_audit(actor, audit: Audit, today: date) -> AuditChecklist:
    """The team starts a scheduled audit on or after its first day; the checklist file is kept."""
    if not on_team(actor, audit):
        raise AuditWorkError(_("Only the audit team can start this audit."))
    lock(audit)
    try:
        next_state(audit.state_enum, Action.START)
    except TransitionError as error:
        if refused_again(error):
            raise
        raise AuditWorkError(
            _("This cannot be done now: the audit is %(state)s.", state=audit.state_enum.label)
        ) from None
    if audit.start_date is None or today < audit.start_date:
        raise AuditWorkError(
            _(
                "The audit can be started from its first day, %(date)s.",
                date=format_day(audit.start_date),
            )
        )
    if (refusal := stages.stage2_refusal(audit, today, starting=True)) is not None:
        raise AuditWorkError(refusal)
    if refusals := start_refusals(audit):
        raise AuditWorkError(" ".join(refusals))
    cycle = audit.cycle
    try:
        checklist = loader.checklist_for(cycle.scheme, cycle.edition)
    except (loader.UnknownChecklistError, loader.ChecklistError):
        raise AuditWorkError(
            _(
                "There is no checklist for %(scheme)s %(edition)s; ask an administrator.",
                scheme=cycle.scheme,
                edition=cycle.edition,
            )
        ) from None
    recorded = recorded_checklist(audit) or AuditChecklist(audit_id=audit.id)
    recorded.scheme, recorded.edition = checklist.scheme, checklist.edition
    recorded.version, recorded.file_name = checklist.version, Path(checklist.file).name
    recorded.fingerprint, recorded.source = loader.fingerprint(checklist), checklist.source
    db.session.add(recorded)
    transition(
        actor,
        audit,
        Action.START,
        note=log_note("checklist_version", file=recorded.file_name, version=recorded.version),
    )
    return recorded


def start_refusals(audit: Audit) -> list[str]:
    """What keeps this scheduled audit from starting whatever the day, in words: a team member
    the client's consultancy bars (17021-1 5.2.10), then a plan the client does not have (9.2.3).
    The audit page shows them before anyone presses start; start_audit refuses with them."""
    return conflict_refusals(audit) + plan_refusals(audit)


def conflict_refusals(audit: Audit) -> list[str]:
    """17021-1 5.2.10, checked again at the start: a consultancy recorded after the team was
    picked bars that person all the same (no override); the planner changes the team."""
    ids = [member.user_id for member in audit.team]
    if audit.start_date is None or not ids:
        return []
    ties: dict[int, list] = {}
    for tie in db.session.scalars(
        select(ConflictOfInterest).where(
            ConflictOfInterest.user_id.in_(ids),
            ConflictOfInterest.organisation_id == audit.organisation_id,
        )
    ):
        ties.setdefault(tie.user_id, []).append(tie)
    found = []
    for member in audit.team:
        conflict = rules.barring_consultancy(
            ties.get(member.user_id, []), audit.organisation_id, audit.start_date
        )
        if conflict is None:
            continue
        free_from = team_rules.consultancy_bars_until(conflict)
        found.append(
            _(
                "ISO/IEC 17021-1 5.2.10: %(name)s gave consultancy to %(organisation)s "
                "(%(until)s); no one who did so within the last 2 years may audit it, whatever "
                "the reason. The audit cannot start until a planner takes %(name)s off the team "
                "(Change dates or team) and the client has the new audit plan.",
                name=member.user.name,
                organisation=audit.organisation.display_name,
                until=_("free from %(date)s", date=format_day(free_from))
                if free_from
                else _("ongoing"),
            )
        )
    return found


def plan_refusals(audit: Audit) -> list[str]:
    """17021-1 9.2.3: the client has received the plan of this audit, as it now stands."""
    from certification.plans.services import plan_in_force

    plan = plan_in_force(audit)
    problem = rules.plan_problem(plan, audit.start_date, audit.end_date, audit.team)
    if problem is None:
        return []
    if problem == "not_sent":
        return [
            _(
                "ISO/IEC 17021-1 9.2.3: the audit plan has not been sent to the client, so the "
                "audit cannot start. The lead auditor or a planner prepares it under “Audit "
                "plan” on this audit's page and sends it to the client; then start the audit."
            )
        ]
    if problem == "change_requested":
        message = _(
            "ISO/IEC 17021-1 9.2.3: the client asked for a change to the audit plan (version "
            "%(version)d), so the audit cannot start on it.",
            version=plan.version,
        )
    elif problem == "dates_changed":
        message = _(
            "ISO/IEC 17021-1 9.2.3: the audit plan sent to the client (version %(version)d) "
            "gives %(plan_start)s to %(plan_end)s, but the audit is now from %(start)s to "
            "%(end)s.",
            version=plan.version,
            plan_start=format_day(plan.start_date),
            plan_end=format_day(plan.end_date),
            start=format_day(audit.start_date),
            end=format_day(audit.end_date),
        )
    else:
        message = _(
            "ISO/IEC 17021-1 9.2.3: the audit team changed after the audit plan (version "
            "%(version)d) was sent to the client.",
            version=plan.version,
        )
    return [
        message
        + " "
        + _(
            "Open the audit plan from this audit's page, make a new version and send it to "
            "the client; then start the audit."
        )
    ]


def recorded_checklist(audit: Audit) -> AuditChecklist | None:
    return db.session.scalar(select(AuditChecklist).where(AuditChecklist.audit_id == audit.id))


# Checklists parsed from stored copies, by fingerprint: an old file is parsed once per process.
_FROM_SOURCE: dict[str, loader.Checklist] = {}


def checklist_of(audit: Audit, recorded: AuditChecklist | None = None) -> loader.Checklist | None:
    """The checklist exactly as the audit used it; None until the audit is started."""
    recorded = recorded or recorded_checklist(audit)
    if recorded is None:
        return None
    try:
        current = loader.checklist_for(recorded.scheme, recorded.edition)
    except (loader.UnknownChecklistError, loader.ChecklistError):
        current = None
    if current is not None and loader.fingerprint(current) == recorded.fingerprint:
        return current
    if recorded.fingerprint not in _FROM_SOURCE:
        _FROM_SOURCE[recorded.fingerprint] = loader.parse(
            recorded.source, recorded.file_name, stored=True
        )
    return _FROM_SOURCE[recorded.fingerprint]


# -- answers ------------------------------------------------------------------------------------


class AuditClosed(AuditWorkError):
    """The report went to the committee before this change arrived; the change is not kept."""


def check_can_edit(actor, audit: Audit) -> None:
    if not on_team(actor, audit):
        raise AuditWorkError(_("Only the audit team can change this checklist."))
    if audit.state in (AuditState.SUBMITTED.value, AuditState.CLOSED.value):
        # 17021-1 9.4.8: the committee decides on the report as submitted, so nothing changes
        # under it; what was typed stays on the page (and in the browser) for the lead auditor.
        raise AuditClosed(
            _(
                "The report of this audit was submitted to the committee, so this change was "
                "not saved. What you typed is still on this page: give it to the lead auditor "
                "(the committee can return the file for more information)."
            )
        )
    if audit.state not in EDITABLE:
        raise AuditWorkError(
            _(
                "Answers can be changed only while the audit is in progress; it is %(state)s.",
                state=audit.state_enum.label,
            )
        )


def question_in(checklist: loader.Checklist | None, question_id: str) -> loader.Question:
    if checklist is None:
        raise AuditWorkError(_("The audit has not been started yet."))
    try:
        return checklist.question(question_id)
    except KeyError:
        raise AuditWorkError(
            _("The checklist of this audit has no question %(id)s.", id=question_id)
        ) from None


def _checked_values(checklist, question, grade, points, evidence) -> tuple:
    """Grade, points and evidence as they will be stored, or a refusal naming the field."""
    if grade in (None, ""):
        grade = None
    elif grade not in {g.value for g in Grade}:
        raise AuditWorkError(_("Choose one of the grades offered."), field="grade")
    if points is not None:
        if not checklist.scored:
            raise AuditWorkError(_("This checklist gives no maturity points."), field="points")
        if grade == Grade.NOT_APPLICABLE:
            raise AuditWorkError(
                _("A question that is not applicable gets no points."), field="points"
            )
        if not 0 <= points <= question.max_points:
            raise AuditWorkError(
                _("Points run from 0 to %(max)s.", max=question.max_points), field="points"
            )
        cap = checklist.points_cap(question, grade)
        if grade is not None and points > cap:
            raise AuditWorkError(
                ngettext(
                    "%(grade)s earns at most %(num)d point in this scheme: a major "
                    "nonconformity earns none, a minor never full points.",
                    "%(grade)s earns at most %(num)d points in this scheme: a major "
                    "nonconformity earns none, a minor never full points.",
                    cap,
                    grade=Grade(grade).label,
                ),
                field="points",
            )
    evidence = (evidence or "").replace("\r\n", "\n")  # browsers post textareas with CRLF
    if len(evidence) > MAX_EVIDENCE:
        raise AuditWorkError(
            ngettext(
                "The evidence is too long: at most %(num)d character.",
                "The evidence is too long: at most %(num)d characters.",
                MAX_EVIDENCE,
            ),
            field="evidence",
        )
    return grade, points, evidence


def _same(answer: Answer, grade, points, evidence) -> bool:
    return (answer.grade, answer.points, answer.evidence or "") == (grade, points, evidence)


def find_answer(audit: Audit, question_id: str) -> Answer | None:
    return db.session.scalar(
        select(Answer)
        .where(Answer.audit_id == audit.id, Answer.question_id == question_id)
        .options(selectinload(Answer.updated_by))
    )


def save_answer(
    actor,
    audit: Audit,
    question_id: str,
    *,
    grade,
    points,
    evidence,
    expected_version: int,
    today: date,
    audit_held: bool = False,
) -> Answer:
    """Store one graded question; refuses (StaleAnswer) when someone saved it in between.

    The audit's row is held first (`audit_held`: the caller holds it already, for a whole
    workbook): a report submitted at the same moment either waits for this answer and includes
    it, or went first, and this answer is refused (AuditClosed).
    """
    if not audit_held:
        lock(audit)
    check_can_edit(actor, audit)
    checklist = checklist_of(audit)
    question = question_in(checklist, question_id)
    grade, points, evidence = _checked_values(checklist, question, grade, points, evidence)
    answer = find_answer(audit, question_id)
    if answer is not None and _same(answer, grade, points, evidence):
        return answer  # a retried save that already went through, or nothing changed
    if (answer.version if answer else 0) != expected_version:
        raise StaleAnswer(answer)
    before = answer.grade if answer else None
    answer = _write(actor, audit, question, answer, expected_version, grade, points, evidence)
    if before != grade:  # the log keeps grade changes, not every keystroke of the evidence
        record(
            actor,
            answer,
            "answer_graded",
            organisation_id=audit.organisation_id,
            from_state=before,
            to_state=grade,
            note=log_note("checklist_question", question=question.id),
            group_key=checklist_group(audit),
        )
    _sync_finding(actor, answer, today)
    db.session.flush()
    return answer


def _write(actor, audit, question, answer, expected_version, grade, points, evidence) -> Answer:
    """Insert, or update only if the stored version is still the one the page had."""
    values = dict(
        grade=grade, points=points, evidence=evidence, updated_by_id=actor.id, updated_at=utcnow()
    )
    if answer is None:
        answer = Answer(
            audit_id=audit.id, question_id=question.id, clause=question.clause, version=1, **values
        )
        try:
            with db.session.begin_nested():  # two first saves at once: the unique key decides
                db.session.add(answer)
        except IntegrityError:
            raise StaleAnswer(find_answer(audit, question.id)) from None
    else:
        # The WHERE on the version makes the check and the write one step, across app servers.
        done = db.session.execute(
            update(Answer)
            .where(Answer.id == answer.id, Answer.version == expected_version)
            .values(version=expected_version + 1, **values)
            .execution_options(synchronize_session="evaluate")
        )
        if done.rowcount != 1:
            db.session.refresh(answer)
            raise StaleAnswer(answer)
    set_committed_value(answer, "updated_by", actor)
    return answer


def _sync_finding(actor, answer: Answer, today: date) -> None:
    """A nonconformity, observation or OFI grade keeps its finding in step (findings domain)."""
    from certification.findings.services import FindingError, sync_finding

    try:
        sync_finding(actor, answer, today)
    except FindingError as error:
        raise AuditWorkError(error.message, field="grade") from None


# -- the checklist page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    per_clause: dict[str, tuple[int, int]]  # clause number -> (answered, total)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress(checklist: loader.Checklist, answers: dict[str, Answer]) -> Progress:
    """Answered (graded) questions of the whole checklist and of each clause; pure."""
    per_clause = {}
    for clause in checklist.clauses():
        done = sum(1 for q in clause.questions if _graded(answers.get(q.id)))
        per_clause[clause.number] = (done, len(clause.questions))
    answered = sum(done for done, _total in per_clause.values())
    return Progress(answered, len(checklist.questions()), per_clause)


def current_clause(checklist: loader.Checklist, answers: dict[str, Answer], number: str | None):
    """The clause asked for; else the first with an unanswered question; else the first."""
    if number:
        try:
            return checklist.clause(number)
        except KeyError:
            pass
    for clause in checklist.clauses():
        if not all(_graded(answers.get(q.id)) for q in clause.questions):
            return clause
    return checklist.clauses()[0]


def _graded(answer: Answer | None) -> bool:
    return answer is not None and answer.grade is not None


def answers_of(audit: Audit) -> dict[str, Answer]:
    query = (
        select(Answer).where(Answer.audit_id == audit.id).options(selectinload(Answer.updated_by))
    )
    return {answer.question_id: answer for answer in db.session.scalars(query)}


def load_audit(audit_id: int) -> Audit | None:
    """The audit with what the checklist pages need, in a fixed number of statements."""
    return db.session.scalar(
        select(Audit)
        .where(Audit.id == audit_id)
        .options(
            selectinload(Audit.team).selectinload(AuditTeamMember.user),
            selectinload(Audit.cycle),
            selectinload(Audit.organisation),
        )
    )
