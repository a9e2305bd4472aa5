"""Administration pages over HTTP: users, auditor profiles, settings, and who may open them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from certification.accounts.models import AuditorQualification, ConflictOfInterest, Role, User
from certification.activity import notes
from certification.activity.models import ActivityLog
from certification.extensions import db as _db
from certification.settings import services as settings
from tests import factories
from tests.paging import link

NEW_PASSWORD = "brand new secret 42"


def find_user(db, email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def log_rows(db, action: str) -> list[ActivityLog]:
    return db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)).all()


def user_form(**overrides) -> dict:
    data = {
        "name": "Mehmet Demir",
        "email": "mehmet@example.test",
        "role": "planner",
        "organisation_id": "0",
        "locale": "en",
        "active": "y",
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def sign_in(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


# --- access ------------------------------------------------------------------


def admin_urls(app) -> list[tuple[str, str]]:
    """Every /admin route, with 1 for each id: access is refused before anything is loaded."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", "1")
            urls.append(("GET" if "GET" in rule.methods else "POST", path))
    return sorted(urls)


@pytest.mark.parametrize("role", ["planner", "auditor", "committee", "client"])
def test_non_admins_get_403_on_every_admin_page(app, client, login_as, role):
    login_as(role)
    urls = admin_urls(app)
    assert ("GET", "/admin/users") in urls and ("GET", "/admin/settings") in urls
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url)
    assert client.post("/admin/settings").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- users -------------------------------------------------------------------


def test_user_list_filters_by_role_and_searches_name_and_email(client, login_as):
    login_as("admin", name="Zeynep Admin")
    factories.user(Role.AUDITOR, name="Ali Denetçi", email="ali@audit.test")
    factories.user(Role.PLANNER, name="Burak Planlamacı", email="burak@plan.test")
    page = client.get("/admin/users?role=auditor").get_data(as_text=True)
    assert "Ali Denetçi" in page and "Burak Planlamacı" not in page
    page = client.get("/admin/users?q=PLAN.TEST").get_data(as_text=True)
    assert "Burak Planlamacı" in page and "Ali Denetçi" not in page


def test_user_list_is_paginated(app, client, login_as):
    login_as("admin")
    for n in range(app.config["PAGE_SIZE"] + 1):
        factories.user(Role.AUDITOR, name=f"Auditor {n:03d}")
    page = client.get("/admin/users?role=auditor").get_data(as_text=True)
    assert "Auditor 000" in page and "Auditor 020" not in page
    second = client.get(link(page, "next")).get_data(as_text=True)
    assert (
        "Auditor 020" in second
        and "Auditor 000" not in second
        and "role=auditor" in link(second, "first")
    )


def test_people_are_listed_in_the_alphabetical_order_of_the_readers_language(client, login_as):
    """Ordered by the database through the stored sort key of the reader's language."""
    me = login_as("admin", name="Zeynep Admin")
    for name in ("Çağla Demir", "Cem Aydın", "İlker Su", "Irmak Ay"):
        factories.user(Role.AUDITOR, name=name)
    for language, expected in (
        ("tr", ["Cem Aydın", "Çağla Demir", "Irmak Ay", "İlker Su"]),
        ("en", ["Çağla Demir", "Cem Aydın", "İlker Su", "Irmak Ay"]),
    ):
        me.locale = language
        _db.session.commit()
        page = client.get("/admin/users?role=auditor").get_data(as_text=True)
        assert sorted(expected, key=page.index) == expected, language


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CLIENT])
def test_admin_creates_a_user_of_each_role(client, db, login_as, role):
    admin = login_as("admin")
    organisation_id = factories.organisation().id if role == Role.CLIENT else 0
    db.session.commit()
    response = client.post(
        "/admin/users/new", data=user_form(role=role.value, organisation_id=str(organisation_id))
    )
    assert response.status_code == 302
    user = find_user(db, "mehmet@example.test")
    assert user.role == role.value and user.check_password(NEW_PASSWORD)
    assert (user.organisation_id or 0) == organisation_id
    (entry,) = log_rows(db, "user_created")
    assert entry.actor_id == admin.id and NEW_PASSWORD not in entry.reason


