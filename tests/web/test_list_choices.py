"""The staff lists as a user narrows and orders them (certification/listing.py): a search box, a
few filters kept in the address, column headers that sort (paged by key: every row once, in
the chosen order, forwards and backwards) and bad arguments that leave the list shown."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from certification.programme.models import AuditTeamMember
from tests import factories
from tests.paging import link
from tests.sql_counting import counting_queries

DAY = date(2026, 5, 4)
NAME = re.compile(r"Liste (?:Çiçek|Ayva|Zeytin|Badem|Elma) \d\d")
FRUITS = ("Zeytin", "Ayva", "Elma", "Çiçek", "Badem")


def names(page: str) -> list[str]:
    return list(dict.fromkeys(NAME.findall(page)))


def all_rows(client, url: str) -> list[str]:
    """The rows' names reading forwards over every page, then checked backwards from the last."""
    page = client.get(url).get_data(as_text=True)
    forwards = names(page)
    while 'rel="next"' in page:
        page = client.get(link(page, "next")).get_data(as_text=True)
        forwards += names(page)
    first = client.get(url).get_data(as_text=True)
    if 'rel="last"' not in first:
        return forwards
    page = client.get(link(first, "last")).get_data(as_text=True)
    backwards = names(page)
    while 'rel="prev"' in page:
        page = client.get(link(page, "prev")).get_data(as_text=True)
        backwards = names(page) + backwards
    if backwards:
        assert backwards == forwards
    return forwards


def organisation(n: int):
    return factories.organisation(legal_name=f"Liste {FRUITS[n % 5]} {n:02d}", city="Kars")


def audits(count: int, auditor=None) -> list:
    made = []
    for n in range(count):
        audit = factories.audit(
            factories.cycle(factories.quote(factories.application(organisation(n))))
        )
        audit.due_by = DAY + timedelta(days=(n * 7) % 40)
        if auditor is not None and n % 2 == 0:
            audit.team.append(AuditTeamMember(user_id=auditor.id, role="lead"))
        made.append(audit)
    factories.db.session.flush()
    return made


BAD_ARGUMENTS = [
    "sort=nonsense",
    "sort=-",
    "sort=" + "x" * 5000,
    "from=2026-13-45&to=yesterday",
    "auditor=99999999999999999999999",
    "auditor=-3",
    "due=999999999999999999",
    "q=%25_%5C",
    "after=notacursor&sort=organisation",
]


@pytest.mark.parametrize("bad", BAD_ARGUMENTS)
def test_bad_arguments_leave_the_programme_shown(client, db, login_as, bad):
    audits(3)
    db.session.commit()
    login_as("planner")
    response = client.get(f"/programme/?{bad}")
    assert response.status_code == 200
    assert "Audit programme" in response.get_data(as_text=True)


def test_programme_sorted_by_organisation_both_ways_over_pages(client, db, login_as):
    made = audits(45)
    db.session.commit()
    login_as("planner")
    shown = all_rows(client, "/programme/?sort=organisation")
    assert shown == _english([a.organisation.legal_name for a in made])
    assert all_rows(client, "/programme/?sort=-organisation") == list(reversed(shown))
    page = client.get("/programme/?sort=organisation").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=-organisation" in page


def _english(values: list[str]) -> list[str]:
    """The reader's (English) collation puts Ç with C, after B."""
    return sorted(values, key=lambda v: v.replace("Ç", "C"))


def test_programme_narrowed_to_an_auditor_a_search_and_dates(client, db, login_as):
    auditor = factories.user("auditor", name="Nino Auditor")
    made = audits(10, auditor)
    db.session.commit()
    login_as("planner")

    page = client.get(f"/programme/?auditor={auditor.id}").get_data(as_text=True)
    assert set(names(page)) == {a.organisation.legal_name for a in made[::2]}
    assert f'<option value="{auditor.id}" selected' in page
    assert "Clear search and filters" in page

    page = client.get("/programme/?q=zeytİn").get_data(as_text=True)  # case and dotted İ folded
    zeytin = {a.organisation.legal_name for a in made if "Zeytin" in a.organisation.legal_name}
    assert set(names(page)) == zeytin

    start, end = DAY + timedelta(days=10), DAY + timedelta(days=20)
    page = client.get(f"/programme/?from={start}&to={end}").get_data(as_text=True)
    inside = {a.organisation.legal_name for a in made if start <= a.due_by <= end}
    assert set(names(page)) == inside and inside
    assert f'value="{start.isoformat()}"' in page


def test_programme_page_runs_the_same_statements_for_3_or_30_audits(client, db, login_as):
    login_as("planner")
    url = "/programme/?sort=organisation&q=liste&from=2026-01-01"
    client.get(url)
    audits(3)
    db.session.commit()
    with counting_queries(db) as few:
        client.get(url)
    audits(27)
    db.session.commit()
    with counting_queries(db) as many:
        client.get(url)
    assert len(many) == len(few)


