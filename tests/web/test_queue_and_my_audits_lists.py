"""The committee's queue and the auditor's own audits as lists a user narrows and orders:
a search, a lead auditor (the queue), column headers that sort, paged by key both ways."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from certification.programme.models import AuditTeamMember
from certification.reports.models import AuditReport
from tests import factories
from tests.sql_counting import counting_queries
from tests.web.test_list_choices import BAD_ARGUMENTS, _english, all_rows, names, organisation

SINCE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def waiting_files(count: int, lead=None) -> list:
    """Submitted stage 2 files, submitted one a day, in an order unlike their names."""
    made = []
    for n in range(count):
        cycle = factories.cycle(factories.quote(factories.application(organisation(n))))
        held = SINCE.date() - timedelta(days=10)
        audit = factories.audit(
            cycle, kind="stage2", state="submitted", start_date=held, end_date=held
        )
        if lead is not None and n % 2 == 0:
            audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
        submitted = SINCE + timedelta(days=(n * 7) % count, minutes=n)
        factories.db.session.add(
            AuditReport(
                audit_id=audit.id,
                computed_recommendation="recommended",
                recommendation="recommended",
                submitted_at=submitted,
            )
        )
        made.append((submitted, audit))
    factories.db.session.commit()
    return made


def test_the_queue_reads_longest_waiting_first_over_pages_both_ways(client, db, login_as):
    made = waiting_files(45)
    login_as("committee")
    shown = all_rows(client, "/decisions/")
    assert shown == [a.organisation.legal_name for _when, a in sorted(made, key=lambda m: m[0])]
    assert all_rows(client, "/decisions/?sort=-waiting") == list(reversed(shown))


def test_the_queue_sorted_by_organisation_both_ways(client, db, login_as):
    made = waiting_files(45)
    login_as("committee")
    shown = all_rows(client, "/decisions/?sort=organisation")
    assert shown == _english([a.organisation.legal_name for _when, a in made])
    assert all_rows(client, "/decisions/?sort=-organisation") == list(reversed(shown))
    page = client.get("/decisions/?sort=organisation").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=-organisation" in page


def test_the_queue_narrowed_to_a_lead_auditor_and_a_search(client, db, login_as):
    lead = factories.user("auditor", name="Queue Lead Auditor")
    made = [audit for _when, audit in waiting_files(10, lead)]
    login_as("committee")
    page = client.get(f"/decisions/?auditor={lead.id}").get_data(as_text=True)
    assert set(names(page)) == {a.organisation.legal_name for a in made[::2]}
    assert f'<option value="{lead.id}" selected' in page
    assert "Clear search and filters" in page
    page = client.get("/decisions/?q=zeytİn").get_data(as_text=True)
    assert set(names(page)) == {
        a.organisation.legal_name for a in made if "Zeytin" in a.organisation.legal_name
    }
    page = client.get("/decisions/?q=nowhere-at-all").get_data(as_text=True)
    assert "No file waiting for a decision matches the search." in page


@pytest.mark.parametrize("bad", BAD_ARGUMENTS)
def test_bad_arguments_leave_the_queue_shown(client, db, login_as, bad):
    waiting_files(3)
    login_as("committee")
    response = client.get(f"/decisions/?{bad}")
    assert response.status_code == 200
    assert "Committee queue" in response.get_data(as_text=True)


def led_files(count: int) -> None:
    """Waiting files, each with a lead auditor of its own (the list shows the lead)."""
    for _when, audit in waiting_files(count):
        audit.team.append(AuditTeamMember(user_id=factories.user("auditor").id, role="lead"))
    factories.db.session.commit()
    factories.db.session.expunge_all()


def test_the_queue_runs_the_same_statements_for_3_or_30_files(client, db, login_as):
    led_files(3)
    login_as("committee")

    def statements(url):
        with counting_queries(db) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    few = [statements(u) for u in ("/decisions/", "/decisions/?sort=organisation&last=1")]
    led_files(30)
    assert [statements(u) for u in ("/decisions/", "/decisions/?sort=organisation&last=1")] == few


def my_audits(me, count: int) -> list:
    made = []
    for n in range(count):
        audit = factories.audit(
            factories.cycle(factories.quote(factories.application(organisation(n))))
        )
        if n % 3 == 0:
            audit.state = "in_progress"
            audit.start_date = audit.end_date = SINCE.date()
        audit.team.append(AuditTeamMember(user_id=me.id, role="lead"))
        made.append(audit)
    factories.db.session.commit()
    return made


def test_my_audits_sorted_by_organisation_and_state_and_searched(client, db, login_as):
    me = factories.user("auditor")
    made = my_audits(me, 45)
    login_as(me)
    shown = all_rows(client, "/programme/mine?sort=organisation")
    assert shown == _english([a.organisation.legal_name for a in made])
    assert all_rows(client, "/programme/mine?sort=-organisation") == list(reversed(shown))
    by_state = all_rows(client, "/programme/mine?sort=state")
    under_way = {a.organisation.legal_name for a in made if a.state == "in_progress"}
    assert set(by_state[: len(under_way)]) == under_way  # "in_progress" sorts before "planned"
    page = client.get("/programme/mine?q=Ayva").get_data(as_text=True)
    ayva = {a.organisation.legal_name for a in made if "Ayva" in a.organisation.legal_name}
    assert set(names(page)) == ayva
    page = client.get("/programme/mine?state=in_progress&sort=organisation").get_data(as_text=True)
    assert set(names(page)) <= under_way
    assert "/programme/mine?state=in_progress&amp;sort=-organisation" in page  # the filter kept


def _auditor_options(page: str, among: set[str]) -> list[str]:
    return [
        name
        for name in re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", page)
        if name in among
    ]


def test_the_lead_auditor_filter_offers_active_auditors_in_the_readers_alphabet(
    client, db, login_as
):
    # Turkish has Ç as a letter of its own after C; English sorts it as a C.
    for name in ("Deniz Filtre", "Çelik Filtre", "Cem Filtre"):
        factories.user("auditor", name=name)
    factories.user("auditor", name="Cahit Filtre", active=False)
    among = {"Deniz Filtre", "Çelik Filtre", "Cem Filtre", "Cahit Filtre"}
    login_as("committee", locale="tr")
    for path in ("/decisions/", "/findings/", "/programme/"):
        page = client.get(path).get_data(as_text=True)
        assert _auditor_options(page, among) == ["Cem Filtre", "Çelik Filtre", "Deniz Filtre"]
    login_as("committee", locale="en")
    page = client.get("/decisions/").get_data(as_text=True)
    assert _auditor_options(page, among) == ["Çelik Filtre", "Cem Filtre", "Deniz Filtre"]
