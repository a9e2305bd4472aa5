"""The audit programme over HTTP: planners schedule, auditors see their own, clients read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certification.activity.models import ActivityLog
from certification.programme import services
from certification.programme.models import Audit, AuditTeamMember
from tests import factories
from tests.paging import link
from tests.sql_counting import counting_queries

TODAY = date.today()
START = TODAY + timedelta(days=14)


@pytest.fixture
def programme(app, db):
    """new programme(org=None) -> cycle, built by the service as quote acceptance does."""

    def build(org=None):
        quote = factories.quote(factories.application(org or factories.organisation()))
        with app.test_request_context():
            cycle = services.create_programme(quote, factories.user("planner"), TODAY)
        db.session.commit()
        return cycle

    return build


def text(response) -> str:
    return response.get_data(as_text=True)


def auditor(sector="29", **kw):
    person = factories.user("auditor", **kw)
    if sector:
        factories.qualification(person, sector_code=sector)
    return person


def put_on_team(audit, person, db, role="lead"):
    audit.state, audit.start_date, audit.end_date = "scheduled", START, START
    audit.team.append(AuditTeamMember(user_id=person.id, role=role))
    db.session.commit()


def schedule_form(lead, members=(), lead_override="", start=START, end=START):
    data = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "lead_id": str(lead.id),
        "lead_override": lead_override,
    }
    for i, (person, role, reason) in enumerate(members):
        data |= {
            f"members-{i}-user_id": str(person.id),
            f"members-{i}-role": role,
            f"members-{i}-override_reason": reason,
        }
    return data


# -- planner ----------------------------------------------------------------------------------


def test_planner_index_lists_open_audits_with_due_status(client, db, login_as, programme):
    cycle = programme(factories.organisation(legal_name="Karadeniz Enerji A.Ş."))
    cycle.decision_date = TODAY - timedelta(days=400)
    with client.application.test_request_context():
        services.refresh_programme_dates(cycle)
    db.session.commit()
    login_as("planner")

    page = text(client.get("/programme/"))
    assert "Karadeniz Enerji A.Ş." in page
    assert "Surveillance 1" in page and "Overdue" in page

    overdue = text(client.get("/programme/?show=overdue"))
    assert overdue.count("Overdue") >= 1 and "Stage 1" not in overdue


def test_index_is_paginated(client, db, login_as, programme):
    for _ in range(5):  # 25 audits, 20 a page
        programme()
    login_as("planner")

    first = text(client.get("/programme/"))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = text(client.get(link(first, "next")))
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_list_runs_soonest_first_across_scheduled_and_planned_audits_page_by_page(db):
    """Scheduled audits by start date and planned ones by due date, merged in one order; the
    planned ones without a due date last; every page joins the next, forwards and backwards."""
    cycle = factories.cycle()
    made = []
    for n in range(7):
        made.append(
            factories.audit(cycle, kind="surveillance1", due_by=START + timedelta(days=3 * n))
        )
        start = START + timedelta(days=3 * n + 1)
        made.append(
            factories.audit(cycle, kind="special", state="scheduled", due_by=START,
                            start_date=start, end_date=start)
        )  # fmt: skip
    made += [factories.audit(cycle, kind="special") for _ in range(3)]  # no due date
    expected = [a.id for a in made]  # built in the order the list runs
    pages, args = [], {}
    while True:
        page = services.open_audits_page("open", TODAY, args, 4)
        pages.append([a.id for a in page.items])
        if not page.has_next:
            break
        args = {"after": page.next_cursor}
    assert [i for ids in pages for i in ids] == expected
    last = services.open_audits_page("open", TODAY, {"last": "1"}, 4)
    assert [a.id for a in last.items] == expected[-4:]
    back = services.open_audits_page("open", TODAY, {"before": last.prev_cursor}, 4)
    assert [a.id for a in back.items] == expected[-8:-4]


def test_index_query_count_does_not_grow_with_rows(client, db, login_as, programme):
    login_as("planner")
    put_on_team(programme().audits[0], auditor(), db)
    with counting_queries(db) as few:
        assert client.get("/programme/").status_code == 200
    for _ in range(3):
        put_on_team(programme().audits[0], auditor(), db)
    with counting_queries(db) as many:
        assert client.get("/programme/").status_code == 200

    assert len(many) == len(few)


def test_committee_sees_the_index_but_auditor_and_client_do_not(client, db, login_as):
    login_as("committee")
    assert client.get("/programme/").status_code == 200
    login_as("auditor")
    assert client.get("/programme/").status_code == 403
    login_as("client")
    assert client.get("/programme/").status_code == 403


def test_cycle_page_shows_all_five_audits_and_decision_dependent_dates(
    client, db, login_as, programme
):
    cycle = programme()
    login_as("planner")

    page = text(client.get(f"/programme/cycles/{cycle.id}"))
    for label in ("Stage 1", "Stage 2", "Surveillance 1", "Surveillance 2", "Recertification"):
        assert label in page
    assert "Due 12 months after the certification decision" in page
    assert "Not taken yet" in page
    assert client.get("/programme/cycles/999999").status_code == 404


def test_audit_detail_shows_team_and_actions(client, db, login_as, programme):
    cycle = programme()
    lead = auditor(name="Aylin Demir")
    put_on_team(cycle.audits[0], lead, db)
    login_as("planner")

    page = text(client.get(f"/programme/audits/{cycle.audits[0].id}"))
    assert "Aylin Demir" in page and "Lead auditor" in page
    assert "Change dates or team" in page and "Cancel this audit" in page
    assert client.get("/programme/audits/999999").status_code == 404


def test_schedule_form_saves_dates_and_team(client, db, login_as, programme):
    cycle = programme()
    lead, member = auditor(name="Aylin Demir"), auditor(name="Mehmet Öz")
    audit_id = cycle.audits[0].id
    login_as("planner")

    form = text(client.get(f"/programme/audits/{audit_id}/schedule"))
    assert "Aylin Demir" in form and "Reason to assign this person anyway" in form

    response = client.post(
        f"/programme/audits/{audit_id}/schedule",
        data=schedule_form(lead, [(member, "auditor", "")]),
        follow_redirects=True,
    )
    page = text(response)
    assert response.status_code == 200 and "The audit was scheduled." in page
    assert "Mehmet Öz" in page
    audit = db.session.get(Audit, audit_id)
    assert audit.state == "scheduled" and audit.start_date == START
    assert {m.user_id for m in audit.team} == {lead.id, member.id}


def test_refusal_shows_on_the_form_and_nothing_is_saved(client, db, login_as, programme):
    org = factories.organisation()
    cycle = programme(org)
    lead, consultant = auditor(), auditor(name="Elif Şahin")
    factories.conflict(consultant, org, ended_on=TODAY - timedelta(days=100))
    audit_id = cycle.audits[0].id
    login_as("planner")

    response = client.post(
        f"/programme/audits/{audit_id}/schedule",
        data=schedule_form(lead, [(consultant, "auditor", "")]),
    )

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    assert "Elif Şahin gave consultancy" in page
    db.session.expire_all()
    audit = db.session.get(Audit, audit_id)
    assert audit.state == "planned" and audit.team == []


@pytest.mark.parametrize("twice", ["lead_as_member", "member_twice"])
def test_a_person_listed_twice_is_a_form_error_not_a_crash(client, db, login_as, programme, twice):
    """Issue #9: the lead listed again as a member, or one auditor twice, gave a 500."""
    cycle = programme()
    lead, member = auditor(name="Lale Başkan"), auditor(name="Mert Üye")
    audit_id = cycle.audits[0].id
    login_as("planner")
    members = (
        [(lead, "auditor", "")]
        if twice == "lead_as_member"
        else [(member, "auditor", ""), (member, "expert", "")]
    )
    response = client.post(
        f"/programme/audits/{audit_id}/schedule", data=schedule_form(lead, members)
    )
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    expected = "already the lead auditor" if twice == "lead_as_member" else "already on the team"
    assert expected in page
    db.session.expire_all()
    audit = db.session.get(Audit, audit_id)
    assert audit.state == "planned" and audit.team == []


