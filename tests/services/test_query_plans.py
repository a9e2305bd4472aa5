"""The busiest pages read through indexes: on PostgreSQL, in a body of a few thousand
certificates with their history (tests/bulk.py, then VACUUM ANALYZE as autovacuum would),
EXPLAIN of every statement a page runs shows no sequential scan of a big table. A new query
that would read a whole table as the data grows fails here, not in production a year later.

At this size the planner may still prefer to read a small table whole (2,700 organisations cost
less to scan than to look up through a trigram index). Such a statement is planned again with
only bitmap index scans allowed besides sequential ones (which need an index condition, so a
walk through a whole index does not count): it passes if an index then narrows the rows of that
table, and fails if none can.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, event, func, insert, make_url, select, text

from certification import create_app, search
from certification.accounts.models import User
from certification.activity.models import ActivityLog
from certification.certificates import lifecycle
from certification.certificates.lifecycle import FLAG_CODES
from certification.certificates.models import Certificate
from certification.complaints.models import Complaint
from certification.extensions import db
from certification.organisations.models import Organisation
from certification.programme.models import Audit
from certification.reports.models import AuditReport
from certification.verification.reader import AnswerReader, reader_for
from certification.workflow import AuditState
from tests.bulk import Seeded, seed
from tests.conftest import _normalise

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="query plans are checked on PostgreSQL (CI runs the suite there too)",
)

CERTIFICATES = 3000
# Tables that grow with the body's work; a page may read a small one (settings) whole.
BIG = {
    "activity_log",
    "applications",
    "audit_reports",
    "audit_team_members",
    "audits",
    "certificate_sites",
    "complaints",
    "certificates",
    "cycles",
    "decisions",
    "findings",
    "organisations",
    "public_answers",
    "quotes",
    "sites",
    "users",
}
PAGES = [
    ("planner", "/home/"),
    ("planner", "/organisations/"),
    ("planner", "/organisations/?last=1"),
    ("planner", "/organisations/?q=Customer Services 1234"),
    ("planner", "/organisations/{busy_organisation}"),
    ("planner", "/organisations/{organisation}"),
    ("planner", "/certificates/"),
    ("planner", "/certificates/?last=1"),
    ("planner", "/certificates/?state=suspended"),
    ("planner", "/certificates/?q={number}"),
    ("planner", "/certificates/{busy_certificate}"),
    ("planner", "/certificates/{certificate}"),
    ("planner", "/applications/"),
    ("planner", "/applications/?last=1"),
    ("planner", "/programme/"),
    ("planner", "/programme/?last=1"),
    ("planner", "/programme/?show=overdue"),
    ("planner", "/programme/cycles/{cycle}"),
    ("planner", "/findings/"),
    ("planner", "/findings/?last=1"),
    ("planner", "/quotes/"),
    ("planner", "/quotes/?last=1"),
    # The lists' search boxes: a piece of a number or of an organisation's name ("contains").
    ("planner", "/quotes/?q={quote}"),
    ("planner", "/quotes/?q=Customer Services 1234"),
    ("planner", "/complaints/?q={complaint}"),
    ("planner", "/complaints/?q=Customer Services 1234"),
    ("planner", "/applications/?q=Customer Services 1234"),
    ("planner", "/findings/?q=Customer Services 1234"),
    ("planner", "/programme/?q=Customer Services 1234"),
    ("auditor", "/programme/mine?all=1"),
    # The committee's queue and home: the overdue audits of active certificates (the list for
    # suspension) from their partial index.
    ("committee", "/decisions/"),
    ("committee", "/home/"),
    ("public", "/register"),
    ("public", "/register?last=1"),
    ("public", "/register?q=Customer Services 1234"),
    ("public", "/verify/{token}"),
]


@pytest.fixture(scope="module")
def body():
    """A scratch database on the test server, filled and analysed once for the module."""
    server = make_url(_normalise(os.environ["DATABASE_URL"]))
    name = f"plans_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "RATE_LIMIT_VERIFY": "off"}
    )
    with app.app_context():
        db.create_all()
        seeded = seed(CERTIFICATES)
        complaints(seeded)
        db.session.remove()
    yield app, seeded
    if reader := app.extensions.get("verification_answer_reader"):
        reader.close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def complaints(seeded: Seeded) -> None:
    """One complaint per organisation (tests/bulk.py makes none), so that the complaints list's
    search meets a table of a realistic size; then ANALYZE."""
    rows = [
        dict(
            number=f"CMP-2026-{k:05d}",
            token=uuid.uuid4().hex,
            channel="email",
            organisation_id=organisation_id,
            named_organisation=f"Named Organisation {k}",
            complainant_name=f"Complainant {k}",
            subject="Late answer",
            description="The answer came late.",
            received_on=date(2026, 1, 1) + timedelta(days=k % 300),
            acknowledge_by=date(2026, 1, 5) + timedelta(days=k % 300),
            answer_by=date(2026, 2, 1) + timedelta(days=k % 300),
        )
        for k, organisation_id in enumerate(seeded.organisation_ids)
    ]
    db.session.execute(insert(Complaint), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE complaints"))
    db.session.commit()


def address(pattern: str, seeded: Seeded) -> str:
    middle = len(seeded.certificate_ids) // 2
    half = len(seeded.organisation_ids) // 2
    return pattern.format(
        quote=f"{seeded.organisation_ids[half]:06d}-1",
        complaint=f"2026-{half:05d}",
        busy_organisation=seeded.busy_organisation,
        busy_certificate=seeded.busy_certificate,
        organisation=seeded.organisation_ids[middle],
        certificate=seeded.certificate_ids[middle],
        number=seeded.numbers[middle],
        token=seeded.tokens[middle],
        cycle=seeded.cycle_ids[middle],
    )


def cookie_id(app, user_id: int) -> str:
    """What the session cookie keeps: the id and the session nonce."""
    with app.app_context():
        return db.session.get(User, user_id).get_id()


def statements_of(app, seeded: Seeded, role: str, url: str) -> list[tuple[str, object]]:
    client = app.test_client()
    if role != "public":
        with client.session_transaction() as session:
            session["_user_id"] = cookie_id(app, seeded.staff[role])
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.split()[0].upper() == "SELECT":
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert response.status_code == 200, url
    return seen


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def seq_scanned(plan: dict) -> set[str]:
    return {
        node["Relation Name"]
        for node in nodes(plan)
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG
    }


def explain(connection, statement: str, parameters) -> dict:
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
    return plan.scalar_one()[0]["Plan"]


def unindexed(app, statement: str, parameters) -> set[str]:
    """The big tables this statement reads whole, with no index that could narrow them."""
    with app.app_context(), db.engine.connect() as connection:
        scanned = seq_scanned(explain(connection, statement, parameters))
        if scanned:  # can an index narrow them at all? Only bitmap scans (with a condition)
            for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
                connection.exec_driver_sql(f"SET LOCAL {setting} = off")
            scanned &= seq_scanned(explain(connection, statement, parameters))
        connection.rollback()
    return scanned


@pytest.mark.parametrize(("role", "pattern"), PAGES)
def test_a_busy_page_scans_no_big_table(body, role, pattern):
    app, seeded = body
    url = address(pattern, seeded)
    for statement, parameters in statements_of(app, seeded, role, url):
        scanned = unindexed(app, statement, parameters)
        assert not scanned, f"{url} reads {scanned} whole:\n{statement}"


def test_the_older_pages_of_a_long_timeline_read_through_the_index_too(body):
    app, seeded = body
    first = statements_of(app, seeded, "planner", f"/organisations/{seeded.busy_organisation}")
    assert first
    with app.test_client() as client:
        with client.session_transaction() as session:
            session["_user_id"] = cookie_id(app, seeded.staff["planner"])
        page = client.get(f"/organisations/{seeded.busy_organisation}").get_data(as_text=True)
    older = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    for statement, parameters in statements_of(app, seeded, "planner", older):
        assert not unindexed(app, statement, parameters), statement


@pytest.mark.parametrize("kind", ["number", "token"])
def test_the_public_lookup_reads_one_row_by_its_key(body, kind):
    app, seeded = body
    with app.app_context():
        reader = reader_for(app)
        assert isinstance(reader, AnswerReader)
        key = seeded.numbers[7] if kind == "number" else seeded.tokens[7]
        statement = reader.sql[kind].replace("%s", "%(key)s")
        assert not unindexed(app, statement, {"key": key})
        assert reader.find(kind, key).number == seeded.numbers[7]


def test_a_statement_no_index_can_serve_is_caught(body):
    """The check itself: a filter on an unindexed column reads the table whole and is reported;
    the same table read by an indexed column is not."""
    app, _seeded = body
    assert unindexed(app, "SELECT id FROM activity_log WHERE reason = %(r)s", {"r": "x"}) == {
        "activity_log"
    }
    assert (
        unindexed(app, "SELECT id FROM activity_log WHERE organisation_id = %(o)s", {"o": 7})
        == set()
    )


# -- pages whose time stays flat as the body grows (issue 14) ---------------------------------


def analysed(app, seeded: Seeded, role: str, url: str, *words: str) -> dict:
    """EXPLAIN ANALYZE of the page's one statement that names all `words`."""
    found = [
        (statement, parameters)
        for statement, parameters in statements_of(app, seeded, role, url)
        if all(word in statement for word in words)
    ]
    assert len(found) == 1, [statement for statement, _ in found]
    statement, parameters = found[0]
    with app.app_context(), db.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
        ).scalar_one()[0]["Plan"]
        connection.rollback()
    return plan


