"""The busiest organisation pages run a fixed number of SQL statements: no N+1 can creep in as
organisations, sites, applications, quotes, audits and log rows pile up."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from certification.accounts.models import Role, User
from certification.activity.services import record
from certification.organisations.models import Site
from tests import factories
from tests.sql_counting import counting_queries

SEQUENCE = itertools.count(1)


def populate(db, organisations: int, each: int) -> list:
    """`organisations` clients, each with `each` extra sites, applications (with a quote, a
    programme and audits), client users and log rows."""
    planner = factories.user(Role.PLANNER)
    orgs = []
    for n in range(organisations):
        org = factories.organisation(legal_name=f"შპს კლიენტი {n:03d}", city="Batumi")
        for k in range(each):
            org.sites.append(Site(name=f"Site {k}", personnel=0))
            # Built directly: hashing a password per user would only slow the test down.
            db.session.add(
                User(
                    email=f"client{next(SEQUENCE)}@counts.example.test",
                    name=f"Client {n}.{k}",
                    role=Role.CLIENT.value,
                    organisation=org,
                    password_hash="-",
                )
            )
            application = factories.application(org)
            record(planner, application, "created")
            quote = factories.quote(application)
            record(planner, quote, "issue", from_state="draft", to_state="issued")
            cycle = factories.cycle(quote)
            for kind in ("stage1", "stage2"):
                audit = factories.audit(cycle, kind=kind)
                record(planner, audit, "schedule", from_state="planned", to_state="scheduled")
        orgs.append(org)
    db.session.commit()
    return orgs


def statements_for(client, db, url: str) -> int:
    with counting_queries(db) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/organisations/", "/organisations/?q=" + "კლიენტი"])
def test_the_list_runs_the_same_statements_for_3_or_30_organisations(client, db, login_as, url):
    login_as("planner")
    client.get(url)  # once asked per engine (search.py: which search tables exist), not per page
    populate(db, 3, 1)
    few = statements_for(client, db, url)
    populate(db, 27, 3)
    many = statements_for(client, db, url)
    assert many == few, f"{few} statements for 3 organisations, {many} for 30"
    assert few <= 6


def test_the_organisation_page_runs_the_same_statements_however_much_it_holds(client, db, login_as):
    login_as("planner")
    (small,) = populate(db, 1, 1)
    few = statements_for(client, db, f"/organisations/{small.id}")
    busy = populate(db, 29, 4)[-1]
    many = statements_for(client, db, f"/organisations/{busy.id}")
    assert many == few, f"{few} statements for a small organisation, {many} for a busy one"
    # +1 findings panel (issue 3), +1 certificates panel (issue 4), +3 complaints, appeals and
    # transfers panels (issue 12), +1 bell (issue 10): one statement each, whatever it holds;
    # +1 timeline (issue 10: its entries are grouped first, then their rows are read);
    # +1 audit teams (an auditor's links go only to its own teams' audits: links.py)
    assert few <= 18


def test_a_later_audits_auditor_checks_findings_of_many_cycles_in_the_same_statements(app, db):
    """An auditor sees an earlier audit's findings through the later audit of the cycle they
    are on (access.reviewing_audits): the organisation's findings panel and a history's links
    load each finding's cycle, audits and teams with the findings, not cycle by cycle."""
    from datetime import date

    from flask_login import login_user

    from certification.activity.models import ActivityLog
    from certification.audits.models import Answer
    from certification.findings import services as findings
    from certification.findings import views as finding_views
    from certification.links import subject_links
    from certification.organisations.models import Organisation
    from certification.programme.models import AuditTeamMember

    org_id = factories.organisation(legal_name="შპს მოგვიანებით", city="Batumi").id
    auditor_id = factories.user(Role.AUDITOR).id
    today = date.today()

    def cycle_with_a_finding():
        org = db.session.get(Organisation, org_id)
        cycle = factories.cycle(factories.quote(factories.application(org)))
        stage2 = factories.audit(
            cycle, kind="stage2", state="closed", start_date=today, end_date=today
        )
        lead = factories.user(Role.AUDITOR)
        stage2.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
        surveillance = factories.audit(
            cycle, kind="surveillance1", state="in_progress", start_date=today, end_date=today
        )
        surveillance.team.append(AuditTeamMember(user_id=auditor_id, role="lead"))
        answer = Answer(audit_id=stage2.id, question_id="7.1-a", clause="7.1", grade="minor")
        db.session.add(answer)
        db.session.flush()
        with app.test_request_context():
            findings.sync_finding(lead, answer, today)
        db.session.commit()

    def statements() -> tuple[int, int, int, int]:
        """(statements, findings shown) of the panel, then of a history's links."""
        db.session.expunge_all()  # as in a request of its own: nothing loaded yet
        with app.test_request_context():
            login_user(db.session.get(User, auditor_id))
            organisation = db.session.get(Organisation, org_id)
            with counting_queries(db) as panel:
                shown = finding_views.organisation_panel(organisation).count("/findings/")
            db.session.expunge_all()
            entries = db.session.scalars(
                select(ActivityLog).where(ActivityLog.subject_type == "Finding")
            ).all()
            with counting_queries(db) as history:
                linked = len(subject_links(entries))
        return len(panel), shown, len(history), linked

    cycle_with_a_finding()
    few_panel, shown, few_history, linked = statements()
    assert (shown, linked) == (1, 1)
    for _n in range(4):
        cycle_with_a_finding()
    many_panel, shown, many_history, linked = statements()
    assert (shown, linked) == (5, 5)
    assert many_panel == few_panel, f"panel: {few_panel} statements for 1 cycle, {many_panel} for 5"
    assert many_history == few_history, f"links: {few_history} for 1 cycle, {many_history} for 5"
