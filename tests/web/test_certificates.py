"""Certificate pages: the staff register, lifecycle actions, the PDF, the portal and access."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from certification.activity.services import record
from certification.certificates.models import Certificate
from certification.certificates.queries import HISTORY_PAGE
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.paging import link
from tests.services.test_certificates import grant, programme


def issued(org=None, **kw) -> Certificate:
    quote = factories.quote(factories.application(org)) if org else None
    cycle = factories.cycle(quote) if quote else factories.cycle()
    certificate = grant(cycle, decided_on=kw.pop("decided_on", date.today()), **kw)
    _db.session.commit()
    return certificate


def test_staff_register_searches_and_filters(client, login_as):
    login_as("committee")
    first = issued(factories.organisation(legal_name="İzmir Liman Hizmetleri A.Ş."))
    second = issued()
    page = client.get("/certificates/").get_data(as_text=True)
    assert first.number in page and second.number in page
    page = client.get("/certificates/?q=izmir").get_data(as_text=True)
    assert first.number in page and second.number not in page
    page = client.get(f"/certificates/?q={second.number}").get_data(as_text=True)
    assert second.number in page and first.number not in page
    page = client.get("/certificates/?state=suspended").get_data(as_text=True)
    assert "No certificates match" in page


def test_the_staff_list_pages_by_key_to_the_last_certificate(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login_as("planner")
    made = [issued(decided_on=date.today() - timedelta(days=n)) for n in range(5)]
    first = client.get("/certificates/").get_data(as_text=True)
    assert made[0].number in first and made[2].number not in first
    last = client.get(link(first, "last")).get_data(as_text=True)
    assert made[4].number in last and made[2].number not in last and 'rel="next"' not in last
    middle = client.get(link(last, "prev")).get_data(as_text=True)
    assert made[2].number in middle and made[4].number not in middle


def test_a_long_history_shows_the_recent_changes_and_pages_to_older_ones(client, login_as):
    planner = login_as("planner")
    certificate = issued()
    for n in range(HISTORY_PAGE + 3):
        entry = record(planner, certificate, "made_public", reason=f"Request number {n:02d}")
        entry.at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)
    _db.session.commit()
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    newest, oldest = f"Request number {HISTORY_PAGE + 2:02d}", "Request number 00"
    assert newest in page and oldest not in page
    older = client.get(link(page, "next")).get_data(as_text=True)
    assert oldest in older and newest not in older


@pytest.mark.parametrize("role", ["client"])
def test_the_register_is_for_staff_only(client, login_as, role):
    login_as(role)
    assert client.get("/certificates/").status_code == 403


def decide(client, certificate, **data):
    """The committee's decision from the certificate's page (decisions.certificate_decision)."""
    return client.post(
        f"/decisions/certificates/{certificate.id}",
        data={"back": "certificate", **data},
        follow_redirects=True,
    )


def decided(certificate) -> list[tuple[str, str]]:
    """The decisions on the certificate after its grant: (outcome, reasons)."""
    rows = _db.session.scalars(
        select(Decision)
        .where(Decision.certificate_id == certificate.id, Decision.outcome != "grant")
        .order_by(Decision.id)
    )
    return [(d.outcome, d.reasons) for d in rows]


def test_the_committee_suspends_with_reasons_and_limit_then_restores_as_decisions(client, login_as):
    """17021-1 9.6.5: suspension and its lifting are the committee's decisions, with reasons."""
    member = login_as("committee")
    certificate = issued()
    url = f"/certificates/{certificate.id}"
    page = client.get(url).get_data(as_text=True)
    assert f"/decisions/certificates/{certificate.id}" in page
    assert "Suspend the certificate" in page and "Restore the certificate" not in page
    limit = date.today() + timedelta(days=60)
    response = decide(
        client,
        certificate,
        outcome="suspend",
        reasons="The client asked for a pause.",
        limit=limit.isoformat(),
    )
    assert "Decision recorded: Suspend the certificate." in response.get_data(as_text=True)
    assert response.request.path == url  # back on the certificate's page
    _db.session.refresh(certificate)
    assert certificate.state == "suspended" and certificate.suspended_until == limit
    page = client.get(url).get_data(as_text=True)
    assert "The client asked for a pause." in page and "Restore the certificate" in page
    decide(client, certificate, outcome="restore", reasons="The client resumed operations.")
    _db.session.refresh(certificate)
    assert certificate.state == "active"
    assert decided(certificate) == [
        ("suspend", "The client asked for a pause."),
        ("restore", "The client resumed operations."),
    ]
    deciders = _db.session.scalars(
        select(Decision.decided_by_id).where(Decision.outcome.in_(("suspend", "restore")))
    )
    assert set(deciders) == {member.id}


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_are_refused_a_status_change_and_told_the_committee_decides(
    client, login_as, role
):
    login_as(role)
    certificate = issued()
    url = f"/certificates/{certificate.id}"
    page = client.get(url).get_data(as_text=True)
    assert "decisions of the certification committee" in page
    assert f"/decisions/certificates/{certificate.id}" not in page
    assert "Make it confidential" in page  # public visibility stays theirs
    for action in ("suspend", "withdraw"):
        refused = client.post(f"{url}/{action}", data={"reason": "Missed surveillance"})
        assert refused.status_code == 403
        assert "ISO/IEC 17021-1 9.6.5" in refused.get_data(as_text=True)
    direct = client.post(
        f"/decisions/certificates/{certificate.id}", data={"outcome": "withdraw", "reasons": "x"}
    )
    assert direct.status_code == 403
    _db.session.refresh(certificate)
    assert certificate.state == "active" and decided(certificate) == []


