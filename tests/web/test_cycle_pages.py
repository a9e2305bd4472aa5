"""Issue #8 over HTTP: the stage 1 conclusion, another stage, the renewal personnel, and the
committee file that shows stage 1 and what stands in the way of a grant."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from certification.audits.models import Answer
from certification.certificates.models import Certificate
from certification.checklists.loader import checklist_for
from certification.extensions import db
from certification.programme.models import Audit, AuditTeamMember
from certification.programme.services import create_programme
from certification.reports.models import AuditReport
from tests import factories

TODAY = date.today()


def text(response) -> str:
    return response.get_data(as_text=True)


def stage1_under_way():
    cycle = factories.cycle(factories.quote(factories.application()))
    audit = factories.audit(
        cycle, kind="stage1", state="in_progress", start_date=TODAY, end_date=TODAY
    )
    lead = factories.user("auditor", name="Leyla Başdenetçi")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    for question in checklist_for("iso10002", "2018").questions():
        db.session.add(
            Answer(
                audit_id=audit.id,
                question_id=question.id,
                clause=question.clause,
                grade="conforming",
            )
        )
    db.session.commit()
    return audit, lead


def test_the_lead_concludes_stage1_on_the_report_page(client, login_as):
    audit, lead = stage1_under_way()
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/report"))
    assert "Conclude stage 1" in page and "Submit the report to the certification" not in page
    refused = client.post(f"/audits/{audit.id}/report/conclude", data={"readiness": "ready"})
    assert refused.status_code == 400 and "Give the reasons for the conclusion." in text(refused)
    assert audit.state == "in_progress"
    done = client.post(
        f"/audits/{audit.id}/report/conclude",
        data={"readiness": "not_ready", "summary": "The procedure is not approved yet."},
        follow_redirects=True,
    )
    assert "Stage 1 is concluded." in text(done)
    assert "Not ready for stage 2: stage 1 is to be repeated" in text(done)
    db.session.expire_all()
    assert db.session.get(Audit, audit.id).state == "closed"
    # The planner plans another stage 1 from the programme page.
    login_as("planner")
    cycle_page = text(client.get(f"/programme/cycles/{audit.cycle_id}"))
    assert "Plan another stage 1" in cycle_page
    client.post(
        f"/programme/cycles/{audit.cycle_id}/repeat/stage1",
        data={"stage1-reason": "Not ready at stage 1."},
    )
    stage1s = db.session.scalar(
        select(func.count(Audit.id)).where(Audit.cycle_id == audit.cycle_id, Audit.kind == "stage1")
    )
    assert stage1s == 2


def test_the_committee_file_shows_stage1_and_a_late_major(client, login_as):
    cycle = factories.cycle(factories.quote(factories.application()))
    stage1 = factories.concluded_stage1(cycle, date(2025, 1, 10))
    stage2 = factories.audit(
        cycle,
        kind="stage2",
        state="submitted",
        start_date=date(2025, 2, 3),
        end_date=date(2025, 2, 4),
    )
    stage2.team.append(AuditTeamMember(user_id=factories.user("auditor").id, role="lead"))
    db.session.add(
        AuditReport(
            audit_id=stage2.id,
            computed_recommendation="not_recommended",
            recommendation="not_recommended",
        )
    )
    factories.finding(stage2, "major", "plan_accepted")
    db.session.commit()
    login_as("committee")
    page = text(client.get(f"/decisions/audits/{stage2.id}"))
    assert "Stage 1" in page and "Ready for stage 2" in page and f"/audits/{stage1.id}" in page
    assert "ISO/IEC 17021-1 9.5.3.2" in page and "another stage 2 audit must be conducted" in page


def test_the_planner_records_the_personnel_declared_for_renewal(client, login_as):
    quote = factories.quote(factories.application())
    cycle = create_programme(quote, factories.user("planner"), TODAY)
    db.session.commit()
    recertification = next(a for a in cycle.audits if a.kind == "recertification")
    login_as("planner")
    page = text(client.get(f"/programme/audits/{recertification.id}"))
    assert "Not declared yet" in page
    refused = client.post(
        f"/programme/audits/{recertification.id}/personnel", data={"personnel": "0"}
    )
    assert refused.status_code == 400
    done = client.post(
        f"/programme/audits/{recertification.id}/personnel",
        data={"personnel": "300"},
        follow_redirects=True,
    )
    assert "6.5 auditor-days" in text(done)
    db.session.expire_all()
    assert db.session.get(Audit, recertification.id).declared_personnel == 300


def test_the_committee_sees_what_to_consider_for_suspension(client, login_as):
    cycle = factories.cycle(factories.quote(factories.application()))
    cycle.decision_date = TODAY - timedelta(days=400)
    surveillance = factories.audit(
        cycle,
        kind="surveillance1",
        state="scheduled",
        due_by=TODAY - timedelta(days=35),
        start_date=TODAY - timedelta(days=30),
        end_date=TODAY - timedelta(days=30),
        late_justification="Client closed for refurbishment until last month.",
    )
    db.session.add(
        Certificate(
            number="TR-10002-2025-00042",
            token="tok-suspension-list",
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            scheme="iso10002",
            edition="2018",
            scope="Complaints handling",
            issued_on=cycle.decision_date,
            original_issued_on=cycle.decision_date,
            expires_on=TODAY + timedelta(days=700),
        )
    )
    db.session.commit()
    login_as("committee")
    page = text(client.get("/decisions/"))
    section = page[page.index("To consider for suspension") :]
    assert "TR-10002-2025-00042" in section and "Surveillance 1 was due by" in section
    assert "Client closed for refurbishment" in section
    assert f"/organisations/{surveillance.organisation_id}" in section


def overdue_certificate(n: int) -> Certificate:
    cycle = factories.cycle(factories.quote(factories.application()))
    cycle.decision_date = TODAY - timedelta(days=400)
    factories.audit(
        cycle, kind="surveillance1", state="planned", due_by=TODAY - timedelta(days=10 + n)
    )
    return _certificate(cycle, n)


def _certificate(cycle, n: int) -> Certificate:
    certificate = Certificate(
        number=f"TR-10002-2025-0090{n}",
        token=f"tok-overdue-{n}",
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        scheme="iso10002",
        edition="2018",
        scope="Complaints handling",
        issued_on=cycle.decision_date,
        original_issued_on=cycle.decision_date,
        expires_on=TODAY + timedelta(days=700),
    )
    db.session.add(certificate)
    return certificate


def test_the_suspension_list_shows_the_longest_overdue_and_says_how_many_in_all(
    client, login_as, monkeypatch
):
    from certification.decisions import views

    monkeypatch.setattr(views, "FOR_SUSPENSION_SHOWN", 2)
    for n in range(3):
        overdue_certificate(n)
    db.session.commit()
    login_as("committee")
    section = text(client.get("/decisions/"))
    section = section[section.index("To consider for suspension") :]
    assert "TR-10002-2025-00902" in section and "TR-10002-2025-00901" in section
    assert "TR-10002-2025-00900" not in section  # the least overdue waits for the full list
    assert "Showing the longest overdue: 2 of 3." in section
    assert "/certificates/?flagged=1" in section


def test_the_schedule_form_asks_for_the_exception_after_the_due_date(client, login_as):
    cycle = factories.cycle(factories.quote(factories.application()))
    cycle.decision_date = TODAY - timedelta(days=300)
    audit = factories.audit(
        cycle, kind="surveillance1", state="planned", due_by=TODAY + timedelta(days=5)
    )
    lead = factories.user("auditor")
    factories.qualification(lead)
    db.session.commit()
    login_as("planner")
    late = (TODAY + timedelta(days=10)).isoformat()
    data = {"start": late, "end": late, "lead_id": str(lead.id), "lead_override": ""}
    refused = client.post(f"/programme/audits/{audit.id}/schedule", data=data)
    assert refused.status_code == 400 and "ISO/IEC 17021-1 9.1.3" in text(refused)
    done = client.post(
        f"/programme/audits/{audit.id}/schedule",
        data=data | {"late_reason": "Only week the client's management is available."},
        follow_redirects=True,
    )
    assert "The audit was scheduled." in text(done) and "Justified exception" in text(done)
