"""The panel's answer to an appeal, in writing, as a PDF letter (17021-1 9.8).

Pure: takes the appeal and the body's name and address, returns bytes.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from certification.pdf_kit import (
    a4_document,
    facts_table,
    heading_style,
    paragraph_styles,
    paragraph_text,
)
from certification.templating import format_day


def render_appeal_answer_pdf(appeal, body_name: str, body_address: str) -> bytes:
    styles = paragraph_styles()
    title_style = heading_style("title", styles, 15, 19, after=4)
    h2 = heading_style("h2", styles, 11.5, 15, before=8, after=4)
    title = _("Answer to appeal %(number)s", number=appeal.number)
    buffer = io.BytesIO()
    doc = a4_document(buffer, title, body_name)
    decision = appeal.decision
    outcome = _("Upheld") if appeal.state == "upheld" else _("Rejected")
    rows = [
        (_("Appeal"), appeal.number),
        (_("Organisation"), appeal.organisation.display_name),
        (
            _("Decision appealed"),
            f"{decision.outcome_enum.label} · {format_day(decision.decided_on)}",
        ),
        (_("Appeal lodged"), format_day(appeal.lodged_on)),
        (_("Panel"), ", ".join(m.user.name for m in appeal.panel)),
        (_("The panel's decision"), f"{outcome} · {format_day(appeal.decided_on)}"),
    ]
    if appeal.remedy:
        rows.append((_("What follows"), appeal.remedy_label))
    story = [
        Paragraph(paragraph_text(body_name), styles["bold"]),
        Paragraph(paragraph_text(body_address), styles["small"]),
        Spacer(1, 6 * mm),
        Paragraph(paragraph_text(title), title_style),
        *facts_table(rows, styles),
        Paragraph(paragraph_text(_("Our answer")), h2),
        Paragraph(paragraph_text(appeal.answer), styles["body"]),
        Paragraph(paragraph_text(_("The panel's reasons")), h2),
        Paragraph(paragraph_text(appeal.reasons), styles["body"]),
        Spacer(1, 4 * mm),
        Paragraph(
            paragraph_text(
                _(
                    "The panel's members took no part in the audit or in the decision appealed "
                    "(ISO/IEC 17021-1 9.8)."
                )
            ),
            styles["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
