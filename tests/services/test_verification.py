"""Public look-ups: what the public view says for every status, confidentiality, the register."""

from __future__ import annotations

import itertools
import json
import secrets
from datetime import date

import pytest
from sqlalchemy import create_engine, delete, select, text, update

from certification import create_app
from certification.certificates import queries as certificate_queries
from certification.certificates.models import Certificate, CertificateSite
from certification.extensions import db as _db
from certification.organisations.models import Organisation, Site
from certification.verification import answers, services
from certification.verification.models import PublicAnswer
from certification.verification.reader import AnswerReader
from tests import factories
from tests.sql_counting import counting_queries

TODAY = date(2026, 11, 24)
_numbers = itertools.count(1)


def certificate(org: Organisation | None = None, *, state="active", **kw) -> Certificate:
    """A certificate built straight from the models, with the organisation's sites copied."""
    org = org or factories.organisation()
    cycle = kw.pop("cycle", None) or factories.cycle(
        factories.quote(factories.application(org)), decision_date=date(2025, 3, 15)
    )
    cert = Certificate(
        number=kw.pop("number", f"ACB-T-{next(_numbers):05d}"),
        token=kw.pop("token", secrets.token_urlsafe(24)),
        organisation=org,
        cycle=cycle,
        scheme=kw.pop("scheme", "iso10002"),
        edition=kw.pop("edition", "2018"),
        scope=kw.pop("scope", "Handling of customer complaints for retail services"),
        state=state,
        issued_on=kw.pop("issued_on", date(2025, 3, 15)),
        original_issued_on=kw.pop("original_issued_on", date(2022, 3, 15)),
        expires_on=kw.pop("expires_on", date(2028, 3, 14)),
        **kw,
    )
    for site in org.sites:
        cert.sites.append(
            CertificateSite(
                site_id=site.id,
                name=site.name,
                address=site.address,
                city=site.city,
                country=site.country,
                scope=site.scope,
                is_head_office=site.is_head_office,
            )
        )
    _db.session.add(cert)
    _db.session.flush()
    return cert


def view_of(cert: Certificate, today: date = TODAY) -> dict:
    """The public view as the page shows it; the JSON API sends the very same."""
    found = answers.find("number", cert.number)
    assert found is not None
    view = answers.view_for_today(found, today)
    assert json.loads(answers.json_for_today(found, today)) == view
    return view


def test_public_view_of_an_active_certificate(db):
    org = factories.organisation(
        legal_name="Мир Сервис ООО",
        english_name="Mir Service LLC",
        city="Алматы",
        country="KZ",
        address="пр. Абая 10",
    )
    cert = certificate(org, revision=1)
    factories.audit(
        cert.cycle,
        kind="surveillance1",
        due_by=date(2026, 3, 15),
        state="closed",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 2),
    )
    factories.audit(cert.cycle, kind="surveillance2", due_by=date(2027, 3, 15))
    factories.audit(cert.cycle, kind="recertification", due_by=date(2027, 12, 1))

    assert view_of(cert) == {
        "number": cert.number,
        "status": "active",
        "organisation": {
            "name": "Мир Сервис ООО",
            "english_name": "Mir Service LLC",
            "city": "Алматы",
            "country": "KZ",
        },
        "standard": "ISO 10002:2018",
        "scheme": "iso10002",
        "scope": "Handling of customer complaints for retail services",
        "sites": [
            {
                "name": "Head office",
                "address": "пр. Абая 10, Алматы, KZ",
                "scope": "Retail services",
            }
        ],
        "issued_on": "2025-03-15",
        "original_issued_on": "2022-03-15",
        "expires_on": "2028-03-14",
        "next_surveillance_due": "2027-03-15",  # surveillance 1 is done
        "revision": 1,
        "accreditation": None,  # unaccredited: nothing suggesting otherwise
    }


