"""The audit plan as a PDF, in the plan's language (the view sets the locale).

Pure: takes the plan and the body's name and address, returns bytes. Every item of
ISO/IEC 17021-1 9.2.3 has its place: objectives, scope, criteria, dates and places, the sites
and why, the timetable, the team with roles, the client's representative, language and
confidentiality.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from certification.i18n import formatting
from certification.i18n.languages import LANGUAGES
from certification.pdf_kit import (
    a4_document,
    heading_style,
    joined,
    paragraph_styles,
    rich_text,
    ruled_table,
)
from certification.pdf_pages import footed_canvas
from certification.templating import format_day
from certification.workflow import PlanState

WIDTH = 174 * mm


def render_plan_pdf(plan, body_name: str, body_address: str) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    title = _("Audit plan")
    doc = a4_document(buffer, title, body_name, subject=plan.organisation.legal_name)
    identity = _(
        "%(audit)s, %(organisation)s, version %(version)d",
        audit=plan.audit.kind_enum.label,
        organisation=plan.organisation.legal_name,
        version=plan.version,
    )
    canvas = footed_canvas(
        body_name,
        identity,
        lambda page, pages: _("page %(page)d of %(pages)d", page=page, pages=pages),
        watermark=_("DRAFT") if plan.state == PlanState.DRAFT else "",
    )
    story = [
        rich_text(body_name, styles["bold"]),
        rich_text(body_address, styles["small"]),
        Spacer(1, 6 * mm),
        rich_text(title, styles["title"]),
        _facts(_fact_rows(plan), styles),
        rich_text(_("Sites to visit"), styles["h2"]),
        _sites(plan, styles),
        Spacer(1, 2 * mm),
        rich_text(plan.sampling_statement, styles["small"]),
        rich_text(_("Audit team"), styles["h2"]),
        _team(plan, styles),
        rich_text(_("Timetable"), styles["h2"]),
        _timetable(plan, styles),
    ]
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _styles():
    styles = paragraph_styles()
    return {
        **styles,
        "title": heading_style("title", styles, 18, 23, after=6),
        "h2": heading_style("h2", styles, 12, 15, before=10, after=4),
    }


def _fact_rows(plan) -> list[tuple[str, str]]:
    organisation = plan.organisation
    state = plan.state_enum.label
    if plan.sent_at:
        state += " · " + _("sent on %(date)s", date=format_day(plan.sent_at.date()))
    if plan.answered_at and plan.state == PlanState.CONFIRMED:
        state += " · " + _("confirmed on %(date)s", date=format_day(plan.answered_at.date()))
    return [
        (_("Organisation"), organisation.legal_name),
        (_("Audit"), plan.audit.kind_enum.label),
        (_("Version"), f"{plan.version} · {state}"),
        (_("Audit objectives"), plan.objectives),
        (_("Audit scope"), plan.scope),
        (_("Audit criteria"), plan.criteria),
        (_("The organisation's documents"), plan.client_documents),
        (_("Dates"), f"{format_day(plan.start_date)} – {format_day(plan.end_date)}"),
        (
            _("Audit time"),
            _(
                "%(days)s auditor-days (%(hours)s auditor-hours)",
                days=formatting.number(plan.audit_days, 1),
                hours=formatting.number(plan.audit_days * 8, 1),
            ),
        ),
        (_("The client's representative"), plan.representative),
        (_("Language of the audit"), LANGUAGES.get(plan.language, plan.language)),
        (_("Confidentiality"), plan.confidentiality),
    ]


def _facts(rows, styles) -> Table:
    data = [
        [rich_text(label, styles["bold"]), rich_text(value, styles["body"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[48 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _cells(rows, styles) -> list[list]:
    return [[rich_text(cell, styles["small"]) for cell in row] for row in rows]


def _sites(plan, styles) -> Table:
    rows = [[_("Site"), _("Address"), _("Why it is visited")]]
    rows += [
        [site.name, joined(site.address, site.city, site.country), site.reason_label]
        for site in plan.sites
    ]
    return ruled_table(_cells(rows, styles), [45 * mm, 60 * mm, None], padding=1.5)


def _team(plan, styles) -> Table:
    rows = [[_("Name"), _("Role")]] + [[seat.name, seat.role_label] for seat in plan.team]
    return ruled_table(_cells(rows, styles), [80 * mm, None], padding=1.5)


def _timetable(plan, styles) -> Table:
    rows = [
        [
            _("Day"),
            _("Time"),
            _("Process or clause audited"),
            _("Clauses"),
            _("Auditors"),
            _("Auditor-hours"),
        ]
    ]
    for line in plan.activities:
        times = f"{line.starts}–{line.ends}" if line.starts or line.ends else ""
        rows.append(
            [
                format_day(line.day),
                times,
                line.activity,
                line.clauses,
                line.auditors,
                formatting.number(float(line.auditor_hours), 2),
            ]
        )
    rows.append(["", "", _("Total"), "", "", formatting.number(plan.auditor_hours, 2)])
    widths = [22 * mm, 20 * mm, None, 16 * mm, 34 * mm, 18 * mm]
    return ruled_table(_cells(rows, styles), widths, (len(rows) - 1,), padding=1.5)