def test_client_without_organisation_is_refused_and_nothing_saved(client, db, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data=user_form(role="client"))
    assert response.status_code == 200
    assert "A client user must belong to an organisation." in response.get_data(as_text=True)
    assert find_user(db, "mehmet@example.test") is None


def test_staff_with_organisation_is_refused(client, db, login_as):
    login_as("admin")
    organisation = factories.organisation()
    db.session.commit()
    data = user_form(role="auditor", organisation_id=str(organisation.id))
    page = client.post("/admin/users/new", data=data).get_data(as_text=True)
    assert "Staff users do not belong to a client organisation" in page
    assert find_user(db, "mehmet@example.test") is None


def test_duplicate_email_is_refused_whatever_its_case(client, db, login_as):
    login_as("admin")
    factories.user(Role.PLANNER, email="mehmet@example.test")
    db.session.commit()
    page = client.post("/admin/users/new", data=user_form(email="MEHMET@Example.test"))
    assert "Another user already has the email address mehmet@example.test." in page.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(User.id)).where(User.role == "planner")) == 1


def test_edit_user_saves_and_logs_the_change(client, db, login_as):
    login_as("admin")
    person = factories.user(Role.PLANNER, email="p@example.test", name="Old Name")
    db.session.commit()
    data = user_form(name="New Name", email="p@example.test", role="committee", password="")
    response = client.post(f"/admin/users/{person.id}", data=data, follow_redirects=True)
    assert "The changes were saved." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.role == "committee" and person.name == "New Name"
    assert "Role: Planner → Committee member" in notes.text(log_rows(db, "user_updated")[0], "en")


def test_last_admin_cannot_deactivate_or_demote_themselves(client, db, login_as):
    admin = login_as("admin", email="boss@example.test")
    form = user_form(name=admin.name, email=admin.email, role="admin", password="")
    for attempt in ({**form, "active": None}, {**form, "role": "planner"}):
        page = client.post(f"/admin/users/{admin.id}", data=user_form(**attempt))
        assert "is the last active administrator" in page.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active and admin.role == "admin"
    assert log_rows(db, "user_updated") == []


def test_deactivated_user_cannot_sign_in(app, client, db):
    admin = factories.user(Role.ADMIN)
    person = factories.user(Role.AUDITOR, email="gone@example.test")
    db.session.commit()
    own_browser = app.test_client()
    assert sign_in(own_browser, "gone@example.test", factories.PASSWORD).status_code == 302
    own_browser.post("/logout")
    sign_in(client, admin.email, factories.PASSWORD)
    data = user_form(name=person.name, email=person.email, role="auditor", active=None, password="")
    assert client.post(f"/admin/users/{person.id}", data=data).status_code == 302
    page = sign_in(own_browser, "gone@example.test", factories.PASSWORD).get_data(as_text=True)
    assert "Email or password is not right." in page