def test_an_accredited_certificate_names_its_accreditation_body_and_number(db):
    from certification.accreditations.models import Accreditation

    accreditation = Accreditation(
        accreditation_body="TÜRKAK",
        number="AB-0123-MS",
        schemes=["iso10002:2018"],
        sectors=["29"],
        valid_from=date(2020, 1, 1),
    )
    db.session.add(accreditation)
    db.session.flush()
    cert = certificate(accreditation_id=accreditation.id)
    assert view_of(cert)["accreditation"] == {"body": "TÜRKAK", "number": "AB-0123-MS"}


@pytest.mark.parametrize("state", ["suspended", "withdrawn", "expired", "superseded"])
def test_every_stored_status_is_reported_as_it_is(db, state):
    assert view_of(certificate(state=state))["status"] == state


def test_an_active_certificate_past_its_expiry_is_reported_expired_before_the_sweep(db):
    cert = certificate(expires_on=date(2026, 11, 23))
    factories.audit(cert.cycle, kind="surveillance2", due_by=date(2026, 12, 1))
    assert view_of(cert, date(2026, 11, 23))["status"] == "active"  # the last valid day
    expired = view_of(cert, date(2026, 11, 24))
    assert expired["status"] == "expired"
    assert expired["next_surveillance_due"] is None  # no programme after the end


def test_a_superseded_certificate_knows_its_successor(db):
    old = certificate(state="superseded")
    new = certificate(old.organisation, cycle=old.cycle, supersedes=old, revision=1)
    assert answers.find("number", old.number).superseded_by == new.number
    assert answers.find("number", new.number).superseded_by is None


def test_a_confidential_certificate_reveals_only_number_and_status(db):
    cert = certificate(state="suspended", confidential=True)
    view = view_of(cert)
    assert view["number"] == cert.number and view["status"] == "suspended"
    assert {key for key, value in view.items() if value is not None} == {"number", "status"}
    assert set(view) == set(services.FIELDS)


def test_find_by_token_and_unknowns(db):
    cert = certificate()
    assert answers.find("token", cert.token).number == cert.number
    assert answers.find("token", "no-such-token") is None
    assert answers.find("token", "x" * 500) is None
    assert answers.find("number", f"  {cert.number} ").number == cert.number
    assert answers.find("number", "ACB-NONE") is None
    assert answers.find("number", "") is None


def test_a_lookup_is_one_statement(db):
    org = factories.organisation()
    org.sites.append(
        Site(name="Depot", address="Sanayi Sk. 2", city="Bursa", country="TR", scope="Storage")
    )
    cert = certificate(org)
    factories.audit(cert.cycle, kind="surveillance1", due_by=date(2026, 3, 15))
    number = cert.number
    db.session.commit()
    db.session.expunge_all()
    db.session.connection()  # a transaction of its own: the look-up reads through the session
    with counting_queries(db) as statements:
        view = json.loads(answers.json_for_today(answers.find("number", number), TODAY))
    assert len(view["sites"]) == 2 and view["organisation"]["name"]
    assert len(statements) == 1, statements


def test_the_register_lists_only_active_public_unexpired_certificates(db):
    shown = certificate(factories.organisation(legal_name="Işık Lojistik A.Ş.", city="İzmir"))
    certificate(confidential=True)
    certificate(state="suspended")
    certificate(state="withdrawn")
    certificate(state="superseded")
    certificate(expires_on=date(2026, 11, 23))  # not yet swept, but expired
    rows = services.register_page("", TODAY, {}, 100).items
    assert rows == [shown]


@pytest.mark.parametrize("search", ["isik", "IŞIK", "izmir", "lojistik", "ACB-T"])
def test_the_register_search_folds_scripts_and_finds_numbers(db, search):
    shown = certificate(
        factories.organisation(
            legal_name="Işık Lojistik A.Ş.", city="İzmir", english_name="Light Logistics"
        )
    )
    other = certificate(
        factories.organisation(
            legal_name="Грузия Сервис", city="Tbilisi", english_name="Georgia Service"
        )
    )
    rows = services.register_page(search, TODAY, {}, 100).items
    assert shown in rows
    if search != "ACB-T":
        assert other not in rows


