"""Two requests on one subject where the order matters: the first holds the row, the second waits.

Like tests/web/test_races.py (each request on its own thread, client and connection, against an
app of its own), but the order is set: the first request takes the subject's row (PostgreSQL:
SELECT ... FOR UPDATE; SQLite: its write lock) and holds it a moment while the second starts and
waits for it; then the first commits and the second must see what the first did.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import event, select

from certification.audits.models import Answer
from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.programme.models import Audit, AuditTeamMember
from certification.reports.models import AuditReport
from certification.workflow import CertificateState
from tests import factories, scenarios
from tests.web import test_races
from tests.web.test_races import TODAY, Race

race_app, race = test_races.race_app, test_races.race  # the fixtures, shared

# How long the first request keeps the row while the second one starts and waits for it.
HOLD_SECONDS = 0.5
LOCKING = re.compile(r"FOR (NO KEY )?UPDATE")


def in_order(race: Race, first: tuple, second: tuple, *, holds: str):
    """Send `first`; once it holds table `holds`' row, send `second`. Returns both results."""
    holding = threading.Event()
    local = threading.local()
    sqlite = race.app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")

    def hold(_conn, _cursor, statement, *_args):
        takes_row = f"FROM {holds}" in statement and (sqlite or LOCKING.search(statement))
        if getattr(local, "first", False) and takes_row and not holding.is_set():
            holding.set()
            time.sleep(HOLD_SECONDS)

    def send(request, is_first: bool):
        user_id, url, data = request
        if not is_first:
            assert holding.wait(10), "the first request never took the row"
        local.first = is_first
        client = race.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = sessions[user_id], True
        response = client.post(url, data=data, follow_redirects=True)
        return response.status_code, response.get_data(as_text=True)

    with race.app.app_context():
        engine = _db.engine
        sessions = {r[0]: _db.session.get(factories.User, r[0]).get_id() for r in (first, second)}
        _db.session.remove()
    event.listen(engine, "after_cursor_execute", hold)
    try:
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(send, first, True), pool.submit(send, second, False)]
            return [future.result(timeout=60) for future in futures]
    finally:
        event.remove(engine, "after_cursor_execute", hold)


# -- an answer saved while the report is being submitted ----------------------------------------


def _on_site_with_a_second_auditor(race: Race):
    with race.setup() as session:
        stage2 = scenarios.stage2_on_site(session, TODAY)
        second = factories.user("auditor", name="Second Auditor")
        session.add(AuditTeamMember(audit_id=stage2.audit.id, user_id=second.id, role="auditor"))
        return stage2.audit.id, stage2.lead.id, second.id


SUBMIT = {
    "recommendation": "recommended",
    "summary": "All clauses were audited.",
    "scope_verdict": "appropriate",
}
LATE = {"grade": "conforming", "evidence": "Written after the interviews: 12 files."}
LATE["version"] = "1"


def _stored_evidence(race: Race, audit_id: int, question_id: str) -> str:
    with race.reading() as session:
        return session.scalar(
            select(Answer.evidence).where(
                Answer.audit_id == audit_id, Answer.question_id == question_id
            )
        )


def test_an_answer_arriving_while_the_report_is_submitted_is_refused_and_kept_on_the_page(race):
    audit_id, lead_id, second_id = _on_site_with_a_second_auditor(race)
    submit = (lead_id, f"/audits/{audit_id}/report/submit", SUBMIT)
    late = (second_id, f"/audits/{audit_id}/answers/7.2-a", LATE)

    (submitted, _page), (status, page) = in_order(race, submit, late, holds="audits")

    assert submitted == 200
    assert race.count(AuditReport, AuditReport.audit_id == audit_id) == 1
    assert race.count(Audit, Audit.id == audit_id, Audit.state == "submitted") == 1
    # Refused with the reason, and the text typed is on the page again, not silently dropped.
    assert status == 409
    assert "was submitted to the committee, so this change was not saved" in page
    assert "Written after the interviews: 12 files." in page
    assert _stored_evidence(race, audit_id, "7.2-a") == "Procedure and records sampled."


