"""Administration verbs: users and roles, each user's own account (competence profiles:
admin/profiles.py).

Services check the rule, change the objects, log, flush; they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from certification.accounts import passwords
from certification.accounts.models import (
    NO_PASSWORD,
    Role,
    User,
)
from certification.activity.changes import changed_fields, field_changed
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.extensions import db
from certification.i18n.languages import LANGUAGES
from certification.organisations.models import Organisation

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
LOCALES = tuple(LANGUAGES)
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
