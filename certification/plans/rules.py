"""Pure rules of the audit plan: which sites to visit (IAF MD 1), the timetable's hours (IAF MD 5),
and whether every item of 17021-1 9.2.3 is there. No Flask, no database, no clock.

The sample size itself is the audit-time module's rule (certification/audit_time.py); this module
only chooses which sites fill it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from certification.audit_time import random_share, sample_size

HOURS_PER_DAY = 8  # IAF MD 5: an auditor-day is 8 hours
DAY_STARTS = 9 * 60  # minutes after midnight: 09:00
DAY_LENGTH = 8 * 60

# The factor of IAF MD 1 each audit of the programme samples with: stage 1 and stage 2 make the
# initial audit; a special audit (extension, short notice) is sampled like a surveillance.
SAMPLE_KIND = {
    "stage1": "initial",
    "stage2": "initial",
    "surveillance1": "surveillance",
    "surveillance2": "surveillance",
    "recertification": "recertification",
    "special": "surveillance",
}

# 17021-1 9.2.3: what an audit plan holds. The keys name the items in refusals and tests.
PLAN_ITEMS = (
    "objectives",
    "scope",
    "criteria",
    "dates",
    "sites",
    "timetable",
    "team",
    "representative",
    "language",
    "confidentiality",
)


class PlanRuleError(ValueError):
    """A plan that a rule refuses; `code` says which rule."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Candidate:
    """A site that could be visited: `visited` if an earlier audit of the cycle planned it."""

    id: int
    name: str
    personnel: int = 0
    is_central: bool = False
    visited: bool = False


@dataclass(frozen=True)
class SiteSelection:
    """The sites chosen for one audit, each with its reason, and how they were chosen."""

    chosen: list[tuple[Candidate, str]]
    sample: int  # sites visited, the central function included
    random_count: int
    random_pool: str  # "unvisited" or "all": where the random ones were drawn from
    pool_size: int
    seed: int
    unvisited: int = 0
    ids: list[int] = field(default_factory=list)


def choose_sites(candidates: list[Candidate], audit_kind: str, seed: int) -> SiteSelection:
    """IAF MD 1: the central function at every audit, plus a sample of the other sites of which
    at least a quarter is drawn at random; the rest go to sites not yet visited in the cycle (the
    largest first), so that different sites are seen over the cycle.

    The draw uses `seed`, so the plan can say how it was made and anyone can repeat it.
    """
    central = [c for c in candidates if c.is_central]
    if len(central) != 1:
        raise PlanRuleError("central_function")
    others = sorted((c for c in candidates if not c.is_central), key=lambda c: c.id)
    size = sample_size(len(candidates), SAMPLE_KIND.get(audit_kind, "surveillance"))
    unvisited = [c for c in others if not c.visited]
    if size >= len(candidates):
        chosen = [(central[0], "central")] + [(c, "all") for c in others]
        return _selection(chosen, len(candidates), 0, "all", len(others), seed, len(unvisited))
    wanted = size - 1
    count = min(random_share(wanted), wanted)
    pool, pool_name = (unvisited, "unvisited") if len(unvisited) >= count else (others, "all")
    drawn = random.Random(seed).sample(pool, count) if count else []
    rest = [c for c in others if c not in drawn]
    # Not yet visited first, then the largest (more people, more complaints), then the oldest.
    rest.sort(key=lambda c: (c.visited, -c.personnel, c.id))
    covered = rest[: wanted - count]
    chosen = [(central[0], "central")]
    chosen += [(c, "random") for c in sorted(drawn, key=lambda c: c.id)]
    chosen += [(c, "coverage_visited" if c.visited else "coverage") for c in covered]
    return _selection(chosen, size, count, pool_name, len(pool), seed, len(unvisited))


def _selection(chosen, size, count, pool_name, pool_size, seed, unvisited) -> SiteSelection:
    return SiteSelection(
        chosen=chosen,
        sample=size,
        random_count=count,
        random_pool=pool_name,
        pool_size=pool_size,
        seed=seed,
        unvisited=unvisited,
        ids=[c.id for c, _reason in chosen],
    )


# -- the timetable -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One timetable line before it is stored: day, clock times, what, clauses, who, hours."""

    day: date
    starts: str
    ends: str
    activity: str
    clauses: str
    auditors: str
    auditor_hours: Fraction


def required_hours(audit_days) -> Fraction:
    """IAF MD 5: the auditor-hours of the audit time (8 hours an auditor-day)."""
    return Fraction(str(audit_days)) * HOURS_PER_DAY


def hours_problem(lines_hours, audit_days) -> tuple[Fraction, Fraction] | None:
    """(given, required) when the timetable's auditor-hours do not add up to the audit time."""
    given = sum((Fraction(str(h)) for h in lines_hours), Fraction(0))
    required = required_hours(audit_days)
    return None if given == required else (given, required)


def default_timetable(
    first_day: date,
    last_day: date,
    audit_days,
    auditors: list[str],
    opening: str,
    closing: str,
    blocks: list[tuple[str, str]],
) -> list[Line]:
    """A first timetable the planner then edits: the opening meeting, one line per block
    (process or clause, clauses), the closing meeting; the whole team on every line. The
    auditor-hours add up to the audit time exactly; half hours where they can."""
    team = max(1, len(auditors))
    total = required_hours(audit_days)
    meeting = min(Fraction(team, 2), total / 4)  # half an hour each for the whole team
    middle = total - 2 * meeting
    shares = _split(middle, len(blocks)) if blocks else []
    entries = [(opening, "", meeting)] + [
        (name, clauses, share) for (name, clauses), share in zip(blocks, shares, strict=True)
    ]
    entries.append((closing, "", meeting if blocks else total - meeting))
    who = ", ".join(auditors)
    lines, day, minute = [], first_day, DAY_STARTS
    for activity, clauses, hours in entries:
        length = int(hours * 60 / team)
        if minute + length > DAY_STARTS + DAY_LENGTH and day < last_day and minute > DAY_STARTS:
            day, minute = day + timedelta(days=1), DAY_STARTS
        lines.append(
            Line(day, _clock(minute), _clock(minute + length), activity, clauses, who, hours)
        )
        minute += length
    return lines


def _split(total: Fraction, parts: int) -> list[Fraction]:
    """`total` in `parts` shares of whole half hours; what is left over goes to the first."""
    each = Fraction(int(total / parts * 2), 2)
    shares = [each] * parts
    shares[0] += total - each * parts
    return shares


def _clock(minutes: int) -> str:
    minutes = min(minutes, 23 * 60 + 59)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def valid_clock(text: str) -> bool:
    """ "09:00" and "17:30" are times of day; "9", "25:00" and "12:60" are not."""
    hours, sep, minutes = (text or "").partition(":")
    if not sep or len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        return False
    return int(hours) < 24 and int(minutes) < 60


# -- completeness ------------------------------------------------------------------------------


def missing_items(plan) -> list[str]:
    """The 17021-1 9.2.3 items a plan (any object with the model's attributes) still lacks."""
    present = {
        "objectives": bool((plan.objectives or "").strip()),
        "scope": bool((plan.scope or "").strip()),
        "criteria": bool((plan.criteria or "").strip()),
        "dates": plan.start_date is not None and plan.end_date is not None,
        "sites": bool(plan.sites),
        "timetable": bool(plan.activities),
        "team": any(seat.role == "lead" for seat in plan.team),
        "representative": bool((plan.representative or "").strip()),
        "language": bool(plan.language),
        "confidentiality": bool((plan.confidentiality or "").strip()),
    }
    return [item for item in PLAN_ITEMS if not present[item]]