def test_bad_input_changes_nothing(client, login_as):
    login_as("committee")
    certificate = issued()
    response = decide(client, certificate, outcome="suspend", reasons="")
    assert "Give the reasons for the decision." in response.get_data(as_text=True)
    too_late = (date.today() + timedelta(days=400)).isoformat()
    response = decide(client, certificate, outcome="suspend", reasons="x", limit=too_late)
    assert "at the latest" in response.get_data(as_text=True)
    response = decide(client, certificate, outcome="restore", reasons="x")
    assert "ISO/IEC 17021-1 9.6.5" in response.get_data(as_text=True)  # not suspended
    _db.session.refresh(certificate)
    assert certificate.state == "active" and decided(certificate) == []


def test_the_committee_withdraws(client, login_as):
    login_as("committee")
    certificate = issued()
    response = decide(client, certificate, outcome="withdraw", reasons="Client's request")
    assert response.request.path == f"/certificates/{certificate.id}"
    _db.session.refresh(certificate)
    assert certificate.state == "withdrawn"
    assert decided(certificate) == [("withdraw", "Client's request")]


def test_a_member_with_a_conflict_is_refused_with_the_rule_and_changes_nothing(client, login_as):
    """17021-1 5.2: a committee member with a conflict of interest does not decide."""
    certificate = issued()
    member = login_as("committee", name="Conflicted Member")
    factories.conflict(member, certificate.organisation, kind="family")
    _db.session.commit()
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "ISO/IEC 17021-1 5.2: Conflicted Member has a recorded conflict" in page
    assert f"/decisions/certificates/{certificate.id}" not in page
    response = decide(client, certificate, outcome="withdraw", reasons="Asked.")
    assert "ISO/IEC 17021-1 5.2" in response.get_data(as_text=True)
    _db.session.refresh(certificate)
    assert certificate.state == "active" and decided(certificate) == []


