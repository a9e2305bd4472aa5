"""Users, their roles, and the auditor profile (qualifications, conflicts of interest)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from certification.accounts.competence import CompetenceRole
from certification.extensions import db
from certification.i18n.collation import name_key
from certification.i18n.languages import LANGUAGES, language_of
from certification.models_base import Timestamped


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    AUDITOR = "auditor"
    COMMITTEE = "committee"
    CLIENT = "client"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PLANNER: _l("Planner"),
    Role.AUDITOR: _l("Auditor"),
    Role.COMMITTEE: _l("Committee member"),
    Role.CLIENT: _l("Client"),
}


class ConflictKind(StrEnum):
    CONSULTANCY = "consultancy"
    EMPLOYMENT = "employment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(
            {
                ConflictKind.CONSULTANCY: _l("Consultancy"),
                ConflictKind.EMPLOYMENT: _l("Employment"),
                ConflictKind.OTHER: _l("Other relationship"),
            }[self]
        )


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A client user belongs to exactly one organisation; staff belong to none.
        CheckConstraint(
            "(role = 'client') = (organisation_id IS NOT NULL)", name="client_has_organisation"
        ),
        # The admin's list of people in each reader's language is read from one of these.
        *(Index(f"ix_users_name_key_{code}", f"name_key_{code}", "id") for code in LANGUAGES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session cookie's user id: a new value ends every session signed in before.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    # TOTP two-factor sign-in (RFC 6238): the shared secret, sealed (accounts/sealing.py: never
    # stored in the clear), and the last time step accepted (a code is good once).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None]
    # A client asked for a password reset: the admin sees it and hands a link on.
    reset_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The admin's home lists accounts nobody signed in to for a while (dormant accounts).
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The name's ICU sort key in each interface language (i18n/collation.py), kept below.
    name_key_en: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_tr: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_ru: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_ka: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_vi: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_ar: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

    organisation = relationship("Organisation", back_populates="users")
    qualifications: Mapped[list[AuditorQualification]] = relationship(
        back_populates="auditor", cascade="all, delete-orphan"
    )
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session nonce (Flask-Login)."""
        return f"{self.id}:{self.session_nonce}"

    def end_sessions(self) -> None:
        """Every session signed in so far stops working at its next request."""
        self.session_nonce = secrets.token_hex(16)

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret)

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        return self.role != Role.CLIENT


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _keep_name_keys(_mapper, _connection, user: User) -> None:
    for code in LANGUAGES:
        setattr(user, f"name_key_{code}", name_key(user.name, code))


def user_name_key(locale: object):
    """The column that orders people by name in the reader's language."""
    return getattr(User, f"name_key_{language_of(locale)}")


# An invited user has no password until they set one from their link; nothing matches this.
NO_PASSWORD = "!"


class AccountLink(Timestamped, db.Model):
    """A single-use link to set a password: an invitation or a reset. Only its hash is kept."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "invitation" or "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(Timestamped, db.Model):
    """One two-factor recovery code, shown once and kept as a hash; good for one sign-in."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditorQualification(Timestamped, db.Model):
    """A recorded competence (17021-1 7.1, 7.2): a person is competent in a role (auditor,
    certification committee member; see accounts.competence.CompetenceRole) for a scheme, in
    one IAF/EA sector or ("") every sector, from one day to another, on recorded evidence."""

    __tablename__ = "auditor_qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30), default="auditor", server_default="auditor")
    scheme: Mapped[str] = mapped_column(String(60))
    sector_code: Mapped[str] = mapped_column(String(20))  # "" : every sector of the scheme
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")

    auditor: Mapped[User] = relationship(back_populates="qualifications")

    @property
    def role_enum(self) -> CompetenceRole:
        return CompetenceRole(self.role)


class ConflictOfInterest(Timestamped, db.Model):
    """A past or present tie between a person and a client (17021-1 5.2: impartiality)."""

    __tablename__ = "conflicts_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]  # None: still ongoing
    note: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User] = relationship(back_populates="conflicts")
    organisation = relationship("Organisation")
