"""The audit report as a PDF: cover, summary, clause scores with a chart, findings, figures,
recommendation and signatures.

Pure: takes the report's data (services.report_data) and the body's name and address, returns
bytes; rendered in the current Flask-Babel locale (the view chooses it).
"""

from __future__ import annotations

import io

from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table

from certification.applications.schemes import scheme_title
from certification.checklists.loader import question_text
from certification.checklists.loader import text as checklist_text
from certification.i18n import formatting
from certification.pdf_kit import (
    a4_document,
    facts_table,
    heading_style,
    paragraph_styles,
    register_fonts,
    rich_text,
    ruled_table,
    site_line,
    text_paragraphs,
)
from certification.pdf_pages import footed_canvas
from certification.programme.models import TeamRole
from certification.reports import pdf_sections as sections
from certification.reports.models import Readiness
from certification.reports.pdf_chart import FONT_SIZE, SectionBars
from certification.reports.pdf_photos import finding_photos
from certification.templating import format_day

WIDTH = A4[0] - 36 * mm
CHART_LABEL = 0.52 * WIDTH  # the widest a category label may be (every shipped title fits)


def render_report_pdf(data, body_name: str, body_address: str) -> bytes:
    """The audit report, A4, with DejaVu Sans embedded so that every script renders."""
    styles = _styles()
    audit = data.audit
    buffer = io.BytesIO()
    doc = a4_document(buffer, _("Audit report"), body_name, subject=audit.organisation.legal_name)
    story = [
        *_cover(data, body_name, body_address, styles),
        *sections.plan_section(data, styles, _heading, _grid),
        *_summary(data, styles),
        *sections.previous_findings_section(data, styles, _heading, _grid),
        *_scores(data, styles),
        *_findings(data, styles),
        *sections.conforming_section(data, styles, _heading, _grid, report_language(data)),
        *_figures(data, styles),
        *sections.statements_section(data, styles, _heading),
        *_recommendation(data, styles),
        *sections.signature_section(data, styles, _heading),
    ]
    doc.build(story, canvasmaker=_canvas(data, body_name))
    return buffer.getvalue()


def is_draft(data) -> bool:
    """Not yet the report: never submitted, or still being written (the audit in progress, or
    its report returned by the committee)."""
    submitted = data.report is not None and data.report.submitted_at is not None
    return not submitted or data.audit.state in ("in_progress", "returned")


def _canvas(data, body_name: str):
    """Every page: the body, the report's identity, "page X of Y"; DRAFT until submitted."""
    audit = data.audit
    identity = _(
        "Audit report: %(audit)s, %(organisation)s, %(dates)s",
        audit=audit.kind_enum.label,
        organisation=audit.organisation.legal_name,
        dates=f"{format_day(audit.start_date)} – {format_day(audit.end_date)}",
    )
    return footed_canvas(
        body_name,
        identity,
        lambda page, pages: _("page %(page)d of %(pages)d", page=page, pages=pages),
        watermark=_("DRAFT") if is_draft(data) else "",
    )


# -- building blocks ---------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    styles = paragraph_styles()
    headings = {
        "h2": heading_style("h2", styles, 12, 15, before=10, after=4),
        "h3": heading_style("h3", styles, 10, 13, before=6, after=2),
    }
    for style in headings.values():
        style.keepWithNext = 1  # a heading never stays alone at the foot of a page
    return {**styles, "title": heading_style("title", styles, 18, 23, after=6), **headings}


def _localised(texts) -> str:
    return checklist_text(texts, get_locale())


def _days(value) -> str:
    """A number of days in the document's language ("4,5" in Turkish); "—" when not given."""
    return "—" if value is None else formatting.number(value)


def _percent(value: float | None) -> str:
    return _("n/a") if value is None else formatting.percent(value)


def _grid(rows: list[list[str]], styles, widths, bold_rows: tuple[int, ...] = ()) -> Table:
    """A ruled table of small text; the header and the bold rows are shaded."""
    cells = [[rich_text(cell, styles["small"]) for cell in row] for row in rows]
    return ruled_table(cells, widths, bold_rows, padding=1.5)


def _heading(label: str, styles, level: str = "h2") -> Paragraph:
    return rich_text(label, styles[level])


# -- the sections ------------------------------------------------------------------------------


