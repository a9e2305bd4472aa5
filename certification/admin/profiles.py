"""Competence profiles of auditors, committee members and planners (17021-1 7.1: competence;
5.2: impartiality): the qualifications an admin records, and conflicts of interest.

Services check the rule, change the objects, log, flush; they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from certification.accounts.competence import (
    FOR_USER_ROLE,
    ROLES_FOR_USER_ROLE,
    SECTOR_REQUIRED,
    CompetenceRole,
)
from certification.accounts.models import (
    AuditorQualification,
    ConflictKind,
    ConflictOfInterest,
    Role,
    User,
)
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.admin.services import AdminError
from certification.applications.schemes import SCHEMES
from certification.extensions import db
from certification.organisations.models import Organisation

# 17021-1 7.1.2: auditors (and technical experts), application reviewers, committee members.
PROFILE_ROLES = (Role.AUDITOR, Role.COMMITTEE, Role.PLANNER)
SECTOR_CODES = range(1, 40)  # IAF/EA sector codes 1..39
MAX_EVIDENCE = 2000


def has_profile(user: User) -> bool:
    return user.role in PROFILE_ROLES


@dataclass
class CompetenceDetails:
    """What an admin records of a competence: scheme, sector ("" or None: every sector, where
    the role allows it), validity and the evidence it rests on (training, witnessed audits...)."""

    scheme: str
    sector_code: int | None
    valid_until: date | None = None
    valid_from: date | None = None
    evidence: str = ""
    role: str | None = None  # None: the first role of the person's account


def add_qualification(actor, person: User, details: CompetenceDetails) -> AuditorQualification:
    """Record a competence of a person, in a role their account may hold (17021-1 7.1, 7.2)."""
    _require_profile(person)
    role = _checked_role(person, details.role)
    sector, evidence = _checked_competence(role, details)
    if any(
        q.role == role and q.scheme == details.scheme and q.sector_code == sector
        for q in person.qualifications
    ):
        raise AdminError(_("This qualification is already on the profile."), "sector_code")
    qualification = AuditorQualification(
        auditor=person,
        role=role.value,
        scheme=details.scheme,
        sector_code=sector,
        valid_from=details.valid_from,
        valid_until=details.valid_until,
        evidence=evidence,
    )
    db.session.add(qualification)
    db.session.flush()
    record(
        actor,
        qualification,
        "qualification_added",
        note=_qualification_note(qualification),
        reason=qualification.evidence,
    )
    return qualification


def update_qualification(actor, qualification: AuditorQualification, details: CompetenceDetails):
    """Renew or correct a competence record: its validity and evidence (scheme and sector stay;
    another scheme or sector is another record)."""
    _checked_competence(qualification.role_enum, details, keep_sector=qualification.sector_code)
    before = _qualification_note(qualification), qualification.evidence
    qualification.valid_from = details.valid_from
    qualification.valid_until = details.valid_until
    qualification.evidence = (details.evidence or "").strip()
    db.session.flush()
    after = _qualification_note(qualification), qualification.evidence
    if after != before:
        note = log_note("changed", before=before[0], after=after[0])
        record(actor, qualification, "qualification_updated", note=note, reason=after[1])
    return qualification


def _checked_role(person: User, role: str | None) -> CompetenceRole:
    if not role:
        return FOR_USER_ROLE[person.role]
    if role not in ROLES_FOR_USER_ROLE[person.role]:
        known = role in {r.value for r in CompetenceRole}
        raise AdminError(
            _(
                "%(role)s is not a competence this person's account can hold.",
                role=CompetenceRole(role).label if known else role,
            ),
            "role",
        )
    return CompetenceRole(role)


def _checked_competence(role, details: CompetenceDetails, keep_sector: str | None = None):
    """The sector as stored ("" for every sector) and the evidence, or an AdminError."""
    if details.scheme not in dict(scheme_ids()):
        raise AdminError(_("Choose one of the schemes."), "scheme")
    sector = keep_sector
    if keep_sector is None:
        code = details.sector_code
        if code is None and role in SECTOR_REQUIRED:
            raise AdminError(
                _("An auditor or a technical expert is qualified per IAF sector: enter it."),
                "sector_code",
            )
        if code is not None and code not in SECTOR_CODES:
            raise AdminError(_("IAF sector codes run from 1 to 39."), "sector_code")
        sector = "" if code is None else str(code)
    if details.valid_from and details.valid_until and details.valid_until < details.valid_from:
        raise AdminError(_("The competence cannot end before it starts."), "valid_until")
    evidence = (details.evidence or "").strip()
    if len(evidence) > MAX_EVIDENCE:
        raise AdminError(
            ngettext(
                "Keep the evidence note under %(num)d character.",
                "Keep the evidence note under %(num)d characters.",
                MAX_EVIDENCE,
            ),
            "evidence",
        )
    return sector, evidence


def remove_qualification(actor, qualification: AuditorQualification) -> None:
    record(actor, qualification, "qualification_removed", note=_qualification_note(qualification))
    db.session.delete(qualification)
    db.session.flush()


def add_conflict(
    actor,
    person: User,
    organisation: Organisation,
    kind: str,
    started_on: date,
    ended_on: date | None,
    note: str = "",
) -> ConflictOfInterest:
    """Record a tie between a person and a client; it keeps them off that client's audits."""
    _require_profile(person)
    if kind not in {k.value for k in ConflictKind}:
        raise AdminError(_("Choose the kind of relationship."), "kind")
    if started_on is None:
        raise AdminError(_("Enter the date the relationship started."), "started_on")
    if ended_on is not None and ended_on < started_on:
        raise AdminError(_("The relationship cannot end before it started."), "ended_on")
    conflict = ConflictOfInterest(
        user=person,
        organisation=organisation,
        organisation_id=organisation.id,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        note=(note or "").strip(),
    )
    db.session.add(conflict)
    db.session.flush()
    record(actor, conflict, "conflict_added", note=_conflict_note(conflict), reason=conflict.note)
    return conflict


