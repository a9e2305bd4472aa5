"""Administration services: users, own account, auditor profiles, the body's settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from certification.accounts.models import AuditorQualification, ConflictOfInterest, Role, User
from certification.activity import notes
from certification.activity.models import ActivityLog
from certification.admin import profiles, services
from certification.admin import settings_services as rules
from certification.admin.profiles import CompetenceDetails
from certification.admin.services import AdminError, UserDetails
from certification.settings import services as settings
from tests import factories

NEW_PASSWORD = "a long new password"


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated, and the locale is chosen per request."""
    with app.test_request_context():
        yield


def details(role=Role.PLANNER, organisation=None, **kw) -> UserDetails:
    return UserDetails(
        name=kw.pop("name", "Ayşe Yılmaz"),
        email=kw.pop("email", "ayse@example.test"),
        role=Role(role),
        organisation=organisation,
        **kw,
    )


def log_rows(db, action: str) -> list[ActivityLog]:
    return db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)).all()


def said(entry: ActivityLog, locale: str = "en") -> str:
    """What the timeline shows for a log row, in the reader's language."""
    with force_locale(locale):
        return notes.worded(entry.params, entry.reason)


def user_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


# --- users -----------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_create_user_for_each_role(db, role):
    """Staff may be given an initial password; client users always set their own."""
    admin = factories.user(Role.ADMIN)
    organisation = factories.organisation() if role == Role.CLIENT else None
    password = "" if role == Role.CLIENT else NEW_PASSWORD
    user = services.create_user(
        admin, details(role, organisation, email="New.Person@Example.TEST"), password
    )
    assert user.role == role.value
    assert user.email == "new.person@example.test"
    assert user.check_password(NEW_PASSWORD) == (role != Role.CLIENT)
    assert user.has_password == (role != Role.CLIENT)
    (entry,) = log_rows(db, "user_created")
    assert entry.actor_id == admin.id and entry.subject_id == user.id
    assert NEW_PASSWORD not in said(entry)
    assert "new.person@example.test" in said(entry)


def test_client_without_organisation_is_refused(db):
    before = user_count(db)
    with pytest.raises(AdminError, match="must belong to an organisation") as refused:
        services.create_user(None, details(Role.CLIENT, None), NEW_PASSWORD)
    assert refused.value.field == "organisation_id"
    assert user_count(db) == before


def test_staff_with_organisation_is_refused(db):
    with pytest.raises(AdminError, match="Staff users do not belong") as refused:
        services.create_user(None, details(Role.AUDITOR, factories.organisation()), NEW_PASSWORD)
    assert refused.value.field == "organisation_id"


def test_duplicate_email_is_refused_whatever_its_case(db):
    factories.user(Role.PLANNER, email="someone@example.test")
    with pytest.raises(AdminError, match="already has the email") as refused:
        services.create_user(None, details(email=" SomeOne@Example.Test "), NEW_PASSWORD)
    assert refused.value.field == "email"


def test_short_password_is_refused(db):
    with pytest.raises(AdminError, match="at least 10 characters"):
        services.create_user(None, details(), "short")


def test_update_user_logs_what_changed_but_never_the_password(db):
    admin = factories.user(Role.ADMIN)
    person = factories.user(Role.PLANNER, name="Old Name", email="p@example.test")
    changes = services.update_user(
        admin,
        person,
        details(Role.AUDITOR, name="New Name", email="p@example.test", locale="tr"),
        new_password=NEW_PASSWORD,
    )
    assert person.role == "auditor" and person.locale == "tr"
    assert person.check_password(NEW_PASSWORD)
    (entry,) = log_rows(db, "user_updated")
    logged = notes.text(entry, "en")
    assert "Role: Planner → Auditor" in logged
    assert "Name: “Old Name” → “New Name”" in logged and "Language: English → Turkish" in logged
    assert "Password reset by an administrator." in logged
    assert NEW_PASSWORD not in logged and NEW_PASSWORD not in str(entry.params)
    assert "Email" not in logged and len(changes) == 4


