"""A history links each entry to its subject exactly when the reader may open that page
(links.subject_links): an auditor reaches its own team's audit and findings from an
organisation's timeline, not another team's, nothing links to a finding that was removed, and
checking costs one statement per kind of subject, however many entries the page shows."""

from __future__ import annotations

import html
import re

from flask_login import login_user

from certification.activity.models import ActivityLog
from certification.activity.services import record
from certification.links import subject_links
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.sql_counting import counting_queries


def two_teams(db):
    """An organisation with a stage 1 audited by one auditor's team and a stage 2 by another's,
    each scheduled and with a finding raised, and a third finding raised and then removed."""
    mine, other, planner = factories.user("auditor"), factories.user("auditor"), factories.user()
    cycle = factories.cycle()
    ours, theirs = factories.audit(cycle, kind="stage1"), factories.audit(cycle, kind="stage2")
    db.session.add_all(
        [
            AuditTeamMember(audit=ours, user=mine, role="lead"),
            AuditTeamMember(audit=theirs, user=other, role="lead"),
        ]
    )
    for audit in (ours, theirs):
        record(planner, audit, "schedule", from_state="planned", to_state="scheduled")
    findings = [factories.finding(ours), factories.finding(theirs), factories.finding(ours)]
    for finding in findings:
        record(mine, finding, "finding_raised")
    removed = findings.pop()
    record(mine, removed, "finding_removed")
    db.session.delete(removed)
    db.session.commit()
    return dict(mine=mine, org=cycle.organisation, ours=ours, theirs=theirs, found=findings,
                removed=removed)  # fmt: skip


def timeline_links(client, organisation) -> tuple[str, list[str]]:
    """The organisation's timeline as its reader sees it: its text and the addresses it links."""
    response = client.get(f"/organisations/{organisation.id}")
    assert response.status_code == 200
    timeline = html.unescape(response.get_data(as_text=True)).split('id="timeline"')[1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline))
    return text, re.findall(r'href="(/[^"?#]*)"', timeline)


def audit_url(audit) -> str:
    return f"/programme/audits/{audit.id}"


def finding_url(finding) -> str:
    return f"/findings/{finding.id}"


def test_an_auditor_reaches_its_own_teams_audit_and_findings_not_anothers(client, db, login_as):
    made = two_teams(db)
    our_finding, their_finding = made["found"]
    login_as(made["mine"])
    text, links = timeline_links(client, made["org"])
    assert audit_url(made["ours"]) in links and finding_url(our_finding) in links
    assert audit_url(made["theirs"]) not in links and finding_url(their_finding) not in links
    assert finding_url(made["removed"]) not in links
    # Every entry is still there, named without a link where the auditor may not go.
    assert text.count("Finding raised") == 3 and text.count("Finding removed") == 1
    for address in links:
        assert client.get(address).status_code == 200, address
    assert client.get(audit_url(made["theirs"])).status_code == 404
    assert client.get(finding_url(their_finding)).status_code == 404


def test_a_planner_reaches_every_audit_and_finding_but_not_one_removed(client, db, login_as):
    made = two_teams(db)
    login_as("planner")
    _text, links = timeline_links(client, made["org"])
    for audit in (made["ours"], made["theirs"]):
        assert audit_url(audit) in links
    for finding in made["found"]:
        assert finding_url(finding) in links
    assert finding_url(made["removed"]) not in links
    assert client.get(finding_url(made["removed"])).status_code == 404


def audited(db, audits: int, auditor, logged: bool = True):
    """An organisation with `audits` scheduled audits, every other one of them on `auditor`'s
    team, and its timeline holding their scheduling (`logged`) or only a change to itself."""
    planner = factories.user()
    cycle = factories.cycle()
    for n in range(audits):
        audit = factories.audit(cycle, kind="surveillance1", sequence=n + 3)
        member = auditor if n % 2 == 0 else factories.user("auditor")
        db.session.add(AuditTeamMember(audit=audit, user=member, role="lead"))
        if logged:
            record(planner, audit, "schedule", from_state="planned", to_state="scheduled")
    if not logged:
        record(planner, cycle.organisation, "organisation_updated")
    db.session.commit()
    return cycle.organisation


def statements(client, db, organisation) -> int:
    """The statements of the organisation's page read a second time, with nothing kept loaded
    from the first (its reader's first page after signing in reads more, once)."""
    address = f"/organisations/{organisation.id}"
    assert client.get(address).status_code == 200
    db.session.commit()
    with counting_queries(db) as counted:
        assert client.get(address).status_code == 200
    return len(counted)


def test_an_auditors_links_cost_one_statement_however_many_entries(client, db, login_as):
    auditor = factories.user("auditor")
    few, many = audited(db, 2, auditor), audited(db, 20, auditor)
    quiet = audited(db, 20, auditor, logged=False)
    login_as(auditor)
    _text, links = timeline_links(client, many)
    assert len([link for link in links if link.startswith("/programme/audits/")]) == 10
    assert statements(client, db, few) == statements(client, db, many)
    # Its audits are looked up, with their teams, in one statement.
    assert statements(client, db, many) == statements(client, db, quiet) + 1

    client.post("/logout")
    login_as("planner")  # may open every audit: its links load nothing
    assert statements(client, db, many) == statements(client, db, quiet)


def test_a_client_is_offered_only_pages_it_may_open(app, db):
    """Clients read no history today; were one shown, it would link only what they may open."""
    client_user = factories.user("client")
    org = client_user.organisation
    application = factories.application(org)
    today = factories.today()
    draft = factories.quote(application)
    sent = factories.quote(application, state="issued", issued_on=today, valid_until=today)
    audit = factories.audit(factories.cycle(sent))
    elsewhere = factories.audit()
    rows = [
        record(None, subject, "touched") for subject in (application, draft, sent, audit, elsewhere)
    ]
    db.session.flush()
    with app.test_request_context():
        login_user(client_user)
        links = subject_links(rows)
    assert set(links) == {("quotes.detail", sent.id), ("programme.audit", audit.id)}
    assert links["programme.audit", audit.id] == audit_url(audit)


def test_a_history_entry_of_a_kind_without_a_page_gets_no_link(app, db):
    planner = factories.user()
    row = ActivityLog(subject_type="User", subject_id=planner.id, action="created")
    with app.test_request_context():
        login_user(planner)
        assert subject_links([row]) == {}
