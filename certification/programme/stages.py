"""Stage 1 before stage 2 (17021-1 9.3.1): the refusals and warnings, and repeating a stage.

The rule itself is programme.rules.stage2_problem; this turns its codes into the reader's words
with the stage 1 the cycle counts, and lets the planner add another stage 1 or stage 2 when the
first one did not lead on (not ready, stage 1 past its validity, a stage 2 to be conducted again).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from certification.activity.notes import log_note
from certification.activity.services import record
from certification.extensions import db
from certification.programme import rules
from certification.programme.dates import refresh_programme_dates
from certification.programme.models import Audit, AuditKind
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import AuditState, add_months

# Audits of a stage still on their way: a repeat cannot be added next to one of these.
UNDER_WAY = ("planned", "scheduled", "in_progress", "submitted", "returned")
REPEATABLE = (AuditKind.STAGE1.value, AuditKind.STAGE2.value)
SEQUENCE = {AuditKind.STAGE1.value: 1, AuditKind.STAGE2.value: 2}


class StageError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def latest_stage1(audit_or_cycle) -> Audit | None:
    """The cycle's stage 1 that counts: the latest one not cancelled (a repeat replaces it)."""
    cycle = getattr(audit_or_cycle, "cycle", audit_or_cycle)
    stage1s = [a for a in cycle.audits if a.kind == "stage1" and a.state != "cancelled"]
    return max(stage1s, key=lambda a: (a.sequence, a.id), default=None)


def _validity() -> tuple[int, int]:
    return int(settings.get("stage1_warn_days")), int(settings.get("stage1_void_months"))


def stage2_refusal(audit: Audit, first_day: date, *, starting: bool) -> str | None:
    """Why this stage 2 cannot be scheduled or started on `first_day`, in words; else None."""
    if audit.kind != AuditKind.STAGE2:
        return None
    from certification.reports.stage1 import readiness_of

    stage1 = latest_stage1(audit)
    warn_days, void_months = _validity()
    last_day = stage1.end_date if stage1 is not None else None
    problem = rules.stage2_problem(
        stage1.state if stage1 is not None else None,
        readiness_of(stage1),
        last_day,
        first_day,
        starting=starting,
        warn_days=warn_days,
        void_months=void_months,
    )
    if problem is None:
        return None
    messages = {
        "stage1_missing": _(
            "ISO/IEC 17021-1 9.3.1: stage 2 follows a stage 1 audit; this cycle has none."
        ),
        "stage1_not_concluded": _(
            "ISO/IEC 17021-1 9.3.1: stage 2 cannot start until the lead auditor has concluded "
            "stage 1 with the client ready for stage 2."
        ),
        "stage1_not_ready": _(
            "ISO/IEC 17021-1 9.3.1: stage 1 concluded that the client is not ready for stage 2: "
            "plan another stage 1 first."
        ),
        "before_stage1": _(
            "ISO/IEC 17021-1 9.3.1: stage 2 cannot start before stage 1 ends (%(date)s).",
            date=format_day(last_day),
        ),
        "stage1_void": ngettext(
            "Stage 1 validity (%(num)d month, a setting): stage 1 ended on %(date)s, so "
            "stage 2 had to start by %(latest)s; stage 1 must be repeated.",
            "Stage 1 validity (%(num)d months, a setting): stage 1 ended on %(date)s, so "
            "stage 2 had to start by %(latest)s; stage 1 must be repeated.",
            void_months,
            date=format_day(last_day),
            latest=format_day(add_months(last_day, void_months)) if last_day else "",
        ),
    }
    return messages[problem]


def stage1_warning(audit: Audit, first_day: date | None) -> str | None:
    """Policy (stage1_warn_days, default 90): an old stage 1 is shown, to planner and committee."""
    if audit.kind != AuditKind.STAGE2 or first_day is None:
        return None
    stage1 = latest_stage1(audit)
    if stage1 is None or stage1.end_date is None or first_day < stage1.end_date:
        return None
    warn_days, void_months = _validity()
    if rules.stage1_validity(stage1.end_date, first_day, warn_days, void_months) != "warn":
        return None
    return ngettext(
        "Stage 1 ended %(num)d day before stage 2 starts, later than the warning setting "
        "(%(warn)s): check that its conclusions still hold.",
        "Stage 1 ended %(num)d days before stage 2 starts, later than the warning setting "
        "(%(warn)s): check that its conclusions still hold.",
        (first_day - stage1.end_date).days,
        warn=ngettext("%(num)d day", "%(num)d days", warn_days),
    )


def repeat_problem(cycle, kind: str) -> str | None:
    """Why another audit of this stage cannot be added now, in words; None when it can."""
    if kind not in REPEATABLE:
        return _("Only stage 1 or stage 2 is conducted again.")
    if cycle.decision_date is not None:
        return _("The cycle is already certified: no stage is repeated.")
    if any(a.kind == kind and a.state in UNDER_WAY for a in cycle.audits):
        return _("This stage already has an audit on its way.")
    if kind == AuditKind.STAGE1 and any(
        a.kind == AuditKind.STAGE2 and a.state in UNDER_WAY[2:] for a in cycle.audits
    ):
        return _("Stage 2 is under way: stage 1 is not repeated now.")
    return None


def repeat_stage(actor, cycle, kind: str, reason: str, today: date) -> Audit:
    """Add another stage 1 or stage 2 to the cycle (9.3.1 not ready or past validity; 9.5.3.2
    majors not verified in time), with the auditor-days of the first one and a logged reason."""
    if (problem := repeat_problem(cycle, kind)) is not None:
        raise StageError(problem)
    reason = (reason or "").strip()
    if not reason:
        raise StageError(_("Give the reason for conducting this stage again."), "reason")
    first = next((a for a in cycle.audits if a.kind == kind), None)
    audit = Audit(
        organisation_id=cycle.organisation_id,
        kind=kind,
        sequence=SEQUENCE[kind],
        state=AuditState.PLANNED.value,
        planned_days=first.planned_days if first is not None else 0,
    )
    cycle.audits.append(audit)
    db.session.flush()
    record(
        actor,
        audit,
        "stage_repeated",
        reason=reason,
        note=log_note("to_conduct_again", audit=AuditKind(kind), date=today),
    )
    refresh_programme_dates(cycle)
    return audit