def test_last_active_admin_cannot_be_deactivated_or_demoted(db):
    admin = factories.user(Role.ADMIN, email="admin@example.test")
    keep = details(Role.ADMIN, name=admin.name, email=admin.email)
    for change in ({"active": False}, {"role": Role.PLANNER}):
        attempt = details(**{**vars(keep), **change})
        with pytest.raises(AdminError, match="last active administrator"):
            services.update_user(admin, admin, attempt)
    assert admin.active and admin.role == "admin"


def test_an_admin_may_step_down_when_another_is_active(db):
    admin = factories.user(Role.ADMIN, email="admin@example.test")
    factories.user(Role.ADMIN)
    services.update_user(admin, admin, details(Role.PLANNER, email="admin@example.test"))
    assert admin.role == "planner"


def test_own_account_password_needs_the_current_one(db):
    person = factories.user(Role.AUDITOR)
    with pytest.raises(AdminError, match="current password is not right"):
        services.update_own_account(person, "en", "wrong password", NEW_PASSWORD)
    assert person.check_password(factories.PASSWORD)
    assert services.update_own_account(person, "tr", factories.PASSWORD, NEW_PASSWORD)
    assert person.check_password(NEW_PASSWORD) and person.locale == "tr"
    assert log_rows(db, "password_changed")[0].actor_id == person.id


# --- profiles --------------------------------------------------------------


def test_qualification_added_and_removed_with_log(db):
    admin, auditor = factories.user(Role.ADMIN), factories.user(Role.AUDITOR)
    q = profiles.add_qualification(
        admin, auditor, CompetenceDetails("ts-iso10002", 29, date(2027, 6, 30))
    )
    assert (q.role, q.scheme, q.sector_code) == ("auditor", "ts-iso10002", "29")
    added = log_rows(db, "qualification_added")[0]
    assert "IAF sector 29" in said(added)
    # Recorded as data: a Turkish reader reads it in Turkish, whoever wrote it.
    assert "IAF sektörü 29" in said(added, "tr") and "IAF sector" not in said(added, "tr")
    with pytest.raises(AdminError, match="already on the profile"):
        profiles.add_qualification(admin, auditor, CompetenceDetails("ts-iso10002", 29))
    profiles.remove_qualification(admin, q)
    assert db.session.scalars(select(AuditorQualification)).all() == []
    assert log_rows(db, "qualification_removed")[0].subject_id == q.id


@pytest.mark.parametrize(
    "scheme, sector, message",
    [("iso9001", 29, "Choose one of the schemes"), ("iso10002", 40, "1 to 39")],
)
def test_bad_qualification_is_refused(db, scheme, sector, message):
    with pytest.raises(AdminError, match=message):
        profiles.add_qualification(
            None, factories.user(Role.AUDITOR), CompetenceDetails(scheme, sector)
        )


def test_client_and_admin_have_no_profile(db):
    for role in (Role.CLIENT, Role.ADMIN):
        with pytest.raises(AdminError, match="Only auditors, committee members and planners"):
            profiles.add_qualification(
                None, factories.user(role), CompetenceDetails("iso10002", 29)
            )
    assert db.session.scalars(select(AuditorQualification)).all() == []


def test_a_planner_holds_an_application_reviewers_competence(db):
    """17021-1 7.1.2, 9.1.2: the people who review applications have a competence record."""
    admin, planner = factories.user(Role.ADMIN), factories.user(Role.PLANNER)
    q = profiles.add_qualification(admin, planner, CompetenceDetails("iso10002", None))
    assert (q.role, q.sector_code) == ("reviewer", "")


