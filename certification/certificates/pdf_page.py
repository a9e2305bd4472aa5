"""What every page of a certificate carries: the fixed bilingual wording, the border, the body's
mark, name and address, the number, the state when no longer active, and "page X of Y".

The certificate is bilingual: English and its second language (the client's, chosen at the grant;
none when that is English). Both come from the gettext catalogues: the English msgid and its
translation in the certificate's language, whatever the reader's language.
"""

from __future__ import annotations

import io
import math

from flask_babel import force_locale, gettext
from reportlab.graphics.shapes import Circle, Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from certification.i18n.languages import LANGUAGES
from certification.pdf_kit import display_text, register_fonts
from certification.workflow import CertificateState

INK = colors.HexColor("#1d3557")
MUTED = colors.HexColor("#5b6b7b")
PAGE = landscape(A4)
LOGO_SIZE = 22 * mm
ENGLISH = "en"


def N_(msgid: str) -> str:  # noqa: N802 - gettext's name for "extract, translate later"
    return msgid


# The certificate's fixed wording (English msgids; pybabel extracts N_).
WORDS = {
    "title": N_("CERTIFICATE"),
    "certify": N_("This is to certify that the complaints-handling management system of"),
    # ISO 10002 is guidance: the system is found to meet its guidelines, it does not "conform to
    # requirements". Each language puts the standard where its sentence wants it (Turkish: before
    # the verb); the English line stops before it and the standard follows in bold.
    "assessed": N_("has been assessed and found to meet the guidelines of %(standard)s"),
    "scope": N_("Scope"),
    "sites": N_("Certified sites"),
    "site": N_("Site"),
    "address": N_("Address"),
    "head_office": N_("head office"),
    "number": N_("Certificate number"),
    "revision": N_("Revision"),
    "issued": N_("Issue (effective) date"),
    "original": N_("Original certification date"),
    "expires": N_("Expiry date"),
    "accreditation": N_("Accreditation"),
    "signed_for": N_("For the certification body"),
    "band": N_("Rating"),
    "verify": N_("Verify this certificate"),
    "annex": N_("Annex to certificate"),
    "see_annex_sites": N_("The certified sites are listed in the annex."),
    "see_annex_scope": N_("The scope and the certified sites are given in the annex."),
    "page": N_("Page %(page)s of %(pages)s"),
    "same_scope": N_("As the certificate's scope"),
    "replaces": N_("replaces"),
    "validity": N_(
        "The validity of this certificate depends on successful surveillance audits. "
        "Its current status is shown at the address of the QR code."
    ),
}
STATE_WORDS = {
    CertificateState.SUSPENDED: N_("SUSPENDED"),
    CertificateState.WITHDRAWN: N_("WITHDRAWN"),
    CertificateState.EXPIRED: N_("EXPIRED"),
    CertificateState.SUPERSEDED: N_("SUPERSEDED"),
}


def second_language(certificate) -> str:
    """The certificate's language beside English ("en": English alone)."""
    language = getattr(certificate, "language", None) or ENGLISH
    return language if language in LANGUAGES else ENGLISH


def in_language(msgid: str, language: str, **values) -> str:
    """One fixed text in `language`, from the catalogues (English: the msgid itself)."""
    if language == ENGLISH:
        return msgid % values if values else msgid
    with force_locale(language):
        return gettext(msgid, **values)


def pair(msgid: str, language: str, **values) -> tuple[str, str]:
    """(English, the second language); the second is "" on an English-only certificate."""
    english = in_language(msgid, ENGLISH, **values)
    return english, "" if language == ENGLISH else in_language(msgid, language, **values)


def both(key: str, language: str) -> str:
    """A label as "English / second language" (English alone on an English certificate)."""
    return " / ".join(part for part in pair(WORDS[key], language) if part)


class NumberedCanvas(Canvas):
    """A canvas that writes "page X of Y" on every page once it knows Y (more than one page)."""

    def __init__(self, *args, language: str = ENGLISH, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._language = language

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            if total > 1:
                self._page_number(total)
            super().showPage()
        super().save()

    def _page_number(self, total: int) -> None:
        words = pair(WORDS["page"], self._language, page=self._pageNumber, pages=total)
        text = display_text(" / ".join(part for part in words if part))
        self.saveState()
        self.setFont(register_fonts().regular, 8)
        self.setFillColor(MUTED)
        self.drawRightString(PAGE[0] - 20 * mm, 18 * mm, text)
        self.restoreState()


def page_decoration(
    certificate, body_name: str, body_address: str, verify_url: str, logo: bytes | None = None
):
    """Border, the body's logo (or its drawn mark), name and address, and the state if no
    longer active."""
    fonts = register_fonts()
    state = CertificateState(certificate.state)
    language = second_language(certificate)
    footer = [
        f"{both('verify', language)}: {verify_url}",
        *(part for part in pair(WORDS["validity"], language) if part),
    ]
    stamp = " / ".join(part for part in pair(STATE_WORDS.get(state, ""), language) if part)

    def draw(canvas, doc) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(2)
        canvas.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
        canvas.setLineWidth(0.5)
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        if logo:
            canvas.drawImage(
                ImageReader(io.BytesIO(logo)),
                20 * mm,
                height - 33 * mm,
                LOGO_SIZE,
                LOGO_SIZE,
                preserveAspectRatio=True,
                anchor="sw",
                mask="auto",
            )
        else:
            _mark().drawOn(canvas, 20 * mm, height - 33 * mm)
        canvas.setFillColor(INK)
        canvas.setFont(fonts.bold, 13)
        canvas.drawString(45 * mm, height - 20 * mm, display_text(body_name))
        canvas.setFont(fonts.regular, 8.5)
        canvas.drawString(45 * mm, height - 25 * mm, display_text(body_address))
        canvas.setFont(fonts.regular, 8)
        canvas.drawRightString(width - 20 * mm, height - 20 * mm, certificate.number)
        canvas.setFont(fonts.regular, 7)
        canvas.setFillColor(MUTED)
        for line, text in enumerate(footer):
            canvas.drawString(20 * mm, (18 - 3.3 * line) * mm, display_text(text))
        if state in STATE_WORDS:
            canvas.setFillColor(colors.HexColor("#b00020"))
            canvas.setFont(fonts.bold, 12)
            canvas.drawRightString(width - 20 * mm, height - 26 * mm, display_text(stamp))
        canvas.restoreState()

    return draw


def _mark() -> Drawing:
    """The body's mark: a ring with a five-pointed star and the standard's number."""
    size = 22 * mm
    r = size / 2
    drawing = Drawing(size, size)
    drawing.add(Circle(r, r, r - 1, strokeColor=INK, strokeWidth=1.6, fillColor=None))
    points = []
    for i in range(10):
        radius = r * (0.55 if i % 2 == 0 else 0.23)
        angle = math.pi / 2 + i * math.pi / 5
        points += [r + radius * math.cos(angle), r + 1.5 + radius * math.sin(angle)]
    drawing.add(Polygon(points, fillColor=INK, strokeColor=None))
    # the label sits inside the ring, clear of its stroke and of the drawing's edge
    drawing.add(
        String(
            r,
            r * 0.32,
            "10002",
            fontName=register_fonts().bold,
            fontSize=6,
            textAnchor="middle",
            fillColor=INK,
        )
    )
    return drawing