def test_a_certificate_found_by_its_number_and_its_name_is_listed_once(db):
    """The two searches (number, organisation) are one list of certificates: a certificate
    that both find is one row, on the register and on the staff list, with its neighbours."""
    both = certificate(factories.organisation(legal_name="Nord 2026 Hizmet"), number="NORD-2026")
    by_name = certificate(factories.organisation(legal_name="Nord Lojistik"))
    by_number = certificate(number="ACB-NORD-7")
    certificate(factories.organisation(legal_name="Güney Ltd"))
    register = services.register_page("nord", TODAY, {}, 100).items
    staff = certificate_queries.list_page("nord", "", {}, 100).items
    for rows in (register, staff):
        assert sorted(c.number for c in rows) == sorted(
            c.number for c in (both, by_name, by_number)
        )


def test_register_search_treats_wildcards_as_text(db):
    certificate()
    assert services.register_page("%", TODAY, {}, 100).items == []


def test_the_worker_reader_sees_each_commit_at_once(empty_database_url):
    """Outside a transaction of its own, a request reads on the worker's read-only connection:
    it gives what the session would, and sees a suspension the moment it is committed."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "t"})
    with app.app_context():
        _db.create_all()
        cert = certificate()
        _db.session.commit()
        reader = AnswerReader(_db.engine)
        assert AnswerReader.usable(_db.engine)
        through_session = answers.find("number", cert.number)
        _db.session.commit()
        found = reader.find("number", cert.number)
        assert tuple(found) == tuple(through_session)
        assert reader.find("token", cert.token).number == cert.number
        assert reader.find("number", "ACB-NONE") is None
        cert.state = "suspended"
        _db.session.commit()
        assert reader.find("number", cert.number).state == "suspended"
        reader._free[0].close()  # a dropped connection is made again
        assert reader.find("number", cert.number).state == "suspended"
        reader.close()
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def only_on_postgresql(what: str) -> None:
    if _db.engine.dialect.name != "postgresql":
        pytest.skip(f"{what}: PostgreSQL only")


@pytest.fixture
def own_database(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "t"})
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def test_the_worker_reader_finds_no_certificate_for_a_key_it_cannot_send_whole(own_database):
    """libpq sends a text up to its first NUL: "ACB-1<NUL>X" must not be read as "ACB-1"."""
    cert = certificate(number="ACB-NUL-1")
    _db.session.commit()
    reader = AnswerReader(_db.engine)
    for asked in (f"{cert.number}\x00X", f"{cert.number}\x00", f"{cert.number}\udc80"):
        assert reader.find("number", asked) is None
    assert reader.find("token", f"{cert.token}\x00") is None
    assert reader.find("number", cert.number).number == cert.number
    reader.close()


def test_the_worker_reader_answers_after_the_server_ends_its_connection(own_database):
    only_on_postgresql("the server ends a connection")
    cert = certificate()
    _db.session.commit()
    reader = AnswerReader(_db.engine)
    assert reader.find("number", cert.number).state == "active"
    _db.session.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    _db.session.commit()
    cert.state = "suspended"
    _db.session.commit()
    assert reader.find("number", cert.number).state == "suspended"
    reader.close()


def test_the_worker_reader_reads_dates_whatever_the_servers_date_style(own_database):
    """A server set to print dates the German way (04.03.2028) still gives the right expiry."""
    only_on_postgresql("a server's date style")
    cert = certificate(expires_on=date(2028, 3, 4))
    _db.session.commit()
    engine = create_engine(_db.engine.url, connect_args={"options": "-c DateStyle=German"})
    with engine.connect() as connection:
        assert connection.execute(text("SELECT CAST('2028-03-04' AS date)::text")).scalar() == (
            "04.03.2028"
        )
    reader = AnswerReader(engine)
    assert reader.find("number", cert.number).expires_on == date(2028, 3, 4)
    reader.close()
    engine.dispose()


def test_the_worker_reader_leaves_no_setting_a_connection_pooler_would_pass_on(own_database):
    """Behind PgBouncer in transaction mode a server connection goes from client to client, and
    only client_encoding, DateStyle, TimeZone and a few more are set again for each: any other
    session setting of the reader (read-only, say) would make another client's writes fail."""
    only_on_postgresql("a server connection's session settings")
    cert = certificate()
    _db.session.commit()
    reader = AnswerReader(_db.engine)
    assert reader.find("number", cert.number).number == cert.number
    connection = reader._free[0]
    settings = connection.execute("SELECT name FROM pg_settings WHERE source = 'session'")
    assert {name for (name,) in settings} <= {"client_encoding", "DateStyle"}
    assert connection.execute("SHOW default_transaction_read_only").fetchone() == ("off",)
    reader.close()


