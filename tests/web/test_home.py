"""Each role's home page: what it counts, that each count opens the list behind it, and that the
page runs the same SQL statements for a small body and a busy one."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certification.activity.services import record
from certification.certificates.models import Certificate
from certification.decisions.models import Decision, DecisionMember
from certification.extensions import db as _db
from certification.programme.models import Audit, AuditTeamMember
from certification.reports.models import AuditReport
from tests import factories
from tests.sql_counting import counting_queries

TODAY = date.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def certificate(cycle, state="active", **kw) -> Certificate:
    n = factories.next_number()
    row = Certificate(
        number=f"CB-H-{n:05d}",
        token=f"home-token-{n}",
        organisation=cycle.organisation,
        cycle=cycle,
        scheme="iso10002",
        edition="2018",
        scope="Complaints handling",
        state=state,
        issued_on=kw.pop("issued_on", days(-900)),
        original_issued_on=kw.pop("original_issued_on", days(-900)),
        expires_on=kw.pop("expires_on", days(200)),
        **kw,
    )
    _db.session.add(row)
    _db.session.flush()
    return row


def busy_body(people: dict, each: int = 1) -> list:
    """`each` organisations with one of everything a home page counts."""
    orgs = []
    for n in range(each):
        org = factories.organisation(legal_name=f"Ev Müşterisi {n:03d} A.Ş.")
        orgs.append(org)
        factories.application(org, state="submitted")
        quote = factories.quote(
            factories.application(
                org,
                state="approved",
                reviewed_by_id=people["planner"].id,
                reviewed_at=factories.now(),
            ),
            state="issued",
            issued_on=TODAY,
            valid_until=days(20),
        )
        factories.quote(
            quote.application, state="expired", issued_on=days(-60), valid_until=days(-30)
        )
        cycle = factories.cycle(quote)
        factories.audit(cycle, kind="stage2", state="planned", due_by=days(20))
        factories.audit(cycle, kind="surveillance1", state="planned", due_by=days(-3))
        factories.audit(cycle, kind="recertification", state="planned", due_by=days(60))
        certificate(cycle, expires_on=days(61))
        suspended = certificate(
            cycle, state="suspended", suspended_on=days(-170), suspended_until=days(10)
        )
        record(None, suspended, "suspension_limit_passed")
        mine = factories.audit(
            cycle, kind="stage1", state="in_progress", start_date=days(-1), end_date=days(1)
        )
        coming = factories.audit(
            cycle, kind="special", state="scheduled", start_date=days(5), end_date=days(6)
        )
        returned = factories.audit(
            cycle, kind="special", state="returned", start_date=days(-20), end_date=days(-19)
        )
        for audit in (mine, coming, returned):
            _db.session.add(AuditTeamMember(audit=audit, user=people["auditor"], role="lead"))
        factories.finding(mine, grade="minor", state="answered", number=1)
        factories.finding(mine, grade="major", state="open", number=2, plan_due_on=days(12))
        submitted = factories.audit(
            cycle, kind="stage2", state="submitted", start_date=days(-9), end_date=days(-8)
        )
        _db.session.add(
            AuditReport(
                audit_id=submitted.id,
                computed_recommendation="recommended",
                recommendation="recommended",
                submitted_at=factories.now(),
            )
        )
        decision = Decision(
            organisation=org,
            cycle=cycle,
            outcome="maintain",
            decided_on=days(-2),
            decided_by=people["committee2"],
            reasons="Fine.",
        )
        decision.members.append(DecisionMember(member=people["committee2"], reasons="Fine."))
        decision.members.append(DecisionMember(member=people["committee"], reasons="Agreed."))
        _db.session.add(decision)
        client = factories.user("client", organisation=org)
        client.created_at = factories.now() - timedelta(days=400)
        factories.qualification(people["auditor"], sector_code=f"{n % 40}", valid_until=days(45))
    _db.session.commit()
    return orgs


@pytest.fixture
def people(db):
    found = {role: factories.user(role) for role in ("planner", "auditor", "committee", "admin")}
    found["committee2"] = factories.user("committee", name="Second Member")
    return found


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def tile(page: str, label: str) -> tuple[int, str]:
    """The count and link of the tile whose label starts with `label`."""
    found = re.search(
        r'<a class="tile[^"]*" href="([^"]+)"> <span class="tile-count">(\d+)</span> '
        r'<span class="tile-label">' + re.escape(label),
        page,
    )
    assert found, f"no tile {label!r}"
    return int(found.group(2)), found.group(1).replace("&amp;", "&")


def test_signing_in_lands_on_the_home_page(client, db):
    factories.user("planner", email="planner@example.test")
    db.session.commit()
    response = client.post(
        "/login", data={"email": "planner@example.test", "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"].endswith("/home/")


def test_a_committee_member_lands_on_the_decisions_queue(client, db):
    factories.committee_member(email="member@example.test")
    db.session.commit()
    response = client.post(
        "/login", data={"email": "member@example.test", "password": factories.PASSWORD}
    )
    landing = client.get(response.headers["Location"])
    assert landing.headers["Location"].endswith("/decisions/")
    page = text(client.get(landing.headers["Location"]))
    assert "Committee queue" in page and "Audit programme" in page  # the programme stays a link
    assert page.index(">Decisions</a>") < page.index(">Audit programme</a>")
    assert "Decisions naming you as co-decider" in page
    assert "The committee's work" in text(client.get("/home/"))  # the counts are a click away


def test_the_planners_counts_open_their_lists(client, db, login_as, people):
    (org,) = busy_body(people)
    login_as(people["planner"])
    page = text(client.get("/home/"))
    expected = {
        "applications to review": (1, org.legal_name),
        "quotes waiting for the client": (1, org.legal_name),
        "quotes that lapsed unanswered": (1, org.legal_name),
        "audits not held by their due date": (1, "Surveillance 1"),
        "audits to schedule, due within 30 days": (1, "Stage 2"),
        "audits to schedule, due within 90 days": (1, "Recertification"),
        "surveillance audits overdue": (1, "Surveillance 1"),
        "certificates expiring within 90 days": (1, "CB-H-"),
        "suspensions reaching their limit": (1, "CB-H-"),
    }
    for label, (count, shown) in expected.items():
        found, url = tile(page, label)
        assert found == count, label
        listed = text(client.get(url))
        assert shown in listed, f"{label}: {url}"
    assert tile(page, "audits to schedule, due within 7 days")[0] == 0


def test_the_overdue_count_holds_both_ways_an_audit_misses_its_date(client, db, login_as, people):
    """Planned past its due date, or scheduled to end after it: each counted once, surveillance
    audits apart, and the count is what the programme's overdue list shows."""
    cycle = factories.cycle(factories.quote(factories.application(factories.organisation())))
    for kind, state, due, start, end in (
        ("surveillance1", "planned", -1, None, None),  # past due, not dated
        ("surveillance2", "scheduled", 5, 4, 6),  # ends the day after it is due
        ("recertification", "scheduled", -10, -12, -11),  # held by its date
        ("recertification", "planned", 0, None, None),  # due today: not yet late
        ("stage2", "scheduled", -2, 1, 2),  # dated after its due date
        ("surveillance1", "closed", -20, -25, -24),
        ("surveillance2", "planned", None, None, None),  # no due date
    ):
        factories.audit(
            cycle,
            kind=kind,
            state=state,
            due_by=None if due is None else days(due),
            start_date=None if start is None else days(start),
            end_date=None if end is None else days(end),
        )
    _db.session.commit()
    login_as(people["planner"])
    page = text(client.get("/home/"))
    count, url = tile(page, "audits not held by their due date")
    assert count == 3 and tile(page, "surveillance audits overdue")[0] == 2
    listed = text(client.get(url))
    assert listed.count("Surveillance 1") + listed.count("Surveillance 2") == 2
    assert "Stage 2" in listed and "Recertification" not in listed


