"""The audit report over HTTP: the team reads and submits it, clients only their own."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.audits.models import Answer
from certification.checklists.loader import checklist_for
from certification.extensions import db
from certification.programme.models import AuditTeamMember
from certification.reports.models import AuditFigures, AuditReport
from tests import factories

TODAY = date.today()


def text(response) -> str:
    return response.get_data(as_text=True)


def audit_with_team(state="in_progress", org=None):
    """An audit under way: a lead and a second auditor on the team."""
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle, kind="stage2", state=state, start_date=TODAY, end_date=TODAY + timedelta(days=1)
    )
    lead, member = factories.user("auditor"), factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    audit.team.append(AuditTeamMember(user_id=member.id, role="auditor"))
    db.session.commit()
    return audit, lead, member


def answer(audit, skip: int = 0, grade="conforming"):
    for question in checklist_for("iso10002", "2018").questions()[skip:]:
        db.session.add(
            Answer(audit_id=audit.id, question_id=question.id, clause=question.clause, grade=grade)
        )
    db.session.commit()


def submit(client, audit, **form):
    data = {
        "recommendation": "recommended",
        "override_reason": "",
        "summary": "Good.",
        "scope_verdict": "appropriate",
    }
    data.update(form)
    return client.post(f"/audits/{audit.id}/report/submit", data=data)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_report_page_shows_scores_findings_and_recommendation(client, login_as):
    audit, lead, _member = audit_with_team()
    answer(audit)
    factories.finding(
        audit, "minor", "open", statement="Phone complaints not logged.", raised_on=TODAY
    )
    db.session.commit()
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/report"))
    assert "Operation of the complaints-handling process" in page
    assert "100%" in page
    assert "Phone complaints not logged." in page
    assert "Recommended once the corrective-action plans are accepted" in page
    assert "Submit the report" in page


def test_submit_refused_with_unanswered_questions_changes_nothing(client, login_as):
    audit, lead, _member = audit_with_team()
    answer(audit, skip=2)
    login_as(lead)
    response = submit(client, audit)
    assert response.status_code == 400
    assert "2 questions of the checklist are still unanswered." in text(response)
    db.session.expire_all()
    assert audit.state == "in_progress"
    assert count(AuditReport) == 0
    assert "Good.</textarea>" in text(response)  # what the lead typed is still there
    first = checklist_for("iso10002", "2018").questions()[0]
    assert f"/audits/{audit.id}/checklist?clause={first.clause}#q-{first.id}" in text(response)


def test_override_without_reason_is_refused(client, login_as):
    audit, lead, _member = audit_with_team()
    answer(audit)
    login_as(lead)
    response = submit(client, audit, recommendation="not_recommended")
    assert response.status_code == 400
    assert "Give the reason" in text(response)
    db.session.expire_all()
    assert audit.state == "in_progress" and count(AuditReport) == 0


def test_lead_submits_and_the_audit_goes_to_the_committee(client, login_as):
    audit, lead, _member = audit_with_team()
    answer(audit)
    login_as(lead)
    response = submit(client, audit, recommendation="not_recommended", override_reason="Doubts.")
    assert response.status_code == 302
    db.session.expire_all()
    assert audit.state == "submitted"
    report = db.session.scalar(select(AuditReport))
    assert (report.computed_recommendation, report.recommendation) == (
        "recommended",
        "not_recommended",
    )
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "submit"))
    assert entry.actor_id == lead.id and entry.to_state == "submitted"
    assert "Submit the report" not in text(client.get(f"/audits/{audit.id}/report"))


def test_team_member_who_is_not_the_lead_cannot_submit(client, login_as):
    audit, _lead, member = audit_with_team()
    answer(audit)
    login_as(member)
    assert submit(client, audit).status_code == 403
    db.session.expire_all()
    assert audit.state == "in_progress"


def test_member_records_figures_and_bad_ones_are_refused(client, login_as):
    audit, _lead, member = audit_with_team()
    login_as(member)
    url = f"/audits/{audit.id}/figures"
    bad = client.post(url, data={"received": "10", "closed": "11", "satisfaction": "80"})
    assert bad.status_code == 400 and "More complaints closed" in text(bad)
    assert count(AuditFigures) == 0
    over = client.post(url, data={"received": "10", "closed": "5", "satisfaction": "101"})
    assert over.status_code == 400 and count(AuditFigures) == 0
    good = client.post(url, data={"received": "10", "closed": "8", "satisfaction": "87.5"})
    assert good.status_code == 302
    page = text(client.get(f"/audits/{audit.id}/report"))
    assert "87.5%" in page and "80%" in page  # satisfaction and share closed


def test_client_sees_own_submitted_report_not_another_orgs(client, login_as):
    audit, _lead, _member = audit_with_team(state="submitted")
    other, _l, _m = audit_with_team(state="submitted")
    login_as("client", organisation=audit.organisation)
    assert client.get(f"/audits/{audit.id}/report").status_code == 200
    assert client.get(f"/audits/{other.id}/report").status_code == 404
    assert client.get(f"/audits/{other.id}/report.pdf").status_code == 404


def test_client_does_not_see_the_report_before_submission(client, login_as):
    audit, _lead, _member = audit_with_team()
    login_as("client", organisation=audit.organisation)
    assert client.get(f"/audits/{audit.id}/report").status_code == 404


@pytest.mark.parametrize("role", ["planner", "committee", "admin"])
def test_staff_read_the_report_and_its_pdf(client, login_as, role):
    audit, _lead, _member = audit_with_team()
    answer(audit)
    login_as(role)
    assert client.get(f"/audits/{audit.id}/report").status_code == 200
    response = client.get(f"/audits/{audit.id}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert submit(client, audit).status_code == 403


def test_auditor_off_the_team_is_refused(client, login_as):
    audit, _lead, _member = audit_with_team()
    login_as("auditor")
    assert client.get(f"/audits/{audit.id}/report").status_code == 404


def test_audit_page_panel_links_to_report_and_pdf(client, login_as):
    audit, lead, _member = audit_with_team()
    login_as(lead)
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert f"/audits/{audit.id}/report" in page and f"/audits/{audit.id}/report.pdf" in page


def test_a_submitted_report_pdf_is_signed_and_the_validator_finds_it_intact(
    client, login_as, signing
):
    import io

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from certification.signing import outside_event_loop

    audit, lead, _member = audit_with_team()
    answer(audit)
    login_as(lead)
    draft = client.get(f"/audits/{audit.id}/report.pdf").data
    assert PdfFileReader(io.BytesIO(draft)).embedded_signatures == []  # a draft is not signed
    assert submit(client, audit).status_code == 302
    signed = client.get(f"/audits/{audit.id}/report.pdf").data
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing))])
    status = outside_event_loop(lambda: validate_pdf_signature(signature, trust))
    assert status.intact and status.valid and status.trusted


def test_a_report_being_written_is_marked_draft_until_submitted(client, login_as):
    audit, lead, _member = audit_with_team()
    answer(audit)
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/report"))
    assert '<span class="draft-mark">DRAFT</span>' in page
    assert "This report is a draft until the lead auditor submits it" in page
    pdf = pypdf.PdfReader(io.BytesIO(client.get(f"/audits/{audit.id}/report.pdf").data))
    assert all("DRAFT" in page.extract_text() for page in pdf.pages)

    submit(client, audit)
    page = text(client.get(f"/audits/{audit.id}/report"))
    assert "draft-mark" not in page and "is a draft" not in page
    pdf = pypdf.PdfReader(io.BytesIO(client.get(f"/audits/{audit.id}/report.pdf").data))
    assert not any("DRAFT" in page.extract_text() for page in pdf.pages)


@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Отчёт об аудите"), ("ka", "აუდიტის ანგარიში"), ("vi", "Báo cáo đánh giá")],
)
def test_the_report_pdf_speaks_the_clients_preferred_language(client, login_as, language, title):
    """Issue 13: the report's fixed parts follow the organisation's preferred language, while
    the lead auditor reading it works in English."""
    audit, lead, _member = audit_with_team(org=factories.organisation(preferred_language=language))
    answer(audit)
    login_as(lead)

    pdf = pypdf.PdfReader(io.BytesIO(client.get(f"/audits/{audit.id}/report.pdf").data))

    first = " ".join(pdf.pages[0].extract_text().split())
    assert title in first
    assert "Audit report" not in first


def test_one_language_is_chosen_for_the_report_defaulting_to_the_clients(client, login_as):
    """Issue 11: one language per report, chosen for the report (default the client's): a
    Turkish client's report submitted in Russian is drawn in Russian, headings and body."""
    audit, lead, _member = audit_with_team(org=factories.organisation(preferred_language="tr"))
    answer(audit)
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/report"))
    assert "Language of the report" in page
    assert '<option selected value="tr">' in page or '<option value="tr" selected>' in page

    refused = submit(client, audit, language="xx")
    assert refused.status_code == 400
    assert "Choose one of the languages offered for the report." in text(refused)
    assert count(AuditReport) == 0  # nothing was kept

    assert submit(client, audit, language="ru").status_code == 302
    assert db.session.scalar(select(AuditReport.language)) == "ru"
    pdf = pypdf.PdfReader(io.BytesIO(client.get(f"/audits/{audit.id}/report.pdf").data))
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Отчёт об аудите" in first and "Tetkik raporu" not in first


def test_an_arabic_report_is_drawn_joined_and_right_to_left(client, login_as):
    """The report's fixed texts in Arabic are shaped and put in visual order before drawing
    (reportlab draws glyph by glyph, left to right), like the certificate's and the plan's."""
    import unicodedata

    from flask_babel import force_locale
    from flask_babel import gettext as _

    from certification.pdf_kit import display_text
    from tests.pdf_drawn import drawn_strings

    audit, lead, _member = audit_with_team(org=factories.organisation(preferred_language="ar"))
    answer(audit)
    login_as(lead)
    drawn = drawn_strings(client.get(f"/audits/{audit.id}/report.pdf").data)
    with force_locale("ar"):
        title = _("Audit report")
    assert title != "Audit report"
    assert display_text(title) in drawn  # joined letter forms, right to left
    assert title not in drawn  # not the unshaped letters in logical order
    assert any(unicodedata.normalize("NFKC", s[::-1]) == title for s in drawn)


def test_the_arabic_reports_labels_are_joined_and_right_to_left_too(client, login_as):
    """The labels of its facts tables (organisation, sites, dates ...) as well as its texts."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from certification.pdf_kit import display_text
    from tests.pdf_drawn import drawn_strings

    audit, lead, _member = audit_with_team(org=factories.organisation(preferred_language="ar"))
    answer(audit)
    login_as(lead)
    drawn = drawn_strings(client.get(f"/audits/{audit.id}/report.pdf").data)
    with force_locale("ar"):
        labels = [_("Organisation"), _("Audit type"), _("Dates")]
    for label in labels:
        assert display_text(label) != label
        assert display_text(label) in drawn, label
        assert label not in drawn, label


# -- 17021-1 9.4.8: the lead auditor's statements -----------------------------------------------

STATEMENTS = {
    "plan_deviations": "The branch visit moved to day two.",
    "unresolved_issues": "The client disputes the grade of finding 2.",
    "scope_verdict": "not_appropriate",
    "scope_comment": "The call centre handles complaints too: add it.",
    "marks_use": "The mark is on the website only, for the certified scope.",
}


def surveillance_with_team():
    audit, lead, member = audit_with_team()
    audit.kind = "surveillance1"
    db.session.commit()
    return audit, lead


def test_the_form_asks_for_the_statements_and_the_use_of_marks_at_surveillance(client, login_as):
    audit, lead = surveillance_with_team()
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/report"))
    for label in (
        "Deviations from the audit plan",
        "Significant unresolved issues",
        "The scope of certification is appropriate",
        "Use of the certificate and marks",
    ):
        assert label in page, label


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("scope_comment", "Say why the scope is not appropriate"),
        ("marks_use", "a surveillance report states how the client uses the certificate"),
        ("scope_verdict", "say whether the scope of certification is appropriate"),
    ],
)
def test_a_missing_statement_is_refused_and_changes_nothing(client, login_as, missing, message):
    audit, lead = surveillance_with_team()
    answer(audit)
    login_as(lead)
    form = {**STATEMENTS, missing: ""}
    response = submit(client, audit, **form)
    assert response.status_code == 400
    assert message in text(response)
    db.session.expire_all()
    assert audit.state == "in_progress" and count(AuditReport) == 0


def test_the_statements_are_kept_and_the_committee_reads_them(client, login_as):
    audit, lead = surveillance_with_team()
    answer(audit)
    first = db.session.scalar(select(Answer).where(Answer.audit_id == audit.id))
    first.evidence = "Complaints register of March, 14 entries, all acknowledged in 2 days."
    db.session.commit()
    login_as(lead)
    assert submit(client, audit, **STATEMENTS).status_code == 302
    report = db.session.scalar(select(AuditReport))
    assert (report.scope_verdict, report.marks_use) == ("not_appropriate", STATEMENTS["marks_use"])
    login_as("committee")
    page = text(client.get(f"/decisions/audits/{audit.id}"))
    for expected in (
        STATEMENTS["plan_deviations"],
        STATEMENTS["unresolved_issues"],
        "The scope of certification is not appropriate",
        STATEMENTS["scope_comment"],
        STATEMENTS["marks_use"],
        "Evidence for conforming answers",
        "Complaints register of March, 14 entries, all acknowledged in 2 days.",
    ):
        assert expected in page, expected
