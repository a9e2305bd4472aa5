"""The audit report PDF: read the text back; names in their own scripts, clauses, findings."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings

from certification.accounts.models import User
from certification.applications.models import Application
from certification.checklists.loader import checklist_for
from certification.findings.models import CorrectiveAction, Finding
from certification.organisations.models import Organisation, Site
from certification.pdf_kit import display_text, head_office_name, site_line
from certification.programme.models import Audit, AuditTeamMember, Cycle
from certification.reports import scoring
from certification.reports.models import AuditFigures, AuditReport, Recommendation
from certification.reports.pdf import render_report_pdf
from certification.reports.services import ReportData, TrendPoint
from tests.strategies import typed_text

BODY = ("Anatolia Certification Body", "Büyükdere Cad. No. 120, Şişli, İstanbul")
DAY = date(2026, 11, 24)

NAMES = {
    "turkish": "Güneş Müşteri Hizmetleri A.Ş.",
    "cyrillic": "Борис Петров",
    "georgian": "ნინო ბერიძე",
    "vietnamese": "Nguyễn Thị Hương",
    "arabic": "شركة النور",
}


@pytest.fixture(autouse=True)
def request_context(app):
    """Labels are translated in the request's locale; English here."""
    with app.test_request_context():
        yield


def make_audit() -> Audit:
    """A stage 2 audit built in memory: the PDF needs no database."""
    organisation = Organisation(
        legal_name=NAMES["turkish"],
        english_name="Gunes Customer Services",
        country="TR",
        city="İzmir",
        address="Kordon 5",
        sector_code="29",
        effective_personnel=40,
    )
    head = Site(name="Merkez", city="İzmir", country="TR", is_head_office=True)
    branch = Site(name=NAMES["arabic"], city="Dubai", country="AE", is_head_office=False)
    organisation.sites = [head, branch]
    application = Application(
        organisation=organisation,
        scheme="iso10002",
        edition="2018",
        scope="Complaints handling",
        sites=[head, branch],
    )
    cycle = Cycle(
        organisation=organisation, application=application, scheme="iso10002", edition="2018"
    )
    audit = Audit(
        id=7,
        organisation=organisation,
        cycle=cycle,
        kind="stage2",
        state="submitted",
        start_date=DAY,
        end_date=DAY,
    )
    audit.team = [
        AuditTeamMember(user=User(name=NAMES["cyrillic"]), role="lead"),
        AuditTeamMember(user=User(name=NAMES["georgian"]), role="auditor"),
        AuditTeamMember(user=User(name=NAMES["vietnamese"]), role="expert"),
    ]
    return audit


def make_findings(audit: Audit) -> list[Finding]:
    major = Finding(
        number=3,
        reference="S2-3",
        clause="7.2",
        question_id="7.2-a",
        grade="major",
        state="answered",
        statement="Phone complaints are not recorded.",
        evidence="Call log of 3 March.",
        requirement="ISO 10002 7.2: every complaint is recorded.",
        raised_on=DAY,
        audit=audit,
    )
    major.actions = [
        CorrectiveAction(
            correction="Recorded the calls.",
            root_cause="No form for calls.",
            action="Added a phone intake form.",
            target_date=date(2026, 12, 20),
        )
    ]
    minor = Finding(
        number=4,
        reference="S2-4",
        clause="8.3",
        question_id="8.3-a",
        grade="minor",
        state="open",
        statement="Satisfaction survey not analysed.",
        evidence="",
        requirement="",
        raised_on=DAY,
        audit=audit,
    )
    return [major, minor]


def make_data(with_override: bool = True) -> ReportData:
    audit = make_audit()
    checklist = checklist_for("iso10002", "2018")
    answers = {q.id: ("conforming", None) for q in checklist.questions()}
    answers["7.2-a"] = ("major", None)
    answers["4.8-a"] = ("not_applicable", None)
    findings = make_findings(audit)
    figures = AuditFigures(
        complaints_received=120,
        complaints_closed=110,
        median_days_to_close=Decimal("6.5"),
        satisfaction_percent=Decimal("82.5"),
        period_start=date(2025, 11, 1),
        period_end=date(2026, 10, 31),
    )
    report = AuditReport(
        summary="The complaints process is well established.",
        computed_recommendation="not_recommended",
        recommendation="recommended" if with_override else "not_recommended",
        override_reason="Verified on day two." if with_override else "",
        submitted_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
    )
    return ReportData(
        audit=audit,
        checklist=checklist,
        scores=scoring.score(checklist, answers),
        findings=findings,
        figures=figures,
        trend=[TrendPoint(audit, figures)],
        report=report,
        computed=Recommendation.NOT_RECOMMENDED,
    )


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", text)


