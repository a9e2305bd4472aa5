"""The committee over HTTP: the queue, the file, deciding, and who is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.extensions import db
from certification.models_base import utcnow
from certification.programme.models import AuditTeamMember
from certification.reports.models import AuditReport
from tests import bulk, factories
from tests.sql_counting import counting_queries

TODAY = date.today()


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def submitted(state="submitted", org=None, recommendation="recommended", override=""):
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle,
        kind="stage2",
        state=state,
        start_date=TODAY - timedelta(days=5),
        end_date=TODAY - timedelta(days=4),
    )
    lead = factories.user("auditor", name="Lead Auditor Ünal")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.add(
        AuditReport(
            audit_id=audit.id,
            computed_recommendation="recommended",
            recommendation=recommendation,
            override_reason=override,
            submitted_by_id=lead.id,
            submitted_at=utcnow(),
        )
    )
    db.session.commit()
    factories.agreement(audit.organisation)
    db.session.commit()
    return audit


def finding(audit, grade="minor", state="plan_accepted"):
    factories.finding(audit, grade, state, statement="Phone complaints are not logged.")
    db.session.commit()


def test_queue_lists_submitted_audits_only(client, login_as):
    waiting = submitted()
    in_progress = submitted(state="in_progress")
    login_as("committee")
    page = text(client.get("/decisions/"))
    assert waiting.organisation.display_name in page
    assert in_progress.organisation.display_name not in page
    assert f"/decisions/audits/{waiting.id}" in page


def test_file_shows_recommendation_findings_and_the_form(client, login_as):
    audit = submitted(recommendation="not_recommended", override="Client refused access to 7.6.")
    finding(audit)
    login_as("committee")
    response = client.get(f"/decisions/audits/{audit.id}")
    page = text(response)
    assert response.status_code == 200
    assert "Not recommended until the major nonconformities are verified closed" in page
    assert "Client refused access to 7.6." in page
    assert "Phone complaints are not logged." in page
    assert "Plan accepted" in page
    assert "Record the decision" in page
    assert "History of the organisation" in page


def test_the_co_member_fields_are_in_view_not_folded_away(client, login_as):
    audit = submitted()
    login_as("committee")
    page = text(client.get(f"/decisions/audits/{audit.id}"))
    form = page[page.index('id="decide"') :]
    co_member = form[form.index("Another committee member decides with you") - 120 :]
    assert "<legend>Another committee member decides with you</legend>" in co_member
    assert "<details" not in form.split("Record the decision")[0]
    assert "Second committee member (optional)" in co_member and "Their reasons" in co_member


def test_a_committee_member_who_audited_is_refused_with_the_reason(client, login_as):
    audit = submitted()
    former = audit.lead
    former.role = "committee"
    db.session.commit()
    login_as(former)
    page = text(client.get(f"/decisions/audits/{audit.id}"))
    assert "was on the team of this audit" in page
    assert "Record the decision" not in page
    response = client.post(
        f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant", "reasons": "Fine."}
    )
    assert response.status_code == 403
    assert "was on the team of this audit" in text(response)
    assert count(Decision) == 0 and audit.state == "submitted"


def test_a_conflicted_member_is_refused(client, login_as):
    audit = submitted()
    member = login_as("committee")
    factories.conflict(member, audit.organisation, kind="other")
    db.session.commit()
    response = client.post(
        f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant", "reasons": "Fine."}
    )
    assert response.status_code == 403
    assert "conflict of interest" in text(response)


def test_grant_over_http(client, login_as):
    audit = submitted()
    login_as("committee")
    response = client.post(
        f"/decisions/audits/{audit.id}/decide",
        data={"outcome": "grant", "reasons": "All clauses conform.", "scope": "Retail services"},
    )
    assert response.status_code == 302
    db.session.refresh(audit)
    assert audit.state == "closed"
    decision = db.session.scalar(select(Decision))
    assert decision.outcome == "grant" and decision.certificate_id is not None
    assert db.session.get(Certificate, decision.certificate_id).scope == "Retail services"
    page = text(client.get(response.headers["Location"]))
    assert "Decision recorded" in page and "Grant certification" in page


def test_a_repeated_stage2_shows_the_refused_one_as_history_and_offers_the_grant(client, login_as):
    """domain.md, Findings: the stage 2 whose major was verified more than 6 months after its
    last day was refused and conducted again; the file of the new stage 2 shows the refused one,
    its major and the refusal, and the grant rests on the new stage 2."""
    refused = submitted(state="closed")
    cycle = refused.cycle
    refused.start_date = refused.end_date = TODAY - timedelta(days=240)
    factories.concluded_stage1(cycle, TODAY - timedelta(days=60))
    factories.finding(
        refused, "major", "closed", verified_on=TODAY - timedelta(days=40),
        statement="Phone complaints are not logged.",
    )  # fmt: skip
    db.session.add(
        Decision(
            organisation_id=cycle.organisation_id,
            cycle_id=cycle.id,
            audit_id=refused.id,
            outcome="refuse",
            decided_on=TODAY - timedelta(days=39),
            reasons="The major was verified too late: stage 2 is conducted again.",
        )
    )
    again = factories.audit(
        cycle,
        kind="stage2",
        state="submitted",
        start_date=TODAY - timedelta(days=3),
        end_date=TODAY - timedelta(days=2),
    )
    lead = factories.user("auditor")
    again.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.add(
        AuditReport(
            audit_id=again.id, computed_recommendation="recommended", recommendation="recommended"
        )
    )
    db.session.commit()
    login_as("committee")

    page = text(client.get(f"/decisions/audits/{again.id}"))
    history = page[page.index('id="replaced"') :].split("</section>")[0]
    assert "Audits conducted again" in history and f"/programme/audits/{refused.id}" in history
    assert "Refuse certification" in history
    assert "The major was verified too late: stage 2 is conducted again." in history
    assert "Major nonconformity" in history and "verified on" in history
    assert "another stage 2" not in page
    form = page[page.index('id="decide"') :]
    assert 'type="radio" value="grant"' in form and "Record the decision" in form

    response = client.post(
        f"/decisions/audits/{again.id}/decide",
        data={"outcome": "grant", "reasons": "The new stage 2 conforms.", "scope": "Retail"},
    )
    assert response.status_code == 302
    db.session.refresh(again)
    assert again.state == "closed"
    assert count(Certificate) == 1


def test_bad_input_changes_nothing(client, login_as):
    audit = submitted()
    finding(audit, "major", "answered")
    login_as("committee")
    missing = client.post(f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant"})
    assert missing.status_code == 400 and "Give the reasons" in text(missing)
    blocked = client.post(
        f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant", "reasons": "Fine."}
    )
    assert blocked.status_code == 400 and "major nonconformity" in text(blocked)
    assert count(Decision) == 0 and count(Certificate) == 0


@pytest.mark.parametrize("role", ["client", "auditor", "planner"])
def test_others_are_refused(client, login_as, role):
    audit = submitted()
    login_as(role)
    assert client.get("/decisions/").status_code == 403
    assert client.get(f"/decisions/audits/{audit.id}").status_code == 403
    response = client.post(
        f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant", "reasons": "x"}
    )
    assert response.status_code == 403
    assert count(Decision) == 0


def test_an_administrator_is_not_a_decider(client, login_as):
    """17021-1 9.5.1.2: deciding is the committee's; the admin has no queue and no link."""
    audit = submitted()
    login_as("admin")
    assert client.get("/decisions/").status_code == 403
    assert "Decisions" not in text(client.get("/"))
    refused = client.post(
        f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant", "reasons": "Fine."}
    )
    assert refused.status_code == 403 and count(Decision) == 0