def test_password_reset_then_sign_in_with_the_new_password(client, db, login_as):
    login_as("admin")
    person = factories.user(Role.AUDITOR, email="reset@example.test")
    db.session.commit()
    data = user_form(name=person.name, email=person.email, role="auditor", password="short")
    page = client.post(f"/admin/users/{person.id}", data=data).get_data(as_text=True)
    assert "at least 10 characters" in page
    client.post(f"/admin/users/{person.id}", data={**data, "password": NEW_PASSWORD})
    (entry,) = log_rows(db, "user_updated")
    assert NEW_PASSWORD not in entry.reason and NEW_PASSWORD not in str(entry.params)
    client.post("/logout")
    assert "Email or password" in sign_in(client, person.email, factories.PASSWORD).get_data(
        as_text=True
    )
    response = sign_in(client, "Reset@Example.test", NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


# --- auditor profile ---------------------------------------------------------


def test_add_and_remove_a_qualification(client, db, login_as):
    login_as("admin")
    auditor = factories.user(Role.AUDITOR)
    db.session.commit()
    data = {"scheme": "iso10002", "sector_code": "29", "valid_until": "2027-06-30"}
    page = client.post(
        f"/admin/users/{auditor.id}/qualifications", data=data, follow_redirects=True
    ).get_data(as_text=True)
    assert "The qualification was added." in page and "ISO 10002:2018" in page
    (qualification,) = db.session.scalars(select(AuditorQualification)).all()
    assert log_rows(db, "qualification_added")[0].subject_id == qualification.id
    client.post(f"/admin/qualifications/{qualification.id}/remove")
    assert db.session.scalars(select(AuditorQualification)).all() == []
    assert len(log_rows(db, "qualification_removed")) == 1


def test_the_admin_records_and_renews_a_committee_members_competence(client, db, login_as):
    """17021-1 7.2: deciders hold a recorded competence for the scheme, kept in the UI."""
    login_as("admin")
    member = factories.user(Role.COMMITTEE, name="Zeynep Kurul")
    db.session.commit()
    profile = client.get(f"/admin/users/{member.id}/profile").get_data(as_text=True)
    assert "member of the certification committee" in profile
    data = {
        "scheme": "iso10002",
        "sector_code": "",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "evidence": "Committee induction and two observed decisions",
    }
    page = client.post(
        f"/admin/users/{member.id}/qualifications", data=data, follow_redirects=True
    ).get_data(as_text=True)
    assert "The qualification was added." in page and "Every sector" in page
    assert "Certification committee member" in page and "two observed decisions" in page
    (competence,) = db.session.scalars(select(AuditorQualification)).all()
    assert (competence.role, competence.sector_code) == ("committee_member", "")
    prefix = f"q{competence.id}"
    refused = client.post(
        f"/admin/qualifications/{competence.id}",
        data={f"{prefix}-valid_from": "2027-01-01", f"{prefix}-valid_until": "2026-12-31"},
    )
    assert "cannot end before it starts" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AuditorQualification, competence.id).valid_until.year == 2026
    client.post(
        f"/admin/qualifications/{competence.id}",
        data={f"{prefix}-valid_until": "2028-12-31", f"{prefix}-evidence": "Re-evaluated"},
    )
    db.session.expire_all()
    renewed = db.session.get(AuditorQualification, competence.id)
    assert renewed.valid_until.year == 2028 and renewed.evidence == "Re-evaluated"
    assert len(log_rows(db, "qualification_updated")) == 1


def test_sector_code_out_of_range_is_refused(client, db, login_as):
    login_as("admin")
    auditor = factories.user(Role.AUDITOR)
    db.session.commit()
    data = {"scheme": "iso10002", "sector_code": "40"}
    page = client.post(f"/admin/users/{auditor.id}/qualifications", data=data)
    assert "IAF sector codes run from 1 to 39." in page.get_data(as_text=True)
    assert db.session.scalars(select(AuditorQualification)).all() == []


def test_add_and_remove_a_conflict_of_interest(client, db, login_as):
    login_as("admin")
    member = factories.user(Role.COMMITTEE)
    organisation = factories.organisation(legal_name="Ankara Sigorta A.Ş.")
    db.session.commit()
    data = {
        "organisation_id": organisation.id,
        "kind": "consultancy",
        "started_on": "2024-01-10",
        "ended_on": "",
        "note": "Wrote their manual",
    }
    page = client.post(f"/admin/users/{member.id}/conflicts", data=data, follow_redirects=True)
    assert "Ankara Sigorta A.Ş." in page.get_data(as_text=True)
    (conflict,) = db.session.scalars(select(ConflictOfInterest)).all()
    assert log_rows(db, "conflict_added")[0].organisation_id == organisation.id
    refused = client.post(
        f"/admin/conflicts/{conflict.id}/remove", data={"reason": " "}, follow_redirects=True
    )
    assert "Give a reason for removing" in refused.get_data(as_text=True)
    assert db.session.get(ConflictOfInterest, conflict.id) is not None
    client.post(f"/admin/conflicts/{conflict.id}/remove", data={"reason": "Recorded in error"})
    assert db.session.scalars(select(ConflictOfInterest)).all() == []
    (removed,) = log_rows(db, "conflict_removed")
    assert removed.organisation_id == organisation.id and "Recorded in error" in removed.reason


def test_conflict_ending_before_it_started_is_refused(client, db, login_as):
    login_as("admin")
    auditor, organisation = factories.user(Role.AUDITOR), factories.organisation()
    db.session.commit()
    data = {
        "organisation_id": organisation.id,
        "kind": "employment",
        "started_on": "2024-05-01",
        "ended_on": "2024-04-01",
    }
    page = client.post(f"/admin/users/{auditor.id}/conflicts", data=data)
    assert "cannot end before it started" in page.get_data(as_text=True)
    assert db.session.scalars(select(ConflictOfInterest)).all() == []