def squeeze(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


@pytest.fixture(scope="module")
def text(app) -> str:
    with app.test_request_context():
        return pdf_text(render_report_pdf(make_data(), *BODY))


@pytest.mark.parametrize("script", ["turkish", "cyrillic", "georgian", "vietnamese"])
def test_names_in_their_own_scripts_are_extractable(text, script):
    assert squeeze(NAMES[script]) in squeeze(text)


def test_arabic_name_is_drawn_and_extractable(text):
    """Drawn shaped in visual order; text extraction may give back either order."""
    found = squeeze(text)
    assert squeeze(NAMES["arabic"]) in found or squeeze(display_text(NAMES["arabic"])) in found


def test_cover_and_summary(text):
    for expected in (
        "Audit report",
        "ISO 10002:2018",
        "Stage 2",
        "Anatolia Certification Body",
        "The complaints process is well established.",
    ):
        assert squeeze(expected) in squeeze(text)


@pytest.mark.parametrize("clause", ["4.1", "4.15", "5.4", "6.4", "7.9", "8.7"])
def test_clause_scores_are_listed(text, clause):
    assert f"\n{clause}\n" in text


def test_not_applicable_clause_shows_na(text):
    assert "n/a" in text


def test_findings_with_evidence_and_action_status(text):
    for expected in (
        "Phone complaints are not recorded.",
        "Call log of 3 March.",
        "Satisfaction survey not analysed.",
        "Added a phone intake form.",
        "waiting for the auditor's review",
        "no answer from the client yet",
        "Finding S2-3 · clause 7.2",  # numbered through the cycle, as everywhere else
        "Finding S2-4 · clause 8.3",
    ):
        assert squeeze(expected) in squeeze(text)


def test_figures_recommendation_and_signature(text):
    for expected in (
        "82.5 %",
        "Recommended for certification",
        "Verified on day two.",
        "Not recommended until the major nonconformities are verified closed",
        "Signature",
        "Lead auditor",
    ):
        assert squeeze(expected) in squeeze(text)


def test_without_checklist_or_findings_still_renders(app):
    data = make_data(with_override=False)
    data.checklist, data.scores, data.findings, data.trend, data.report = None, None, [], [], None
    text = pdf_text(render_report_pdf(data, *BODY))
    assert "No findings were raised." in text
    assert "Lead auditor" in text


def test_head_office_mark_is_not_repeated():
    """The mark is added unless the site's name already says it, in any of its languages."""
    named = Site(name="Head office", city="Tbilisi", country="GE", is_head_office=True)
    assert site_line(named) == "Head office — Tbilisi, Georgia"
    merkez = Site(name="Merkez", city="İzmir", country="TR", is_head_office=True)
    assert site_line(merkez) == "Merkez (head office) — İzmir, Türkiye"
    branch = Site(name="Depo", city="Bursa", country="TR", is_head_office=False)
    assert site_line(branch) == "Depo — Bursa, Türkiye"
    assert head_office_name("Merkez ofis", "head office / merkez") == "Merkez ofis"
    assert head_office_name("Depo", "head office / merkez") == "Depo (head office / merkez)"


# -- any text the forms accept ------------------------------------------------------------------


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    statement=typed_text(5000),
    evidence=typed_text(20_000),
    corrective=typed_text(5000),
    summary=typed_text(20_000),
    override=typed_text(4000, min_size=1),
    name=typed_text(300, lines=False, min_size=1),
    member=typed_text(200, lines=False, min_size=1),
)
def test_any_text_the_forms_accept_renders(
    statement, evidence, corrective, summary, override, name, member
):
    data = make_data()
    data.audit.organisation.legal_name = name
    data.audit.team[0].user.name = member
    major = data.findings[0]
    major.statement, major.evidence, major.requirement = statement, evidence, statement
    action = major.actions[0]
    action.correction = action.root_cause = action.action = corrective
    data.report.summary, data.report.override_reason = summary, override

    pages = pypdf.PdfReader(io.BytesIO(render_report_pdf(data, *BODY))).pages

    assert "Audit report" in pages[0].extract_text()
    assert "Signature" in pages[-1].extract_text()