def test_the_schedule_form_shows_each_auditor_before_picking(client, db, login_as, programme):
    org = factories.organisation()
    cycle = programme(org)
    auditor(name="Ada Uygun")
    auditor(sector="35", name="Bora Yetkisiz")
    consultant = auditor(name="Cem Danışman")
    factories.conflict(consultant, org, ended_on=TODAY - timedelta(days=100))
    busy = auditor(name="Deniz Dolu")
    expert = auditor(sector=None, name="Ece Uzman")
    factories.qualification(expert, role="technical_expert")
    other = programme()
    other.audits[0].state = "scheduled"
    other.audits[0].start_date = other.audits[0].end_date = START
    other.audits[0].team.append(AuditTeamMember(user_id=busy.id, role="lead"))
    db.session.commit()
    login_as("planner")
    page = text(
        client.get(
            f"/programme/audits/{cycle.audits[0].id}/schedule",
            query_string={"start": START.isoformat(), "end": START.isoformat()},
        )
    )
    rows = {
        name: page[page.index(name) : page.index("</tr>", page.index(name))]
        for name in ("Ada Uygun", "Bora Yetkisiz", "Cem Danışman", "Deniz Dolu", "Ece Uzman")
    }
    assert "Qualified" in rows["Ada Uygun"] and "Free" in rows["Ada Uygun"]
    assert "Not qualified" in rows["Bora Yetkisiz"] and "sector 29" in rows["Bora Yetkisiz"]
    assert "Consultancy: never on this team" in rows["Cem Danışman"]
    assert "Booked" in rows["Deniz Dolu"] and "already on Stage 1" in rows["Deniz Dolu"]
    # No reason lifts a missing qualification; a technical expert's own record covers an
    # expert seat only (17021-1 7.1, 7.2.5).
    assert "Not qualified: cannot be assigned" in rows["Bora Yetkisiz"]
    assert "Technical expert seat only" in rows["Ece Uzman"]


