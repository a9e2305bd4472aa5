"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from certification import create_app
from certification.extensions import db
from certification.search import managed_here


def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": False,
                    "include_name": managed_here,  # the search indexes, outside the models
                },
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_the_search_text_of_existing_organisations_is_folded_anew(empty_database_url):
    """Rows written with the old folding (Vietnamese đ, Arabic marks kept) find with the new."""
    from flask_migrate import downgrade
    from sqlalchemy import text

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade(revision="7be468dc9012")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (legal_name, english_name, trading_name, country,"
                    " city, address, sector_code, effective_personnel, preferred_language,"
                    " currency, contact_name, contact_email, contact_phone, search_text,"
                    " created_at) VALUES ('Siêu thị Đức', '', '', 'VN', 'مَكَّة',"
                    " '', '29', 10, 'vi', 'EUR', '', '', '', 'old', :now)"
                ),
                {"now": "2026-01-01 00:00:00"},
            )
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT search_text FROM organisations")).scalar()
        downgrade(revision="7be468dc9012")
        db.engine.dispose()
    assert stored.split("\n") == ["sieu thi duc", "", "", "مكه"]


def _insert(connection, table, **values):
    """A row with every NOT NULL column filled (plain stand-ins) and `values` on top."""
    import datetime as dt

    import sqlalchemy as sa

    fillers = {
        sa.Integer: 1, sa.String: "x", sa.Text: "x", sa.Date: dt.date(2026, 3, 15),
        sa.DateTime: dt.datetime(2026, 3, 15, tzinfo=dt.UTC), sa.Boolean: False,
        sa.Numeric: 0, sa.Float: 0.0, sa.JSON: {}, sa.LargeBinary: b"x",
    }
    row = {}
    for column in table.columns:
        if column.primary_key or column.nullable or column.name in values:
            continue
        row[column.name] = next(v for t, v in fillers.items() if isinstance(column.type, t))
    row.update(values)
    return connection.execute(table.insert().values(**row)).inserted_primary_key[0]


@pytest.mark.parametrize("setting_on", [False, True])
def test_the_accredited_flag_becomes_an_accreditation(empty_database_url, setting_on):
    """Certificates marked accredited point to one migrated accreditation covering their scheme
    and sector from the first issue; the others stay unaccredited; the setting goes."""
    import datetime as dt

    import sqlalchemy as sa
    from flask_migrate import downgrade

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade(revision="557cb1be0d20")
        tables = sa.MetaData()
        tables.reflect(db.engine)
        t = tables.tables
        with db.engine.begin() as connection:
            org = _insert(connection, t["organisations"], sector_code="32", country="TR")
            application = _insert(connection, t["applications"], organisation_id=org,
                                  state="submitted")
            quote = _insert(connection, t["quotes"], organisation_id=org,
                            application_id=application, number="Q-1", currency="EUR",
                            state="draft")
            cycle = _insert(connection, t["cycles"], organisation_id=org,
                            application_id=application, quote_id=quote)
            for number, accredited, issued in (("A-1", True, dt.date(2025, 5, 1)),
                                               ("A-2", True, dt.date(2026, 1, 1)),
                                               ("U-1", False, dt.date(2024, 1, 1))):
                made = _insert(connection, t["certificates"], number=number, token=number,
                               organisation_id=org, cycle_id=cycle, scheme="iso10002",
                               edition="2018", accredited=accredited, issued_on=issued,
                               original_issued_on=issued, expires_on=dt.date(2029, 1, 1),
                               supersedes_id=None, state="active")
                # rows pointing at the certificate: SQLite rebuilds the table under them
                _insert(connection, t["certificate_sites"], certificate_id=made, site_id=None)
            connection.execute(t["settings"].insert().values(key="accredited", value=setting_on))
        upgrade()
        with db.engine.connect() as connection:
            rows = dict(connection.execute(sa.text(
                "SELECT number, accreditation_id FROM certificates")).all())
            accreditation = connection.execute(sa.text(
                "SELECT id, schemes, sectors, valid_from, valid_until FROM accreditations"
            )).one()
            setting = connection.execute(sa.text(
                "SELECT count(*) FROM settings WHERE key = 'accredited'")).scalar()
            sectors = dict(connection.execute(sa.text(
                "SELECT number, sector_code FROM certificates")).all())
        downgrade(revision="557cb1be0d20")
        with db.engine.connect() as connection:
            flags = dict(connection.execute(sa.text(
                "SELECT number, accredited FROM certificates")).all())
        db.engine.dispose()
    # with the setting on, every certificate was issued as accredited; else only the flagged
    expected = {"A-1": accreditation.id, "A-2": accreditation.id, "U-1": None}
    if setting_on:
        expected["U-1"] = accreditation.id
    assert rows == expected
    schemes, codes = (v if isinstance(v, list) else json.loads(v)
                      for v in (accreditation.schemes, accreditation.sectors))
    assert (schemes, codes) == (["iso10002:2018"], ["32"])
    first = "2024-01-01" if setting_on else "2025-05-01"
    assert str(accreditation.valid_from)[:10] == first and accreditation.valid_until is None
    assert setting == 0 and set(sectors.values()) == {"32"}
    assert {k: bool(v) for k, v in flags.items()} == {k: v is not None for k, v in rows.items()}


