"""The quote as a PDF: audit time with its justification, the price, the terms.

Pure: takes the quote and the body's name and address, returns bytes; rendered in the current
Flask-Babel locale (the view chooses it).
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from certification.applications.schemes import scheme_title
from certification.i18n import formatting
from certification.i18n.plurals import auditor_days
from certification.pdf_kit import (
    a4_document,
    draft_pages,
    facts_table,
    heading_style,
    joined,
    paragraph_styles,
    rich_text,
    ruled_table,
    site_line,
    text_paragraphs,
)
from certification.quotes.services import prices
from certification.templating import format_day, format_days, format_money
from certification.workflow import QuoteState


def _styles() -> dict[str, ParagraphStyle]:
    styles = paragraph_styles()
    base, bold = styles["body"], styles["bold"].fontName
    return {
        **styles,
        "indent": ParagraphStyle("indent", parent=base, leftIndent=5 * mm),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "bold_right": ParagraphStyle("bold_right", parent=base, fontName=bold, alignment=TA_RIGHT),
        "title": heading_style("title", styles, 16, 20, after=4),
        "h2": heading_style("h2", styles, 11.5, 15, before=8, after=4),
    }


def render_quote_pdf(quote, body_name: str, body_address: str) -> bytes:
    """The quote document, A4, with DejaVu Sans embedded so every script renders."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = a4_document(buffer, _("Quote %(number)s", number=quote.number), body_name)
    story = [
        rich_text(body_name, styles["bold"]),
        rich_text(body_address, styles["small"]),
        Spacer(1, 6 * mm),
        rich_text(_("Quote %(number)s", number=quote.number), styles["title"]),
        *facts_table(_header_rows(quote), styles),
        *_client_section(quote, styles),
        *_audit_time_section(quote, styles),
        *_price_section(quote, styles),
        *_terms_section(quote, styles),
    ]
    doc.build(story, **_draft_marks(quote))
    return buffer.getvalue()


def _is_draft(quote) -> bool:
    return quote.state == QuoteState.DRAFT


def _draft_marks(quote) -> dict:
    """A draft carries a DRAFT band on every page; a sent quote none."""
    return draft_pages(_("DRAFT")) if _is_draft(quote) else {}


def _header_rows(quote) -> list[tuple[str, str]]:
    if _is_draft(quote):  # no validity before it is sent: no "valid until —"
        return [(_("Quote number"), quote.number), (_("Date"), _("draft, not sent yet"))]
    return [
        (_("Quote number"), quote.number),
        (_("Date"), format_day(quote.issued_on, _("not yet issued"))),
        (_("Valid until"), format_day(quote.valid_until, "—")),
    ]


def _client_section(quote, styles) -> list:
    organisation = quote.organisation
    application = quote.application
    place = joined(organisation.address, organisation.city, organisation.country)
    rows = [(_("Legal name"), organisation.legal_name)]
    if organisation.english_name and organisation.english_name != organisation.legal_name:
        rows.append((_("English name"), organisation.english_name))
    rows.append((_("Address"), place))
    rows.append((_("Sites"), "\n".join(site_line(site) for site in application.sites) or "—"))
    rows.append((_("Standard"), scheme_title(application.scheme, application.edition)))
    rows.append((_("Scope"), application.scope))
    return [rich_text(_("Client"), styles["h2"]), *facts_table(rows, styles)]


def _grid(data: list[list], styles, widths, total_row: bool = False) -> Table:
    """A ruled table; plain strings become body text; the total row, if any, is shaded."""
    cells = [
        [c if not isinstance(c, str) else rich_text(c, styles["body"]) for c in row] for row in data
    ]
    return ruled_table(cells, widths, (-1,) if total_row else ())


def _num(value: str, styles, bold: bool = False) -> Paragraph:
    return rich_text(value, styles["bold_right" if bold else "right"])


def _indented(label: str, styles) -> Paragraph:
    return rich_text(label, styles["indent"])


