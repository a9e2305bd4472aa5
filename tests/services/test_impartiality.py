"""Impartiality records: the risk register, the committee's yearly review with its minutes, the
yearly declarations; refusals change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from certification.extensions import db as _db
from certification.impartiality import services
from tests import factories
from tests.web.test_access_matrix import PDF, snapshot

TODAY = date(2026, 6, 1)
RISK = {
    "threat": "self_interest",
    "source_kind": "client",
    "description": "The client brings 30% of the body's revenue.",
    "action_taken": "Its decisions go to a second committee member.",
    "review_on": date(2026, 12, 1),
    "level": "high",
}


def test_a_risk_is_recorded_reviewed_and_closed(db):
    admin, org = factories.user("admin"), factories.organisation()
    risk = services.save_risk(admin, {**RISK, "organisation_id": org.id, "person_id": 9}, TODAY)
    assert (risk.organisation_id, risk.person_id, risk.level) == (org.id, None, "high")
    later = date(2026, 12, 1)
    services.save_risk(
        admin,
        {**RISK, "organisation_id": org.id, "review_on": date(2027, 6, 1), "reviewed": True},
        later,
        risk,
    )
    assert risk.last_reviewed_on == later and risk.review_on == date(2027, 6, 1)
    services.save_risk(
        admin,
        {**RISK, "organisation_id": org.id, "review_on": date(2027, 6, 1), "closed": True},
        later,
        risk,
    )
    assert risk.closed_on == later


def test_a_risk_without_an_action_or_by_a_non_admin_is_refused(db):
    admin, planner, org = (
        factories.user("admin"),
        factories.user("planner"),
        factories.organisation(),
    )
    before = snapshot(_db)
    with pytest.raises(services.ImpartialityError) as refused:
        services.save_risk(admin, {**RISK, "organisation_id": org.id, "action_taken": ""}, TODAY)
    assert "5.2.3" in refused.value.message and refused.value.field == "action_taken"
    with pytest.raises(services.ImpartialityError):
        services.save_risk(planner, {**RISK, "organisation_id": org.id}, TODAY)
    assert snapshot(_db) == before


def test_the_committee_review_keeps_its_minutes(db, app):
    admin = factories.user("admin")
    before = snapshot(_db)
    with pytest.raises(services.ImpartialityError):
        services.record_committee_review(admin, TODAY, "A, B", "Fine.", [], TODAY)
    assert snapshot(_db) == before
    review = services.record_committee_review(
        admin, TODAY, "A, B", "Register reviewed.", [("minutes.pdf", PDF)], TODAY
    )
    assert review.minutes_name == "minutes.pdf"
    _db.session.commit()  # the file takes its place when its row commits
    assert services.uploads.stored_path(review.minutes_stored).read_bytes() == PDF
    assert services.last_committee_review().id == review.id


def test_each_person_signs_once_a_year_and_the_admin_sees_who_has_not(db):
    auditor, member, admin = (
        factories.user("auditor", name="Ayşe"),
        factories.user("committee", name="Burak"),
        factories.user("admin", name="Cem"),
    )
    factories.user("client")
    services.sign_declaration(auditor, auditor, 2026, "", TODAY)
    before = snapshot(_db)
    with pytest.raises(services.ImpartialityError) as again:
        services.sign_declaration(auditor, auditor, 2026, "", TODAY)
    assert "already signed" in again.value.message
    with pytest.raises(services.ImpartialityError):  # someone else's, by a non-admin
        services.sign_declaration(auditor, member, 2026, "", TODAY)
    with pytest.raises(services.ImpartialityError):  # not this year's
        services.sign_declaration(member, member, 2025, "", TODAY)
    assert snapshot(_db) == before
    signed, missing = services.declarations_overview(2026)
    assert [d.user.name for d in signed] == ["Ayşe"]
    assert [p.name for p in missing] == ["Burak", "Cem"]
    services.sign_declaration(admin, member, 2026, "Former employer: X Ltd.", TODAY)
    assert [p.name for p in services.declarations_overview(2026)[1]] == ["Cem"]