def test_a_member_who_audited_the_cycle_does_not_decide_on_its_certificate(client, login_as):
    """17021-1 9.5.1.2: nobody who took part in an audit of the cycle decides on it."""
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audits = programme(cycle)
    certificate = grant(cycle, decided_on=date.today() - timedelta(days=30))
    member = login_as("committee", name="Former Auditor")
    audits["stage2"].team.append(AuditTeamMember(user_id=member.id, role="lead"))
    _db.session.commit()
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "ISO/IEC 17021-1 9.5.1.2: Former Auditor was on the team" in page
    assert "Record the decision" not in page
    response = decide(client, certificate, outcome="suspend", reasons="Asked.")
    assert "ISO/IEC 17021-1 9.5.1.2" in response.get_data(as_text=True)
    _db.session.refresh(certificate)
    assert certificate.state == "active" and decided(certificate) == []


def test_a_member_without_competence_for_the_scheme_is_refused(client, login_as):
    """17021-1 7.2: a decider holds a recorded competence for the scheme."""
    certificate = issued()
    login_as(factories.user("committee", name="Untrained Member"))
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "ISO/IEC 17021-1 7.2: Untrained Member has no recorded competence" in page
    assert "Record the decision" not in page
    response = decide(client, certificate, outcome="suspend", reasons="Asked.")
    assert "ISO/IEC 17021-1 7.2" in response.get_data(as_text=True)
    _db.session.refresh(certificate)
    assert certificate.state == "active" and decided(certificate) == []


def test_a_suspension_for_a_missed_surveillance_is_not_lifted_without_that_audit(client, login_as):
    """17021-1 9.6.5: while surveillance 1 is past due and not held and decided, the committee
    lifts the suspension on that audit's file, not on the certificate alone."""
    login_as("committee")
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audits = programme(cycle)
    certificate = grant(cycle, decided_on=date.today() - timedelta(days=400))
    audits["surveillance1"].due_by = date.today() - timedelta(days=30)
    _db.session.commit()
    decide(client, certificate, outcome="suspend", reasons="Surveillance 1 not held.")
    response = decide(client, certificate, outcome="restore", reasons="Dates agreed.")
    assert "has not been held and decided" in response.get_data(as_text=True)
    _db.session.refresh(certificate)
    assert certificate.state == "suspended"
    assert [outcome for outcome, _r in decided(certificate)] == ["suspend"]


def test_restoration_is_not_offered_while_a_missed_surveillance_waits(client, login_as):
    """17021-1 9.6.2, 9.6.5: the certificate page and the organisation's panel leave restoration
    out while surveillance 1 is past due and not held and decided, and say why; withdrawal stays
    offered."""
    login_as("committee")
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audits = programme(cycle)
    certificate = grant(cycle, decided_on=date.today() - timedelta(days=400))
    due = date.today() - timedelta(days=30)
    audits["surveillance1"].due_by = due
    _db.session.commit()
    decide(client, certificate, outcome="suspend", reasons="Surveillance 1 not held.")
    for url in (f"/certificates/{certificate.id}", f"/organisations/{org.id}"):
        page = client.get(url).get_data(as_text=True)
        assert 'value="restore"' not in page and 'value="withdraw"' in page
        assert "Surveillance 1 was due by" in page and "has not been held and decided" in page


def test_a_confidential_certificate_shows_only_number_and_status_in_public(client, login_as):
    login_as("planner")
    certificate = issued()
    name = certificate.organisation.legal_name
    refused = client.post(f"/certificates/{certificate.id}/confidentiality", data={"reason": ""})
    assert refused.status_code == 400
    _db.session.refresh(certificate)
    assert certificate.confidential is False

    client.post(f"/certificates/{certificate.id}/confidentiality", data={"reason": "Asked by mail"})
    _db.session.refresh(certificate)
    assert certificate.confidential is True
    assert "Make it public" in client.get(f"/certificates/{certificate.id}").get_data(as_text=True)

    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
    assert certificate.number in public and name not in public
    answer = client.get(f"/api/v1/certificates/{certificate.number}").get_json()
    assert answer["status"] == "active" and answer["organisation"] is None