def findings(count: int, auditor=None) -> list:
    made = []
    for n, audit in enumerate(audits(count, auditor)):
        due = None if n % 5 == 0 else DAY + timedelta(days=(n * 3) % 20)
        made.append(factories.finding(audit, grade="minor", plan_due_on=due))
    return made


@pytest.mark.parametrize("bad", BAD_ARGUMENTS)
def test_bad_arguments_leave_the_findings_shown(client, db, login_as, bad):
    findings(3)
    db.session.commit()
    login_as("planner")
    response = client.get(f"/findings/?{bad}")
    assert response.status_code == 200
    if not bad.startswith("q="):  # a search for "%_\\" finds nothing; the rest ignored
        assert len(names(response.get_data(as_text=True))) == 3


def test_findings_sorted_by_organisation_and_narrowed(client, db, login_as):
    auditor = factories.user("auditor", name="Nino Auditor")
    made = findings(30, auditor)
    db.session.commit()
    login_as("planner")

    shown = all_rows(client, "/findings/?sort=organisation")
    assert shown == _english([f.organisation.legal_name for f in made])
    assert all_rows(client, "/findings/?sort=-organisation") == list(reversed(shown))

    page = client.get(f"/findings/?auditor={auditor.id}").get_data(as_text=True)
    assert set(names(page)) == {f.organisation.legal_name for f in made[::2]}

    start, end = DAY + timedelta(days=5), DAY + timedelta(days=9)
    page = client.get(f"/findings/?from={start}&to={end}&q=kars").get_data(as_text=True)
    inside = {
        f.organisation.legal_name for f in made if f.plan_due_on and start <= f.plan_due_on <= end
    }
    assert set(names(page)) == inside and inside


def test_findings_page_runs_the_same_statements_for_3_or_30(client, db, login_as):
    login_as("planner")
    url = "/findings/?sort=organisation&q=liste&from=2026-01-01"
    client.get(url)
    findings(3)
    db.session.commit()
    with counting_queries(db) as few:
        client.get(url)
    findings(27)
    db.session.commit()
    with counting_queries(db) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("url", ["/applications/", "/quotes/"])
@pytest.mark.parametrize("bad", BAD_ARGUMENTS)
def test_bad_arguments_leave_the_list_shown(client, db, login_as, url, bad):
    for n in range(3):
        factories.quote(factories.application(organisation(n)))
    db.session.commit()
    login_as("planner")
    response = client.get(f"{url}?{bad}")
    assert response.status_code == 200
    if not bad.startswith("q="):
        assert len(names(response.get_data(as_text=True))) == 3


@pytest.mark.parametrize("url", ["/applications/", "/quotes/"])
def test_applications_and_quotes_sorted_by_organisation_and_searched(client, db, login_as, url):
    made = [factories.quote(factories.application(organisation(n))) for n in range(30)]
    db.session.commit()
    login_as("planner")
    shown = all_rows(client, f"{url}?sort=organisation")
    assert shown == _english([q.organisation.legal_name for q in made])
    assert all_rows(client, f"{url}?sort=-organisation") == list(reversed(shown))
    page = client.get(f"{url}?q=ÇİÇEK").get_data(as_text=True)  # case and accents folded
    assert set(names(page)) == {q.organisation.legal_name for q in made[3::5]}
    assert 'value="ÇİÇEK"' in page and "Clear search and filters" in page


def test_quotes_found_by_number_newest_first_by_default(client, db, login_as):
    made = [factories.quote(factories.application(organisation(n))) for n in range(3)]
    db.session.commit()
    login_as("planner")
    page = client.get("/quotes/").get_data(as_text=True)
    assert names(page) == [q.organisation.legal_name for q in reversed(made)]
    page = client.get(f"/quotes/?q={made[1].number}").get_data(as_text=True)
    assert names(page) == [made[1].organisation.legal_name]


@pytest.mark.parametrize("url", ["/applications/", "/quotes/"])
def test_applications_and_quotes_run_the_same_statements_for_3_or_30(client, db, login_as, url):
    login_as("planner")
    url += "?sort=organisation&q=liste"
    client.get(url)
    for n in range(3):
        factories.quote(factories.application(organisation(n)))
    db.session.commit()
    with counting_queries(db) as few:
        client.get(url)
    for n in range(27):
        factories.quote(factories.application(organisation(n)))
    db.session.commit()
    with counting_queries(db) as many:
        client.get(url)
    assert len(many) == len(few)


def test_organisations_sorted_newest_first_and_back_to_names(client, db, login_as):
    made = [organisation(n) for n in range(30)]
    db.session.commit()
    login_as("planner")
    by_name = all_rows(client, "/organisations/")
    assert by_name == _english([o.legal_name for o in made])
    newest = all_rows(client, "/organisations/?sort=registered")
    assert newest == [o.legal_name for o in reversed(made)]
    page = client.get("/organisations/?sort=registered&q=elma").get_data(as_text=True)
    assert names(page) == [o.legal_name for o in reversed(made[2::5])]
    assert 'aria-sort="descending"' in page and "sort=-registered" in page
    assert client.get("/organisations/?sort=-registered&after=x").status_code == 200


