"""SQLite keeps no statistics, so it picks an index by the shape of a query alone; at 50,000
certificates a wrong pick costs a busy page tens of milliseconds (benchmarks/scale.py). These
pages must read the index made for them, and the public register must not be drawn to another
list's index (tests/services/test_query_plans.py checks PostgreSQL's plans at size)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from certification.extensions import db as _db


@pytest.fixture(autouse=True)
def _sqlite_only(db):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own choice of index")


def plans(client, url: str) -> list[tuple[str, str]]:
    """(statement, its query plan) for every SELECT the page runs."""
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(_db.engine, "before_cursor_execute", capture)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", capture)
    connection = _db.session.connection()  # the test database's one connection
    explained = []
    for statement, parameters in seen:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        explained.append((statement, " / ".join(row[3] for row in rows)))
    _db.session.rollback()
    return explained


def plan_of(client, url: str, *words: str) -> str:
    """The plan of the page's one statement that names all `words`."""
    found = [plan for statement, plan in plans(client, url) if all(w in statement for w in words)]
    assert len(found) == 1, found
    return found[0]


def test_the_planners_home_counts_expiring_certificates_from_their_partial_index(client, login_as):
    login_as("planner")
    plan = plan_of(client, "/home/", "FROM certificates", "expires_on <=")
    assert "ix_certificates_active_by_expiry" in plan
    # each one's cycle looked up among the arranged recertifications, not its every audit
    assert "ix_audits_arranged_recertification_cycle_id (cycle_id=?)" in plan


def test_the_committees_home_counts_flagged_certificates_by_cycle(client, login_as):
    login_as("committee")
    plan = plan_of(client, "/home/", "count(certificates.id)", "activity_log")
    assert "ix_certificates_cycle_id_state (cycle_id=? AND state=?)" in plan


def test_the_open_findings_are_read_by_grade_and_state(client, login_as):
    login_as("planner")
    plan = plan_of(client, "/findings/", "FROM findings", "plan_due_on IS NOT NULL")
    assert "ix_findings_grade_state_plan_due_on_id (grade=? AND state=?" in plan


@pytest.mark.parametrize("url", ["/register", "/register?q=ACB-2026-0001"])
def test_the_register_reads_in_its_own_order_and_never_the_expiry_index(client, url):
    plan = plan_of(client, url, "FROM certificates", "ORDER BY certificates.issued_on")
    assert "ix_certificates_state_issued_on_id" in plan
    assert "ix_certificates_active_by_expiry" not in plan
    assert "TEMP B-TREE" not in plan  # read in the list's order, not every row sorted


def test_the_planners_home_counts_overdue_audits_from_the_due_by_index_alone(client, login_as):
    """Planned audits past their due date and scheduled ones ending after it: counted, with the
    surveillance audits among them, without reading one audit row."""
    login_as("planner")
    plan = plan_of(client, "/home/", "FROM audits", "audits.end_date > audits.due_by")
    assert plan.count("COVERING INDEX ix_audits_state_due_by_id_kind_end_date") == 2, plan