@pytest.mark.parametrize("role", ["auditor", "client"])
def test_auditors_and_clients_change_nothing(client, login_as, role):
    certificate = issued()
    user = (
        factories.user("client", organisation_id=certificate.organisation_id)
        if role == "client"
        else factories.user(role)
    )
    login_as(user)
    response = client.post(f"/certificates/{certificate.id}/withdraw", data={"reason": "x"})
    assert response.status_code == 403
    decision = client.post(
        f"/decisions/certificates/{certificate.id}", data={"outcome": "withdraw", "reasons": "x"}
    )
    assert decision.status_code == 403
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "Record the decision" not in page and "Make it confidential" not in page
    _db.session.refresh(certificate)
    assert certificate.state == "active"


def test_the_committee_does_not_change_the_public_visibility(client, login_as):
    login_as("committee")
    certificate = issued()
    refused = client.post(
        f"/certificates/{certificate.id}/confidentiality", data={"reason": "Asked by mail"}
    )
    assert refused.status_code == 403
    assert "Make it confidential" not in client.get(f"/certificates/{certificate.id}").get_data(
        as_text=True
    )


def test_client_downloads_its_own_certificate_pdf_with_the_verification_link(client, login_as):
    certificate = issued(factories.organisation(legal_name="Грузинская служба ООО"))
    login_as(factories.user("client", organisation_id=certificate.organisation_id))
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Грузинская служба ООО" in text and certificate.number in text
    assert f"http://localhost/verify/{certificate.token}" in text


def test_client_never_sees_another_organisations_certificate(client, login_as):
    mine, theirs = issued(), issued()
    login_as(factories.user("client", organisation_id=mine.organisation_id))
    assert client.get(f"/certificates/{mine.id}").status_code == 200
    for url in (f"/certificates/{theirs.id}", f"/certificates/{theirs.id}.pdf"):
        assert client.get(url).status_code == 404
    assert client.get("/certificates/999999").status_code == 404
    portal = client.get("/portal/").get_data(as_text=True)
    assert mine.number in portal and theirs.number not in portal


def test_anonymous_is_sent_to_login(client, db):
    certificate = issued()
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 302 and "/login" in response.location


def test_portal_shows_validity_next_surveillance_and_downloads(client, login_as):
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audits = programme(cycle)
    certificate = grant(cycle, decided_on=date(2026, 3, 15))
    stage2 = audits["stage2"]
    stage2.start_date = stage2.end_date = date(2026, 2, 10)
    stage2.state = "closed"
    quote = cycle.quote
    quote.issued_on, quote.valid_until = date(2025, 12, 1), date(2025, 12, 31)
    quote.state = "accepted"
    _db.session.commit()
    login_as(factories.user("client", organisation_id=org.id))
    page = client.get("/portal/").get_data(as_text=True)
    assert certificate.number in page
    assert f"/certificates/{certificate.id}.pdf" in page
    assert "Mar 15, 2027" in page  # surveillance 1 due by
    assert f"/audits/{stage2.id}/report.pdf" in page
    assert f"/quotes/{cycle.quote_id}.pdf" in page


def test_organisation_page_lists_certificates_for_staff(client, login_as):
    login_as("planner")
    certificate = issued()
    page = client.get(f"/organisations/{certificate.organisation_id}").get_data(as_text=True)
    assert certificate.number in page


def test_sweep_command_prints_counts_and_is_idempotent(app, db):
    certificate = issued(decided_on=date(2026, 3, 15))
    args = ["certificates", "sweep", "--today", "2029-03-15"]
    first = app.test_cli_runner().invoke(args=args, catch_exceptions=False)
    assert "1 certificate(s) expired" in first.output
    second = app.test_cli_runner().invoke(args=args, catch_exceptions=False)
    assert "0 certificate(s) expired" in second.output
    _db.session.refresh(certificate)
    assert certificate.state == "expired"