def test_an_autosave_arriving_while_the_report_is_submitted_tells_the_checklist_page(race):
    audit_id, lead_id, second_id = _on_site_with_a_second_auditor(race)
    client = race.app.test_client()
    with race.app.app_context():
        sid = _db.session.get(factories.User, second_id).get_id()
        _db.session.remove()
    submit = (lead_id, f"/audits/{audit_id}/report/submit", SUBMIT)
    in_order(race, submit, (second_id, f"/audits/{audit_id}/answers/7.3-a", LATE), holds="audits")
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = sid, True

    response = client.post(
        f"/audits/{audit_id}/answers/7.2-a",
        json={"grade": "conforming", "evidence": "Typed offline.", "version": 1},
    )

    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "closed"
    assert body["yours"]["evidence"] == "Typed offline."
    assert "was submitted to the committee" in body["message"]
    assert _stored_evidence(race, audit_id, "7.2-a") == "Procedure and records sampled."


def test_an_answer_saved_just_before_the_report_is_submitted_goes_into_it(race):
    audit_id, lead_id, second_id = _on_site_with_a_second_auditor(race)
    save = (second_id, f"/audits/{audit_id}/answers/7.2-a", LATE)
    submit = (lead_id, f"/audits/{audit_id}/report/submit", SUBMIT)

    (saved, _page), (submitted, page) = in_order(race, save, submit, holds="audits")

    assert saved == 200 and submitted == 200, page
    assert _stored_evidence(race, audit_id, "7.2-a") == LATE["evidence"]
    with race.reading() as session:
        answer_saved = session.scalar(
            select(Answer.updated_at).where(
                Answer.audit_id == audit_id, Answer.question_id == "7.2-a"
            )
        )
        report_at = session.scalar(
            select(AuditReport.submitted_at).where(AuditReport.audit_id == audit_id)
        )
    assert answer_saved <= report_at


# -- two files deciding on the same certificate --------------------------------------------------


def _two_surveillance_files(race: Race):
    """An active certificate and two of its audit files submitted to the committee at once."""
    with race.setup() as session:
        stage2 = scenarios.submitted_stage2(session, TODAY - timedelta(days=400))
        members = factories.committee_member().id, factories.committee_member().id
        stage2_id = stage2.audit.id
    with race.app.app_context():
        from certification.decisions.services import decide

        member = _db.session.get(factories.User, members[0])
        audit = _db.session.get(Audit, stage2_id)
        decide(
            member,
            audit,
            outcome="grant",
            reasons="Conforms.",
            today=TODAY - timedelta(days=390),
            scope="Retail services",
        )
        cycle = audit.cycle
        files = []
        for kind in ("surveillance1", "special"):
            file = Audit(
                cycle_id=cycle.id,
                organisation_id=cycle.organisation_id,
                kind=kind,
                state="submitted",
                start_date=TODAY - timedelta(days=3),
                end_date=TODAY - timedelta(days=2),
            )
            _db.session.add(file)
            files.append(file)
        _db.session.flush()
        file_ids = [file.id for file in files]
        _db.session.commit()
        seen = _db.session.scalar(select(Certificate.id))
        _db.session.remove()
    return file_ids, members, str(seen)


def _decide_url(audit_id: int) -> str:
    return f"/decisions/audits/{audit_id}/decide"


def test_two_files_extending_the_scope_at_once_make_one_revision(race):
    """Each file's decision revises the one certificate: the second is refused, not a 500 on
    the revision's number, and no second active certificate appears."""
    (surveillance, special), (first, second), seen = _two_surveillance_files(race)
    extend = {"outcome": "extend_scope", "reasons": "Call centre added.", "scope": "Retail, calls"}
    other = {"outcome": "extend_scope", "reasons": "Web shop added.", "scope": "Retail, web shop"}
    extend["certificate_seen"] = other["certificate_seen"] = seen

    results = race.fire(
        (first, _decide_url(surveillance), extend),
        (second, _decide_url(special), other),
        pause_on="audits",
    )

    assert all(status < 500 for status, _page in results), [s for s, _p in results]
    assert race.count(Certificate, Certificate.state == CertificateState.ACTIVE.value) == 1
    assert race.count(Certificate, Certificate.revision == 1) == 1
    assert race.count(Decision) == 2  # the grant, and the one revision
    refused = [page for _status, page in results if "The certificate changed" in page]
    assert len(refused) == 1


