"""The charts page and the client's trend: SVG with a table behind it, in the reader's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.reports.models import AuditFigures
from tests import factories

TODAY = date.today()
SVG = "{http://www.w3.org/2000/svg}"


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", page, flags=re.S)]


def a_year_of_work(db):
    org = factories.organisation(legal_name="Grafik Müşteri A.Ş.")
    cycle = factories.cycle(factories.quote(factories.application(org)))
    stage2 = factories.audit(
        cycle,
        kind="stage2",
        state="closed",
        start_date=TODAY - timedelta(days=40),
        end_date=TODAY - timedelta(days=38),
    )
    factories.finding(stage2, grade="major", clause="7.2", number=1)
    factories.finding(stage2, grade="minor", clause="7.2", number=2, question_id="7.2-b")
    factories.finding(stage2, grade="minor", clause="8.3", number=3, question_id="8.3-a")
    db.session.add(
        Decision(
            organisation=org,
            cycle=cycle,
            audit=stage2,
            outcome="grant",
            decided_on=TODAY - timedelta(days=10),
            reasons="ok",
        )
    )
    db.session.add(
        Certificate(
            number="CB-G-1",
            token="g1",
            organisation=org,
            cycle=cycle,
            scheme="iso10002",
            edition="2018",
            scope="s",
            issued_on=TODAY - timedelta(days=10),
            original_issued_on=TODAY - timedelta(days=10),
            expires_on=TODAY + timedelta(days=1000),
        )
    )
    db.session.add(
        AuditFigures(
            audit_id=stage2.id,
            complaints_received=120,
            complaints_closed=110,
            median_days_to_close=6.5,
            satisfaction_percent=87.5,
        )
    )
    db.session.commit()
    return org


def test_the_charts_page_draws_four_accessible_charts_with_tables(client, db, login_as):
    a_year_of_work(db)
    login_as("planner")
    page = client.get("/charts/").get_data(as_text=True)
    drawn = svgs(page)
    assert len(drawn) == 4
    for svg in drawn:
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
    assert page.count("<table") == 4
    titles = [svg.find(f"{SVG}title").text for svg in drawn]
    assert titles[3] == "Nonconformities by ISO 10002 clause"
    clauses = [t.text for t in drawn[3].iter(f"{SVG}text") if t.get("class") == "label"]
    assert clauses == ["7.2", "8.3"]
    # the table behind the days chart: one decision, 28 days after the end of stage 2
    assert re.search(r"<td>1</td><td>28</td><td>28</td>", page)


def test_the_findings_period_can_be_chosen(client, db, login_as):
    a_year_of_work(db)
    login_as("committee")
    long_ago = (TODAY - timedelta(days=800)).isoformat()
    page = client.get(f"/charts/?from={long_ago}&to={long_ago}").get_data(as_text=True)
    assert "No figures for this period yet." in page


def test_charts_speak_turkish(client, db, login_as):
    a_year_of_work(db)
    login_as("planner", locale="tr")
    page = client.get("/charts/").get_data(as_text=True)
    titles = [svg.find(f"{SVG}title").text for svg in svgs(page)]
    assert "ISO 10002 maddesine göre uygunsuzluklar" in titles


def test_the_client_sees_its_own_figures_trend(client, db, login_as):
    org = a_year_of_work(db)
    login_as(factories.user("client", organisation=org))
    page = client.get("/home/").get_data(as_text=True)
    titles = [svg.find(f"{SVG}title").text for svg in svgs(page)]
    assert titles == [
        "Complaints received and closed",
        "Median days to close a complaint",
        "Customer satisfaction",
    ]
    assert "<td>87.5</td>" in page
    # another client sees none of it
    login_as(factories.user("client"))
    assert "Customer satisfaction" not in client.get("/home/").get_data(as_text=True)
