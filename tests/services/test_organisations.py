"""Organisations: registering with sites, editing, refusals that change nothing, the log,
searching names in any script, and the timeline of everything about one organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity import notes
from certification.activity.models import ActivityLog
from certification.activity.services import record
from certification.extensions import db as _db
from certification.i18n.collation import sorted_by_name
from certification.organisations.models import Organisation, Site
from certification.organisations.services import (
    OrganisationError,
    find_organisations,
    fold,
    organisation_timeline,
    personnel_note,
    register_organisation,
    update_organisation,
)
from tests import factories


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def details(**kw) -> dict:
    data = {
        "legal_name": "შპს საქართველოს წყალი",
        "english_name": "Georgian Water LLC",
        "trading_name": "GWP",
        "country": "ge",
        "city": "თბილისი",
        "address": "მედეა ჯაფარიძის ქ. 10",
        "sector_code": "27",
        "effective_personnel": 120,
        "preferred_language": "ka",
        "currency": "EUR",
        "contact_name": "ნინო ბერიძე",
        "contact_email": "quality@gwp.example.test",
        "contact_phone": "+995 32 293 11 11",
    }
    data.update(kw)
    return data


def head_office(**kw) -> dict:
    site = {"name": "სათავო ოფისი", "city": "თბილისი", "personnel": 100, "scope": "Water supply"}
    return site | kw


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def log_rows(action: str) -> list[ActivityLog]:
    query = select(ActivityLog).where(ActivityLog.action == action).order_by(ActivityLog.id)
    return list(_db.session.scalars(query))


# -- registering ----------------------------------------------------------------------------


def test_registering_stores_the_organisation_its_sites_and_a_log_row(db):
    planner = factories.user(Role.PLANNER)
    branch = {"name": "ბათუმის ფილიალი", "city": "ბათუმი", "personnel": 20, "scope": "Billing"}

    org = register_organisation(planner, details(), [head_office(), branch, {"name": "  "}])

    assert org.id is not None and org.legal_name == "შპს საქართველოს წყალი"
    assert org.country == "GE" and org.sector_code == "27" and org.preferred_language == "ka"
    assert [s.name for s in org.sites] == ["სათავო ოფისი", "ბათუმის ფილიალი"]  # blank row dropped
    assert org.head_office.name == "სათავო ოფისი"
    assert {s.country for s in org.sites} == {"GE"}  # sites default to the organisation's country
    (entry,) = log_rows("organisation_registered")
    assert entry.actor_id == planner.id and entry.at is not None
    assert entry.organisation_id == org.id and entry.subject_type == "Organisation"
    assert entry.subject_id == org.id and "შპს საქართველოს წყალი" in notes.text(entry, "en")
    assert "Georgia, IAF sector" in notes.text(entry, "en") and "sites: 2." in notes.text(
        entry, "en"
    )


def test_the_first_site_is_the_head_office_unless_another_is_marked(db):
    org = register_organisation(
        None, details(), [{"name": "Depot", "personnel": 10}, head_office(is_head_office=True)]
    )
    assert org.head_office.name == "სათავო ოფისი"
    assert sum(site.is_head_office for site in org.sites) == 1


def test_a_sector_code_is_stored_without_leading_zeros(db):
    org = register_organisation(None, details(sector_code="07"), [head_office()])
    assert org.sector_code == "7"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"legal_name": "  "}, "legal_name", "Enter the legal name"),
        ({"legal_name": "x" * 301}, "legal_name", "too long"),
        ({"country": "XX"}, "country", "Choose a country"),
        ({"country": "EU"}, "country", "Choose a country"),
        ({"country": ""}, "country", "Choose a country"),
        ({"sector_code": "40"}, "sector_code", "IAF sector code from 1 to 39"),
        ({"sector_code": "0"}, "sector_code", "IAF sector code from 1 to 39"),
        ({"sector_code": "29a"}, "sector_code", "IAF sector code from 1 to 39"),
        ({"effective_personnel": 0}, "effective_personnel", "at least 1"),
        ({"effective_personnel": "-3"}, "effective_personnel", "at least 1"),
        ({"effective_personnel": None}, "effective_personnel", "at least 1"),
        ({"currency": "JPY"}, "currency", "currencies"),
        ({"preferred_language": "xx"}, "preferred_language", "languages"),
        ({"contact_email": "not an address"}, "contact_email", "valid email"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(db, change, field, message):
    with pytest.raises(OrganisationError, match=message) as refused:
        register_organisation(None, details(**change), [head_office()])
    assert refused.value.field == field
    _db.session.rollback()
    assert count(Organisation) == 0 and count(Site) == 0 and count(ActivityLog) == 0


@pytest.mark.parametrize(
    ("sites", "field", "index", "message"),
    [
        ([], "name", 0, "head office"),
        ([{"name": "", "is_head_office": True}], "name", 0, "head office"),
        ([head_office(), {"name": "", "personnel": 5}], "name", 1, "Give the site a name"),
        ([head_office(personnel="many")], "personnel", 0, "whole number"),
        ([head_office(personnel=-1)], "personnel", 0, "whole number"),
    ],
)
def test_bad_sites_are_refused(db, sites, field, index, message):
    with pytest.raises(OrganisationError, match=message) as refused:
        register_organisation(None, details(), sites)
    assert (refused.value.field, refused.value.site) == (field, index)


def test_sites_cannot_hold_more_people_than_the_organisation(db):
    sites = [head_office(personnel=100), {"name": "Batumi", "personnel": 30}]
    with pytest.raises(OrganisationError, match="130 people, more than .*120") as refused:
        register_organisation(None, details(effective_personnel=120), sites)
    assert refused.value.field == "effective_personnel"


def test_fewer_people_on_sites_than_in_total_gives_a_warning_only(db):
    org = register_organisation(None, details(effective_personnel=120), [head_office()])
    assert "100 of 120" in personnel_note(org)
    org.sites[0].personnel = 120
    assert personnel_note(org) is None


# -- editing --------------------------------------------------------------------------------


def test_editing_changes_the_details_and_sites_and_logs_what_changed(db):
    planner = factories.user(Role.PLANNER)
    org = register_organisation(planner, details(), [head_office(), {"name": "Batumi"}])
    head, batumi = org.sites

    changes = update_organisation(
        planner,
        org,
        details(english_name="Tbilisi Water LLC", effective_personnel=150),
        [
            {"id": head.id, **head_office(personnel=110)},
            {"id": batumi.id, "name": "Batumi", "remove": True},
            {"name": "Kutaisi", "city": "ქუთაისი", "personnel": 25},
            {"name": ""},
        ],
    )

    assert org.english_name == "Tbilisi Water LLC" and org.effective_personnel == 150
    assert [(s.name, s.personnel) for s in org.sites] == [("სათავო ოფისი", 110), ("Kutaisi", 25)]
    assert count(Site) == 2
    (entry,) = log_rows("organisation_updated")
    assert entry.actor_id == planner.id and entry.organisation_id == org.id
    logged = notes.text(entry, "en")
    assert "English name: “Georgian Water LLC” → “Tbilisi Water LLC”" in logged
    assert "Site removed: Batumi;" in logged and "Site added: Kutaisi" in logged
    assert (
        "Personnel at this site 100 → 110" in logged and "Effective personnel: 120 → 150" in logged
    )
    assert changes and len(changes) == 5


def test_saving_without_a_change_writes_no_log_row(db):
    org = register_organisation(None, details(), [head_office()])
    site = org.sites[0]
    assert update_organisation(None, org, details(), [{"id": site.id, **head_office()}]) == []
    assert log_rows("organisation_updated") == []


def test_the_head_office_cannot_be_removed(db):
    org = register_organisation(None, details(), [head_office()])
    with pytest.raises(OrganisationError, match="head office cannot be removed"):
        update_organisation(None, org, details(), [{"id": org.sites[0].id, "remove": True}])


def test_a_site_named_in_an_application_cannot_be_removed(db):
    org = factories.organisation()
    branch = Site(name="Ankara şubesi", personnel=0)
    org.sites.append(branch)
    _db.session.flush()
    factories.application(org)  # names every site
    _db.session.commit()
    data = {key: getattr(org, key) for key in details()}
    with pytest.raises(OrganisationError, match="Ankara şubesi is named in an application"):
        update_organisation(None, org, data, [{"id": branch.id, "remove": True}])
    _db.session.rollback()
    assert _db.session.get(Site, branch.id) is not None


def test_another_organisations_site_cannot_be_edited_through_this_one(db):
    org = register_organisation(None, details(), [head_office()])
    other = factories.organisation()
    with pytest.raises(OrganisationError, match="does not belong"):
        update_organisation(None, org, details(), [{"id": other.sites[0].id, "name": "Mine"}])
    assert other.sites[0].name == "Head office"


def test_a_refused_edit_changes_nothing(db):
    org = register_organisation(None, details(), [head_office()])
    _db.session.commit()
    with pytest.raises(OrganisationError):
        update_organisation(None, org, details(english_name="New", sector_code="99"), [])
    _db.session.rollback()
    assert _db.session.get(Organisation, org.id).english_name == "Georgian Water LLC"


# -- searching ------------------------------------------------------------------------------


def test_fold_ignores_case_accents_and_the_turkish_i():
    assert fold("İstanbul") == fold("ISTANBUL") == fold("istanbul") == "istanbul"
    assert fold("IŞIK") == fold("ışık") == "isik"
    assert fold("ООО Ромашка") == fold("ооо ромашка")
    assert fold("შპს") == "შპს"  # Georgian has no case to fold


def names(page) -> list[str]:
    return [org.legal_name for org in page.items]


@pytest.fixture
def clients(db):
    for legal, english, trading, city in [
        ("შპს საქართველოს წყალი", "Georgian Water LLC", "", "თბილისი"),
        ("Anadolu Perakende A.Ş.", "Anatolia Retail Inc.", "AnadoluMarket", "İstanbul"),
        ("ООО «Волга Сервис»", "Volga Service LLC", "", "Казань"),
        ("شركة الخليج للخدمات", "Gulf Services LLC", "", "Dubai"),
        ("Işık Enerji A.Ş.", "Light Energy Inc.", "", "Ankara"),
        ("Siêu thị Hạ Long", "Ha Long Supermarkets", "Siêu thị Đức", "Hạ Long"),
    ]:
        factories.organisation(
            legal_name=legal, english_name=english, trading_name=trading, city=city
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("შპს", ["შპს საქართველოს წყალი"]),
        ("თბილისი", ["შპს საქართველოს წყალი"]),
        ("istanbul", ["Anadolu Perakende A.Ş."]),
        ("İSTANBUL", ["Anadolu Perakende A.Ş."]),
        ("anadolumarket", ["Anadolu Perakende A.Ş."]),
        ("волга", ["ООО «Волга Сервис»"]),
        ("казань", ["ООО «Волга Сервис»"]),
        ("الخليج", ["شركة الخليج للخدمات"]),
        ("işik", ["Işık Enerji A.Ş."]),
        ("ISIK", ["Işık Enerji A.Ş."]),
        ("light energy", ["Işık Enerji A.Ş."]),
        ("ВОЛГА", ["ООО «Волга Сервис»"]),
        ("ᲬᲧᲐᲚᲘ", ["შპს საქართველოს წყალი"]),  # Georgian capitals (Mtavruli)
        ("الخليج للخدمات", ["شركة الخليج للخدمات"]),
        ("الخَلِيج", ["شركة الخليج للخدمات"]),  # typed with vowel marks
        ("ha long", ["Siêu thị Hạ Long"]),
        ("DUC", ["Siêu thị Hạ Long"]),  # Đức: đ and the tone mark folded
        ("nothing like it", []),
    ],
)
def test_search_finds_names_and_cities_in_any_script(clients, text, expected):
    page = find_organisations(text)
    assert names(page) == expected and not page.has_next and not page.has_prev


def test_an_empty_search_lists_everyone_a_page_at_a_time(clients):
    first = find_organisations("  ", per_page=2)
    assert len(first.items) == 2 and first.has_next and not first.has_prev
    shown, page = names(first), first
    while page.has_next:
        page = find_organisations("  ", {"after": page.next_cursor}, per_page=2)
        shown += names(page)
    assert len(shown) == len(set(shown)) == 6


def test_search_results_are_paged_by_key(db):
    for n in range(5):
        factories.organisation(legal_name=f"Şirket {n}", city="İzmir")
    factories.organisation(legal_name="Other", city="Ankara")
    first = find_organisations("sirket", per_page=2)
    page = find_organisations("sirket", {"after": first.next_cursor}, per_page=2)
    assert names(page) == ["Şirket 2", "Şirket 3"] and page.has_prev and page.has_next
    last = find_organisations("sirket", {"last": "1"}, per_page=2)
    assert names(last) == ["Şirket 3", "Şirket 4"] and not last.has_next
    before = find_organisations("sirket", {"before": last.prev_cursor}, per_page=2)
    assert names(before) == ["Şirket 1", "Şirket 2"]
    assert names(find_organisations("şirket", {"after": "not-a-cursor"}, per_page=2)) == [
        "Şirket 0",
        "Şirket 1",
    ]


def test_the_list_is_in_the_alphabetical_order_of_the_readers_language(db):
    for name in ("Zirve Lojistik", "Çam Orman", "Cevher Madencilik", "İlke Tekstil", "Irmak Su"):
        factories.organisation(legal_name=name)
    # Turkish: C before Ç, dotless I before dotted İ; English: Ç as C, I and İ alike.
    turkish = ["Cevher Madencilik", "Çam Orman", "Irmak Su", "İlke Tekstil", "Zirve Lojistik"]
    english = ["Çam Orman", "Cevher Madencilik", "İlke Tekstil", "Irmak Su", "Zirve Lojistik"]
    assert names(find_organisations("", locale="tr")) == turkish
    assert names(find_organisations("", locale="en")) == english
    first = find_organisations("", per_page=2, locale="tr")
    second = find_organisations("", {"after": first.next_cursor}, per_page=2, locale="tr")
    assert names(second) == turkish[2:4]


NAMES_IN_SIX_SCRIPTS = (
    "Zirve Lojistik", "Çam Orman", "Cevher Madencilik", "İlke Tekstil", "Irmak Su", "Ölçü Ltd",
    "Öztürk", "Đông Á", "Dệt May", "Ăn Ngon", "An Phát", "Ёлка ООО", "Ежевика ООО", "Яблоко",
    "Волга", "ბათუმი", "ავტო", "ზღვა", "شركة الخليج", "أمل", "بنك", "ياسمين", "Émile", "eagle",
)  # fmt: skip


@pytest.mark.parametrize("language", ["en", "tr", "ru", "ka", "vi", "ar"])
def test_the_database_orders_and_pages_as_the_language_does(db, language):
    """The stored sort keys give, page by page, the order ICU gives in the reader's language."""
    for name in NAMES_IN_SIX_SCRIPTS:
        factories.organisation(legal_name=name)
    db.session.flush()
    shown, page = [], find_organisations("", per_page=5, locale=language)
    shown += names(page)
    while page.has_next:
        page = find_organisations("", {"after": page.next_cursor}, per_page=5, locale=language)
        shown += names(page)
    assert shown == sorted_by_name(NAMES_IN_SIX_SCRIPTS, lambda name: name, language)


