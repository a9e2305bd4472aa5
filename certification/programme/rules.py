"""Pure rules of the audit programme: who may audit a client, and when each audit is due.

No Flask, no database, no clock: plain values in, plain values out. Qualifications and conflicts
are any objects with the model's attribute names (the models themselves, or simple stand-ins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from certification.accounts.competence import CompetenceRole, competence_problem
from certification.workflow import (
    add_months,
    add_years,
    due_status,
    programme_dates,
    recertification_deadline,
    recertification_latest,
    stage1_validity,
    surveillance_2_window,
)

# 17021-1 5.2.10: no one who consulted for (or worked at) the client audits it within two years.
COOLING_OFF_YEARS = 2
COOLING_OFF_KINDS = ("consultancy", "employment")
# 17021-1 5.2.10 via domain.md: consultancy to the client within two years bars without exception.
NO_OVERRIDE_KINDS = ("consultancy",)

# The programme of one cycle, in order (domain.md "The cycle").
PROGRAMME = ("stage1", "stage2", "surveillance1", "surveillance2", "recertification")

# Only these states still wait for the audit to happen; only they can be due or overdue.
OPEN_STATES = ("planned", "scheduled")


def is_qualified(user_qualifications, scheme: str, sector_code: str, on_date: date) -> bool:
    """17021-1 7.1: competent for this scheme in this sector (IAF code), valid on the day."""
    problem = competence_problem(
        user_qualifications, CompetenceRole.AUDITOR, scheme, sector_code, on_date
    )
    return problem is None


def _still_bars(conflict, today: date) -> bool:
    """Consultancy or employment bars until two full years after it ended (17021-1 5.2.10); the
    second anniversary of the end is the first free day. Any other tie bars while it lasts."""
    if conflict.ended_on is None:
        return True
    if conflict.kind in COOLING_OFF_KINDS:
        return today < add_years(conflict.ended_on, COOLING_OFF_YEARS)
    return today <= conflict.ended_on


def blocking_conflicts(conflicts, organisation_id: int, today: date) -> list:
    """Every recorded tie with this client that still bars the person, whatever the order they
    were recorded in: the ties no written reason lifts (consultancy, 17021-1 5.2.10) first, then
    the ongoing ones, then the latest ended."""
    barring = [
        conflict
        for conflict in conflicts
        if conflict.organisation_id == organisation_id and _still_bars(conflict, today)
    ]
    return sorted(
        barring,
        key=lambda c: (
            c.kind not in NO_OVERRIDE_KINDS,
            c.ended_on is not None,
            -c.ended_on.toordinal() if c.ended_on is not None else 0,
        ),
    )


def blocking_conflict(conflicts, organisation_id: int, today: date):
    """The most serious recorded tie with this client that still bars the person, or None:
    consultancy within the two years before any other tie (blocking_conflicts)."""
    barring = blocking_conflicts(conflicts, organisation_id, today)
    return barring[0] if barring else None


def conflict_blocks(conflicts, organisation_id: int, today: date) -> bool:
    """17021-1 5.2: a conflict of interest with the client keeps the person off its audits."""
    return blocking_conflict(conflicts, organisation_id, today) is not None


@dataclass(frozen=True)
class Window:
    """When an audit may happen: first allowed day (or None) and the day it is due by (or None)."""

    start: date | None = None
    due_by: date | None = None


def programme_windows(
    decision_date: date | None,
    stage1_last_day: date | None = None,
    surveillance1_last_day: date | None = None,
    stage1_void_months: int = 6,
    *,
    surveillance2_last_day: date | None = None,
    expires_on: date | None = None,
) -> dict[str, Window]:
    """Window of each audit of the programme, from what is known so far.

    Stage 2 follows stage 1 (policy: a new stage 1 after `stage1_void_months`). The rest hang on
    the certification decision (17021-1 9.1.3): until it exists they have no dates. The
    recertification is due before the cycle's expiry (`expires_on`, else decision + 3 years) and,
    an audit every calendar year with the recertification year counted (9.1.3.3), at the latest
    in the calendar year after surveillance 2.
    """
    stage2 = Window()
    if stage1_last_day is not None:
        stage2 = Window(stage1_last_day, add_months(stage1_last_day, stage1_void_months))
    if decision_date is None:
        return {kind: stage2 if kind == "stage2" else Window() for kind in PROGRAMME}
    dates = programme_dates(decision_date)
    # 17021-1 9.1.3.3: surveillance 2 falls in the calendar year after surveillance 1, which
    # comes after the decision: until surveillance 1 is dated, not before the next 1 January.
    surveillance2 = Window(date(decision_date.year + 1, 1, 1), dates["surveillance_2"])
    if surveillance1_last_day is not None:
        surveillance2 = Window(*surveillance_2_window(decision_date, surveillance1_last_day))
    recertification = (
        recertification_deadline(expires_on) if expires_on else dates["recertification"]
    )
    if surveillance2_last_day is not None:
        recertification = min(recertification, recertification_latest(surveillance2_last_day))
    return {
        "stage1": Window(),
        "stage2": stage2,
        "surveillance1": Window(decision_date, dates["surveillance_1"]),
        "surveillance2": surveillance2,
        "recertification": Window(None, recertification),
    }


# The audits of the programme held against a due-by date (17021-1 9.1.3, 9.6.2).
DUE_KINDS = ("surveillance1", "surveillance2", "recertification")


def scheduled_early(kind: str, window_start: date | None, first_day: date) -> bool:
    """Surveillance 2 would start before its window opens (17021-1 9.1.3.3: surveillance every
    calendar year, so surveillance 2 in the calendar year after surveillance 1). No exception
    lifts it: the window start is the first allowed day."""
    return kind == "surveillance2" and window_start is not None and first_day < window_start


def scheduled_late(kind: str, due_by: date | None, last_day: date) -> bool:
    """The audit would end after its due-by date (a justified exception is then needed)."""
    return kind in DUE_KINDS and due_by is not None and last_day > due_by


def audit_due_status(
    state: str,
    due_by: date | None,
    end_date: date | None,
    today: date,
    windows: tuple[int, ...],
) -> str | None:
    """Badge for an audit: planned ones count down to their due date; a scheduled one is flagged
    overdue only when its dates run past the due date. Done or cancelled audits have none."""
    if state not in OPEN_STATES or due_by is None:
        return None
    if state == "scheduled":
        return "overdue" if end_date is not None and end_date > due_by else None
    return due_status(due_by, today, windows)


def stage2_problem(
    stage1_state: str | None,
    stage1_readiness: str,
    stage1_last_day: date | None,
    stage2_first_day: date,
    *,
    starting: bool,
    warn_days: int = 90,
    void_months: int = 6,
) -> str | None:
    """Why stage 2 cannot be scheduled (starting=False) or started (starting=True) on that day.

    17021-1 9.3.1: stage 2 follows the lead auditor's conclusion that the client is ready
    ("stage1_missing", "stage1_not_concluded", "stage1_not_ready"); policy: past the stage 1
    validity (`void_months`, default 6) stage 1 must be repeated ("stage1_void").
    """
    if stage1_state is None:
        return "stage1_missing"
    if stage1_readiness == "not_ready":
        return "stage1_not_ready"
    if starting and (stage1_state != "closed" or stage1_readiness != "ready"):
        return "stage1_not_concluded"
    if stage1_last_day is not None and stage2_first_day < stage1_last_day:
        return "before_stage1"
    if stage1_last_day is not None:
        validity = stage1_validity(stage1_last_day, stage2_first_day, warn_days, void_months)
        if validity == "void":
            return "stage1_void"
    return None