def _cover(data, body_name: str, body_address: str, styles) -> list:
    audit = data.audit
    organisation = audit.organisation
    cycle = audit.cycle
    rows = [(_("Organisation"), organisation.legal_name)]
    if organisation.english_name and organisation.english_name != organisation.legal_name:
        rows.append((_("English name"), organisation.english_name))
    rows += [
        (_("Sites"), "\n".join(site_line(site) for site in _sites(audit)) or "—"),
        (_("Standard"), scheme_title(cycle.scheme, cycle.edition)),
        (_("Checklist version"), data.checklist.version if data.checklist else "—"),
        (_("Audit type"), audit.kind_enum.label),
        (_("Dates"), f"{format_day(audit.start_date)} – {format_day(audit.end_date)}"),
        (_("Audit team"), "\n".join(_member_line(m) for m in audit.team) or "—"),
    ]
    return [
        rich_text(body_name, styles["bold"]),
        rich_text(body_address, styles["small"]),
        Spacer(1, 8 * mm),
        rich_text(_("Audit report"), styles["title"]),
        *facts_table(rows, styles),
    ]


def _sites(audit) -> list:
    application = audit.cycle.application
    return list(application.sites) if application is not None else list(audit.organisation.sites)


def _member_line(member) -> str:
    return f"{member.user.name} ({TeamRole(member.role).label})"


def _summary(data, styles) -> list:
    story = [_heading(_("Summary"), styles)]
    rows = []
    if data.scores is not None:
        overall = data.scores.overall
        rows.append((_("Questions answered"), f"{overall.answered} / {overall.total}"))
        rows.append((_("Overall score"), _percent(data.scores.percent)))
        if data.band_label:
            rows.append((_("Rating"), _localised(data.band_label)))
        if data.rating_note:
            rows.append((_("Rating"), data.rating_note))
    rows.append((_("Findings"), _finding_counts(data.findings)))
    story += facts_table(rows, styles)
    if data.report is not None and data.report.summary:
        story += [Spacer(1, 2 * mm), *text_paragraphs(data.report.summary, styles["body"])]
    return story


def _finding_counts(findings) -> str:
    counts: dict = {}
    for finding in findings:
        counts[finding.grade_enum] = counts.get(finding.grade_enum, 0) + 1
    if not counts:
        return _("None")
    return ", ".join(f"{grade.label}: {n}" for grade, n in counts.items())


def _scores(data, styles) -> list:
    if data.scores is None:
        return []
    rows = [[_("Clause"), _("Title"), _("Answered"), _("Score")]]
    section_rows = []
    for section in data.checklist.sections:
        score = data.scores.sections[section.number]
        section_rows.append(len(rows))
        rows.append(_score_row(section.number, section.title, score))
        for clause in section.clauses:
            rows.append(_score_row(clause.number, clause.title, data.scores.clauses[clause.number]))
    return [
        PageBreak(),
        _heading(_("Scores by clause"), styles),
        rich_text(_scoring_rule(data.checklist), styles["small"]),
        Spacer(1, 2 * mm),
        _grid(rows, styles, [18 * mm, 106 * mm, 25 * mm, 25 * mm], tuple(section_rows)),
        KeepTogether([_heading(_("Scores by section"), styles), _section_chart(data)]),
    ]


def _score_row(number: str, title, score) -> list[str]:
    return [number, _localised(title), f"{score.answered} / {score.total}", _percent(score.percent)]


def _scoring_rule(checklist) -> str:
    if checklist.scored:
        rule = _("Maturity points over the maximum, weighted by each question's weight.")
    else:
        rule = _(
            "Conforming, observations and opportunities for improvement count in full, a minor "
            "nonconformity half, a major one nothing."
        )
    return rule + " " + _("Questions not applicable are left out; n/a: nothing applicable.")


def _section_chart(data) -> SectionBars:
    """Horizontal bars, one per section, 0 to 100 %, in checklist order."""
    sections = list(data.checklist.sections)
    percents = [data.scores.sections[s.number].percent for s in sections]
    labels = [_chart_label(s, p) for s, p in zip(sections, percents, strict=True)]
    return SectionBars(labels, percents, WIDTH)


def _chart_label(section, percent: float | None) -> str:
    """Number, title and score, the title shortened to fit CHART_LABEL points of width."""
    font = register_fonts().regular
    title = _localised(section.title)
    tail = f" ({_percent(percent)})"
    short = title
    while short and stringWidth(f"{section.number} {short}…{tail}", font, FONT_SIZE) > CHART_LABEL:
        short = short[:-1]
    if short != title:
        short = short.rstrip() + "…"
    return f"{section.number} {short}{tail}"


