"""The one search function: "contains", indexed on both databases, kept in step with the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from certification import search
from certification.certificates.models import Certificate
from certification.organisations.models import Organisation
from certification.quotes.models import Quote
from tests import factories
from tests.services.test_verification import certificate


def organisations(db, needle: str) -> list[str]:
    found = select(Organisation.legal_name).where(search.contains(search.ORGANISATIONS, needle))
    return sorted(db.session.scalars(found))


def numbers(db, needle: str) -> list[str]:
    found = select(Certificate.number).where(search.contains(search.CERTIFICATE_NUMBERS, needle))
    return sorted(db.session.scalars(found))


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("ışık", ["Işık Enerji A.Ş."]),
        ("ISIK EN", ["Işık Enerji A.Ş."]),
        ("თბილის", ["შპს წყალი"]),
        ("волга", ["ООО «Волга»"]),
        ("ş", ["Işık Enerji A.Ş."]),  # shorter than a trigram: still found, by reading every row
        ("a.s", ["Işık Enerji A.Ş."]),
        ('"', []),
        ("%", []),
        ("_", []),
        ("x" * 300, []),
    ],
)
def test_contains_finds_a_piece_of_a_name_in_any_script(db, needle, expected):
    factories.organisation(legal_name="Işık Enerji A.Ş.", english_name="", city="Ankara")
    factories.organisation(legal_name="შპს წყალი", english_name="", city="თბილისი")
    factories.organisation(legal_name="ООО «Волга»", english_name="", city="Казань")
    assert organisations(db, needle) == expected


def test_certificate_numbers_are_found_without_regard_to_case(db):
    first = certificate(number="TR-2026-00017")
    certificate(number="TR-2026-00170")
    certificate(number="GE-2025-00001")
    assert numbers(db, "tr-2026") == ["TR-2026-00017", "TR-2026-00170"]
    assert numbers(db, "0017") == ["TR-2026-00017", "TR-2026-00170"]
    assert numbers(db, " 00017 ") == [first.number]
    assert numbers(db, "ge-") == ["GE-2025-00001"]


def test_a_renamed_or_removed_organisation_is_found_by_what_it_is_now(db):
    org = factories.organisation(legal_name="Eski Ad Ticaret A.Ş.")
    assert organisations(db, "eski ad") == ["Eski Ad Ticaret A.Ş."]
    org.legal_name = "Yeni Ad Ticaret A.Ş."
    db.session.flush()
    assert organisations(db, "eski ad") == []
    assert organisations(db, "yeni ad") == ["Yeni Ad Ticaret A.Ş."]
    other = factories.organisation(legal_name="Silinecek Ltd.")
    org_id = other.id
    db.session.delete(other.sites[0])
    db.session.delete(other)
    db.session.flush()
    assert organisations(db, "silinecek") == [] and db.session.get(Organisation, org_id) is None


def test_install_makes_lost_search_structures_again(db):
    """SQLite's batch migrations rebuild a table without its triggers; install (run after every
    upgrade) makes them again and fills the index with what was added meanwhile."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        extension = text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if connection.execute(extension).first() is None:
            pytest.skip("pg_trgm is not available on this server")
        indexes = text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")
        made = set(connection.execute(indexes).scalars())
        assert made == {searched.trigram_index for searched in search.SEARCHED}
        return
    connection.execute(text("DROP TRIGGER organisations_search_insert"))
    factories.organisation(legal_name="Tetikleyicisiz Ltd.")
    assert organisations(db, "tetikleyicisiz") == []  # the lost trigger: not indexed
    search.install(connection)
    assert organisations(db, "tetikleyicisiz") == ["Tetikleyicisiz Ltd."]
    factories.organisation(legal_name="Sonradan Gelen Ltd.")
    assert organisations(db, "sonradan") == ["Sonradan Gelen Ltd."]


@pytest.mark.parametrize(
    ("name", "type_", "kept"),
    [
        ("organisations_search", "table", False),
        ("organisations_search_data", "table", False),
        ("certificates_search_idx", "table", False),
        ("ix_organisations_search_text_trgm", "index", False),
        ("organisations", "table", True),
        ("ix_organisations_legal_name_id", "index", True),
    ],
)
def test_alembic_compares_only_what_the_models_describe(name, type_, kept):
    assert search.managed_here(name, type_, {}) is kept


def test_a_piece_of_a_quote_number_finds_it_whatever_its_case(db):
    """The lists search numbers by "contains" ("0042" finds Q-2026-0042), through the index."""
    made = [factories.quote(number=n) for n in ("Q-2026-0042", "Q-2026-0420", "Q-2025-0001")]
    found = select(search.QUOTE_NUMBERS.attribute).where(
        search.contains(search.searched_by(Quote.number), "q-2026-04")
    )
    assert sorted(db.session.scalars(found)) == ["Q-2026-0420"]
    made[1].number = "Q-2026-0999"
    db.session.flush()
    assert sorted(db.session.scalars(found)) == []
    every = select(search.QUOTE_NUMBERS.attribute).where(
        search.contains(search.QUOTE_NUMBERS, "0042")
    )
    assert sorted(db.session.scalars(every)) == ["Q-2026-0042"]


def test_a_certificate_search_finds_by_number_and_by_organisation_together(db):
    """One text that is part of one certificate's number and of another's organisation name
    finds both, once each; a text in names only, or in numbers only, finds those. PostgreSQL
    searches the names alone when no number holds the text: it must not lose either side."""
    by_number = certificate(number="KESTREL-2026-00001")
    by_name = certificate(factories.organisation(legal_name="Kestrel Lojistik A.Ş."))
    both = certificate(factories.organisation(legal_name="Kestrel Gıda"), number="KESTREL-2")
    only_name = certificate(factories.organisation(legal_name="Martı Denizcilik"))
    certificate(factories.organisation(legal_name="Başka Firma"), number="OTHER-1")

    def found(needle: str) -> list[str]:
        query = select(Certificate.number).where(search.certificates_containing(needle))
        return sorted(db.session.scalars(query))

    kestrels = sorted([by_number.number, by_name.number, both.number])
    assert found("kestrel") == kestrels
    assert found("martı") == [only_name.number] == found("MARTI DENİZ")
    assert found("2026-0000") == [by_number.number]
    assert found("nowhere-at-all") == []
