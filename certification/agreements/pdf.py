"""The agreement with the rules for the marks as a PDF, and the body's mark as SVG (pure)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.graphics import renderSVG
from reportlab.platypus import Spacer

from certification.pdf_kit import a4_document, heading_style, paragraph_styles, rich_text
from certification.pdf_pages import footed_canvas


def render_agreement_pdf(version, language: str, body_name: str) -> bytes:
    styles = paragraph_styles()
    title = heading_style("title", styles, 14, 18, after=6)
    buffer = io.BytesIO()
    doc = a4_document(buffer, _("Certification agreement"), body_name)
    identity = _("Certification agreement, version %(version)d", version=version.version)
    canvas = footed_canvas(
        body_name, identity, lambda p, n: _("page %(page)d of %(pages)d", page=p, pages=n)
    )
    story = [rich_text(identity, title)]
    for block in (version.text(language), version.rules(language)):
        for line in block.split("\n"):
            story.append(rich_text(line, styles["body"]) if line else Spacer(1, 6))
        story.append(Spacer(1, 12))
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def render_mark_svg() -> bytes:
    """The body's mark (the ring, star and standard number drawn on every certificate)."""
    from certification.certificates.pdf_page import _mark

    return renderSVG.drawToString(_mark()).encode()
