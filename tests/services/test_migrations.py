"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

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


PREVIOUS_HEAD = "d8a3c6f0e1b2"  # forms sent once; the sort keys of names come after it


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