def test_a_filtered_list_leaves_out_what_the_count_does_not_hold(client, db, login_as, people):
    busy_body(people)
    login_as(people["planner"])
    listed = text(client.get("/programme/?show=planned&due=30"))
    assert "Stage 2" in listed and "Recertification" not in listed
    listed = text(client.get("/certificates/?expiring=90"))
    assert listed.count("CB-H-") == 1  # the suspended one is not "expiring without a plan"


def test_the_committee_sees_its_queue_co_signed_decisions_and_flags(client, db, login_as, people):
    (org,) = busy_body(people)
    login_as(people["committee"])
    page = text(client.get("/home/"))
    assert tile(page, "audit files waiting for a decision")[0] == 1
    count, url = tile(page, "decisions naming you as co-decider")
    assert count == 1 and "Second Member" in text(client.get(url))
    count, url = tile(page, "certificates the nightly sweep flagged")
    assert count == 1 and "CB-H-" in text(client.get(url))
    assert "Waiting longest" in page and org.legal_name in page
    # the member who recorded the decision is not asked about it
    login_as(people["committee2"])
    assert tile(text(client.get("/home/")), "decisions naming you as co-decider")[0] == 0


def test_the_auditor_sees_next_audits_answers_to_review_and_returned_reports(
    client, db, login_as, people
):
    (org,) = busy_body(people)
    login_as(people["auditor"])
    page = text(client.get("/home/"))
    assert "My next audits" in page and "Lead auditor" in page and "Head office" in page
    count, url = tile(page, "client answers waiting for your review")
    assert count == 1
    assert "Finding S1-1" in text(client.get(url)) or "Minor" in text(client.get(url))
    count, url = tile(page, "checklists in progress")
    assert count == 1 and "Stage 1" in text(client.get(url))
    count, url = tile(page, "reports returned by the committee")
    assert count == 1 and "Returned for information" in text(client.get(url))
    # another auditor sees none of it
    login_as(factories.user("auditor"))
    assert tile(text(client.get("/home/")), "client answers waiting")[0] == 0
    assert org.legal_name not in text(client.get("/findings/?show=answered"))