def test_an_auditor_may_hold_a_technical_experts_competence_per_sector(db):
    admin, auditor = factories.user(Role.ADMIN), factories.user(Role.AUDITOR)
    with pytest.raises(AdminError, match="technical expert is qualified per IAF sector"):
        profiles.add_qualification(
            admin, auditor, CompetenceDetails("iso10002", None, role="technical_expert")
        )
    with pytest.raises(AdminError, match="not a competence this person's account can hold"):
        profiles.add_qualification(
            admin, auditor, CompetenceDetails("iso10002", 29, role="committee_member")
        )
    assert db.session.scalars(select(AuditorQualification)).all() == []
    q = profiles.add_qualification(
        admin, auditor, CompetenceDetails("iso10002", 31, role="technical_expert")
    )
    assert (q.role, q.sector_code) == ("technical_expert", "31")


def test_a_committee_members_competence_covers_a_scheme_with_its_evidence(db):
    admin, member = factories.user(Role.ADMIN), factories.user(Role.COMMITTEE)
    details = CompetenceDetails(
        "iso10002", None, date(2028, 1, 31), date(2026, 2, 1), "Committee training, Jan 2026"
    )
    q = profiles.add_qualification(admin, member, details)
    assert (q.role, q.sector_code, q.valid_from) == ("committee_member", "", date(2026, 2, 1))
    reason = said(log_rows(db, "qualification_added")[0])
    assert "every sector" in reason and "Committee training" in reason
    # Renewed: a new end date and evidence, logged with what it was before.
    renewed = CompetenceDetails(
        "iso10002", None, date(2030, 1, 31), date(2026, 2, 1), "Re-evaluated"
    )
    profiles.update_qualification(admin, q, renewed)
    assert q.valid_until == date(2030, 1, 31) and q.evidence == "Re-evaluated"
    updated = said(log_rows(db, "qualification_updated")[0])
    assert "Jan 31, 2028" in updated and "Jan 31, 2030" in updated and "Re-evaluated" in updated


@pytest.mark.parametrize(
    ("role", "details", "message"),
    [
        (Role.AUDITOR, CompetenceDetails("iso10002", None), "per IAF sector"),
        (
            Role.COMMITTEE,
            CompetenceDetails("iso10002", None, date(2026, 1, 1), date(2026, 2, 1)),
            "cannot end before it starts",
        ),
        (Role.COMMITTEE, CompetenceDetails("iso10002", None, evidence="x" * 2001), "evidence"),
    ],
)
def test_a_bad_competence_record_is_refused_and_nothing_is_kept(db, role, details, message):
    person = factories.user(role)
    with pytest.raises(AdminError, match=message):
        profiles.add_qualification(None, person, details)
    assert db.session.scalars(select(AuditorQualification)).all() == []
    assert log_rows(db, "qualification_added") == []


def test_a_bad_renewal_changes_nothing(db):
    member = factories.user(Role.COMMITTEE)
    q = profiles.add_qualification(
        None, member, CompetenceDetails("iso10002", None, date(2028, 1, 1))
    )
    with pytest.raises(AdminError):
        profiles.update_qualification(
            None, q, CompetenceDetails("iso10002", None, date(2027, 1, 1), date(2027, 6, 1))
        )
    assert q.valid_until == date(2028, 1, 1) and q.valid_from is None
    assert log_rows(db, "qualification_updated") == []


def test_conflict_added_and_removed_on_the_organisations_timeline(db):
    admin, member = factories.user(Role.ADMIN), factories.user(Role.COMMITTEE)
    organisation = factories.organisation()
    conflict = profiles.add_conflict(
        admin, member, organisation, "consultancy", date(2024, 1, 1), None, "Wrote their manual"
    )
    (added,) = log_rows(db, "conflict_added")
    assert added.organisation_id == organisation.id and "ongoing" in said(added)
    assert "Wrote their manual" in said(added)
    with pytest.raises(AdminError, match="reason"):
        profiles.remove_conflict(admin, conflict, "   ")
    profiles.remove_conflict(admin, conflict, "Entered for the wrong person")
    (removed,) = log_rows(db, "conflict_removed")
    assert removed.organisation_id == organisation.id
    assert "Entered for the wrong person" in said(removed)
    assert db.session.scalars(select(ConflictOfInterest)).all() == []