def test_withdrawal_on_request_from_the_organisation_page(client, login_as):
    audit = submitted()
    login_as("committee")
    client.post(
        f"/decisions/audits/{audit.id}/decide", data={"outcome": "grant", "reasons": "Fine."}
    )
    certificate = db.session.scalar(select(Certificate))
    page = text(client.get(f"/organisations/{audit.organisation_id}"))
    assert f"/decisions/certificates/{certificate.id}" in page
    refused = client.post(f"/decisions/certificates/{certificate.id}", data={"outcome": "withdraw"})
    assert refused.status_code == 302 and certificate.state == "active"
    response = client.post(
        f"/decisions/certificates/{certificate.id}",
        data={"outcome": "withdraw", "reasons": "The client closed the business."},
        follow_redirects=True,
    )
    assert "Withdraw the certificate" in text(response)
    db.session.refresh(certificate)
    assert certificate.state == "withdrawn"


def test_the_audit_page_links_the_committee_to_the_file(client, login_as):
    audit = submitted()
    login_as("committee")
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert f"/decisions/audits/{audit.id}" in page


def statements_for(client, db, url: str) -> int:
    with counting_queries(db) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_queue_and_file_run_the_same_statements_however_many_files(client, db, login_as):
    login_as("committee")
    first = submitted()
    finding(first)
    few_queue = statements_for(client, db, "/decisions/")
    few_file = statements_for(client, db, f"/decisions/audits/{first.id}")
    for _ in range(6):
        finding(submitted(org=first.organisation))
    assert statements_for(client, db, "/decisions/") == few_queue
    assert statements_for(client, db, f"/decisions/audits/{first.id}") == few_file


def test_the_list_for_suspension_runs_the_same_statements_however_many_are_overdue(
    client, db, login_as
):
    """17021-1 9.6.2: the overdue audits of active certificates, the longest overdue first; the
    certificates of their cycles by a subquery (lifecycle.overdue_audits), never N+1."""
    login_as("committee")
    quote = factories.quote()
    bulk.overdue_cycles(quote, 2, TODAY)
    few = statements_for(client, db, "/decisions/")
    bulk.overdue_cycles(quote, 40, TODAY)
    assert statements_for(client, db, "/decisions/") == few
    page = " ".join(text(client.get("/decisions/")).split())
    assert "Showing the longest overdue: 25 of 42." in page
    assert page.count("Surveillance 1 was due by") == 25
