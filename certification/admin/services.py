"""Administration verbs: users and roles, each user's own account, auditor profiles.

Services check the rule, change the objects, log, flush; they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from certification.accounts import passwords
from certification.accounts.competence import (
    FOR_USER_ROLE,
    ROLES_FOR_USER_ROLE,
    SECTOR_REQUIRED,
    CompetenceRole,
)
from certification.accounts.models import (
    NO_PASSWORD,
    AuditorQualification,
    ConflictKind,
    ConflictOfInterest,
    Role,
    User,
)
from certification.activity.changes import changed_fields, field_changed
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.applications.schemes import SCHEMES
from certification.extensions import db
from certification.i18n.languages import LANGUAGES
from certification.organisations.models import Organisation

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
LOCALES = tuple(LANGUAGES)
# 17021-1 7.1.2: auditors (and technical experts), application reviewers, committee members.
PROFILE_ROLES = (Role.AUDITOR, Role.COMMITTEE, Role.PLANNER)
SECTOR_CODES = range(1, 40)  # IAF/EA sector codes 1..39
MAX_EVIDENCE = 2000
# The labels of a user's fields in the change log (activity/changes.py).
USER_FIELD_NAMES = {
    "name": _l("Name"),
    "email": _l("Email"),
    "role": _l("Role"),
    "organisation": _l("Organisation"),
    "language": _l("Language"),
    "active": _l("Active"),
}


class AdminError(Exception):
    """A refused change, with the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class UserDetails:
    """What an admin sets on a user, password aside."""

    name: str
    email: str
    role: Role
    organisation: Organisation | None
    locale: str = "en"
    active: bool = True


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


def organisation_problem(role: Role, organisation) -> str | None:
    """The rule behind the `client_has_organisation` check constraint, as a message."""
    if role == Role.CLIENT and organisation is None:
        return _("A client user must belong to an organisation.")
    if role != Role.CLIENT and organisation is not None:
        return _("Staff users do not belong to a client organisation; leave it empty.")
    return None


def password_problem(password: str, user=None) -> str | None:
    """The password policy (certification.accounts.passwords), told with the person's own
    name and email so that a password made of them is refused."""
    inputs = (user.name, user.email) if user is not None else ()
    return passwords.password_problem(password, inputs)


def create_user(actor, details: UserDetails, password: str = "") -> User:
    """Add a user; without a password they set their own from an invitation link
    (certification.accounts.links). Client users always do."""
    details = _checked(details, None)
    _no_password_by_hand(details, password)
    if password and (problem := password_problem(password, details)) is not None:
        raise AdminError(problem, "password")
    user = User(
        name=details.name,
        email=details.email,
        role=details.role.value,
        organisation=details.organisation,
        locale=details.locale,
        active=details.active,
    )
    if password:
        user.set_password(password)
    else:
        user.password_hash = NO_PASSWORD
    db.session.add(user)
    db.session.flush()
    note = log_note("user_created", name=user.name, email=user.email, role=details.role)
    record(actor, user, "user_created", note=note)
    return user


def update_user(actor, user: User, details: UserDetails, new_password: str = "") -> list[dict]:
    """Change a user; returns what changed (also logged, never with a password)."""
    details = _checked(details, user)
    _no_password_by_hand(details, new_password)
    if new_password and (problem := password_problem(new_password, details)) is not None:
        raise AdminError(problem, "password")
    _keep_an_active_admin(user, details)
    changes = _describe_user_changes(user, details)
    user.name, user.email = details.name, details.email
    user.role, user.organisation = details.role.value, details.organisation
    user.locale, user.active = details.locale, details.active
    if new_password:
        user.set_password(new_password)
        user.end_sessions()
        changes.append(log_note("password_reset_by_admin"))
    db.session.flush()
    if changes:
        record(actor, user, "user_updated", note=changed_fields(changes))
    return changes


def _no_password_by_hand(details: UserDetails, password: str) -> None:
    """Client users choose their own password from a link: no password passes through hands."""
    if password and details.role == Role.CLIENT:
        raise AdminError(
            _(
                "Client users choose their own password from an invitation link: "
                "leave the password empty."
            ),
            "password",
        )


def _checked(details: UserDetails, user: User | None) -> UserDetails:
    """Normalise and check what every user must satisfy; raises AdminError."""
    details.name = (details.name or "").strip()
    details.email = (details.email or "").strip().lower()
    if not details.name:
        raise AdminError(_("Enter the person's name."), "name")
    if not details.email:
        raise AdminError(_("Enter an email address."), "email")
    if details.locale not in LOCALES:
        raise AdminError(_("Choose one of the offered languages."), "locale")
    if (problem := organisation_problem(details.role, details.organisation)) is not None:
        raise AdminError(problem, "organisation_id")
    if email_taken(details.email, except_user=user):
        raise AdminError(
            _("Another user already has the email address %(email)s.", email=details.email),
            "email",
        )
    return details


def email_taken(email: str, except_user: User | None = None) -> bool:
    """Email addresses are unique whatever their case."""
    query = select(User.id).where(func.lower(User.email) == email.strip().lower())
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) is not None


def _keep_an_active_admin(user: User, details: UserDetails) -> None:
    """Someone must always be able to administer the body: never remove the last active admin."""
    stays_admin = details.role == Role.ADMIN and details.active
    if not (user.role == Role.ADMIN and user.active) or stays_admin:
        return
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id
        )
    )
    if not others:
        field = "role" if details.role != Role.ADMIN else "active"
        raise AdminError(
            _("%(name)s is the last active administrator: add another one first.", name=user.name),
            field,
        )


def _describe_user_changes(user: User, details: UserDetails) -> list[dict]:
    """The changed fields as log notes (activity/changes.py), worded when read."""

    def organisation_name(organisation) -> str | None:
        return organisation.legal_name if organisation is not None else None

    fields = (
        ("name", user.name, details.name, "text"),
        ("email", user.email, details.email, "text"),
        ("role", Role(user.role), details.role, "plain"),
        (
            "organisation",
            organisation_name(user.organisation),
            organisation_name(details.organisation),
            "text",
        ),
        ("language", user.locale, details.locale, "language"),
        ("active", bool(user.active), bool(details.active), "yes_no"),
    )
    return [
        field_changed("user_field", key, before, after, kind)
        for key, before, after, kind in fields
        if before != after
    ]


# ---------------------------------------------------------------------------
# A user's own account
# ---------------------------------------------------------------------------


def update_own_account(user: User, locale: str, current: str = "", new: str = "") -> bool:
    """A user picks the language of their pages and may change their own password.

    Returns whether the password changed; the current password proves it is them.
    """
    if locale not in LOCALES:
        raise AdminError(_("Choose one of the offered languages."), "locale")
    if new:
        if not user.check_password(current or ""):
            raise AdminError(_("The current password is not right."), "current_password")
        if (problem := password_problem(new, user)) is not None:
            raise AdminError(problem, "new_password")
    user.locale = locale
    if new:
        user.set_password(new)
        user.end_sessions()  # a password change ends every other session
    db.session.flush()
    if new:
        record(user, user, "password_changed")
    return bool(new)


# ---------------------------------------------------------------------------
# Auditor and committee profiles (17021-1 7.1: competence; 5.2: impartiality)
# ---------------------------------------------------------------------------


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