def _audit_time_section(quote, styles) -> list:
    """IAF MD 5 audit time with its adjustment, and the IAF MD 1 site sample."""
    adjustment = formatting.percent(quote.adjustment_percent)
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
        rich_text(_("Audit time"), styles["h2"]),
        _grid(rows, styles, [95 * mm, 35 * mm, 35 * mm]),
        Spacer(1, 2 * mm),
        *_site_times_section(quote, styles),
    ]
    if quote.adjustment_justification:
        story.append(rich_text(_("Justification of the adjustment:"), styles["body"]))
        story += text_paragraphs(quote.adjustment_justification, styles["body"])
    notes = _(
        "Effective personnel: %(employees)s; sites: %(sites)s. An auditor-day is 8 hours; at "
        "least %(share)s of the audit time is spent on site. The number of sites visited follows "
        "IAF MD 1 and always includes the head office.",
        employees=formatting.number(quote.employees),
        sites=formatting.number(quote.sites),
        share=formatting.percent(80),
    )
    story.append(rich_text(notes, styles["small"]))
    return story


def _site_times_section(quote, styles) -> list:
    """IAF MD 1: each site's own time, from the personnel working there."""
    if not quote.site_times:
        return []
    rows = [[_("Site"), _("Personnel"), _("Initial"), _("Surveillance"), _("Recertification")]]
    for site in quote.site_times:
        central = _("central function")
        name = f"{site['name']} ({central})" if site["central"] else site["name"]
        rows.append(
            [
                rich_text(name, styles["body"]),
                _num(formatting.number(site["personnel"], 0), styles),
                _num(format_days(site["initial_days"]), styles),
                _num(format_days(site["surveillance_days"]), styles),
                _num(format_days(site["recertification_days"]), styles),
            ]
        )
    note = _(
        "Each audit takes the central function's time plus that of each sampled site; the "
        "totals above count the largest sites of each sample."
    )
    return [
        rich_text(_("Audit time by site (IAF MD 1)"), styles["h2"]),
        _grid(rows, styles, [69 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm]),
        rich_text(note, styles["small"]),
        Spacer(1, 2 * mm),
    ]


def _price_section(quote, styles) -> list:
    p, cur = prices(quote), quote.currency
    rate = format_money(quote.day_rate, cur)
    rows = [
        [_("Price"), _("Amount")],
        [
            _(
                "Initial audit: %(time)s × %(rate)s",
                time=auditor_days(quote.initial_days),
                rate=rate,
            ),
            _num(format_money(p.audit, cur), styles),
        ],
        [_("Application fee"), _num(format_money(p.application_fee, cur), styles)],
        [_("Certificate fee"), _num(format_money(p.certificate_fee, cur), styles)],
        [
            rich_text(_("Total"), styles["bold"]),
            _num(format_money(p.total, cur), styles, bold=True),
        ],
    ]
    later = [
        [_("Later audits of the 3-year cycle (for information, not in the total)"), _("Amount")],
        [
            _("Each surveillance audit: %(time)s", time=auditor_days(quote.surveillance_days)),
            _num(format_money(p.surveillance, cur), styles),
        ],
        [
            _("Recertification audit: %(time)s", time=auditor_days(quote.recertification_days)),
            _num(format_money(p.recertification, cur), styles),
        ],
    ]
    return [
        rich_text(_("Price"), styles["h2"]),
        _grid(rows, styles, [125 * mm, 45 * mm], total_row=True),
        Spacer(1, 3 * mm),
        _grid(later, styles, [125 * mm, 45 * mm]),
    ]


def _terms_section(quote, styles) -> list:
    if _is_draft(quote):
        validity = _("This is a draft: it binds nobody, and its validity starts when it is sent.")
    else:
        validity = _(
            "This quote is valid until %(date)s. After that date, ask us for a new quote.",
            date=format_day(quote.valid_until, "—"),
        )
    terms = [
        validity,
        _("All amounts are in %(currency)s.", currency=quote.currency),
        _(
            "By accepting this quote you agree to the three-year audit programme (stage 1, "
            "stage 2, two surveillance audits and the recertification audit) and to the price "
            "above."
        ),
    ]
    story = [rich_text(_("Terms"), styles["h2"])]
    story += [rich_text(term, styles["body"]) for term in terms]
    if quote.notes:
        story.append(rich_text(_("Notes"), styles["h2"]))
        story += text_paragraphs(quote.notes, styles["body"])
    return story