def test_profile_page_lists_qualifications_and_conflicts(client, db, login_as):
    login_as("admin")
    auditor = factories.user(Role.AUDITOR)
    factories.qualification(auditor, scheme="csat-star", sector_code="31")
    factories.conflict(auditor, factories.organisation(legal_name="Kyiv Сервіс"))
    db.session.commit()
    page = client.get(f"/admin/users/{auditor.id}/profile").get_data(as_text=True)
    assert "Customer satisfaction star scheme" in page and "31" in page
    assert "Kyiv Сервіс" in page and "Consultancy" in page


def test_client_has_no_profile_page_and_a_planner_records_reviewer_competence(client, db, login_as):
    login_as("admin")
    planner, customer = factories.user(Role.PLANNER), factories.user(Role.CLIENT)
    db.session.commit()
    assert client.get(f"/admin/users/{customer.id}/profile").status_code == 404
    page = client.get(f"/admin/users/{planner.id}/profile").get_data(as_text=True)
    assert "review applications for" in page and "Application reviewer" in page


# --- settings ----------------------------------------------------------------


def settings_form(**overrides) -> dict:
    """The settings form as the page would post it, unchanged unless overridden."""
    data = {}
    fees = settings.get("application_fee"), settings.get("certificate_fee")
    for i, code in enumerate(settings.currencies()):
        data |= {
            f"currencies-{i}-code": code,
            f"currencies-{i}-day_rate": settings.get("day_rates")[code],
            f"currencies-{i}-application_fee": fees[0][code],
            f"currencies-{i}-certificate_fee": fees[1][code],
        }
    data |= {
        "quote_validity_days": "30",
        "stage1_percent": "33.3",
        "action_plan_days": "30",
        "stage1_warn_days": "90",
        "stage1_void_months": "6",
        "suspension_months": "6",
        "due_windows": "90, 30, 7",
        "certificate_number_format": "TR-10002-{year}-{seq:05d}",
        "complaint_acknowledge_days": "5",
        "complaint_answer_days": "15",
        "complaint_reply_days": "10",
        "appeal_days": "30",
        "holidays": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_page_shows_values_and_a_sample_number(client, login_as):
    login_as("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="950.00"' in page and 'value="33.3"' in page and "90, 30, 7" in page
    assert "TR-10002-" in page and "-00001" in page


def test_unchanged_settings_save_nothing(client, db, login_as):
    login_as("admin")
    page = client.post("/admin/settings", data=settings_form(), follow_redirects=True)
    assert "Nothing was changed." in page.get_data(as_text=True)
    assert log_rows(db, "settings_updated") == []


def test_settings_saved_and_logged(client, db, login_as):
    login_as("admin")
    data = settings_form(
        **{
            "currencies-0-day_rate": "1000",
            "quote_validity_days": "45",
            "stage1_percent": "40",
            "due_windows": "60, 14, 3",
            "new_code": "chf",
            "new_day_rate": "1200",
        }
    )
    page = client.post("/admin/settings", data=data, follow_redirects=True)
    assert "The settings were saved." in page.get_data(as_text=True)
    assert settings.get("quote_validity_days") == 45
    assert settings.get("due_windows") == [60, 14, 3]
    assert settings.get("stage1_share") == "2/5"
    assert settings.currencies()[0] == "CHF" and settings.day_rate("CHF") == 1200
    assert settings.fee("application_fee", "CHF") == 0
    (entry,) = log_rows(db, "settings_updated")
    logged = notes.text(entry, "en")
    assert "Days a quote stays valid: 30 → 45" in logged
    assert "Stage 1 share of the initial audit time, in percent: 33.3 → 40" in logged


BAD_INPUT = [
    ({"currencies-0-day_rate": "0"}, "must be more than zero"),
    ({"currencies-0-day_rate": "abc"}, "Not a valid decimal value"),
    ({"currencies-1-application_fee": "-5"}, "cannot be negative"),
    ({"new_code": "EURO", "new_day_rate": "10"}, "A currency code has three letters"),
    ({"new_code": "E1X", "new_day_rate": "10"}, "three capital letters"),
    ({"new_code": "CHF"}, "Enter the day rate of the new currency."),
    ({"new_code": "EUR", "new_day_rate": "10"}, "already in the table"),
    ({"quote_validity_days": "400"}, "from 1 to 365"),
    ({"quote_validity_days": "ten"}, "Not a valid integer value"),
    ({"stage1_percent": "75"}, "from 10% to 60%"),
    ({"suspension_months": "13"}, "from 1 to 12"),
    ({"due_windows": "7, 30, 90"}, "largest first"),
    ({"due_windows": "ninety"}, "whole numbers of days"),
    ({"certificate_number_format": "TR-{year}"}, "must contain {seq}"),
    ({"certificate_number_format": "TR-{city}-{seq}"}, "only the placeholders"),
]


@pytest.mark.parametrize("override, message", BAD_INPUT)
def test_bad_settings_input_is_refused_and_nothing_saved(client, db, login_as, override, message):
    login_as("admin")
    data = settings_form(
        quote_validity_days=override.get("quote_validity_days", "45"),
        **{k: v for k, v in override.items() if k != "quote_validity_days"},
    )
    page = client.post("/admin/settings", data=data).get_data(as_text=True)
    assert message in page
    assert settings.get("quote_validity_days") == 30
    assert settings.day_rate("EUR") == 950
    assert log_rows(db, "settings_updated") == []


def test_currency_in_use_cannot_be_removed_but_an_unused_one_can(client, db, login_as):
    login_as("admin")
    factories.organisation(currency="EUR")
    db.session.commit()
    index = {code: i for i, code in enumerate(settings.currencies())}
    data = settings_form(**{f"currencies-{index['EUR']}-remove": "y"})
    page = client.post("/admin/settings", data=data).get_data(as_text=True)
    assert "EUR cannot be removed: organisations are billed in it." in page
    assert "EUR" in settings.currencies()
    client.post("/admin/settings", data=settings_form(**{f"currencies-{index['USD']}-remove": "y"}))
    assert "USD" not in settings.currencies()


def _png(colour=(30, 60, 90)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_signatory_logo_and_signature_appear_on_certificates_issued_after(
    client, db, login_as, monkeypatch, app
):
    import io

    from pypdf import PdfReader

    from certification.certificates.issued import issue_pdf
    from certification.signing import SIGNER
    from tests.services.test_certificates import grant

    monkeypatch.setitem(app.extensions, SIGNER, None)
    login_as("admin")
    data = settings_form(
        certificate_signatory_name="Ayşe Yılmaz", certificate_signatory_role="Certification Manager"
    )
    assert "The settings were saved." in client.post(
        "/admin/settings", data=data, follow_redirects=True
    ).get_data(as_text=True)
    page = client.post(
        "/admin/settings/letterhead",
        data={
            "body_logo": (io.BytesIO(_png()), "logo.png"),
            "signature_image": (io.BytesIO(_png((0, 0, 0))), "signature.png"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The images were saved." in page and "Stored now: a new upload replaces it." in page
    assert settings.get("body_logo")["type"] == "image/png"
    pdf = issue_pdf(grant()).pdf
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    text = " ".join(first.extract_text().split())
    assert "Ayşe Yılmaz" in text and "Certification Manager" in text
    assert len(first.images) == 2  # the logo and the signature


def test_a_letterhead_image_that_is_not_an_image_is_refused_and_nothing_changes(
    client, db, login_as
):
    import io

    login_as("admin")
    response = client.post(
        "/admin/settings/letterhead",
        data={
            "body_logo": (io.BytesIO(_png()), "logo.png"),
            "signature_image": (io.BytesIO(b"%PDF-1.4 not an image"), "signature.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert settings.get("body_logo") is None and settings.get("signature_image") is None
    assert log_rows(db, "settings_updated") == []


def test_complaint_time_limits_and_holidays_are_settings(client, db, login_as):
    login_as("admin")
    page = client.post(
        "/admin/settings",
        data=settings_form(
            complaint_answer_days="20", holidays="2026-10-29\n2026-04-23, 2026-04-23"
        ),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nothing was changed." not in page
    assert settings.get("complaint_answer_days") == 20
    assert settings.get("holidays") == ["2026-04-23", "2026-10-29"]  # sorted, no repeats
    bad = client.post("/admin/settings", data=settings_form(holidays="2026-02-30"))
    assert "2026-02-30 is not a day" in bad.get_data(as_text=True)
    assert settings.get("holidays") == ["2026-04-23", "2026-10-29"]


def test_the_users_list_sorts_by_email_and_role_over_pages(app, client, db, login_as):
    from tests.paging import link

    login_as("admin", email="zz-admin@example.test")
    for n in range(app.config["PAGE_SIZE"] + 5):
        role = "auditor" if n % 2 else "planner"
        factories.user(role, name=f"Person {n:02d}", email=f"p{44 - n:02d}@example.test")
    db.session.commit()

    def emails(url: str) -> list[str]:
        page = client.get(url).get_data(as_text=True)
        found = re.findall(r"<td>(p\d\d@example\.test)</td>", page)
        while 'rel="next"' in page:
            page = client.get(link(page, "next")).get_data(as_text=True)
            found += re.findall(r"<td>(p\d\d@example\.test)</td>", page)
        return found

    ascending = emails("/admin/users?sort=email")
    assert ascending == sorted(ascending) and len(ascending) == app.config["PAGE_SIZE"] + 5
    assert emails("/admin/users?sort=-email") == list(reversed(ascending))
    page = client.get("/admin/users?sort=role").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=-role" in page
    rows = page.split("<tbody>")[1]
    assert rows.index("<td>Auditor</td>") < rows.index("<td>Planner</td>")


# -- the letterhead images: previews, removal, bad uploads --------------------------------------


def _upload_images(client, **files):
    import io

    data = {key: (io.BytesIO(content), name) for key, (name, content) in files.items()}
    return client.post("/admin/settings/letterhead", data=data, content_type="multipart/form-data")


def test_the_stored_logo_is_previewed_and_can_be_removed(client, db, login_as):
    login_as("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "/admin/settings/letterhead/body_logo" not in page and "None yet." in page
    assert 'data-preview="preview-body_logo"' in page  # the chosen file shows before upload
    logo = _png()
    assert _upload_images(client, body_logo=("logo.png", logo)).status_code == 302
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'src="/admin/settings/letterhead/body_logo"' in page
    assert "/admin/settings/letterhead/signature_image" not in page
    shown = client.get("/admin/settings/letterhead/body_logo")
    assert shown.status_code == 200 and shown.mimetype == "image/png" and shown.data == logo
    removed = client.post(
        "/admin/settings/letterhead", data={"remove_body_logo": "y"}, follow_redirects=True
    ).get_data(as_text=True)
    assert (
        "The images were saved." in removed
        and "/admin/settings/letterhead/body_logo" not in removed
    )
    assert settings.get("body_logo") is None
    assert client.get("/admin/settings/letterhead/body_logo").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.docx", b"PK\x03\x04 not an image", "“logo.docx” is not a PNG or JPEG image."),
        ("logo.pdf", b"%PDF-1.4 not an image", "“logo.pdf” is not a PNG or JPEG image."),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "cannot be read as an image"),
        ("logo.png", "big", "“logo.png” is larger than 1 KiB"),
    ],
)
def test_a_bad_letterhead_image_gets_a_clear_message_and_changes_nothing(
    client, db, login_as, monkeypatch, name, content, message
):
    from certification.admin import letterhead

    # The 2 MiB limit, made small: a body over 500 KB makes the test client spool it to a
    # temporary file it never closes (a ResourceWarning that fails a later test).
    monkeypatch.setattr(letterhead, "LETTERHEAD_MAX_BYTES", 1024)
    login_as("admin")
    assert _upload_images(client, signature_image=("signature.png", _png())).status_code == 302
    kept = settings.get("signature_image")
    if content == "big":  # a real PNG over the limit a letterhead image may have
        content = _png() + b"\x00" * 2048
    response = _upload_images(
        client, body_logo=(name, content), signature_image=("new.png", _png((0, 0, 0)))
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert settings.get("body_logo") is None and settings.get("signature_image") == kept
