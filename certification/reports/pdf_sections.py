"""The parts of the audit report that 17021-1 9.4.8 asks for beyond scores and findings: the
plan followed (objectives, scope, criteria, the client's representative, language), the sites
visited with the sampling statement, the status of previous findings, and the signature.

Rendered in the current Flask-Babel locale, like the rest of the report (reports/pdf.py).
"""

from __future__ import annotations

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from certification.checklists.loader import question_text
from certification.pdf_kit import facts_table, place, rich_text
from certification.reports.assessment import MARKS_ASKED
from certification.templating import format_day

ABSENT = "—"


def plan_section(data, styles, heading, grid) -> list:
    """Objectives, scope and criteria, the representative, the sites visited and how they were
    chosen: from the audit plan the audit followed (the version in force at submission)."""
    plan = data.plan
    story = [heading(_("Objectives, scope and criteria"), styles)]
    if plan is None:
        note = _("No audit plan was sent to the client for this audit.")
        return story + [rich_text(note, styles["body"])]
    rows = [
        (_("Audit plan"), _("version %(version)d", version=plan.version)),
        (_("Audit objectives"), plan.objectives or ABSENT),
        (_("Audit scope"), plan.scope or ABSENT),
        (_("Audit criteria"), plan.criteria or ABSENT),
        (_("The client's documents"), plan.client_documents or ABSENT),
        (_("The client's representative"), plan.representative or ABSENT),
    ]
    story += facts_table(rows, styles)
    cells = [[_("Site"), _("Address"), _("Why it was visited")]]
    for site in plan.sites:
        cells.append([site.name, place(site.address, site.city, site.country), site.reason_label])
    story += [
        heading(_("Sites visited"), styles, "h3"),
        grid(cells, styles, [52 * mm, 80 * mm, 42 * mm]),
        rich_text(plan.sampling_statement or ABSENT, styles["small"]),
    ]
    return story


def previous_findings_section(data, styles, heading, grid) -> list:
    """17021-1 9.4.8: at surveillance and recertification, the status of earlier findings."""
    if not data.previous_findings:
        return []
    cells = [[_("Audit"), _("Finding"), _("Grade"), _("Status")]]
    for finding in data.previous_findings:
        cells.append(
            [
                finding.audit.kind_enum.label,
                f"{finding.number} · {finding.clause}",
                finding.grade_enum.label,
                finding.state_enum.label,
            ]
        )
    return [
        heading(_("Status of previous findings"), styles),
        grid(cells, styles, [40 * mm, 40 * mm, 50 * mm, 44 * mm]),
    ]


def signature_section(data, styles, heading) -> list:
    """Signed by the lead auditor at submission (name, role, date); a draft says it is not."""
    report = data.report
    if report is None or report.submitted_at is None:
        note = _("Not yet submitted: this report is a draft and is not signed.")
        return [KeepTogether([heading(_("Signature"), styles), rich_text(note, styles["body"])])]
    signer = report.submitted_by or data.audit.lead
    rows = [
        (_("Signed by"), signer.name if signer else ABSENT),
        (_("Role"), _("Lead auditor")),
        (_("Date"), format_day(report.submitted_at.date())),
    ]
    return [KeepTogether([heading(_("Signature"), styles), *facts_table(rows, styles)])]


def statements_section(data, styles, heading) -> list:
    """17021-1 9.4.8: deviations from the plan, significant unresolved issues, whether the scope
    is appropriate and (surveillance) the use of the certificate and marks, as the lead stated
    them at submission."""
    audit, report = data.audit, data.report
    if audit.kind == "stage1":
        return []  # 17021-1 9.3.1: stage 1 ends with a conclusion on readiness instead
    story = [heading(_("Statements of the audit team"), styles)]
    if report is None or report.submitted_at is None:
        note = _("Stated by the lead auditor when the report is submitted.")
        return story + [rich_text(note, styles["body"])]
    scope = report.scope_verdict_label or ABSENT
    if report.scope_comment:
        scope += "\n" + report.scope_comment
    rows = [
        (_("Deviations from the audit plan"), report.plan_deviations or _("None")),
        (_("Significant unresolved issues"), report.unresolved_issues or _("None")),
        (_("Scope of certification"), scope),
    ]
    if audit.kind in MARKS_ASKED or report.marks_use:
        rows.append((_("Use of the certificate and marks"), report.marks_use or ABSENT))
    return story + facts_table(rows, styles)


def conforming_section(data, styles, heading, grid, language: str) -> list:
    """The evidence behind each conforming answer: the committee reviews it (17021-1 9.4.8)."""
    if data.checklist is None or not data.conforming:
        return []
    cells = [[_("Clause"), _("Question"), _("Objective evidence")]]
    for answer in data.conforming:
        question = question_text(data.checklist, answer.question_id, language) or ABSENT
        cells.append([answer.clause, question, answer.evidence or _("No evidence recorded")])
    return [
        heading(_("Evidence for conforming answers"), styles),
        grid(cells, styles, [18 * mm, 76 * mm, 80 * mm]),
    ]
