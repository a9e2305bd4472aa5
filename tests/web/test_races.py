"""Double submits and races: two requests at once never make two of anything.

Each test sends the same POST twice at the same moment (a double click, or two people), each from
its own thread, test client and database connection, against an app of its own (a SQLite file, or
a schema of its own on PostgreSQL: tests/own_database.py). Each request pauses after it first reads
the subject's row until the other has read it too, so both see the state before either writes:
exactly the moment the review found two grants making two decisions and two active certificates.
One request must do the work, the other must be refused with a message, changing nothing; neither
may fail (an exception in a request fails the test).
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from certification.accounts.models import User
from certification.activity.models import ActivityLog
from certification.audits.services import start_audit
from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.findings.models import CorrectiveAction, Finding
from certification.models_base import utcnow
from certification.programme.models import Audit, AuditTeamMember, Cycle
from tests import factories, scenarios
from tests.own_database import own_app

TODAY = date.today()
# How long a request waits at the pause for the other one. On SQLite the second request cannot
# even begin (the first holds the write lock), so the first goes on after this much.
PAUSE_SECONDS = 1.0
ALREADY = re.compile(r"already (done|decided)|Someone else changed this", re.IGNORECASE)


@pytest.fixture(scope="module")
def race_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("races")
    with own_app(tmp, "races", TESTING=True, SECRET_KEY="races", WTF_CSRF_ENABLED=False) as app:
        yield app


class Race:
    def __init__(self, app):
        self.app = app

    @contextmanager
    def setup(self):
        """Set-up code in the app's context, committed at the end."""
        with self.app.app_context():
            try:
                yield _db.session
                _db.session.commit()
            finally:
                _db.session.remove()

    @contextmanager
    def reading(self):
        with self.app.app_context():
            try:
                yield _db.session
            finally:
                _db.session.remove()

    def count(self, model, *where) -> int:
        with self.reading() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))

    def logged(self, action: str, subject_type: str, subject_id: int) -> int:
        return self.count(
            ActivityLog,
            ActivityLog.action == action,
            ActivityLog.subject_type == subject_type,
            ActivityLog.subject_id == subject_id,
        )

    def fire(self, *requests, pause_on: str) -> list[tuple[int, str]]:
        """Send every (user_id, url, data) at once; each request pauses after its first read of
        table `pause_on` until all have read it. Returns (status, page text) after redirects."""
        barrier = threading.Barrier(len(requests), timeout=PAUSE_SECONDS)
        local = threading.local()

        def pause(_conn, _cursor, statement, *_args):
            first_read = (
                getattr(local, "racing", False)
                and not getattr(local, "paused", False)
                and statement.lstrip().upper().startswith("SELECT")
                and f"FROM {pause_on}" in statement
                and "FOR UPDATE" not in statement
            )
            if first_read:
                local.paused = True
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass

        def send(user_id: int, url: str, data: dict) -> tuple[int, str]:
            client = self.app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = sessions[user_id], True
            local.racing = True
            response = client.post(url, data=data, follow_redirects=True)
            return response.status_code, response.get_data(as_text=True)

        with self.app.app_context():
            engine = _db.engine
            # What the session cookie keeps: the user's id and session nonce (accounts/sessions).
            sessions = {
                user_id: _db.session.get(User, user_id).get_id() for user_id, *_rest in requests
            }
            _db.session.remove()
        event.listen(engine, "after_cursor_execute", pause)
        try:
            with ThreadPoolExecutor(len(requests)) as pool:
                futures = [pool.submit(send, *request) for request in requests]
                return [future.result(timeout=60) for future in futures]
        finally:
            event.remove(engine, "after_cursor_execute", pause)


@pytest.fixture
def race(race_app):
    yield Race(race_app)
    with race_app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


def one_done_one_refused(results) -> None:
    """Neither failed; exactly one page tells that it was already done (or changed meanwhile)."""
    statuses = [status for status, _page in results]
    assert all(status < 500 for status in statuses), statuses
    refused = [page for _status, page in results if ALREADY.search(page)]
    assert len(refused) == 1, [ALREADY.findall(page) for _s, page in results]


# -- the committee's decision -------------------------------------------------------------------