# -- 17021-1 9.4.8: what a complete report holds ------------------------------------------------


def make_plan():
    from certification.plans.models import AuditPlan, PlanSite

    plan = AuditPlan(
        version=2,
        objectives="Determine whether the complaints-handling system meets ISO 10002.",
        scope="Complaints handling for retail services",
        criteria="ISO 10002:2018",
        client_documents="Complaints policy rev. 4",
        representative="Deniz Kaya, quality manager",
        sampling_statement="Head office each time; 1 of 3 branches chosen at random (seed 42).",
        start_date=DAY,
        end_date=DAY,
    )
    plan.sites = [
        PlanSite(name="Merkez", address="Kordon 5", city="İzmir", country="TR", reason="central"),
        PlanSite(
            name="Bornova şubesi", address="Cadde 9", city="İzmir", country="TR", reason="random"
        ),
    ]
    return plan


def test_every_948_item_is_in_the_report(app):
    data = make_data()
    data.plan = make_plan()
    earlier = Audit(id=3, kind="stage1", start_date=date(2026, 1, 5))
    data.previous_findings = [
        Finding(number=1, clause="5.3", grade="minor", state="closed", audit=earlier)
    ]
    with app.test_request_context():
        text = squeeze(pdf_text(render_report_pdf(data, *BODY)))
    for expected in (
        "Objectives, scope and criteria",
        "version 2",
        "Determine whether the complaints-handling system meets ISO 10002.",  # objectives
        "Complaints handling for retail services",  # scope
        "ISO 10002:2018",  # criteria
        "Complaints policy rev. 4",  # the client's own documents
        "Deniz Kaya, quality manager",  # the client's representative
        "Sites visited",
        "Bornova şubesi",
        "Kordon 5, İzmir, Türkiye",
        "1 of 3 branches chosen at random (seed 42).",  # sampling statement
        "Status of previous findings",
        "Stage 1",
        "Summary",
        "Findings",
        "Conclusions and recommendation",
        "Signed by",
        NAMES["cyrillic"],  # the lead auditor signs
        "Lead auditor",
    ):
        assert squeeze(expected) in text, expected