def _findings(data, styles) -> list:
    story = [_heading(_("Findings"), styles)]
    if not data.findings:
        return story + [rich_text(_("No findings were raised."), styles["body"])]
    language = report_language(data)
    labels = _finding_labels()
    for finding in data.findings:
        question = question_text(data.checklist, finding.question_id, language)
        block = _finding_block(finding, question, styles, labels) + finding_photos(
            data.photos.get(finding.id), styles
        )
        story.append(KeepTogether(block))
    return story


def report_language(data) -> str:
    """The report's language if it has one, else the organisation's preferred one (#13)."""
    chosen = getattr(data.report, "language", None) if data.report is not None else None
    return chosen or data.audit.organisation.preferred_language or "en"


def _finding_labels() -> dict[str, str]:
    """The rows' labels of every finding, translated once per report."""
    return {
        "question": _("Question"),
        "statement": _("Statement"),
        "evidence": _("Objective evidence"),
        "requirement": _("Requirement"),
        "action": _("Corrective action"),
    }


def _finding_block(finding, question: str, styles, labels: dict[str, str]) -> list:
    title = _(
        "Finding %(number)s · clause %(clause)s · %(grade)s",
        number=finding.reference,
        clause=finding.clause,
        grade=finding.grade_enum.label,
    )
    rows = [
        (labels["question"], question or "—"),
        (labels["statement"], finding.statement or "—"),
        (labels["evidence"], finding.evidence or "—"),
        (labels["requirement"], finding.requirement or "—"),
    ]
    if finding.grade_enum.is_nonconformity:
        rows.append((labels["action"], _action_status(finding)))
    return [_heading(title, styles, "h3"), *facts_table(rows, styles)]


def _action_status(finding) -> str:
    """The finding's state and the latest answer of the client with the auditor's review."""
    status = finding.state_enum.label
    if not finding.actions:
        return status + " · " + _("no answer from the client yet")
    action = finding.actions[-1]
    if action.accepted is None:
        review = _("waiting for the auditor's review")
    elif action.accepted:
        review = _("accepted")
    else:
        review = _("rejected: %(comment)s", comment=action.review_comment)
    lines = [
        f"{status} · {review}",
        _("Correction: %(text)s", text=action.correction),
        _("Root cause: %(text)s", text=action.root_cause),
        _("Action: %(text)s", text=action.action),
        _("Target date: %(date)s", date=format_day(action.target_date)),
    ]
    return "\n".join(lines)


def _figures(data, styles) -> list:
    story = [_heading(_("The client's complaints figures (ISO 10002)"), styles)]
    if not data.trend:
        return story + [rich_text(_("No figures were recorded."), styles["body"])]
    rows = [
        [
            _("Audit"),
            _("Period"),
            _("Received"),
            _("Closed"),
            _("Share closed"),
            _("Median days to close"),
            _("Satisfaction"),
        ]
    ]
    for point in data.trend:
        f = point.figures
        rows.append(
            [
                point.audit.kind_enum.label,
                _period(f),
                str(f.complaints_received),
                str(f.complaints_closed),
                _percent(point.closed_percent),
                _days(f.median_days_to_close),
                _percent(None if f.satisfaction_percent is None else float(f.satisfaction_percent)),
            ]
        )
    widths = [30 * mm, 42 * mm, 18 * mm, 18 * mm, 20 * mm, 23 * mm, 23 * mm]
    return story + [_grid(rows, styles, widths)]


def _period(figures) -> str:
    if figures.period_start is None and figures.period_end is None:
        return "—"
    return f"{format_day(figures.period_start)} – {format_day(figures.period_end)}"


def _recommendation(data, styles) -> list:
    if data.audit.kind == "stage1":
        # 17021-1 9.3.1: stage 1 ends with a conclusion on readiness, not a recommendation.
        readiness = data.report.readiness if data.report else ""
        label = Readiness(readiness).label if readiness else _("Not concluded yet")
        return [_heading(_("Conclusion"), styles), *facts_table([(_("Conclusion"), label)], styles)]
    rows = [(_("Recommendation"), data.recommendation.label)]
    if data.recommendation != data.computed:
        rows.append((_("The findings suggested"), data.computed.label))
        rows.append((_("Reason"), data.report.override_reason if data.report else ""))
    return [_heading(_("Conclusions and recommendation"), styles), *facts_table(rows, styles)]