# --- the answers follow every change, in the same transaction ------------------------


def status_of(cert: Certificate) -> str:
    return answers.view_for_today(answers.find("number", cert.number), TODAY)["status"]


def test_a_status_change_is_public_at_the_flush_and_gone_with_a_rollback(db):
    cert = certificate()
    db.session.commit()
    cert.state = "suspended"
    db.session.flush()
    assert status_of(cert) == "suspended"
    db.session.rollback()
    assert status_of(cert) == "active"


def test_the_answer_follows_the_organisation_its_sites_and_the_programme(db):
    cert = certificate()
    cert.organisation.english_name = "Renamed Ltd"
    db.session.flush()
    assert view_of(cert)["organisation"]["english_name"] == "Renamed Ltd"
    cert.sites[0].scope = "Call centre only"
    db.session.flush()
    assert view_of(cert)["sites"][0]["scope"] == "Call centre only"
    audit = factories.audit(cert.cycle, kind="surveillance1", due_by=date(2027, 1, 10))
    assert view_of(cert)["next_surveillance_due"] == "2027-01-10"
    audit.due_by = date(2027, 2, 1)
    db.session.flush()
    assert view_of(cert)["next_surveillance_due"] == "2027-02-01"
    audit.state = "cancelled"
    db.session.flush()
    assert view_of(cert)["next_surveillance_due"] is None


def test_a_new_revision_names_itself_in_the_answer_of_the_one_it_replaced(db):
    old = certificate()
    db.session.flush()
    old.state = "superseded"
    certificate(old.organisation, cycle=old.cycle, supersedes=old, revision=1, number="ACB-R1")
    assert answers.find("number", old.number).superseded_by == "ACB-R1"


def test_a_bulk_update_rewrites_the_answers(db):
    cert = certificate()
    db.session.execute(update(Certificate).values(state="expired"))
    assert status_of(cert) == "expired"


def test_every_certificate_has_its_answer_and_a_rebuild_writes_the_same(db):
    made = [certificate(state=state) for state in ("active", "suspended", "withdrawn")]
    before = {row.number: row.answer for row in db.session.execute(select(PublicAnswer.__table__))}
    assert set(before) == {cert.number for cert in made}
    db.session.execute(delete(PublicAnswer))
    assert answers.rebuild_all(db.session.connection()) == 3
    after = {row.number: row.answer for row in db.session.execute(select(PublicAnswer.__table__))}
    assert after == before


# --- the rate limit's setting ------------------------------------------------------


@pytest.mark.parametrize("setting", ["60", "sixty/minute", "60/fortnight"])
def test_a_bad_rate_limit_setting_fails_when_the_app_starts(setting):
    with pytest.raises(ValueError):
        create_app({"RATE_LIMIT_VERIFY": setting, "SECRET_KEY": "x", "TESTING": True})


@pytest.mark.parametrize("setting", ["60/minute", "5 per second", "100/hour", "off", "0", ""])
def test_good_rate_limit_settings_start(setting):
    create_app({"RATE_LIMIT_VERIFY": setting, "SECRET_KEY": "x", "TESTING": True})
