"""Public look-ups: what the public view says for every status, confidentiality, the register."""

from __future__ import annotations

import itertools
import secrets
from datetime import date

import pytest
from sqlalchemy import update

from certification import create_app
from certification.certificates.models import Certificate, CertificateSite
from certification.extensions import db as _db
from certification.organisations.models import Organisation, Site
from certification.verification import services
from certification.verification.cache import LookupCache
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
    found = services.find_by_number(cert.number)
    assert found is not None
    return services.public_view(found, today)


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
    }


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
    assert services.find_by_number(old.number).superseded_by == new.number
    assert services.find_by_number(new.number).superseded_by is None


def test_a_confidential_certificate_reveals_only_number_and_status(db):
    cert = certificate(state="suspended", confidential=True)
    view = view_of(cert)
    assert view["number"] == cert.number and view["status"] == "suspended"
    assert {key for key, value in view.items() if value is not None} == {"number", "status"}
    assert set(view) == set(services.FIELDS)


def test_find_by_token_and_unknowns(db):
    cert = certificate()
    assert services.find_by_token(cert.token).number == cert.number
    assert services.find_by_token("no-such-token") is None
    assert services.find_by_token("x" * 500) is None
    assert services.find_by_number(f"  {cert.number} ").number == cert.number
    assert services.find_by_number("ACB-NONE") is None
    assert services.find_by_number("") is None


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
    with counting_queries(db) as statements:
        view = services.public_view(services.find_by_number(number), TODAY)
    assert len(view["sites"]) == 2 and view["organisation"]["name"]
    assert len(statements) == 1, statements


def test_the_register_lists_only_active_public_unexpired_certificates(db):
    shown = certificate(factories.organisation(legal_name="Işık Lojistik A.Ş.", city="İzmir"))
    certificate(confidential=True)
    certificate(state="suspended")
    certificate(state="withdrawn")
    certificate(state="superseded")
    certificate(expires_on=date(2026, 11, 23))  # not yet swept, but expired
    rows = db.session.scalars(services.register_query("", TODAY)).all()
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
    rows = db.session.scalars(services.register_query(search, TODAY)).all()
    assert shown in rows
    if search != "ACB-T":
        assert other not in rows


def test_register_search_treats_wildcards_as_text(db):
    certificate()
    assert db.session.scalars(services.register_query("%", TODAY)).all() == []


# --- the look-up cache -------------------------------------------------------------


def test_the_cache_remembers_found_certificates_for_its_seconds(db):
    now = [100.0]
    cache = LookupCache(5, clock=lambda: now[0])
    cert = certificate()
    first = services.find_by_number(cert.number, cache)
    with counting_queries(db) as statements:
        assert services.find_by_number(cert.number, cache) is first
        assert services.find_by_number("ACB-UNKNOWN", cache) is None
        assert services.find_by_number("ACB-UNKNOWN", cache) is None
    assert len(statements) == 2  # unknown numbers are asked each time
    now[0] = 105.0
    assert services.find_by_number(cert.number, cache) is not first


def test_a_flushed_change_empties_the_cache(db):
    cache = LookupCache(60)
    cert = certificate()
    assert services.find_by_token(cert.token, cache).state == "active"
    cert.state = "withdrawn"
    db.session.flush()
    assert services.find_by_token(cert.token, cache).state == "withdrawn"
    cert.organisation.english_name = "Renamed Ltd"
    db.session.flush()
    assert services.find_by_token(cert.token, cache).organisation["english_name"] == "Renamed Ltd"


def test_a_bulk_update_empties_the_cache(db):
    cache = LookupCache(60)
    cert = certificate()
    assert services.find_by_number(cert.number, cache).state == "active"
    db.session.execute(update(Certificate).values(state="expired"))
    assert services.find_by_number(cert.number, cache).state == "expired"


def test_a_cache_of_zero_seconds_remembers_nothing(db):
    cache = LookupCache(0)
    cert = certificate()
    assert services.find_by_number(cert.number, cache) is not services.find_by_number(
        cert.number, cache
    )


# --- the rate limit's setting ------------------------------------------------------


@pytest.mark.parametrize("setting", ["60", "sixty/minute", "60/fortnight"])
def test_a_bad_rate_limit_setting_fails_when_the_app_starts(setting):
    with pytest.raises(ValueError):
        create_app({"RATE_LIMIT_VERIFY": setting, "SECRET_KEY": "x", "TESTING": True})


@pytest.mark.parametrize("setting", ["60/minute", "5 per second", "100/hour", "off", "0", ""])
def test_good_rate_limit_settings_start(setting):
    create_app({"RATE_LIMIT_VERIFY": setting, "SECRET_KEY": "x", "TESTING": True})