def indexes_read(plan: dict) -> set[str]:
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def rows_read(plan: dict, table: str | None = None) -> int:
    """Rows the plan's scans (of `table`) produced or passed over (their filters' removed rows
    too), sub-plans included."""
    return sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in nodes(plan)
        if "Scan" in node["Node Type"] and table in (None, node.get("Relation Name"))
    )


def test_the_open_findings_list_reads_only_open_nonconformities(body):
    """Not the closed findings of the body's history that come first by plan due date."""
    app, seeded = body
    plan = analysed(app, seeded, "planner", "/findings/", "FROM findings", "LIMIT")
    assert "ix_findings_open_nonconformities_plan_due_on_id" in indexes_read(plan)
    assert rows_read(plan) <= 2 * 21  # a page, not the history


@pytest.mark.parametrize("url", ["/decisions/", "/home/"])
def test_the_committees_queue_looks_up_the_reports_of_the_waiting_files_only(body, url):
    """The moment a file waits since comes from its report: looked up for the few files in the
    queue, not by hashing every report of the body's history."""
    app, seeded = body
    plan = analysed(app, seeded, "committee", url, "coalesce", "LIMIT")
    with app.app_context():
        waiting = db.session.scalar(
            select(func.count(Audit.id)).where(Audit.state == AuditState.SUBMITTED.value)
        )
        reports = db.session.scalar(select(func.count(AuditReport.id)))
    assert 0 < waiting < reports / 10
    assert rows_read(plan, "audit_reports") <= waiting