def remove_conflict(actor, conflict: ConflictOfInterest, reason: str) -> None:
    """Removing a conflict weakens the impartiality record, so it needs a logged reason."""
    reason = (reason or "").strip()
    if not reason:
        raise AdminError(_("Give a reason for removing the conflict of interest."), "reason")
    record(actor, conflict, "conflict_removed", note=_conflict_note(conflict), reason=reason)
    db.session.delete(conflict)
    db.session.flush()


def scheme_ids() -> list[tuple[str, str]]:
    """(scheme id, title) once per scheme: qualifications name a scheme, not an edition."""
    seen: dict[str, str] = {}
    for scheme_id, _edition, title in SCHEMES:
        seen.setdefault(scheme_id, title)
    return list(seen.items())


def _require_profile(person: User) -> None:
    if not has_profile(person):
        raise AdminError(
            _("Only auditors, committee members and planners have a competence record.")
        )


def _qualification_note(q: AuditorQualification) -> dict:
    """What the record says, as data (activity.notes), worded in each reader's language."""
    sector = (
        log_note("iaf_sector", sector=q.sector_code) if q.sector_code else log_note("every_sector")
    )
    role = CompetenceRole(q.role) if q.role in set(CompetenceRole) else q.role
    validity = log_note("valid_between", start=q.valid_from, end=q.valid_until)
    return log_note(
        "qualification",
        name=q.auditor.name,
        role=role,
        scheme=q.scheme,
        sector=sector,
        validity=validity,
    )


def _conflict_note(c: ConflictOfInterest) -> dict:
    kind = ConflictKind(c.kind) if c.kind in set(ConflictKind) else c.kind
    until = log_note("ended", date=c.ended_on) if c.ended_on else log_note("ongoing")
    return log_note(
        "conflict", name=c.user.name, organisation=c.organisation.legal_name, kind=kind, until=until
    )
