"""Certificates, their certified sites and the safe allocation of certificate numbers."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    and_,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped, sql_constant
from certification.workflow import CertificateState


def new_identity() -> str:
    """An opaque, never reused identity for a new certification (32 hex digits)."""
    return uuid.uuid4().hex.upper()


class Certificate(Timestamped, db.Model):
    """A certificate revision. The decision that issued or changed it points here
    (decisions.Decision.certificate_id), which keeps the two tables free of a foreign-key cycle."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("expires_on > issued_on", name="expires_after_issue"),
        CheckConstraint("original_issued_on <= issued_on", name="original_not_after_issue"),
        CheckConstraint("revision >= 0", name="revision_not_negative"),
        # Lists page newest first by (issued_on, id): the staff list, by state, the register.
        Index("ix_certificates_issued_on_id", "issued_on", "id"),
        Index("ix_certificates_state_issued_on_id", "state", "issued_on", "id"),
        # A cycle's certificates, and the committee's count of flagged ones (home/planning.py
        # flagged_clause: the active certificates of a few flagged cycles) in one look-up each.
        Index("ix_certificates_cycle_id_state", "cycle_id", "state"),
        # Suspensions by their limit: the committee's list past it (lifecycle.suspensions_past_
        # limit, its count) and the planner's count of those near it, read as a range.
        Index("ix_certificates_state_suspended_until_id", "state", "suspended_until", "id"),
    )
    STATE = CertificateState

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    # IAF MD 28 "certification identity number": the same for the life of a certification
    # (revisions, scope changes, renewals), so CertSearch updates its record by it.
    certification_identity: Mapped[str] = mapped_column(
        String(60), index=True, default=lambda: new_identity()
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)  # unguessable, for /verify/<token>
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))  # indexed with state, above
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    revision: Mapped[int] = mapped_column(default=0)
    scheme: Mapped[str] = mapped_column(String(60))
    edition: Mapped[str] = mapped_column(String(20))
    certification_type: Mapped[str] = mapped_column(String(30), default="initial")
    scope: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=CertificateState.ACTIVE)
    # The accreditation it was issued under (17021-1 8.2.2; domain.md: only when its scheme and
    # sector fall inside one valid on the decision date), else None: unaccredited.
    accreditation_id: Mapped[int | None] = mapped_column(ForeignKey("accreditations.id"))
    sector_code: Mapped[str] = mapped_column(String(20), default="")  # IAF sector at issue
    confidential: Mapped[bool] = mapped_column(default=False)
    band: Mapped[str] = mapped_column(String(100), default="")  # rating band of scored schemes
    # Beside English, the language the certificate is drawn in (chosen at the grant; "en": none).
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="tr")
    issued_on: Mapped[date]
    original_issued_on: Mapped[date]  # kept across lapse and restoration
    expires_on: Mapped[date] = mapped_column(index=True)
    suspended_on: Mapped[date | None]
    suspended_until: Mapped[date | None]  # the limit: then withdraw or reduce the scope
    ended_on: Mapped[date | None]  # withdrawn, expired or superseded on
    status_reason: Mapped[str] = mapped_column(Text, default="")

    organisation = relationship("Organisation")
    cycle = relationship("Cycle")
    supersedes = relationship("Certificate", remote_side=[id])
    accreditation = relationship("Accreditation")
    sites: Mapped[list[CertificateSite]] = relationship(
        back_populates="certificate", cascade="all, delete-orphan", order_by="CertificateSite.id"
    )

    @property
    def state_enum(self) -> CertificateState:
        return CertificateState(self.state)

    @property
    def accredited(self) -> bool:
        return self.accreditation_id is not None


def active_by_expiry():
    """SQL: the terms of the partial index below, which a query names to read it: an active
    certificate, and `revision >= 0` (always true, by a check constraint), a term no other query
    writes.

    The home pages count the active certificates expiring soon without a recertification
    arranged. By state alone SQLite fetched every active certificate to read its expiry (64 ms
    at 50,000 certificates; 12 ms through this index). A plain index on (state, expires_on)
    served that count, but SQLite, which keeps no statistics, then preferred it for the public
    register too, whose first page read and sorted every active certificate: the marker term
    keeps this index to the queries that ask for it. The constants are written into the SQL,
    not bound, so that both databases see the query's terms imply the index's."""
    active = sql_constant(CertificateState.ACTIVE.value)
    return and_(Certificate.state == active, Certificate.revision >= literal_column("0"))


Index(
    "ix_certificates_active_by_expiry",
    Certificate.state,
    Certificate.expires_on,
    Certificate.cycle_id,
    sqlite_where=active_by_expiry(),
    postgresql_where=active_by_expiry(),
)


class CertificateSite(db.Model):
    """A certified site as printed on the certificate (copied: later edits of the site do not
    change an issued certificate)."""

    __tablename__ = "certificate_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    is_head_office: Mapped[bool] = mapped_column(default=False)

    certificate: Mapped[Certificate] = relationship(back_populates="sites")


class NumberSequence(db.Model):
    """Counters for certificate numbers, one row per key (e.g. the year). Incremented with a
    single UPDATE ... RETURNING, so two decisions landing at once never get the same number."""

    __tablename__ = "number_sequences"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class IssuedPdf(Timestamped, db.Model):
    """The PDF of a certificate revision exactly as issued, and its SHA-256: the register by
    which an uploaded file is recognised as genuine (signed or not)."""

    __tablename__ = "issued_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    signed: Mapped[bool] = mapped_column(default=False)

    certificate = relationship("Certificate")