def test_a_draft_says_so_on_every_page_and_every_page_is_numbered(app):
    data = make_data()
    data.report.submitted_at = None
    with app.test_request_context():
        pdf = render_report_pdf(data, *BODY)
    pages = [squeeze(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "DRAFT" in page
        assert squeeze(f"page {number} of {len(pages)}") in page
        assert squeeze(BODY[0]) in page and squeeze("Audit report: Stage 2") in page
    assert squeeze("this report is a draft and is not signed") in pages[-1]


def stated_data(kind: str = "surveillance1") -> ReportData:
    from certification.reports.evidence import ConformingAnswer

    data = make_data()
    data.audit.kind = kind
    report = data.report
    report.plan_deviations = "Branch visit moved to day two: the branch was closed."
    report.unresolved_issues = "The client disputes finding S2-4's grade."
    report.scope_verdict = "not_appropriate"
    report.scope_comment = "Add the call centre in Dubai to the scope."
    report.marks_use = "Mark used correctly on the website; not on products."
    data.conforming = [
        ConformingAnswer("4.1-a", "4.1", "Complaints policy rev. 4 seen, signed by the CEO."),
        ConformingAnswer("4.2-a", "4.2", ""),
    ]
    return data


def test_the_lead_auditors_statements_and_conforming_evidence_are_in_the_report(app):
    """17021-1 9.4.8: deviations, unresolved issues, scope, use of marks, conforming evidence."""
    with app.test_request_context():
        text = squeeze(pdf_text(render_report_pdf(stated_data(), *BODY)))
    for expected in (
        "Statements of the audit team",
        "Deviations from the audit plan",
        "Branch visit moved to day two: the branch was closed.",
        "Significant unresolved issues",
        "The client disputes finding S2-4's grade.",
        "The scope of certification is not appropriate",
        "Add the call centre in Dubai to the scope.",
        "Use of the certificate and marks",
        "Mark used correctly on the website; not on products.",
        "Evidence for conforming answers",
        "Complaints policy rev. 4 seen, signed by the CEO.",
        "No evidence recorded",
    ):
        assert squeeze(expected) in text, expected


def test_a_stage_2_report_says_none_and_asks_nothing_about_marks(app):
    data = stated_data("stage2")
    data.report.plan_deviations = data.report.unresolved_issues = data.report.marks_use = ""
    with app.test_request_context():
        text = squeeze(pdf_text(render_report_pdf(data, *BODY)))
    assert squeeze("Deviations from the audit planNone") in text
    assert squeeze("Use of the certificate and marks") not in text


def test_a_draft_says_the_statements_come_at_submission(app):
    data = stated_data()
    data.report.submitted_at = None
    with app.test_request_context():
        text = squeeze(pdf_text(render_report_pdf(data, *BODY)))
    assert squeeze("Stated by the lead auditor when the report is submitted.") in text
    assert squeeze("Branch visit moved to day two") not in text


def test_a_submitted_report_has_no_draft_mark(text):
    assert "DRAFT" not in text


@pytest.mark.parametrize(
    ("state", "marked"),
    [("in_progress", True), ("returned", True), ("submitted", False), ("closed", False)],
)
def test_a_report_still_being_written_carries_a_draft_band(app, state, marked):
    data = make_data()
    data.audit.state = state
    with app.test_request_context():
        pdf = render_report_pdf(data, "Body", "Address")
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert all(("DRAFT" in page) == marked for page in pages)


# -- layout: headings stay with their text, chart labels are never cut --------------------------


def test_a_heading_near_the_page_foot_moves_to_the_next_page_with_its_text(app):
    """The report's headings keep with what follows: none is left alone at a page's foot."""
    from reportlab.platypus import Paragraph, Spacer

    from certification.pdf_kit import a4_document
    from certification.reports import pdf as report_pdf

    styles = report_pdf._styles()
    buffer = io.BytesIO()
    doc = a4_document(buffer, "t", "t")
    story = [
        Spacer(1, doc.height - 40),  # leaves room for the heading, not for the text under it
        Paragraph("Significant unresolved issues", styles["h2"]),
        Paragraph("The client disputes the grade of finding 2. " * 12, styles["body"]),
    ]
    doc.build(story)
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages]
    assert "Significant unresolved issues" not in pages[0]
    assert "Significant unresolved issues" in pages[1]


def chart_fragments(pdf: bytes) -> list[tuple[str, float]]:
    """Every piece of text on the chart's page with the x where it starts (points)."""
    fragments: list[tuple[str, float]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:

        def visit(text, cm, tm, _font, _size, found=fragments):
            if text.strip():
                found.append((text, tm[4] * cm[0] + tm[5] * cm[2] + cm[4]))

        page.extract_text(visitor_text=visit)
    return fragments


def test_the_longest_chart_label_is_whole_and_inside_the_margins(app):
    from flask_babel import force_locale
    from reportlab.lib.units import mm

    longest = "Функционирование процесса управления претензиями"  # the longest shipped title
    with app.test_request_context(), force_locale("ru"):
        pdf = render_report_pdf(make_data(), *BODY)
    fragments = chart_fragments(pdf)
    labels = [(text, x) for text, x in fragments if longest in text]
    assert labels, "the section's full title is on the chart"
    assert all(x >= 18 * mm - 0.5 for text, x in fragments), "nothing starts in the left margin"


def test_noncharacters_stored_before_the_edge_stripped_them_are_not_drawn(app):
    """Text saved before the app stripped noncharacters at its edge (or brought in by an import)
    is drawn without them, not with a missing-glyph box each (read back as NUL)."""
    data = make_data()
    data.audit.organisation.legal_name = "Acme\ufdd0 Complaints\U0010ffff Ltd"
    data.report.summary = "Well \ufffeestablished, with a \ufdefsurvey"
    data.findings[0].evidence = "Sampled \uffff12 files"  # a facts-table value
    data.audit.organisation.sites[1].name = "مركز\ufdd0 الخدمة"  # right-to-left text too
    with app.test_request_context():
        pdf = render_report_pdf(data, *BODY)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "\x00" not in text
    for shown in ("Acme Complaints Ltd", "Well established, with a survey", "Sampled 12 files"):
        assert shown in text