def test_the_committees_home_counts_flagged_certificates_from_the_flags(body):
    """Each cause's count starts from its few flags in the activity log, not from every
    certificate of the body tested against them."""
    app, seeded = body
    plan = analysed(app, seeded, "committee", "/home/", "count(certificates.id)", "activity_log")
    with app.app_context():
        flags = db.session.scalar(
            select(func.count(ActivityLog.id)).where(
                ActivityLog.action.in_(("suspension_limit_passed", *FLAG_CODES["audit_overdue"]))
            )
        )
    assert rows_read(plan, "certificates") <= flags


def test_the_planners_home_counts_expiring_certificates_against_arranged_recertifications(body):
    """The certificates expiring soon, against the arranged recertifications read from their
    partial index by cycle, not from a scan of every audit of the body's history."""
    app, seeded = body
    plan = analysed(app, seeded, "planner", "/home/", "FROM certificates", "expires_on <=")
    assert "ix_audits_arranged_recertification_cycle_id" in indexes_read(plan)
    assert "audits" not in seq_scanned(plan)


def test_the_committees_overdue_count_looks_up_an_active_certificate_per_overdue_audit(body):
    """The count of audits to consider for suspension: the overdue candidates past their date
    from their partial index, then one look-up of an active certificate each, not a hash of
    every active certificate of the body."""
    app, seeded = body
    plan = analysed(app, seeded, "committee", "/decisions/", "count(*)", "FROM audits")
    assert "ix_audits_overdue_candidate_due_by_id_cycle_id" in indexes_read(plan)
    assert "audits" not in seq_scanned(plan)
    overdue = rows_read(plan, "audits")  # candidates past their date
    with app.app_context():
        active = db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.state == "active")
        )
    assert 0 < overdue < active / 5
    assert rows_read(plan, "certificates") <= overdue  # at most one row per look-up


def test_the_overdue_count_turns_jit_off_for_its_transaction_only(body):
    """Compiling the count's plan would cost more than the count: JIT is off for the request's
    transaction, and a connection handed on after it (by a pooler too) has it back."""
    app, _seeded = body
    with app.app_context():
        assert db.session.scalar(text("SHOW jit")) == "on"
        lifecycle.overdue_audit_count(date.today())
        assert db.session.scalar(text("SHOW jit")) == "off"
        db.session.rollback()
        assert db.session.scalar(text("SHOW jit")) == "on"
        db.session.remove()


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("committee", ("FROM certificates", "suspended_until <", "LIMIT")),
        ("committee", ("count(certificates.id)", "suspended_until <")),
        ("planner", ("count(certificates.id)", "suspended_until <=")),
    ],
)
def test_suspensions_are_read_by_their_limit(body, role, words):
    """Past their limit (the committee's list and count) or near it (the planner's count): a
    range of the index by state and limit, not every suspended certificate tested in turn."""
    app, seeded = body
    url = "/decisions/" if role == "committee" else "/home/"
    plan = analysed(app, seeded, role, url, *words)
    assert "ix_certificates_state_suspended_until_id" in indexes_read(plan)
    with app.app_context():
        suspended = db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.state == "suspended")
        )
    matched = sum(
        node["Actual Rows"] for node in nodes(plan) if node.get("Relation Name") == "certificates"
    )
    assert 0 < matched < suspended or matched == 0 < suspended
    assert rows_read(plan, "certificates") <= matched  # the range, no suspension passed over


@pytest.mark.parametrize("role, url", [("public", "/register"), ("planner", "/certificates/")])
def test_a_common_word_reads_a_page_of_certificates_not_every_match(body, role, url):
    """A word in many organisations' names ("Marmara"): the list's order is walked until the
    page is full, not every matching organisation's certificates hashed and sorted."""
    app, seeded = body
    plan = analysed(app, seeded, role, f"{url}?q={seeded.search_word}", "ORDER BY", "LIMIT")
    with app.app_context():
        matching = db.session.scalar(
            select(func.count(Organisation.id)).where(
                search.contains(search.ORGANISATIONS, seeded.search_word)
            )
        )
    assert matching > 100
    assert rows_read(plan, "organisations") < matching / 2