def test_surveillance2_pages_show_its_window_and_refuse_dates_before_it(
    client, db, login_as, programme
):
    """domain.md: surveillance 2 falls in the calendar year after surveillance 1; the planner
    sees the first allowed day before choosing, and an earlier date is refused by its field."""
    cycle = programme()
    cycle.decision_date = date(2026, 3, 15)
    kinds = {a.kind: a for a in cycle.audits}
    surveillance1, surveillance2 = kinds["surveillance1"], kinds["surveillance2"]
    surveillance1.state = "scheduled"
    surveillance1.start_date = surveillance1.end_date = date(2027, 2, 2)
    db.session.commit()
    login_as("planner")

    audit_page = text(client.get(f"/programme/audits/{surveillance2.id}"))
    assert "Earliest start" in audit_page and "Jan 1, 2028" in audit_page
    form_page = text(client.get(f"/programme/audits/{surveillance2.id}/schedule"))
    assert "so it can start on Jan 1, 2028 at the earliest" in form_page

    day = date(2027, 11, 10)
    response = client.post(
        f"/programme/audits/{surveillance2.id}/schedule",
        data=schedule_form(auditor(), start=day, end=day),
    )
    assert response.status_code == 400
    assert "Surveillance 2 can start on Jan 1, 2028 at the earliest." in text(response)
    db.session.expire_all()
    assert db.session.get(Audit, surveillance2.id).state == "planned"


def test_override_with_reason_is_accepted_over_http(client, db, login_as, programme):
    org = factories.organisation()
    cycle = programme(org)
    lead = auditor()
    factories.conflict(lead, org, kind="other", started_on=date(2020, 1, 1))  # a family tie
    audit_id = cycle.audits[0].id
    login_as("planner")

    response = client.post(
        f"/programme/audits/{audit_id}/schedule",
        data=schedule_form(lead, lead_override="Only lead auditor speaking the client's language."),
        follow_redirects=True,
    )

    assert "The audit was scheduled." in text(response)
    assert "Assigned despite a refusal" in text(response)
    audit = db.session.get(Audit, audit_id)
    assert audit.team[0].overridden


def test_an_unqualified_lead_is_refused_on_the_form_whatever_the_reason(
    client, db, login_as, programme
):
    """17021-1 7.1, 7.2: the lead's seat needs a valid qualification; no reason replaces it."""
    cycle = programme()
    lead = auditor(sector="32", name="Bora Yetkisiz")
    audit_id = cycle.audits[0].id
    login_as("planner")

    response = client.post(
        f"/programme/audits/{audit_id}/schedule",
        data=schedule_form(lead, lead_override="Nobody else speaks the client's language."),
    )

    assert response.status_code == 400
    page = text(response)
    assert (
        "ISO/IEC 17021-1 7.1, 7.2: Bora Yetkisiz is not qualified for ISO 10002:2018 in sector "
        "29" in page
    )
    assert "no written reason lets them take this seat (Lead auditor)" in page
    audit = db.session.get(Audit, audit_id)
    assert audit.state == "planned" and audit.team == []


def test_past_dates_are_refused_on_the_form(client, db, login_as, programme):
    cycle = programme()
    login_as("planner")
    yesterday = TODAY - timedelta(days=1)

    response = client.post(
        f"/programme/audits/{cycle.audits[0].id}/schedule",
        data=schedule_form(auditor(), start=yesterday, end=yesterday),
    )

    assert response.status_code == 400
    assert "The audit cannot start in the past." in text(response)


