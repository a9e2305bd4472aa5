"""The quote as a PDF: audit time with its justification, the price, the terms.

Pure: takes the quote and the body's name and address, returns bytes; rendered in the current
Flask-Babel locale (the view chooses it).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certification.applications.schemes import scheme_title
from certification.pdf_fonts import display_text, register_fonts
from certification.quotes.services import prices
from certification.templating import format_day, format_days, format_money

LINE = colors.HexColor("#c9d2db")
SHADE = colors.HexColor("#eef2f6")


def _styles() -> dict[str, ParagraphStyle]:
    fonts = register_fonts()
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, leftIndent=5 * mm),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "bold": ParagraphStyle("bold", parent=base, fontName=fonts.bold),
        "bold_right": ParagraphStyle(
            "bold_right", parent=base, fontName=fonts.bold, alignment=TA_RIGHT
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=fonts.bold, fontSize=16, leading=20, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=fonts.bold,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
    }


def _text(value) -> str:
    """User text made safe for a Paragraph, with Arabic shaped; line breaks kept."""
    return escape(display_text(str(value or ""))).replace("\n", "<br/>")


def render_quote_pdf(quote, body_name: str, body_address: str) -> bytes:
    """The quote document, A4, with DejaVu Sans embedded so every script renders."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Quote %(number)s", number=quote.number),
        author=body_name,
    )
    story = [
        Paragraph(_text(body_name), styles["bold"]),
        Paragraph(_text(body_address), styles["small"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Quote %(number)s", number=quote.number)), styles["title"]),
        _facts_table(_header_rows(quote), styles),
        *_client_section(quote, styles),
        *_audit_time_section(quote, styles),
        *_price_section(quote, styles),
        *_terms_section(quote, styles),
    ]
    doc.build(story)
    return buffer.getvalue()


def _header_rows(quote) -> list[tuple[str, str]]:
    issued = format_day(quote.issued_on, _("not yet issued"))
    return [
        (_("Quote number"), quote.number),
        (_("Date"), issued),
        (_("Valid until"), format_day(quote.valid_until, "—")),
    ]


def _facts_table(rows: list[tuple[str, str]], styles) -> Table:
    """Label / value pairs; values are user text and may be in any script."""
    data = [
        [Paragraph(escape(str(label)), styles["bold"]), Paragraph(_text(value), styles["body"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[45 * mm, None], hAlign="LEFT")
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


def _client_section(quote, styles) -> list:
    organisation = quote.organisation
    application = quote.application
    place = _joined(organisation.address, organisation.city, organisation.country)
    rows = [(_("Legal name"), organisation.legal_name)]
    if organisation.english_name and organisation.english_name != organisation.legal_name:
        rows.append((_("English name"), organisation.english_name))
    rows.append((_("Address"), place))
    rows.append((_("Sites"), "\n".join(_site_line(site) for site in application.sites) or "—"))
    rows.append((_("Standard"), scheme_title(application.scheme, application.edition)))
    rows.append((_("Scope"), application.scope))
    return [Paragraph(escape(_("Client")), styles["h2"]), _facts_table(rows, styles)]


def _joined(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _site_line(site) -> str:
    place = _joined(site.address, site.city, site.country)
    head = " (" + _("head office") + ")" if site.is_head_office else ""
    return f"{site.name}{head}" + (f" — {place}" if place else "")


def _grid(data: list[list], styles, widths, total_row: bool = False) -> Table:
    """A ruled table; the first row is the header; numbers in the last column align right."""
    cells = [
        [c if not isinstance(c, str) else Paragraph(escape(c), styles["body"]) for c in row]
        for row in data
    ]
    table = Table(cells, colWidths=widths, hAlign="LEFT", repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def _num(value: str, styles, bold: bool = False) -> Paragraph:
    return Paragraph(escape(value), styles["bold_right" if bold else "right"])


def _indented(label: str, styles) -> Paragraph:
    return Paragraph(escape(label), styles["indent"])


def _audit_time_section(quote, styles) -> list:
    """IAF MD 5 audit time with its adjustment, and the IAF MD 1 site sample."""
    adjustment = f"{format_days(quote.adjustment_percent)} %"
    rows = [
        [_("Audit time"), _("Auditor-days"), _("Sites visited")],
        [_("IAF MD 5 table time"), _num(format_days(quote.table_days), styles), ""],
        [_("Adjustment"), _num(adjustment, styles), ""],
        [
            _("Initial certification audit"),
            _num(format_days(quote.initial_days), styles),
            _num(str(quote.sample_initial), styles),
        ],
        [_indented(_("Stage 1"), styles), _num(format_days(quote.stage1_days), styles), ""],
        [_indented(_("Stage 2"), styles), _num(format_days(quote.stage2_days), styles), ""],
        [
            _("Each surveillance audit (years 2 and 3)"),
            _num(format_days(quote.surveillance_days), styles),
            _num(str(quote.sample_surveillance), styles),
        ],
        [
            _("Recertification audit"),
            _num(format_days(quote.recertification_days), styles),
            _num(str(quote.sample_recertification), styles),
        ],
    ]
    story = [
        Paragraph(escape(_("Audit time")), styles["h2"]),
        _grid(rows, styles, [95 * mm, 35 * mm, 35 * mm]),
        Spacer(1, 2 * mm),
    ]
    if quote.adjustment_justification:
        story.append(
            Paragraph(
                escape(_("Justification of the adjustment:"))
                + " "
                + _text(quote.adjustment_justification),
                styles["body"],
            )
        )
    notes = _(
        "Effective personnel: %(employees)s; sites: %(sites)s. An auditor-day is 8 hours; at "
        "least 80%% of the audit time is spent on site. The number of sites visited follows "
        "IAF MD 1 and always includes the head office.",
        employees=quote.employees,
        sites=quote.sites,
    )
    story.append(Paragraph(escape(notes), styles["small"]))
    return story


def _price_section(quote, styles) -> list:
    p, cur = prices(quote), quote.currency
    days = format_days(quote.initial_days)
    rate = format_money(quote.day_rate, cur)
    rows = [
        [_("Price"), _("Amount")],
        [
            _("Initial audit: %(days)s auditor-days × %(rate)s", days=days, rate=rate),
            _num(format_money(p.audit, cur), styles),
        ],
        [_("Application fee"), _num(format_money(p.application_fee, cur), styles)],
        [_("Certificate fee"), _num(format_money(p.certificate_fee, cur), styles)],
        [
            Paragraph(escape(_("Total")), styles["bold"]),
            _num(format_money(p.total, cur), styles, bold=True),
        ],
    ]
    later = [
        [_("Later audits of the 3-year cycle (for information, not in the total)"), _("Amount")],
        [
            _(
                "Each surveillance audit: %(days)s auditor-days",
                days=format_days(quote.surveillance_days),
            ),
            _num(format_money(p.surveillance, cur), styles),
        ],
        [
            _(
                "Recertification audit: %(days)s auditor-days",
                days=format_days(quote.recertification_days),
            ),
            _num(format_money(p.recertification, cur), styles),
        ],
    ]
    return [
        Paragraph(escape(_("Price")), styles["h2"]),
        _grid(rows, styles, [125 * mm, 45 * mm], total_row=True),
        Spacer(1, 3 * mm),
        _grid(later, styles, [125 * mm, 45 * mm]),
    ]


def _terms_section(quote, styles) -> list:
    valid = format_day(quote.valid_until, "—")
    terms = [
        _(
            "This quote is valid until %(date)s. After that date, ask us for a new quote.",
            date=valid,
        ),
        _("All amounts are in %(currency)s.", currency=quote.currency),
        _(
            "By accepting this quote you agree to the three-year audit programme (stage 1, "
            "stage 2, two surveillance audits and the recertification audit) and to the price "
            "above."
        ),
    ]
    story = [Paragraph(escape(_("Terms")), styles["h2"])]
    story += [Paragraph(escape(term), styles["body"]) for term in terms]
    if quote.notes:
        story.append(Paragraph(escape(_("Notes")), styles["h2"]))
        story.append(Paragraph(_text(quote.notes), styles["body"]))
    return story