def test_a_withdrawal_and_a_scope_extension_at_once_leave_one_outcome(race):
    (surveillance, special), (first, second), seen = _two_surveillance_files(race)
    withdraw = {"outcome": "withdraw", "reasons": "Surveillance refused by the client."}
    extend = {"outcome": "extend_scope", "reasons": "Call centre added.", "scope": "Retail, calls"}
    withdraw["certificate_seen"] = extend["certificate_seen"] = seen

    (first_status, _p), (second_status, page) = in_order(
        race,
        (first, _decide_url(surveillance), withdraw),
        (second, _decide_url(special), extend),
        holds="organisations",
    )

    assert first_status < 500 and second_status < 500
    assert race.count(Certificate, Certificate.state == CertificateState.ACTIVE.value) == 0
    assert race.count(Certificate) == 1
    assert race.count(Decision) == 2  # the grant and the withdrawal
    assert "The certificate changed" in page
    assert race.count(Audit, Audit.id == special, Audit.state == "submitted") == 1


# -- the client answers a finding while the auditor re-grades its question ------------------------


def _a_minor_finding_on_site(race: Race):
    """A stage 2 on site with one minor finding on 7.2-a, raised from its checklist answer."""
    from certification.audits import services as audit_services
    from certification.findings.models import Finding

    with race.setup() as session:
        stage2 = scenarios.stage2_on_site(session, TODAY)
        audit_services.save_answer(
            stage2.lead,
            stage2.audit,
            "7.2-a",
            grade="minor",
            points=None,
            evidence="Phone complaints are not logged.",
            expected_version=1,
            today=TODAY,
        )
        finding = session.scalar(select(Finding).where(Finding.audit_id == stage2.audit.id))
        return stage2.audit.id, finding.id, stage2.lead.id, stage2.client.id


def test_a_client_answer_with_evidence_and_a_regrade_at_once_both_finish(race):
    """The client's answer (its evidence file points at the audit) and the auditor's re-grade
    (it holds the audit, then updates the finding) take the rows in the same order: the second
    waits, neither dies in a PostgreSQL deadlock (mixed-load benchmark, issue 9)."""
    import io

    from certification.audits.models import Attachment
    from certification.findings.models import CorrectiveAction, Finding

    audit_id, finding_id, lead_id, client_id = _a_minor_finding_on_site(race)
    answer = {
        "correction": "Logged the missed calls.",
        "root_cause": "No form for phone complaints.",
        "action": "A phone complaint form, and training.",
        "target": (TODAY + timedelta(days=20)).isoformat(),
        "files": [(io.BytesIO(b"%PDF-1.4 the phone form"), "phone-form.pdf")],
    }
    regrade = {"grade": "observation", "evidence": "Logged since Monday.", "version": "2"}

    (answered, page), (regraded, second_page) = in_order(
        race,
        (client_id, f"/findings/{finding_id}/answer", answer),
        (lead_id, f"/audits/{audit_id}/answers/7.2-a", regrade),
        holds="findings",
    )

    assert answered == 200, page
    assert regraded < 500, second_page
    assert "deadlock" not in page + second_page
    assert race.count(CorrectiveAction, CorrectiveAction.finding_id == finding_id) == 1
    assert race.count(Attachment, Attachment.audit_id == audit_id) == 1
    with race.reading() as session:
        grade = session.scalar(select(Finding.grade).where(Finding.id == finding_id))
        evidence = session.scalar(
            select(Answer.evidence).where(
                Answer.audit_id == audit_id, Answer.question_id == "7.2-a"
            )
        )
    # The re-grade either went through after the answer, or was refused and left both as they were.
    assert (grade, evidence) in {
        ("observation", "Logged since Monday."),
        ("minor", "Phone complaints are not logged."),
    }