def test_cancel(client, db, login_as, programme):
    cycle = programme()
    audit_id = cycle.audits[0].id
    login_as("planner")

    refused = client.post(f"/programme/audits/{audit_id}/cancel", data={"reason": ""})
    assert refused.status_code == 400 and "Give a reason" in text(refused)

    page = text(
        client.post(
            f"/programme/audits/{audit_id}/cancel",
            data={"reason": "Client postponed."},
            follow_redirects=True,
        )
    )
    assert "The audit was cancelled." in page and "Client postponed." in page
    assert db.session.get(Audit, audit_id).state == "cancelled"
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "cancel"))
    assert entry.subject_id == audit_id


def test_only_planners_schedule_and_cancel(client, db, login_as, programme):
    cycle = programme()
    audit_id = cycle.audits[0].id
    for role in ("auditor", "committee", "client"):
        login_as(role)
        assert client.get(f"/programme/audits/{audit_id}/schedule").status_code == 403
        assert client.post(f"/programme/audits/{audit_id}/cancel").status_code == 403


# -- auditor ----------------------------------------------------------------------------------


def test_auditor_sees_only_own_audits(client, db, login_as, programme):
    mine = programme(factories.organisation(legal_name="Ege Sigorta A.Ş."))
    theirs = programme(factories.organisation(legal_name="Başkent Hastanesi A.Ş."))
    me, other = auditor(), auditor()
    put_on_team(mine.audits[0], me, db)
    put_on_team(theirs.audits[0], other, db)
    login_as(me)

    page = text(client.get("/programme/mine"))
    assert "Ege Sigorta A.Ş." in page and "Başkent Hastanesi A.Ş." not in page
    assert client.get(f"/programme/audits/{mine.audits[0].id}").status_code == 200
    assert client.get(f"/programme/audits/{theirs.audits[0].id}").status_code == 404
    assert client.get(f"/programme/cycles/{theirs.id}").status_code == 404
    cycle_page = text(client.get(f"/programme/cycles/{mine.id}"))
    assert "Change dates or team" not in cycle_page


def test_auditor_home_is_my_audits(client, db, login_as):
    login_as("auditor")
    page = text(client.get("/programme/mine"))
    assert "You are not on the team of any audit yet." in page
    assert 'href="/programme/mine"' in page  # reachable from the navigation


# -- client -----------------------------------------------------------------------------------


def test_client_reads_own_programme_only(client, db, login_as, programme):
    own_org, other_org = factories.organisation(), factories.organisation()
    own, other = programme(own_org), programme(other_org)
    put_on_team(own.audits[0], auditor(name="Aylin Demir"), db)
    login_as("client", organisation=own_org)

    cycle_page = text(client.get(f"/programme/cycles/{own.id}"))
    assert "Surveillance 1" in cycle_page and "Aylin Demir" in cycle_page
    audit_page = text(client.get(f"/programme/audits/{own.audits[0].id}"))
    assert "Aylin Demir" in audit_page
    assert "Schedule this audit" not in audit_page and "Cancel this audit" not in audit_page
    assert "History" not in audit_page

    assert client.get(f"/programme/cycles/{other.id}").status_code == 404
    assert client.get(f"/programme/audits/{other.audits[0].id}").status_code == 404


def test_anonymous_is_sent_to_login(client, db, programme):
    cycle = programme()
    response = client.get(f"/programme/cycles/{cycle.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("twice", ["lead_as_member", "member_twice"])
def test_one_person_on_two_seats_is_refused_on_the_form_and_nothing_is_saved(
    client, db, login_as, programme, twice
):
    """Issue 9: this form answered 500 when the lead was also a member or one auditor listed
    twice; now the page says why and the audit stays as it was."""
    cycle = programme()
    lead, member = auditor(name="Aylin Demir"), auditor(name="Mehmet Öz")
    audit_id = cycle.audits[0].id
    seats = (
        [(lead, "auditor", "")]
        if twice == "lead_as_member"
        else [(member, "auditor", ""), (member, "expert", "")]
    )
    login_as("planner")

    response = client.post(
        f"/programme/audits/{audit_id}/schedule", data=schedule_form(lead, seats)
    )

    assert response.status_code == 400
    page = text(response)  # the form says it (i8's schedule form) before the service would
    assert "list them once" in page or "only one seat on the team" in page
    db.session.expire_all()
    audit = db.session.get(Audit, audit_id)
    assert audit.state == "planned" and audit.team == []
