"""The staff lists that grow with the body's history page by key (certification/paging.py):
every row once, in the list's order, forwards and backwards; the last page runs the same
statements as the first (no OFFSET walking past earlier rows)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from certification.programme.models import AuditTeamMember
from tests import factories
from tests.paging import link
from tests.sql_counting import counting_queries

DAY = date(2026, 5, 4)
NAME = re.compile(r"Keyset Müşteri \d\d")


def names(page: str) -> list[str]:
    """The rows' organisation names in the order shown (each once: a row may repeat it)."""
    return list(dict.fromkeys(NAME.findall(page)))


def walk(client, url: str) -> tuple[list[str], list[str]]:
    """(names reading forwards from the first page, names reading backwards from the last)."""
    forwards, page = [], client.get(url).get_data(as_text=True)
    forwards += names(page)
    while 'rel="next"' in page:
        page = client.get(link(page, "next")).get_data(as_text=True)
        forwards += names(page)
    page = client.get(url).get_data(as_text=True)
    page = client.get(link(page, "last")).get_data(as_text=True)
    backwards = names(page)
    while 'rel="prev"' in page:
        page = client.get(link(page, "prev")).get_data(as_text=True)
        backwards = names(page) + backwards
    return forwards, backwards


def organisation(n: int):
    return factories.organisation(legal_name=f"Keyset Müşteri {n:02d}")


def application(n: int):
    return factories.application(organisation(n))


def same_statements_first_and_last(client, db, url: str) -> None:
    with counting_queries(db) as first:
        page = client.get(url).get_data(as_text=True)
    with counting_queries(db) as last:
        client.get(link(page, "last"))
    # A last page that joins two segments reads each once; never more for more rows.
    assert len(last) <= 2 * len(first)


def test_open_findings_page_by_due_date_then_the_undated(client, db, login_as):
    expected = []
    for n in range(45):
        due = None if n % 5 == 0 else DAY + timedelta(days=(n * 7) % 30)
        audit = factories.audit(
            factories.cycle(factories.quote(factories.application(organisation(n))))
        )
        finding = factories.finding(audit, grade="minor", plan_due_on=due)
        expected.append((due is None, due or DAY, finding.id, f"Keyset Müşteri {n:02d}"))
    db.session.commit()
    login_as("planner")

    forwards, backwards = walk(client, "/findings/?show=all")
    order = [name for *_key, name in sorted(expected)]
    assert forwards == order and backwards == order
    same_statements_first_and_last(client, db, "/findings/?show=all")


def test_my_audits_page_by_the_day_they_start_or_are_due(client, db, login_as):
    me = factories.user("auditor")
    expected = []
    for n in range(45):
        audit = factories.audit(
            factories.cycle(factories.quote(factories.application(organisation(n))))
        )
        if n % 3 == 0:
            audit.state, audit.start_date = "scheduled", DAY + timedelta(days=n % 11)
            audit.end_date = audit.start_date
        elif n % 7 != 0:
            audit.due_by = DAY + timedelta(days=n % 13)
        audit.team.append(AuditTeamMember(user_id=me.id, role="lead"))
        db.session.flush()
        when = audit.start_date or audit.due_by
        expected.append((when is None, when or DAY, audit.id, f"Keyset Müşteri {n:02d}"))
    db.session.commit()
    login_as(me)

    forwards, backwards = walk(client, "/programme/mine")
    order = [name for *_key, name in sorted(expected)]
    assert forwards == order and backwards == order
    same_statements_first_and_last(client, db, "/programme/mine")


def test_quotes_page_newest_first(client, db, login_as):
    made = [factories.quote(factories.application(organisation(n))) for n in range(45)]
    db.session.commit()
    login_as("planner")

    forwards, backwards = walk(client, "/quotes/")
    order = [q.organisation.legal_name for q in sorted(made, key=lambda q: q.id, reverse=True)]
    assert forwards == order and backwards == order
    same_statements_first_and_last(client, db, "/quotes/")


def test_decisions_naming_me_as_co_decider_page_newest_first(client, db, login_as):
    from certification.decisions.models import Decision, DecisionMember
    from certification.i18n.local_time import body_today

    me, recorder = factories.user("committee"), factories.user("committee", name="Recorder")
    today = body_today()
    expected = []
    for n in range(45):
        org = organisation(n)
        cycle = factories.cycle(factories.quote(factories.application(org)))
        decision = Decision(
            organisation=org,
            cycle=cycle,
            outcome="maintain",
            decided_on=today - timedelta(days=n % 9),  # several on one day: the id breaks ties
            decided_by=recorder,
            reasons="Fine.",
        )
        decision.members += [
            DecisionMember(member=recorder, reasons="Fine."),
            DecisionMember(member=me, reasons="Agreed."),
        ]
        db.session.add(decision)
        db.session.flush()
        expected.append((decision.decided_on, decision.id, org.legal_name))
    db.session.commit()
    login_as(me)

    forwards, backwards = walk(client, "/home/co-signed")
    order = [name for *_key, name in sorted(expected, reverse=True)]
    assert forwards == order and backwards == order
    same_statements_first_and_last(client, db, "/home/co-signed")