def test_conflict_cannot_end_before_it_started(db):
    with pytest.raises(AdminError, match="cannot end before it started"):
        profiles.add_conflict(
            None,
            factories.user(Role.AUDITOR),
            factories.organisation(),
            "employment",
            date(2024, 5, 1),
            date(2024, 4, 30),
        )


# --- settings --------------------------------------------------------------


def test_settings_saved_and_logged_with_old_and_new_values(db):
    admin = factories.user(Role.ADMIN)
    rates = {**settings.get("day_rates"), "EUR": Decimal("1000"), "CHF": Decimal("1200.5")}
    changed = rules.update_settings(
        admin, {"day_rates": rates, "quote_validity_days": 45, "stage1_share": "1/3"}
    )
    assert changed == ["day_rates", "quote_validity_days"]
    assert settings.get("day_rates")["CHF"] == "1200.50"
    assert settings.day_rate("EUR") == Decimal("1000.00")
    assert settings.get("quote_validity_days") == 45
    (entry,) = log_rows(db, "settings_updated")
    logged = notes.text(entry, "en")
    assert "Days a quote stays valid: 30 → 45" in logged
    assert "Day rate EUR: 950.00 → 1,000.00" in logged and "Day rate CHF: — → 1,200.50" in logged


BAD_SETTINGS = [
    ("day_rates", {"EUR": "0"}, "must be more than zero"),
    ("day_rates", {"EUR": "950", "eu": "10"}, "three capital letters"),
    ("day_rates", {"EUR": "9.999"}, "at most two decimals"),
    ("day_rates", {}, "at least one currency"),
    ("application_fee", {"EUR": "-1"}, "cannot be negative"),
    ("quote_validity_days", 0, "from 1 to 365"),
    ("suspension_months", 13, "from 1 to 12"),
    ("stage1_share", "7/10", "from 10% to 60%"),
    ("due_windows", [30, 90, 7], "largest first"),
    ("due_windows", [90, 30], "largest first"),
    ("certificate_number_format", "TR-{year}", "must contain {seq}"),
    ("certificate_number_format", "TR-{name}-{seq}", "only the placeholders"),
    ("certificate_number_format", "TR-{seq:zz}", "not valid"),
    ("certificate_number_format", "TR-{seq", "without its pair"),
]


@pytest.mark.parametrize("key, value, message", BAD_SETTINGS)
def test_bad_setting_refused_and_nothing_saved(db, key, value, message):
    with pytest.raises(rules.SettingsError) as refused:
        rules.update_settings(None, {"quote_validity_days": 60, key: value})
    assert message in refused.value.errors[key]
    assert settings.get("quote_validity_days") == 30  # the good value was not saved either
    assert log_rows(db, "settings_updated") == []


def test_currency_billed_to_an_organisation_cannot_be_removed(db):
    factories.organisation(currency="GBP")
    rates = {k: v for k, v in settings.get("day_rates").items() if k not in ("GBP", "USD")}
    with pytest.raises(rules.SettingsError, match="GBP cannot be removed"):
        rules.update_settings(None, {"day_rates": rates})
    assert "GBP" in settings.currencies()


def test_unused_currency_can_be_removed(db):
    rates = {k: v for k, v in settings.get("day_rates").items() if k != "USD"}
    assert rules.update_settings(None, {"day_rates": rates}) == ["day_rates"]
    assert "USD" not in settings.currencies()


@pytest.mark.parametrize(
    "percent, share", [("33.3", "1/3"), ("40", "2/5"), ("37.5", "3/8"), ("37.3", "373/1000")]
)
def test_stage1_percentage_stored_as_a_fraction_that_stage1_share_reads(db, percent, share):
    stored = rules.share_from_percent(Decimal(percent))
    assert stored == share
    rules.update_settings(None, {"stage1_share": stored})
    assert settings.stage1_share() * 100 == pytest.approx(float(Decimal(percent)), abs=0.05)


def test_certificate_number_sample():
    assert rules.certificate_number_sample("TR-10002-{year}-{seq:05d}", 2026, 7) == (
        "TR-10002-2026-00007"
    )
