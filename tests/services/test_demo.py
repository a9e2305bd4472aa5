"""`flask --app app demo`: rebuilds a database of its own and prints logins that work."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from certification import create_app
from certification.accounts.models import Role, User
from certification.activity.models import ActivityLog
from certification.applications.models import Application
from certification.audits import thumbnails
from certification.audits.models import Answer, Attachment
from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.demo import DEMO_PASSWORD
from certification.extensions import db
from certification.findings.models import CorrectiveAction, Finding
from certification.organisations.models import Organisation
from certification.programme.models import Audit
from certification.quotes.models import Quote
from certification.reports.models import AuditFigures, AuditReport
from certification.workflow import add_years, renewed_expiry


@pytest.fixture
def demo_app(empty_database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "TESTING": True,
            "SECRET_KEY": "demo-test",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SIGNING_DEMO_FOLDER": str(tmp_path / "signing"),
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_demo_builds_every_stage_and_prints_working_logins(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    printed = set(re.findall(r"^  (\S+@\S+)", result.output, flags=re.M))

    with demo_app.app_context():
        users = db.session.scalars(select(User)).all()
        assert printed == {u.email for u in users}
        assert {u.role for u in users} == {r.value for r in Role}

        names = db.session.scalars(select(Organisation.legal_name)).all()
        assert len(names) >= 12
        scripts = {
            "Georgian": "[\u10a0-\u10ff]",
            "Cyrillic": "[\u0400-\u04ff]",
            "Vietnamese": "[ạ-ỹđĐ]",
            "Turkish": "[ğışİĞŞ]",
        }
        for script, letters in scripts.items():
            assert any(re.search(letters, n) for n in names), script

        def states(model):
            return set(db.session.scalars(select(model.state).distinct()))

        assert {"submitted", "approved", "rejected", "withdrawn", "contracted"} <= states(
            Application
        )
        assert {"draft", "issued", "accepted", "rejected", "expired"} <= states(Quote)
        assert {"planned", "scheduled", "in_progress", "submitted", "closed", "cancelled"} <= (
            states(Audit)
        )
        assert db.session.scalar(select(func.count()).select_from(ActivityLog)) > 50

    client = demo_app.test_client()
    response = client.post("/login", data={"email": "planner@demo.test", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]


def _audit(org_name: str, kind: str) -> Audit:
    return db.session.scalar(
        select(Audit)
        .join(Organisation, Organisation.id == Audit.organisation_id)
        .where(Organisation.english_name == org_name, Audit.kind == kind)
    )


def test_demo_shows_audits_under_way_with_findings_and_answers(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output

    with demo_app.app_context():
        today = date.today()
        # Stage 1 on site now, part of the checklist answered with the auditors' notes.
        stage1 = _audit("Neva Power Supply JSC", "stage1")
        assert stage1.state == "in_progress" and stage1.start_date < today
        answered = db.session.scalars(select(Answer).where(Answer.audit_id == stage1.id)).all()
        assert 10 <= len(answered) < 52
        assert all(a.grade and len(a.evidence) > 20 for a in answered)
        assert any(re.search("[\u0400-\u04ff]", a.evidence) for a in answered)

        # Stage 2 on site done, every question answered, findings being followed up.
        stage2 = _audit("Caucasus Microfinance JSC", "stage2")
        assert stage2.state == "in_progress" and stage2.end_date < today
        assert (
            db.session.scalar(
                select(func.count()).select_from(Answer).where(Answer.audit_id == stage2.id)
            )
            == 52
        )
        findings = {
            f.grade: f
            for f in db.session.scalars(select(Finding).where(Finding.audit_id == stage2.id))
        }
        assert set(findings) == {"major", "minor", "observation", "ofi"}
        assert findings["major"].state == "plan_accepted"
        assert findings["major"].statement and findings["major"].requirement
        # Every finding in the demo is written up, observations and OFIs included.
        for finding in db.session.scalars(select(Finding)):
            assert finding.statement.strip() and finding.requirement.strip(), finding.id
            assert finding.evidence.strip(), finding.id
        # A photo taken on site backs the major finding, its thumbnail made as it was kept.
        photo = db.session.scalar(
            select(Attachment).where(
                Attachment.answer_id == findings["major"].answer_id,
                Attachment.content_type == "image/jpeg",
            )
        )
        assert photo is not None and photo.original_name.endswith(".jpg")
        assert thumbnails.path_of(photo.stored_name).is_file()
        major_action = findings["major"].actions[-1]
        assert major_action.accepted is True and major_action.target_date > today
        assert findings["minor"].state == "answered"
        assert findings["minor"].actions[-1].accepted is None
        assert (
            db.session.scalar(
                select(AuditFigures).where(AuditFigures.audit_id == stage2.id)
            ).complaints_received
            > 0
        )
        # Its stage 1 report was accepted by the committee before stage 2 went ahead.
        assert _audit("Caucasus Microfinance JSC", "stage1").state == "closed"

        # A star-scheme report the committee decided on: granted, the band on the report.
        starred = _audit("Mekong Electronics JSC", "stage2")
        assert starred.state == "closed" and starred.cycle.scheme == "csat-star"
        report = db.session.scalar(select(AuditReport).where(AuditReport.audit_id == starred.id))
        assert report.recommendation == "recommended" and report.band
        assert report.overall_percent is not None
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CorrectiveAction)
                .where(CorrectiveAction.accepted.is_(True))
            )
            >= 3
        )

        # Every step of the story is in the activity log.
        actions = set(db.session.scalars(select(ActivityLog.action).distinct()))
        story = {"start", "answer_graded", "finding_raised", "finding_edited", "figures_recorded"}
        assert story | {"answer", "accept_plan", "submit"} <= actions
        ids = (stage1.id, stage2.id, starred.id)
        lead = {
            a.id: next(m.user.email for m in a.team if m.role == "lead")
            for a in (stage1, stage2, starred)
        }

    client = demo_app.test_client()
    for audit_id in ids:
        client.post("/login", data={"email": lead[audit_id], "password": DEMO_PASSWORD})
        for page in (f"/audits/{audit_id}/checklist", f"/audits/{audit_id}/report"):
            assert client.get(page).status_code == 200, page
        if audit_id == ids[1]:  # stage 2: the photo is printed with its finding in the report
            pdf = client.get(f"/audits/{audit_id}/report.pdf")
            assert pdf.status_code == 200 and b"/Subtype /Image" in pdf.data
        client.post("/logout")


def _certificates(org_name: str) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Organisation, Organisation.id == Certificate.organisation_id)
            .where(Organisation.english_name == org_name)
            .order_by(Certificate.id)
        )
    )


def test_demo_has_certificates_in_every_status_and_a_recertified_organisation(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output

    with demo_app.app_context():
        today = date.today()
        certificates = db.session.scalars(select(Certificate)).all()
        by_state: dict[str, list[Certificate]] = {}
        for certificate in certificates:
            by_state.setdefault(certificate.state, []).append(certificate)
        assert set(by_state) == {"active", "suspended", "withdrawn", "expired", "superseded"}
        for certificate in by_state["active"]:
            assert certificate.issued_on <= today <= certificate.expires_on

        # Every certificate comes from a decision of a committee member on no audit team.
        decisions = db.session.scalars(select(Decision)).all()
        for decision in decisions:
            assert decision.decided_by.role == Role.COMMITTEE.value
            team = {m.user_id for m in decision.audit.team} if decision.audit else set()
            assert not team & {m.member_id for m in decision.members}
        assert {d.outcome for d in decisions} >= {
            "grant", "maintain", "extend_scope", "renew", "withdraw",
        }
        # Stage 1 is concluded by its lead auditor (17021-1 9.3.1), never by the committee.
        assert "accept_report" not in {d.outcome for d in decisions}

        # Granted stage 2 of the star scheme: active, with its band and the surveillances dated.
        (starred,) = _certificates("Mekong Electronics JSC")
        assert starred.state == "active" and starred.scheme == "csat-star" and starred.band
        surveillance = _audit("Mekong Electronics JSC", "surveillance1")
        assert starred.cycle.decision_date == starred.issued_on
        assert surveillance.due_by is not None and surveillance.due_by > today

        assert any(c.confidential for c in by_state["active"])

        (suspended,) = by_state["suspended"]
        assert suspended.status_reason and "Surveillance 1" in suspended.status_reason
        assert suspended.suspended_on < today < suspended.suspended_until
        missed = _audit(suspended.organisation.english_name, "surveillance1")
        assert missed.due_by < suspended.suspended_on
        flagged = select(ActivityLog).where(
            ActivityLog.action == "audit_overdue", ActivityLog.subject_id == missed.id
        )
        assert db.session.scalar(flagged) is not None

        (withdrawn,) = by_state["withdrawn"]
        assert withdrawn.status_reason and withdrawn.ended_on < today

        (expired,) = by_state["expired"]
        assert expired.expires_on < today
        assert expired.cycle.decision_date <= add_years(today, -3)

        # A change of scope: revision 1 replaced the original, same dates.
        (revised,) = [c for c in by_state["active"] if c.revision == 1]
        original = revised.supersedes
        assert original.state == "superseded" and revised.scope != original.scope
        assert (revised.original_issued_on, revised.expires_on) == (
            original.original_issued_on,
            original.expires_on,
        )

        # Recertified: the old certificate's expiry + 3 years, the original issue date kept.
        old, renewed = _certificates("Siberian Passenger Company JSC")
        assert renewed.certification_type == "recertification" and renewed.state == "active"
        assert renewed.supersedes_id == old.id and old.state == "superseded"
        assert renewed.expires_on == renewed_expiry(old.expires_on, old.original_issued_on)
        assert renewed.original_issued_on == old.original_issued_on == old.issued_on
        assert old.issued_on < renewed.issued_on < old.expires_on

        # The committee still has work: at least one report waits for its decision.
        waiting = select(func.count()).select_from(Audit).where(Audit.state == "submitted")
        assert db.session.scalar(waiting) >= 1


def test_demo_certificates_are_signed_with_a_signatory_and_reports_signed_before_decisions(
    demo_app,
):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pypdf import PdfReader

    from certification.certificates.models import IssuedPdf
    from certification.decisions.models import Decision
    from certification.reports.models import AuditReport

    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output
    with demo_app.app_context():
        issued = db.session.scalars(select(IssuedPdf)).all()
        assert issued and all(row.signed for row in issued)
        pdf = issued[0].pdf
        assert PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert "Selin Aksoy" in text and "Certification Manager" in text
        # 9.4.8: the lead signs the report at submission, before the committee decides on it
        late = [
            (report.audit_id, report.submitted_at.date(), decision.decided_on)
            for report, decision in db.session.execute(
                select(AuditReport, Decision).join(
                    Decision, Decision.audit_id == AuditReport.audit_id
                )
            )
            if report.submitted_at and report.submitted_at.date() > decision.decided_on
        ]
        assert late == []


def test_demo_fills_every_home_page_and_prints_calendar_feeds(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output
    feeds = re.findall(r"^  (\S+@\S+)\s+(http://127\.0\.0\.1:5000/calendar/\S+\.ics)$",
                       result.output, flags=re.M)
    client = demo_app.test_client()
    with demo_app.app_context():
        users = db.session.scalars(select(User).where(User.active.is_(True))).all()
        assert {email for email, _url in feeds} == {u.email for u in users}
        # a feed answers with the person's calendar
        url = dict(feeds)["auditor@demo.test"].replace("http://127.0.0.1:5000", "")
        assert b"BEGIN:VEVENT" in client.get(url).data
    for email in ("planner@demo.test", "auditor@demo.test", "committee@demo.test",
                  "committee2@demo.test", "admin@demo.test", "musteri@anadolu-perakende.com.tr"):
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        page = client.get("/home/").get_data(as_text=True)
        counts = [int(n) for n in re.findall(r'class="tile-count">(\d+)<', page)]
        listed = page.count('<ul class="plain">') + page.count("<tbody>")
        if email.endswith("@demo.test"):
            assert max(counts, default=0) > 0, f"{email}: every count is zero"
        else:  # the client of a contracted organisation: its audits and documents are listed
            assert listed, f"{email}: the home page is empty"
        client.post("/logout")