def test_two_grants_at_once_make_one_decision_and_one_certificate(race):
    with race.setup() as session:
        stage2 = scenarios.submitted_stage2(session, TODAY)
        first, second = factories.committee_member(), factories.committee_member()
        audit_id, members = stage2.audit.id, (first.id, second.id)
    url = f"/decisions/audits/{audit_id}/decide"
    data = {"outcome": "grant", "reasons": "Every clause conforms.", "scope": "Retail services"}

    results = race.fire(*[(member, url, data) for member in members], pause_on="audits")

    assert race.count(Decision) == 1
    assert race.count(Certificate) == 1
    assert race.count(Cycle) == 1
    assert race.logged("close", "Audit", audit_id) == 1
    one_done_one_refused(results)
    assert any("This file was already decided" in page for _s, page in results)


def test_a_double_suspension_request_decision_is_recorded_once(race):
    with race.setup():
        certificate = _certificate()
        member = factories.committee_member()
        certificate_id, member_id = certificate.id, member.id
    url = f"/decisions/certificates/{certificate_id}"
    data = {"outcome": "withdraw", "reasons": "The client asked in writing."}

    results = race.fire((member_id, url, data), (member_id, url, data), pause_on="certificates")

    assert race.count(Decision) == 1
    assert race.logged("withdraw", "Certificate", certificate_id) == 1
    one_done_one_refused(results)


# -- applications and quotes --------------------------------------------------------------------


def test_an_application_reviewed_twice_at_once_is_approved_once(race):
    with race.setup():
        application = factories.application(state="submitted")
        planners = factories.user("planner").id, factories.user("planner").id
        application_id = application.id
    url = f"/applications/{application_id}/review"
    data = {"outcome": "approve", "competence_confirmed": "y", "notes": "Sector 29 covered."}

    results = race.fire(*[(p, url, data) for p in planners], pause_on="applications")

    assert race.logged("approve", "Application", application_id) == 1
    one_done_one_refused(results)


def _approved_application():
    reviewer = factories.user("planner")
    return factories.application(
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=reviewer.id,
        reviewed_at=utcnow(),
    )


def test_a_quote_accepted_twice_at_once_makes_one_programme(race):
    with race.setup():
        application = _approved_application()
        quote = factories.quote(
            application, state="issued", issued_on=TODAY, valid_until=TODAY + timedelta(days=30)
        )
        client = factories.user("client", organisation=application.organisation)
        factories.agreement(application.organisation, client)  # 17021-1 5.1.2, accepted before
        quote_id, client_id = quote.id, client.id
    url = f"/quotes/{quote_id}/accept"

    results = race.fire((client_id, url, {}), (client_id, url, {}), pause_on="quotes")

    assert race.count(Cycle) == 1
    assert race.count(Audit) == 5
    assert race.logged("accept", "Quote", quote_id) == 1
    one_done_one_refused(results)


def test_a_quote_sent_twice_at_once_is_issued_once(race):
    with race.setup():
        quote = factories.quote(_approved_application(), state="draft")
        planner = factories.user("planner")
        quote_id, planner_id = quote.id, planner.id
    url = f"/quotes/{quote_id}/issue"

    results = race.fire((planner_id, url, {}), (planner_id, url, {}), pause_on="quotes")

    assert race.logged("issue", "Quote", quote_id) == 1
    one_done_one_refused(results)


# -- audits -------------------------------------------------------------------------------------


def test_an_audit_started_twice_at_once_starts_once(race):
    with race.setup() as session:
        cycle = factories.cycle()
        factories.concluded_stage1(cycle, TODAY - timedelta(days=20))  # 17021-1 9.3.1
        audit = factories.audit(
            cycle,
            kind="stage2",
            state="scheduled",
            start_date=TODAY,
            end_date=TODAY + timedelta(days=1),
        )
        lead = factories.user("auditor")
        session.add(AuditTeamMember(audit_id=audit.id, user_id=lead.id, role="lead"))
        factories.sent_plan(audit, lead)  # 17021-1 9.2.3
        audit_id, lead_id = audit.id, lead.id
    url = f"/audits/{audit_id}/start"

    results = race.fire((lead_id, url, {}), (lead_id, url, {}), pause_on="audits")

    assert race.logged("start", "Audit", audit_id) == 1
    one_done_one_refused(results)


def test_a_report_submitted_twice_at_once_goes_to_the_committee_once(race):
    with race.setup() as session:
        stage2 = scenarios.stage2_on_site(session, TODAY)
        audit_id, lead_id = stage2.audit.id, stage2.lead.id
    url = f"/audits/{audit_id}/report/submit"
    data = {
        "recommendation": "recommended",
        "summary": "All clauses were audited.",
        "scope_verdict": "appropriate",
    }

    results = race.fire((lead_id, url, data), (lead_id, url, data), pause_on="audits")

    assert race.logged("submit", "Audit", audit_id) == 1
    one_done_one_refused(results)


