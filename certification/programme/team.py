"""Who can sit on an audit team on given days: each auditor assessed, in words, for the schedule
form (before the planner picks) and for the service's refusals (the same rule, team_rules.assess).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.accounts.competence import SEAT_ROLES, competence_problem_any
from certification.accounts.models import ConflictKind, Role, User
from certification.activity.notes import log_note, worded
from certification.applications.schemes import scheme_title
from certification.extensions import db
from certification.i18n.collation import sorted_by_name
from certification.programme import team_rules
from certification.programme.models import Audit, AuditTeamMember, TeamRole
from certification.templating import format_day


@dataclass
class Candidate:
    """One auditor as the schedule form shows them for the audit's days."""

    person: User
    assessment: team_rules.Assessment
    blocking_words: list[str]  # consultancy, competence, days booked: no written reason lifts these
    override_words: list[str]  # other conflicts of interest: a logged reason lifts these

    @property
    def reasons(self) -> list[str]:
        return self.blocking_words + self.override_words

    expert_only: bool = False  # not qualified as an auditor, but for a technical expert's seat

    @property
    def qualified(self) -> bool:
        return self.assessment.competence is None


def bookings_of(user_ids, start: date, end: date, audit_id: int | None) -> dict[int, list]:
    """Each person's other audits overlapping these days (an audit holds its days once dated)."""
    rows = db.session.execute(
        select(AuditTeamMember.user_id, Audit)
        .join(Audit, Audit.id == AuditTeamMember.audit_id)
        .where(
            AuditTeamMember.user_id.in_(list(user_ids)),
            Audit.state.in_(team_rules.BOOKED_STATES),
            Audit.start_date <= end,
            Audit.end_date >= start,
        )
        .options(selectinload(Audit.organisation))
    )
    found: dict[int, list] = {}
    for user_id, other in rows:
        if other.id == audit_id:
            continue
        label = f"{other.kind_enum.label} · {other.organisation.display_name}"
        found.setdefault(user_id, []).append(
            team_rules.Booking(other.id, other.start_date, other.end_date, label)
        )
    return found


def assess_people(
    people, audit: Audit, start: date, end: date, seats: dict[int, str] | None = None
) -> dict[int, Candidate]:
    """Every person against this audit on these days (in their seat, when known: a technical
    expert's own record covers an expert seat), with the reasons in words."""
    bookings = bookings_of([p.id for p in people], start, end, audit.id)
    cycle, organisation = audit.cycle, audit.organisation
    found = {}
    for person in people:
        seat = (seats or {}).get(person.id, "auditor")
        assessment = team_rules.assess(
            person.qualifications,
            person.conflicts,
            bookings.get(person.id, []),
            organisation_id=organisation.id,
            scheme=cycle.scheme,
            sector_code=organisation.sector_code,
            start=start,
            end=end,
            audit_id=audit.id,
            seat=seat,
        )
        found[person.id] = Candidate(person, assessment, *_reasons(person, audit, assessment, seat))
    return found


def team_overview(audit: Audit, start: date | None, end: date | None) -> list[Candidate]:
    """Every active auditor with what the form should tell the planner for these days."""
    start, end = start or audit.start_date, end or audit.end_date
    if start is None or end is None or end < start:
        return []
    people = sorted_by_name(
        db.session.scalars(
            select(User)
            .where(User.role == Role.AUDITOR.value, User.active.is_(True))
            .options(selectinload(User.qualifications), selectinload(User.conflicts))
            .order_by(User.id)
        ),
        lambda u: u.name,
        get_locale(),
    )
    candidates = assess_people(people, audit, start, end)
    scheme, sector = audit.cycle.scheme, audit.organisation.sector_code
    for person in people:  # 17021-1 7.2.5: their own record may still cover an expert seat
        candidate = candidates[person.id]
        candidate.expert_only = not candidate.qualified and all(
            competence_problem_any(person.qualifications, SEAT_ROLES["expert"], scheme, sector, day)
            is None
            for day in (start, end)
        )
    return [candidates[p.id] for p in people]


def _reasons(person: User, audit: Audit, assessment, seat: str) -> tuple[list[str], list[str]]:
    """(blocking, overridable) reasons in words."""
    blocking, overridable = [], []
    if assessment.consultancy:
        blocking.append(_consultancy_words(person, audit, assessment.consultancy_ties[0]))
    if assessment.competence is not None:
        blocking.append(_competence_words(person, audit, assessment, seat))
    for booking in assessment.bookings:
        blocking.append(
            _(
                "ISO/IEC 17021-1 9.2.2: %(name)s is already on %(audit)s from %(start)s to "
                "%(end)s; an auditor cannot be on two audits on the same day.",
                name=person.name,
                audit=booking.label,
                start=format_day(booking.start),
                end=format_day(booking.end),
            )
        )
    for conflict in assessment.other_ties:
        overridable.append(worded(conflict_note(person, audit, conflict)))
    return blocking, overridable


def _consultancy_words(person: User, audit: Audit, conflict) -> str:
    free_from = team_rules.consultancy_bars_until(conflict)
    return _(
        "ISO/IEC 17021-1 5.2.10: %(name)s gave consultancy to %(organisation)s (%(until)s); "
        "no one who did so within the last 2 years can be on its audit team or decide on it, "
        "whatever the reason.",
        name=person.name,
        organisation=audit.organisation.display_name,
        until=_("free from %(date)s", date=format_day(free_from)) if free_from else _("ongoing"),
    )


def _competence_words(person: User, audit: Audit, assessment, seat: str) -> str:
    """17021-1 7.1, 7.2: the seat needs a qualification valid on every day of the audit; no
    written reason replaces it."""
    cycle = audit.cycle
    values = {
        "name": person.name,
        "scheme": scheme_title(cycle.scheme, cycle.edition),
        "sector": audit.organisation.sector_code,
        "date": format_day(assessment.competence_on),
        "seat": TeamRole(seat).label,
    }
    if assessment.competence == "expired":
        return _(
            "ISO/IEC 17021-1 7.1, 7.2: %(name)s's qualification for %(scheme)s in sector "
            "%(sector)s has lapsed by %(date)s; no written reason lets them take this seat "
            "(%(seat)s).",
            **values,
        )
    return _(
        "ISO/IEC 17021-1 7.1, 7.2: %(name)s is not qualified for %(scheme)s in sector "
        "%(sector)s on %(date)s; no written reason lets them take this seat (%(seat)s).",
        **values,
    )


def conflict_note(person: User, audit: Audit, conflict) -> dict:
    """An overridable conflict of interest, as data for the log (activity.notes)."""
    kind = ConflictKind(conflict.kind) if conflict.kind in set(ConflictKind) else conflict.kind
    until = log_note("ended", date=conflict.ended_on) if conflict.ended_on else log_note("ongoing")
    return log_note(
        "conflict",
        name=person.name,
        organisation=audit.organisation.display_name,
        kind=kind,
        until=until,
    )


def override_notes(person: User, audit: Audit, assessment) -> list[dict]:
    """What the planner overrode for this person (every tie other than consultancy), as notes
    (the log words them when read). Competence and consultancy are never overridden."""
    return [conflict_note(person, audit, conflict) for conflict in assessment.other_ties]
