"""Changes of fields (an organisation's details, a user account, the body's settings) are logged
as data and read in the reader's language; rows logged before as English text stay readable."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from certification.activity import notes
from certification.activity.models import ActivityLog
from certification.activity.services import record
from certification.admin import settings_services
from tests import factories
from tests.web.test_organisations import form_data, registered, text


def timeline(page: str) -> str:
    return page.split('id="timeline"')[1]


def test_an_organisation_change_reads_in_each_readers_language(client, db, login_as):
    login_as("planner", locale="en")
    org = registered(client, db)
    head, batumi = org.sites
    data = form_data(
        english_name="Georgian Water LLC",
        country="TR",
        preferred_language="tr",
        **{"sites-0-id": str(head.id), "sites-1-id": str(batumi.id), "sites-1-remove": "y"},
    )
    client.post(f"/organisations/{org.id}/edit", data=data)
    record(None, org, "organisation_updated", reason="city: “Tbilisi” → “Batumi”")  # an old row
    db.session.commit()

    english = timeline(text(client.get(f"/organisations/{org.id}")))
    assert "English name: “Tbilisi Water LLC” → “Georgian Water LLC”" in english
    assert "Country: Georgia → Türkiye" in english or "Country: Georgia → Turkey" in english
    assert "Preferred language: Georgian → Turkish" in english
    assert "Site removed: ბათუმის ფილიალი" in english
    assert "city: “Tbilisi” → “Batumi”" in english  # the old row, as it was written

    login_as("planner", locale="tr")
    turkish = timeline(text(client.get(f"/organisations/{org.id}")))
    assert "İngilizce ad: “Tbilisi Water LLC” → “Georgian Water LLC”" in turkish
    assert "Ülke: Gürcistan → Türkiye" in turkish
    assert "Tercih edilen dil: Gürcüce → Türkçe" in turkish
    assert "Saha kaldırıldı: ბათუმის ფილიალი" in turkish
    assert "English name" not in turkish and "Country:" not in turkish


def test_a_client_users_account_change_reads_in_the_readers_language(client, db, login_as):
    org = factories.organisation()
    person = factories.user("client", organisation=org, name="Ayşe Kaya", locale="en")
    db.session.commit()
    login_as("admin")
    data = {
        "name": "Ayşe Kaya",
        "email": person.email,
        "role": "client",
        "organisation_id": str(org.id),
        "locale": "tr",
        "password": "",
    }  # "active" left out: the account is deactivated
    client.post(f"/admin/users/{person.id}", data=data)
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "user_updated"))
    assert notes.text(entry, "en") == "Language: English → Turkish; Active: Yes → No"
    with force_locale("tr"):
        assert notes.text(entry, "tr") == "Dil: İngilizce → Türkçe; Aktif: Evet → Hayır"


def test_a_settings_change_reads_in_the_readers_language(db):
    admin = factories.user("admin")
    settings_services.update_settings(
        admin, {"quote_validity_days": 45, "two_factor_for_staff": True}
    )
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "settings_updated"))
    english = notes.text(entry, "en")
    assert "Days a quote stays valid: 30 → 45" in english
    assert "second factor: No → Yes" in english
    with force_locale("tr"):
        turkish = notes.text(entry, "tr")
    assert "Teklifin geçerli kaldığı gün sayısı: 30 → 45" in turkish and ": Hayır → Evet" in turkish