def test_an_audit_cancelled_twice_at_once_is_cancelled_once(race):
    with race.setup():
        audit = factories.audit(kind="stage1", state="planned")
        planner = factories.user("planner")
        audit_id, planner_id = audit.id, planner.id
    url = f"/programme/audits/{audit_id}/cancel"
    data = {"reason": "The client moved the date."}

    results = race.fire((planner_id, url, data), (planner_id, url, data), pause_on="audits")

    assert race.logged("cancel", "Audit", audit_id) == 1
    one_done_one_refused(results)


# -- findings -----------------------------------------------------------------------------------


def _finding(state: str):
    audit = factories.audit(
        kind="stage2",
        state="in_progress",
        start_date=TODAY - timedelta(days=2),
        end_date=TODAY - timedelta(days=1),
    )
    lead = factories.user("auditor")
    _db.session.add(AuditTeamMember(audit_id=audit.id, user_id=lead.id, role="lead"))
    finding = factories.finding(audit, "minor", state, raised_on=TODAY)
    client = factories.user("client", organisation=audit.organisation)
    if state == "answered":
        _db.session.add(
            CorrectiveAction(
                finding=finding,
                correction="Logged the call.",
                root_cause="No form.",
                action="A form.",
                target_date=TODAY + timedelta(days=20),
                submitted_by_id=client.id,
            )
        )
    return finding, lead, client


def test_a_finding_answered_twice_at_once_keeps_one_answer(race):
    with race.setup():
        finding, _lead, client = _finding("open")
        finding_id, client_id = finding.id, client.id
    url = f"/findings/{finding_id}/answer"
    data = {
        "correction": "The missed calls were logged.",
        "root_cause": "No form for phone complaints.",
        "action": "A phone complaint form, and training.",
        "target": (TODAY + timedelta(days=20)).isoformat(),
    }

    results = race.fire((client_id, url, data), (client_id, url, data), pause_on="findings")

    assert race.count(CorrectiveAction) == 1
    assert race.logged("answer", "Finding", finding_id) == 1
    one_done_one_refused(results)


def test_a_plan_accepted_twice_at_once_is_accepted_once(race):
    with race.setup():
        finding, lead, _client = _finding("answered")
        finding_id, lead_id = finding.id, lead.id
    url = f"/findings/{finding_id}/accept"

    results = race.fire((lead_id, url, {}), (lead_id, url, {}), pause_on="findings")

    assert race.logged("accept_plan", "Finding", finding_id) == 1
    one_done_one_refused(results)


def test_two_answers_raising_findings_at_once_number_them_apart(race):
    """Two team members grade two questions minor at the same moment: findings 1 and 2."""
    with race.setup() as session:
        stage2 = scenarios.stage2_on_site(session, TODAY)
        second = factories.user("auditor")
        session.add(AuditTeamMember(audit_id=stage2.audit.id, user_id=second.id, role="auditor"))
        audit_id, people = stage2.audit.id, (stage2.lead.id, second.id)
    questions = ("7.2-a", "7.3-a")
    requests = [
        (
            person,
            f"/audits/{audit_id}/answers/{question}",
            {"grade": "minor", "evidence": "Not logged.", "version": "1"},
        )
        for person, question in zip(people, questions, strict=True)
    ]

    results = race.fire(*requests, pause_on="audits")

    assert all(status < 500 for status, _page in results), results
    with race.reading() as session:
        numbers = session.scalars(select(Finding.number).where(Finding.audit_id == audit_id))
        assert sorted(numbers) == [1, 2]


def test_two_audits_of_a_cycle_raising_findings_at_once_number_them_apart(race):
    """Stage 2 and a special audit of the same cycle, each grading a question minor at the same
    moment: the cycle counts S2-1 and SP-2 (or SP-1 and S2-2), never two findings numbered 1."""
    with race.setup() as session:
        stage2 = scenarios.stage2_on_site(session, TODAY)
        special = factories.audit(
            stage2.audit.cycle,
            kind="special",
            state="scheduled",
            start_date=TODAY,
            end_date=TODAY,
        )
        other_lead = factories.user("auditor")
        session.add(AuditTeamMember(audit=special, user=other_lead, role="lead"))
        session.flush()
        factories.sent_plan(special, other_lead)
        start_audit(other_lead, special, TODAY)
        cycle_id = stage2.audit.cycle_id
        requests = [
            (person, f"/audits/{audit.id}/answers/7.2-a", {"grade": "minor", "version": "0"})
            for person, audit in ((stage2.lead.id, stage2.audit), (other_lead.id, special))
        ]
        requests[0][2]["version"] = "1"  # stage 2's question was answered conforming on site

    results = race.fire(*requests, pause_on="audits")

    assert all(status < 500 for status, _page in results), results
    with race.reading() as session:
        found = session.execute(
            select(Finding.number, Finding.reference).where(Finding.cycle_id == cycle_id)
        ).all()
    assert sorted(number for number, _reference in found) == [1, 2]
    assert {reference.split("-")[0] for _number, reference in found} == {"S2", "SP"}