def test_a_renamed_organisation_moves_to_its_new_place(db):
    first = factories.organisation(legal_name="Ahmet Gıda")
    factories.organisation(legal_name="Beta Yazılım")
    first.legal_name = "Zeytin Gıda"
    db.session.flush()
    assert names(find_organisations("", locale="tr")) == ["Beta Yazılım", "Zeytin Gıda"]


def test_vietnamese_names_follow_the_vietnamese_alphabet(db):
    for name in ("Đông Á", "Dệt May", "Ăn Ngon", "An Phát"):
        factories.organisation(legal_name=name, country="VN")
    assert names(find_organisations("", locale="vi")) == ["An Phát", "Ăn Ngon", "Dệt May", "Đông Á"]


# -- the timeline ---------------------------------------------------------------------------


def test_the_timeline_holds_everything_about_the_organisation_newest_first(db):
    planner = factories.user(Role.PLANNER)
    org = register_organisation(planner, details(), [head_office()])
    application = factories.application(org)
    record(planner, application, "created")
    quote = factories.quote(application)
    record(planner, quote, "issue", from_state="draft", to_state="issued")
    audit = factories.audit(factories.cycle(quote))
    record(planner, audit, "schedule", from_state="planned", to_state="scheduled", reason="Team")
    other = factories.application()
    record(planner, other, "created")  # another organisation's

    timeline = organisation_timeline(org)

    assert [(e.subject_type, e.action) for e in timeline] == [
        ("Audit", "schedule"),
        ("Quote", "issue"),
        ("Application", "created"),
        ("Organisation", "organisation_registered"),
    ]
    assert timeline[0].actor.name == planner.name and timeline[0].reason == "Team"
    assert len(organisation_timeline(org, limit=2)) == 2
