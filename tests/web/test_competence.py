"""Competence record pages (17021-1 7.1, 7.2): the admin's overview and forms; each person
reads their own record; bad input is refused with a message and changes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.competence.models import PerformanceEvaluation, TrainingRecord, WitnessedAudit
from certification.competence.services import EvaluationDetails, record_evaluation
from tests import factories

TODAY = date.today()


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def body(db):
    auditor = factories.user(Role.AUDITOR, name="Mehmet Denetçi")
    factories.qualification(auditor, valid_until=TODAY + timedelta(days=30))
    member = factories.committee_member(name="Zeynep Kurul")
    planner = factories.user(Role.PLANNER, name="Ayşe Planlayıcı")
    db.session.commit()
    return auditor, member, planner


def test_the_admin_reaches_the_overview_and_filters_it(client, db, login_as, body):
    auditor, member, planner = body
    admin = login_as("admin")
    record_evaluation(admin, member, EvaluationDetails(TODAY, "satisfactory"), TODAY)
    db.session.commit()
    home = text(client.get("/home/"))
    assert 'href="/competence/"' in home  # the navigation
    assert "people due a yearly performance evaluation" in home
    page = text(client.get("/competence/"))
    assert all(p.name in page for p in body)
    expiring = text(client.get("/competence/?status=expiring"))
    assert auditor.name in expiring and member.name not in expiring
    due = text(client.get("/competence/?status=evaluation_due"))
    assert auditor.name in due and planner.name in due and member.name not in due
    deciders = text(client.get("/competence/?role=committee_member&scheme=csat-star"))
    assert member.name in deciders and auditor.name not in deciders


def test_the_admin_records_training_witnessed_audit_and_evaluation(client, db, login_as, body):
    auditor = body[0]
    login_as("admin")
    url = f"/competence/people/{auditor.id}"
    page = text(client.get(url))
    assert "Competence record of Mehmet Denetçi" in page and "Lapsing soon" in page
    training = {
        "course": "ISO 10002:2018 lead auditor",
        "provider": "IRCA",
        "completed_on": "2025-05-12",
    }
    page = text(client.post(f"{url}/training", data=training, follow_redirects=True))
    assert "The training was recorded." in page and "ISO 10002:2018 lead auditor" in page
    witnessed = {
        "witness_name": "Selin Tanık",
        "witnessed_on": "2025-09-03",
        "audit_reference": "Anadolu Perakende, stage 2",
        "outcome": "improvement_needed",
        "notes": "Sampling of branches thin",
    }
    page = text(client.post(f"{url}/witnessed", data=witnessed, follow_redirects=True))
    assert "The witnessed audit was recorded." in page and "Improvement needed" in page
    evaluation = {"evaluated_on": TODAY.isoformat(), "outcome": "satisfactory", "notes": "Good"}
    page = text(client.post(f"{url}/evaluations", data=evaluation, follow_redirects=True))
    assert "The performance evaluation was recorded." in page and "Satisfactory" in page
    (row,) = db.session.scalars(select(PerformanceEvaluation)).all()
    data = {f"e{row.id}-outcome": "improvement_needed", f"e{row.id}-notes": "Reports late"}
    page = text(client.post(f"/competence/evaluations/{row.id}", data=data, follow_redirects=True))
    assert "The performance evaluation was corrected." in page and "Reports late" in page


def test_a_second_evaluation_the_same_year_is_refused_on_the_page(client, db, login_as, body):
    auditor = body[0]
    admin = login_as("admin")
    record_evaluation(admin, auditor, EvaluationDetails(TODAY, "satisfactory"), TODAY)
    db.session.commit()
    data = {"evaluated_on": TODAY.isoformat(), "outcome": "unsatisfactory"}
    response = client.post(f"/competence/people/{auditor.id}/evaluations", data=data)
    assert response.status_code == 400
    assert "7.2.10" in text_of(response) and "is already recorded" in text_of(response)
    assert count(db, PerformanceEvaluation) == 1


@pytest.mark.parametrize(
    "path, data, message",
    [
        (
            "training",
            {"course": "", "provider": "IRCA", "completed_on": "2025-05-12"},
            "This field is required.",
        ),
        (
            "training",
            {
                "course": "C",
                "provider": "P",
                "completed_on": (TODAY + timedelta(days=2)).isoformat(),
            },
            "The date cannot be in the future.",
        ),
        (
            "witnessed",
            {
                "witness_name": "W",
                "witnessed_on": "2025-01-01",
                "audit_reference": "",
                "outcome": "satisfactory",
            },
            "This field is required.",
        ),
        (
            "evaluations",
            {"evaluated_on": (TODAY + timedelta(days=5)).isoformat(), "outcome": "satisfactory"},
            "the date is in the future",
        ),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    client, db, login_as, body, path, data, message
):
    auditor = body[0]
    login_as("admin")
    response = client.post(f"/competence/people/{auditor.id}/{path}", data=data)
    assert response.status_code == 400 and message in text_of(response)
    for model in (TrainingRecord, WitnessedAudit, PerformanceEvaluation):
        assert count(db, model) == 0


def test_a_person_reads_their_own_record_only(client, db, login_as, body):
    auditor, member, _planner = body
    login_as(auditor)
    account = text(client.get("/account"))
    assert f'href="/competence/people/{auditor.id}"' in account
    page = text(client.get(f"/competence/people/{auditor.id}"))
    assert "Competence record of Mehmet Denetçi" in page
    assert "Record a training" not in page and "Record evaluation" not in page
    assert client.get(f"/competence/people/{member.id}").status_code == 404
    assert client.get("/competence/").status_code == 403
    response = client.post(
        f"/competence/people/{auditor.id}/training",
        data={"course": "C", "provider": "P", "completed_on": "2025-01-01"},
    )
    assert response.status_code == 403 and count(db, TrainingRecord) == 0


def test_a_client_has_no_competence_record(client, db, login_as, body):
    customer = login_as("client")
    assert client.get(f"/competence/people/{customer.id}").status_code == 403
    login_as("admin")
    assert client.get(f"/competence/people/{customer.id}").status_code == 404


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_overview_and_a_record_run_the_same_statements_for_2_or_12_people(client, db, login_as):
    from tests.sql_counting import counting_queries

    admin = login_as("admin")

    def add_people(n):
        for _ in range(n):
            person = factories.user(Role.AUDITOR)
            factories.qualification(person, valid_until=TODAY + timedelta(days=10))
            record_evaluation(admin, person, EvaluationDetails(TODAY, "satisfactory"), TODAY)
        db.session.commit()

    def statements(url):
        client.get(url)  # warm the caches (settings, catalogues)
        with counting_queries(db) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    add_people(2)
    few = statements("/competence/"), statements("/home/")
    add_people(10)
    assert (statements("/competence/"), statements("/home/")) == few