# -- certificates -------------------------------------------------------------------------------


def _certificate() -> Certificate:
    cycle = factories.cycle()
    certificate = Certificate(
        number=f"TR-{cycle.id:05d}",
        token=f"token-{cycle.id}",
        organisation_id=cycle.organisation_id,
        cycle_id=cycle.id,
        scheme="iso10002",
        edition="2018",
        scope="Retail services",
        state="active",
        issued_on=TODAY - timedelta(days=100),
        original_issued_on=TODAY - timedelta(days=100),
        expires_on=TODAY + timedelta(days=900),
    )
    _db.session.add(certificate)
    _db.session.flush()
    return certificate


@pytest.mark.parametrize(
    "outcome, state",
    [("suspend", "active"), ("restore", "suspended"), ("withdraw", "active")],
)
def test_two_members_deciding_on_a_certificate_at_once_make_one_decision(race, outcome, state):
    """17021-1 9.6.5: two committee members suspending (restoring, withdrawing) the certificate
    from its page at the same moment: one decision, one state change; the other is told."""
    with race.setup():
        certificate = _certificate()
        if state == "suspended":
            certificate.state = state
            certificate.suspended_on = TODAY - timedelta(days=10)
            certificate.suspended_until = TODAY + timedelta(days=50)
        members = (factories.committee_member().id, factories.committee_member().id)
        certificate_id = certificate.id
    url = f"/decisions/certificates/{certificate_id}"
    data = {"outcome": outcome, "reasons": "The client asked in writing.", "back": "certificate"}

    results = race.fire(*[(m, url, data) for m in members], pause_on="certificates")

    assert race.count(Decision, Decision.outcome == outcome) == 1
    assert race.logged(outcome, "Certificate", certificate_id) == 1
    one_done_one_refused(results)


def test_a_certificate_made_confidential_twice_at_once_changes_once(race):
    with race.setup():
        certificate = _certificate()
        planner = factories.user("planner")
        certificate_id, planner_id = certificate.id, planner.id
    url = f"/certificates/{certificate_id}/confidentiality"
    data = {"reason": "The client asked.", "make_confidential": "1"}

    results = race.fire((planner_id, url, data), (planner_id, url, data), pause_on="certificates")

    assert race.logged("made_confidential", "Certificate", certificate_id) == 1
    assert race.count(Certificate, Certificate.confidential.is_(True)) == 1
    one_done_one_refused(results)


# -- competence records -------------------------------------------------------------------------


def test_two_evaluations_of_one_person_in_one_year_at_once_make_one(race):
    """17021-1 7.2.10: one performance evaluation per person a year, even from two admins at
    once (with different dates of the same year)."""
    from certification.competence.models import PerformanceEvaluation

    with race.setup():
        person = factories.user("auditor", name="Race Denetçi")
        admins = factories.user("admin").id, factories.user("admin").id
        person_id = person.id
    url = f"/competence/people/{person_id}/evaluations"
    first = {"evaluated_on": TODAY.isoformat(), "outcome": "satisfactory"}
    second = {"evaluated_on": TODAY.replace(day=1).isoformat(), "outcome": "unsatisfactory"}

    results = race.fire(
        (admins[0], url, first), (admins[1], url, second), pause_on="competence_evaluations"
    )

    assert all(status < 500 for status, _page in results), [s for s, _p in results]
    assert race.count(PerformanceEvaluation) == 1
    with race.reading() as session:
        logged = session.scalar(
            select(func.count())
            .select_from(ActivityLog)
            .where(ActivityLog.action == "evaluation_recorded")
        )
    assert logged == 1
    refused = [page for _s, page in results if "is already recorded" in page]
    recorded = [page for _s, page in results if "The performance evaluation was recorded." in page]
    assert len(refused) == 1 and len(recorded) == 1