def test_the_client_sees_certificates_audits_findings_quotes_and_documents(
    client, db, login_as, people
):
    (org,) = busy_body(people)
    login_as(org.users[0])
    page = text(client.get("/home/"))
    assert org.legal_name in page
    assert "CB-H-" in page and "Active" in page
    count, url = tile(page, "findings waiting for your answer")
    assert count == 1 and url.endswith("/portal/#findings")
    assert "Major nonconformity" in page and days(12).strftime("%Y") in page
    assert tile(page, "quotes waiting for your answer")[0] == 1
    assert "Documents from us" in page and "Certificate CB-H-" in page


def test_the_admin_sees_dormant_accounts_and_lapsing_qualifications(client, db, login_as, people):
    (org,) = busy_body(people)
    login_as(people["admin"])
    page = text(client.get("/home/"))
    count, url = tile(page, "active accounts without a sign-in for 90 days")
    assert count == 1 and org.users[0].email in text(client.get(url))
    count, url = tile(page, "qualifications lapsing within 90 days")
    assert count == 1 and people["auditor"].name in text(client.get(url))
    count, url = tile(page, "people with a competence record lapsing soon")
    assert count == 1 and people["auditor"].name in text(client.get(url))


def test_signing_in_records_the_moment(client, db):
    user = factories.user("planner", email="p@example.test")
    db.session.commit()
    assert user.last_login_at is None
    client.post("/login", data={"email": "p@example.test", "password": factories.PASSWORD})
    db.session.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize("role", ["planner", "committee", "auditor", "client", "admin"])
def test_a_home_page_runs_the_same_statements_for_1_or_12_organisations(
    client, db, login_as, people, role
):
    orgs = busy_body(people, 1)
    who = orgs[0].users[0] if role == "client" else people[role]
    login_as(who)
    db.session.expire_all()  # each request loads what it needs, as in production
    with counting_queries(db) as few:
        text(client.get("/home/"))
    busy_body(people, 11)
    db.session.expire_all()
    with counting_queries(db) as many:
        text(client.get("/home/"))
    assert len(many) == len(few), f"{len(few)} statements for 1 organisation, {len(many)} for 12"
    assert len(few) <= 16


def test_the_client_sees_the_decisions_it_can_still_appeal(client, db, login_as, people):
    (org,) = busy_body(people)
    cycle = factories.cycle(factories.quote(factories.application(org)))
    for outcome, decided_on in (("suspend", days(-5)), ("refuse", days(-45)), ("grant", days(-2))):
        decision = Decision(
            organisation_id=org.id,
            cycle_id=cycle.id,
            outcome=outcome,
            decided_on=decided_on,
            reasons="Surveillance not held.",
        )
        _db.session.add(decision)
    _db.session.commit()
    suspended = _db.session.scalar(
        _db.select(Decision).where(
            Decision.organisation_id == org.id, Decision.outcome == "suspend"
        )
    )
    login_as(org.users[0])
    page = text(client.get("/home/"))
    section = page[page.index("Decisions you can still appeal") :]
    # the suspension, within 30 days: its deadline and the way to appeal; not the refusal of
    # 45 days ago (too late) nor the grant (nothing to appeal)
    deadline = days(-5) + timedelta(days=30)
    assert f'href="/appeals/new/{suspended.id}"' in section
    assert f"Appeal this decision (by {deadline.strftime('%b')}" in section
    assert section.count("/appeals/new/") == 1
    assert client.get(f"/appeals/new/{suspended.id}").status_code == 200


def test_an_audit_flagged_under_the_sweeps_present_code_counts_for_the_committee(
    client, db, login_as, people
):
    """The sweep flags an overdue audit as "audit_overdue" (formerly "surveillance_overdue"):
    both codes put the cycle's active certificate on the committee's flagged count and list."""
    (org,) = busy_body(people)
    overdue = _db.session.scalar(
        select(Audit).where(Audit.organisation_id == org.id, Audit.kind == "surveillance1")
    )
    record(None, overdue, "audit_overdue")
    _db.session.commit()
    login_as(people["committee"])
    count, url = tile(text(client.get("/home/")), "certificates the nightly sweep flagged")
    assert count == 2  # the suspension past its limit, and now the active certificate
    assert text(client.get(url)).count("CB-H-") == 2
