"""Client organisations and their sites."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.i18n.collation import name_key
from certification.i18n.folding import fold
from certification.i18n.languages import LANGUAGES, language_of
from certification.models_base import Timestamped


class Organisation(Timestamped, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("effective_personnel > 0", name="personnel_positive"),
        # The list in each reader's language is read from one of these, a page at a time.
        *(
            Index(f"ix_organisations_name_key_{code}", f"name_key_{code}", "id")
            for code in LANGUAGES
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Legal name in the organisation's own script (Turkish, Cyrillic, Georgian, Arabic, ...).
    legal_name: Mapped[str] = mapped_column(String(300), index=True)
    english_name: Mapped[str] = mapped_column(String(300), default="", index=True)
    trading_name: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    city: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(Text, default="")  # the street address
    region: Mapped[str] = mapped_column(String(120), default="")  # state, province, il
    postcode: Mapped[str] = mapped_column(String(20), default="")
    sector_code: Mapped[str] = mapped_column(String(20))  # IAF/EA code, e.g. "29"
    effective_personnel: Mapped[int]
    preferred_language: Mapped[str] = mapped_column(String(5), default="en")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    # fold() of the names and city (any script; see i18n/folding.py), kept by the listener
    # below; search is a LIKE on it.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The legal name's ICU sort key in each interface language (i18n/collation.py), kept by
    # the listener below: the database orders and pages by these bytes (memcmp on both
    # databases) exactly as the reader's language orders the names.
    name_key_en: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_tr: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_ru: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_ka: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_vi: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_key_ar: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

    sites: Mapped[list[Site]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Site.id"
    )
    users = relationship("User", back_populates="organisation")

    @property
    def display_name(self) -> str:
        return self.legal_name

    @property
    def head_office(self) -> Site | None:
        return next((s for s in self.sites if s.is_head_office), None)


SEARCHED_FIELDS = ("legal_name", "english_name", "trading_name", "city")


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _keep_search_text(_mapper, _connection, organisation: Organisation) -> None:
    organisation.search_text = "\n".join(
        fold(getattr(organisation, name)) for name in SEARCHED_FIELDS
    )
    for code, key in name_keys(organisation.legal_name).items():
        setattr(organisation, f"name_key_{code}", key)


def name_keys(legal_name: str | None) -> dict[str, bytes]:
    """The name's sort key in every interface language."""
    return {code: name_key(legal_name, code) for code in LANGUAGES}


def name_key_column(locale: object):
    """The column that orders organisations by legal name in the reader's language."""
    return getattr(Organisation, f"name_key_{language_of(locale)}")


class Site(Timestamped, db.Model):
    __tablename__ = "sites"
    __table_args__ = (CheckConstraint("personnel >= 0", name="site_personnel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    personnel: Mapped[int] = mapped_column(default=0)
    scope: Mapped[str] = mapped_column(Text, default="")
    is_head_office: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship(back_populates="sites")
