"""Single-use links to set a password: an invitation for a new user, a reset for a forgotten one.

A link carries 256 random bits; only their SHA-256 is stored, so a copy of the database opens
no account. A link expires (INVITATION_LINK_DAYS, RESET_LINK_HOURS) and works once. Until the
notifications outbox sends e-mail, the admin is shown the link to pass on; the outbox will send
`link_url(issue_link(...))` in one call.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from certification.accounts.models import AccountLink, User
from certification.accounts.passwords import password_problem
from certification.activity.services import record
from certification.extensions import db

INVITATION, RESET = "invitation", "reset"


class LinkError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == INVITATION:
        return timedelta(days=config["INVITATION_LINK_DAYS"])
    return timedelta(hours=config["RESET_LINK_HOURS"])


def issue_link(actor, user: User, now: datetime) -> str:
    """A new link for `user` (an invitation if they never had a password, else a reset);
    returns the token. Earlier open links of the user stop working."""
    purpose = RESET if user.has_password else INVITATION
    _close_open_links(user, now)
    user.reset_requested_at = None
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            expires_at=now + lifetime(purpose),
            created_by_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    record(actor, user, f"{purpose}_link_issued", reason=user.email)
    return token


def link_url(token: str) -> str:
    return url_for("security.set_password", token=token, _external=True)


def find_link(token: str, now: datetime) -> AccountLink | None:
    """The open link of this token: not used, not expired."""
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token)))
    if link is None or link.used_at is not None or _aware(link.expires_at) <= now:
        return None
    if not link.user.active:
        return None
    return link


def use_link(link: AccountLink, password: str, confirm: str, now: datetime) -> User:
    """Set the password from a link; the link and every session signed in before end."""
    user = link.user
    if password != confirm:
        raise LinkError(_("The two passwords differ."))
    if (problem := password_problem(password, (user.name, user.email))) is not None:
        raise LinkError(problem)
    user.set_password(password)
    user.end_sessions()
    user.reset_requested_at = None
    _close_open_links(user, now)
    db.session.flush()
    record(user, user, "password_set_from_link", reason=link.purpose)
    return user


def request_reset(email: str, now: datetime) -> None:
    """Someone forgot their password: a reset link goes to the address on the account by
    e-mail, and the admin sees the request until it is used. The caller answers the same
    neutral message whether or not the address belongs to an account."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        return
    record(None, user, "password_reset_requested", reason=user.email)
    send_link(None, user, now)
    user.reset_requested_at = now
    db.session.flush()


def send_link(actor, user: User, now: datetime) -> tuple[str, AccountLink]:
    """Issue a link and e-mail it to the person (through the outbox, sent after the commit);
    returns the token and the link row. The admin may still pass the link on by hand."""
    from certification.notifications import announce  # notifications build on accounts

    token = issue_link(actor, user, now)
    link = db.session.scalar(
        select(AccountLink).where(AccountLink.user_id == user.id).order_by(AccountLink.id.desc())
    )
    kind = "invitation" if link.purpose == INVITATION else "password_reset"
    announce.account_link(user, kind, email_url(token), link.expires_at, str(link.id))
    return token, link


def email_url(token: str) -> str:
    """The link as the e-mail gives it: on BASE_URL, the address people open the app at."""
    from certification.notifications.services import absolute, path_for

    return absolute(path_for("security.set_password", token=token))


def _close_open_links(user: User, now: datetime) -> None:
    for link in db.session.scalars(
        select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    ):
        link.used_at = now


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