def test_two_factor_secrets_stored_in_the_clear_are_sealed_and_still_make_the_same_codes(
    empty_database_url,
):
    import pyotp
    from flask_migrate import downgrade
    from sqlalchemy import text

    from certification.accounts import sealing

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "k1"}
    )
    plain = pyotp.random_base32()
    with app.app_context():
        upgrade(revision="6e3916f4bc2f")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, password_hash, role, locale, active,"
                    " session_nonce, totp_secret, created_at) VALUES ('a@example.test', 'A',"
                    " '!', 'admin', 'en', :yes, 'n', :secret, :now)"
                ),
                {"secret": plain, "now": "2026-01-01 00:00:00", "yes": True},
            )
        upgrade()
        with db.engine.connect() as connection:
            sealed = connection.execute(text("SELECT totp_secret FROM users")).scalar()
        downgrade(revision="6e3916f4bc2f")
        with db.engine.connect() as connection:
            opened_again = connection.execute(text("SELECT totp_secret FROM users")).scalar()
        downgrade(revision="base")
        db.engine.dispose()
    assert plain not in sealed and sealing.is_sealed(sealed)
    assert sealing.unseal(sealed, app.config) == plain
    assert opened_again == plain


PREVIOUS_HEAD = "fbe6fd493437"  # i11's last (documents); the sort keys of names come after it


def test_upgrading_a_populated_database_keeps_every_row_and_fills_the_sort_keys(
    empty_database_url,
):
    """A database at the previous head, filled like a body with years of history (tests/bulk.py:
    organisations in six scripts, cycles, audits, findings, certificates, the log), upgrades
    with every row kept, each organisation's sort keys made from its name, and the list in
    each language ordered as ICU orders it."""
    from flask_migrate import downgrade
    from sqlalchemy import func, select, text

    from certification.i18n.collation import name_key, sorted_by_name
    from certification.organisations.models import Organisation
    from certification.organisations.services import find_organisations
    from tests.bulk import seed

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    tables = ("organisations", "certificates", "audits", "findings", "activity_log")
    with app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
        seed(40, as_it_is=True)
        with db.engine.connect() as connection:
            before = {
                t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables
            }
        upgrade()
        with db.engine.connect() as connection:
            after = {
                t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables
            }
        organisations = db.session.scalars(select(Organisation)).all()
        assert all(
            getattr(o, f"name_key_{code}") == name_key(o.legal_name, code)
            for o in organisations
            for code in ("en", "tr", "ru", "ka", "vi", "ar")
        )
        for language in ("tr", "ka", "ar"):
            shown, page = [], find_organisations("", per_page=15, locale=language)
            shown += [o.legal_name for o in page.items]
            while page.has_next:
                page = find_organisations("", {"after": page.next_cursor}, 15, language)
                shown += [o.legal_name for o in page.items]
            names = [o.legal_name for o in sorted(organisations, key=lambda o: o.id)]
            assert shown == sorted_by_name(names, lambda name: name, language)
        total = db.session.scalar(select(func.count()).select_from(Organisation))
        db.session.remove()
        downgrade(revision=PREVIOUS_HEAD)
        db.engine.dispose()
    assert after == before and before["organisations"] == total and before["findings"] > 0


def test_transfers_reviewed_before_the_certified_scope_keep_working(empty_database_url):
    """IAF MD 2 (56a4db4302fd): a transfer already in the database has no certified scope
    (nobody read one from the other body's certificate): the column stays empty, the transfer
    keeps the scope stated in its application, and it is still found by its certificate number
    after the upgrade and after the downgrade (which SQLite makes by rebuilding the table)."""
    import datetime as dt

    import sqlalchemy as sa
    from flask_migrate import downgrade

    from certification.search import TRANSFERRED_NUMBERS, contains
    from certification.transfers.models import Transfer

    def found(number_piece):
        query = sa.select(Transfer.id).where(contains(TRANSFERRED_NUMBERS, number_piece))
        return db.session.scalars(query).all()

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade(revision="b7d9f1a3c5e2")
        tables = sa.MetaData()
        tables.reflect(db.engine)
        t = tables.tables
        with db.engine.begin() as connection:
            org = _insert(connection, t["organisations"])
            reviewer = _insert(connection, t["users"], email="r@example.com", role="auditor")
            application = _insert(
                connection,
                t["applications"],
                organisation_id=org,
                state="submitted",
                kind="transfer",
                scope="Handling of complaints for retail services",
            )
            old = _insert(
                connection,
                t["transfers"],
                organisation_id=org,
                application_id=application,
                state="reviewed",
                certificate_number="OB-10002-0042",
                issued_on=dt.date(2025, 3, 1),
                original_issued_on=dt.date(2022, 3, 1),
                expires_on=dt.date(2028, 2, 29),
                reviewed_by_id=reviewer,
                reviewed_on=dt.date(2026, 3, 15),
                decision_id=None,
                certificate_id=None,
                visited_on=None,
            )
        upgrade()
        transfer = db.session.get(Transfer, old)
        assert transfer.certified_scope is None and not transfer.scope_differs
        assert transfer.scope_to_certify == "Handling of complaints for retail services"
        assert found("0042") == [old]
        db.session.remove()
        downgrade(revision="b7d9f1a3c5e2")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE transfers SET certificate_number = 'OB-10002-0077' WHERE id = :id"),
                {"id": old},
            )
        assert found("0077") == [old] and found("0042") == []
        db.session.remove()
        db.engine.dispose()
