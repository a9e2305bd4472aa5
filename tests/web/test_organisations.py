"""The organisations pages: the list with search, registering, editing, the organisation's page
with its timeline, and who may see what."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote as urlquote

import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.activity.services import record
from certification.organisations.models import Organisation, Site
from certification.organisations.services import TIMELINE_PAGE
from tests import factories
from tests.paging import link


def form_data(**kw) -> dict:
    data = {
        "legal_name": "შპს თბილისის წყალი",
        "english_name": "Tbilisi Water LLC",
        "trading_name": "GWP",
        "country": "GE",
        "city": "თბილისი",
        "address": "მედეა ჯაფარიძის ქ. 10",
        "sector_code": "27",
        "effective_personnel": "120",
        "preferred_language": "ka",
        "currency": "EUR",
        "contact_name": "ნინო ბერიძე",
        "contact_email": "quality@twater.example.test",
        "contact_phone": "+995 32 293 11 11",
        "sites-0-name": "სათავო ოფისი",
        "sites-0-city": "თბილისი",
        "sites-0-personnel": "100",
        "sites-0-scope": "Water supply to households",
        "sites-1-name": "ბათუმის ფილიალი",
        "sites-1-personnel": "20",
        "sites-2-name": "",
    }
    data.update(kw)
    return data


NO_BRANCH = {"sites-1-name": "", "sites-1-personnel": ""}
NO_HEAD_OFFICE = {f"sites-0-{key}": "" for key in ("name", "city", "personnel", "scope")}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)


# -- the list -------------------------------------------------------------------------------


def test_the_list_shows_organisations_and_searches_in_any_script(client, db, login_as):
    login_as("planner")
    factories.organisation(legal_name="შპს საქართველოს წყალი", city="თბილისი")
    factories.organisation(legal_name="Anadolu Perakende A.Ş.", city="İstanbul")
    factories.organisation(legal_name="ООО «Волга Сервис»", city="Казань")
    db.session.commit()

    page = text(client.get("/organisations/"))
    assert "შპს საქართველოს წყალი" in page and "ООО «Волга Сервис»" in page

    page = text(client.get("/organisations/?q=" + urlquote("შპს")))
    assert "შპს საქართველოს წყალი" in page and "Anadolu" not in page

    page = text(client.get("/organisations/?q=ISTANBUL"))
    assert "Anadolu Perakende A.Ş." in page and "შპს" not in page

    page = text(client.get("/organisations/?q=" + urlquote("волга")))
    assert "Волга Сервис" in page and "Anadolu" not in page

    page = text(client.get("/organisations/?q=nobody"))
    assert "No organisation matches “nobody”." in page


def test_the_list_is_paginated(app, client, db, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login_as("planner")
    for n in range(5):
        factories.organisation(legal_name=f"Şirket {n}")
    db.session.commit()

    first = text(client.get("/organisations/"))
    assert "Şirket 0" in first and "Şirket 2" not in first and 'rel="prev"' not in first
    second = text(client.get(link(first, "next")))
    assert "Şirket 2" in second and "Şirket 0" not in second
    searched = text(client.get("/organisations/?q=sirket&last=1"))
    assert "Şirket 4" in searched and "Şirket 2" not in searched and 'rel="next"' not in searched
    assert "q=sirket" in link(searched, "prev")


# -- registering ----------------------------------------------------------------------------


def test_the_new_form_has_plain_field_ids(client, db, login_as):
    login_as("planner")
    page = text(client.get("/organisations/new"))
    for field_id in (
        "legal_name", "english_name", "trading_name", "country", "city", "address",
        "sector_code", "effective_personnel", "preferred_language", "currency",
        "contact_name", "contact_email", "contact_phone",
        "sites-0-name", "sites-0-address", "sites-0-city", "sites-0-personnel", "sites-0-scope",
        "sites-1-name", "sites-2-name", "add_site",
    ):  # fmt: skip
        assert f'id="{field_id}"' in page, field_id
    assert "Georgia (GE)" in page and "29 · Wholesale and retail trade" in page
    assert "Head office" in page


def test_a_planner_registers_an_organisation_and_sees_its_page(client, db, login_as):
    planner = login_as("planner")

    response = client.post("/organisations/new", data=form_data(), follow_redirects=True)

    page = text(response)
    assert response.status_code == 200
    assert "შპს თბილისის წყალი was registered." in page
    assert "The sites account for 120 of 120" not in page  # 100 + 20: nothing missing
    org = db.session.scalar(select(Organisation))
    assert response.request.path == f"/organisations/{org.id}"
    assert "შპს თბილისის წყალი" in page and "ბათუმის ფილიალი" in page
    assert "Georgia" in page and "27 · Water supply" in page and "Georgian" in page
    assert "Organisation registered" in page and planner.name in page
    assert [s.name for s in org.sites] == ["სათავო ოფისი", "ბათუმის ფილიალი"]
    assert org.head_office.name == "სათავო ოფისი"


def test_fewer_people_on_the_sites_than_in_total_is_a_warning(client, db, login_as):
    login_as("planner")
    response = client.post("/organisations/new", data=form_data(**NO_BRANCH), follow_redirects=True)
    assert "The sites account for 100 of 120 people" in text(response)
    assert count(db, Organisation) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"country": "XX"}, "Not a valid choice"),
        ({"sector_code": "40"}, "Not a valid choice"),
        ({"effective_personnel": "0"}, "Effective personnel is a whole number of at least 1."),
        ({"legal_name": ""}, "Enter the legal name."),
        ({"contact_email": "nobody"}, "Enter a valid email address."),
        (NO_HEAD_OFFICE | NO_BRANCH, "Enter the head office."),
        ({"sites-1-personnel": "90"}, "The sites add up to 190 people"),
        ({"sites-1-name": "", "sites-1-personnel": "5"}, "Give the site a name."),
    ],
)
def test_bad_input_shows_a_message_and_saves_nothing(client, db, login_as, change, message):
    login_as("planner")
    response = client.post("/organisations/new", data=form_data(**change))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'value="Tbilisi Water LLC"' in page  # what was typed is kept
    assert count(db, Organisation) == 0 and count(db, ActivityLog) == 0


def test_add_another_site_offers_one_more_row_without_saving(client, db, login_as):
    login_as("planner")
    response = client.post("/organisations/new", data=form_data(add_site="Add another site"))
    page = text(response)
    assert 'id="sites-3-name"' in page and 'value="ბათუმის ფილიალი"' in page
    assert count(db, Organisation) == 0


# -- editing --------------------------------------------------------------------------------


def registered(client, db) -> Organisation:
    client.post("/organisations/new", data=form_data())
    return db.session.scalar(select(Organisation))


def test_a_planner_edits_the_details_and_the_sites(client, db, login_as):
    login_as("planner")
    org = registered(client, db)
    head, batumi = org.sites
    form = text(client.get(f"/organisations/{org.id}/edit"))
    assert 'value="Tbilisi Water LLC"' in form and 'id="sites-1-remove"' in form
    assert 'id="sites-0-remove"' not in form  # the head office stays
    assert 'id="sites-3-name"' in form  # two blank rows for new sites

    data = form_data(
        english_name="Georgian Water and Sewerage LLC",
        effective_personnel="150",
        **{
            "sites-0-id": str(head.id),
            "sites-1-id": str(batumi.id),
            "sites-1-remove": "y",
            "sites-2-name": "ქუთაისის ფილიალი",
            "sites-2-personnel": "30",
            "sites-3-name": "",
        },
    )
    response = client.post(f"/organisations/{org.id}/edit", data=data, follow_redirects=True)

    page = text(response)
    assert "The changes were saved." in page
    assert "Georgian Water and Sewerage LLC" in page and "ქუთაისის ფილიალი" in page
    assert "ბათუმის ფილიალი" not in page.split('id="timeline"')[0]
    assert "Organisation details changed" in page and "Site removed: ბათუმის ფილიალი" in page
    db.session.expire_all()
    assert {s.name for s in db.session.get(Organisation, org.id).sites} == {
        "სათავო ოფისი",
        "ქუთაისის ფილიალი",
    }


def test_a_refused_edit_shows_the_message_on_the_site_and_changes_nothing(client, db, login_as):
    login_as("planner")
    org = registered(client, db)
    head, batumi = org.sites
    data = form_data(
        english_name="Changed",
        **{"sites-0-id": str(head.id), "sites-1-id": str(batumi.id), "sites-1-personnel": "-1"},
    )
    response = client.post(f"/organisations/{org.id}/edit", data=data)
    assert response.status_code == 200
    assert "Personnel at a site is a whole number, 0 or more." in text(response)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).english_name == "Tbilisi Water LLC"
    assert db.session.scalar(select(func.count()).where(ActivityLog.action != "")) == 1


# -- the organisation's page ----------------------------------------------------------------


def test_the_page_shows_applications_quotes_users_and_the_timeline(client, db, login_as):
    planner = login_as("planner")
    org = factories.organisation(legal_name="შპს ბათუმის პორტი", english_name="Batumi Port LLC")
    org.sites.append(Site(name="Poti terminal", personnel=0, scope="Cargo handling"))
    client_user = factories.user(Role.CLIENT, organisation=org, name="ლევან გელაშვილი")
    application = factories.application(org)
    record(planner, application, "created", reason="ISO 10002:2018")
    quote = factories.quote(application, number="Q-2026-00042")
    record(planner, quote, "issue", from_state="draft", to_state="issued", reason="By email")
    factories.audit(factories.cycle(quote))
    db.session.commit()

    page = text(client.get(f"/organisations/{org.id}"))

    assert "შპს ბათუმის პორტი" in page and "Batumi Port LLC" in page
    assert "Poti terminal" in page and "Cargo handling" in page
    assert "ISO 10002:2018" in page and "Q-2026-00042" in page
    assert client_user.name in page and client_user.email in page
    assert "Stage 1" in page
    timeline = page.split('id="timeline"')[1]
    assert timeline.index("Quote sent to the client") < timeline.index("Application submitted")
    shown = re.sub(r"<[^>]+>", "", timeline)  # the arrow is marked up to turn in Arabic
    assert "Draft → Sent to client" in shown and "By email" in timeline
    assert planner.name in timeline


def test_a_long_timeline_shows_the_recent_entries_and_pages_to_older_ones(client, db, login_as):
    planner = login_as("planner")
    org = factories.organisation()
    for n in range(TIMELINE_PAGE + 5):
        entry = record(planner, org, "organisation_updated", reason=f"Change number {n:02d}")
        entry.at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)
    db.session.commit()

    timeline = text(client.get(f"/organisations/{org.id}")).split('id="timeline"')[1]
    newest, oldest = f"Change number {TIMELINE_PAGE + 4:02d}", "Change number 00"
    assert newest in timeline and oldest not in timeline
    older = text(client.get(link(timeline, "next"))).split('id="timeline"')[1]
    assert oldest in older and newest not in older
    assert "#timeline" in link(timeline, "next")
    assert newest in text(client.get(link(older, "first"))).split('id="timeline"')[1]


def test_an_unknown_organisation_is_not_found(client, db, login_as):
    login_as("planner")
    assert client.get("/organisations/999999").status_code == 404
    assert client.get("/organisations/999999/edit").status_code == 404


# -- who may see what -----------------------------------------------------------------------


def test_a_client_is_sent_to_the_portal_for_its_own_organisation(client, db, login_as):
    user = login_as("client")
    response = client.get(f"/organisations/{user.organisation_id}")
    assert response.status_code == 302 and response.location.endswith("/portal/")


def test_a_client_cannot_find_another_organisation(client, db, login_as):
    login_as("client")
    other = factories.organisation(legal_name="Gizli Müşteri A.Ş.")
    db.session.commit()
    response = client.get(f"/organisations/{other.id}")
    assert response.status_code == 404 and "Gizli Müşteri" not in text(response)
    assert client.get(f"/organisations/{other.id}/edit").status_code == 403
    assert client.get("/organisations/").status_code == 403
    assert client.get("/organisations/new").status_code == 403


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.ADMIN, 200, 200),
        (Role.PLANNER, 200, 200),
        (Role.AUDITOR, 200, 403),
        (Role.COMMITTEE, 200, 403),
    ],
)
def test_staff_access_follows_the_access_rules(client, db, login_as, role, read, write):
    login_as(role.value)
    org = factories.organisation(legal_name="Örnek Otel A.Ş.")
    db.session.commit()
    assert client.get("/organisations/").status_code == read
    detail = client.get(f"/organisations/{org.id}")
    assert detail.status_code == read and "Örnek Otel A.Ş." in text(detail)
    assert ("/edit" in text(detail)) is (write == 200)
    assert client.get("/organisations/new").status_code == write
    assert client.get(f"/organisations/{org.id}/edit").status_code == write
    before = count(db, Organisation)
    assert client.post("/organisations/new", data=form_data()).status_code in (302, write)
    assert count(db, Organisation) == before + (1 if write == 200 else 0)


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    org = factories.organisation()
    db.session.commit()
    for url in ("/organisations/", f"/organisations/{org.id}", "/organisations/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