def complaints_received(count: int) -> list:
    from tests.web.test_complaints import received

    return [
        received(
            today=DAY + timedelta(days=n % 10),
            subject=f"Subject {n}",
            about="client",
            named_organisation=f"Liste Elma {n:02d}",
        )
        for n in range(count)
    ]


def test_complaints_searched_narrowed_by_dates_and_sorted(client, db, login_as):
    made = complaints_received(12)
    login_as("planner")
    newest = all_rows(client, "/complaints/")
    expected = sorted(made, key=lambda c: (c.received_on, c.id), reverse=True)
    assert newest == [c.named_organisation for c in expected]
    oldest = all_rows(client, "/complaints/?sort=-received")
    assert oldest == list(reversed(newest))

    start, end = DAY + timedelta(days=2), DAY + timedelta(days=3)
    page = client.get(f"/complaints/?from={start}&to={end}").get_data(as_text=True)
    assert set(names(page)) == {c.named_organisation for c in made if start <= c.received_on <= end}
    page = client.get(f"/complaints/?q={made[4].number}").get_data(as_text=True)
    assert names(page) == [made[4].named_organisation]
    page = client.get("/complaints/?q=elma 07").get_data(as_text=True)
    assert names(page) == ["Liste Elma 07"]
    for bad in BAD_ARGUMENTS:
        assert client.get(f"/complaints/?{bad}").status_code == 200


def test_complaints_page_runs_the_same_statements_for_3_or_30(client, db, login_as):
    login_as("planner")
    url = "/complaints/?sort=state&q=liste&from=2026-01-01"
    client.get(url)
    complaints_received(3)
    with counting_queries(db) as few:
        client.get(url)
    complaints_received(27)
    with counting_queries(db) as many:
        client.get(url)
    assert len(many) == len(few)


def certificates(count: int) -> list:
    from tests.web.test_certificates import issued

    return [
        issued(organisation(n), decided_on=DAY - timedelta(days=(n * 37) % 300))
        for n in range(count)
    ]


def test_certificates_sorted_by_expiry_and_narrowed_to_expiry_dates(client, db, login_as):
    made = certificates(25)
    login_as("planner")
    shown = all_rows(client, "/certificates/?sort=expires")
    expected = sorted(made, key=lambda c: (c.expires_on, c.id))
    assert shown == [c.organisation.legal_name for c in expected]
    page = client.get("/certificates/?sort=expires").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page

    start, end = expected[5].expires_on, expected[12].expires_on
    page = client.get(f"/certificates/?from={start}&to={end}").get_data(as_text=True)
    inside = {c.organisation.legal_name for c in made if start <= c.expires_on <= end}
    assert set(names(page)) == inside
    for bad in BAD_ARGUMENTS + ["expiring=99999999999999999999"]:
        assert client.get(f"/certificates/?{bad}").status_code == 200


def test_certificates_page_runs_the_same_statements_for_3_or_30(client, db, login_as):
    login_as("planner")
    url = "/certificates/?sort=organisation&from=2026-01-01"
    client.get(url)
    certificates(3)
    with counting_queries(db) as few:
        client.get(url)
    certificates(20)
    with counting_queries(db) as many:
        client.get(url)
    assert len(many) == len(few)


def test_appeals_and_transfers_search_and_sort(client, db, login_as):
    from tests.services.test_transfers import apply

    made = [apply(organisation(n)) for n in range(4)]
    db.session.commit()
    login_as("planner")
    page = client.get("/transfers/").get_data(as_text=True)
    assert set(names(page)) == {t.organisation.legal_name for t in made}
    page = client.get("/transfers/?q=zeytin").get_data(as_text=True)
    assert names(page) == [made[0].organisation.legal_name]
    page = client.get("/transfers/?sort=organisation").get_data(as_text=True)
    assert names(page) == _english([t.organisation.legal_name for t in made])
    for bad in BAD_ARGUMENTS:
        assert client.get(f"/transfers/?{bad}").status_code == 200
    login_as("admin")
    for bad in BAD_ARGUMENTS + ["q=elma&sort=-date"]:
        assert client.get(f"/appeals/?{bad}").status_code == 200


def test_an_empty_search_says_nothing_matches_not_that_nothing_exists(client, db, login_as):
    from tests.services.test_transfers import apply

    apply(organisation(0))
    db.session.commit()
    login_as("planner")
    page = client.get("/transfers/?q=nomatchanywhere").get_data(as_text=True)
    assert "No transfers match." in page and "No transfer has been applied for." not in page
    login_as("admin")
    assert "No appeal has been lodged." in client.get("/appeals/").get_data(as_text=True)
    page = client.get("/appeals/?q=nomatchanywhere").get_data(as_text=True)
    assert "No appeals match." in page and "No appeal has been lodged." not in page
