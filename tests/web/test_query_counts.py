"""The busiest organisation pages run a fixed number of SQL statements: no N+1 can creep in as
organisations, sites, applications, quotes, audits and log rows pile up."""

from __future__ import annotations

import itertools

import pytest

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
