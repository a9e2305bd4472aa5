"""What every page of a certificate carries: the fixed bilingual wording, the border, the body's
mark, name and address, the number, the state when no longer active, and "page X of Y".

The wording is English and Turkish side by side on every certificate whatever the reader's
language, so those pairs are the document's own text here, not interface strings.
"""

from __future__ import annotations

import io
import math

from reportlab.graphics.shapes import Circle, Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from certification.pdf_kit import display_text, register_fonts
from certification.workflow import CertificateState

INK = colors.HexColor("#1d3557")
MUTED = colors.HexColor("#5b6b7b")
PAGE = landscape(A4)
LOGO_SIZE = 22 * mm

# (English, Turkish): the certificate's fixed wording.
WORDS = {
    "title": ("CERTIFICATE", "SERTİFİKA"),
    "certify": (
        "This is to certify that the complaints-handling management system of",
        "Bu belge, aşağıdaki kuruluşun şikâyet yönetim sisteminin",
    ),
    # ISO 10002 is guidance: the system is found to meet its guidelines, it does not "conform to
    # requirements". The Turkish sentence ends after the standard's name (its natural order).
    "assessed": (
        "has been assessed and found to meet the guidelines of",
        "standardının kılavuz ilkelerine göre değerlendirildiğini ve bu ilkeleri karşıladığını "
        "belgeler.",
    ),
    "scope": ("Scope", "Kapsam"),
    "sites": ("Certified sites", "Belgelendirilen sahalar"),
    "site": ("Site", "Saha"),
    "address": ("Address", "Adres"),
    "head_office": ("head office", "merkez"),
    "number": ("Certificate number", "Sertifika numarası"),
    "revision": ("Revision", "Revizyon"),
    "issued": ("Issue (effective) date", "Yürürlük tarihi"),
    "original": ("Original certification date", "İlk belgelendirme tarihi"),
    "expires": ("Expiry date", "Geçerlilik sonu"),
    "accreditation": ("Accreditation", "Akreditasyon"),
    "signed_for": ("For the certification body", "Belgelendirme kuruluşu adına"),
    "band": ("Rating", "Derece"),
    "verify": ("Verify this certificate", "Bu sertifikayı doğrulayın"),
    "annex": ("Annex to certificate", "Sertifika eki"),
    "see_annex_sites": (
        "The certified sites are listed in the annex.",
        "Belgelendirilen sahalar ekte listelenmiştir.",
    ),
    "see_annex_scope": (
        "The scope and the certified sites are given in the annex.",
        "Kapsam ve belgelendirilen sahalar ekte verilmiştir.",
    ),
    "page": ("Page {page} of {pages}", "Sayfa {page} / {pages}"),
    "same_scope": ("As the certificate's scope", "Sertifikanın kapsamı"),
    "replaces": ("replaces", "yerine geçtiği"),
    "validity": (
        "The validity of this certificate depends on successful surveillance audits. "
        "Its current status is shown at the address of the QR code.",
        "Bu sertifikanın geçerliliği başarılı gözetim denetimlerine bağlıdır. "
        "Güncel durumu QR kodundaki adreste gösterilir.",
    ),
}
STATE_WORDS = {
    CertificateState.SUSPENDED: ("SUSPENDED", "ASKIYA ALINDI"),
    CertificateState.WITHDRAWN: ("WITHDRAWN", "GERİ ÇEKİLDİ"),
    CertificateState.EXPIRED: ("EXPIRED", "SÜRESİ DOLDU"),
    CertificateState.SUPERSEDED: ("SUPERSEDED", "YERİNE YENİSİ VERİLDİ"),
}


def both(key: str) -> str:
    english, turkish = WORDS[key]
    return f"{english} / {turkish}"


class NumberedCanvas(Canvas):
    """A canvas that writes "page X of Y" on every page once it knows Y (more than one page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

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
        text = " / ".join(w.format(page=self._pageNumber, pages=total) for w in WORDS["page"])
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
        footer = [f"{both('verify')}: {verify_url}", *WORDS["validity"]]
        for line, text in enumerate(footer):
            canvas.drawString(20 * mm, (18 - 3.3 * line) * mm, text)
        if state in STATE_WORDS:
            canvas.setFillColor(colors.HexColor("#b00020"))
            canvas.setFont(fonts.bold, 12)
            canvas.drawRightString(
                width - 20 * mm, height - 26 * mm, " / ".join(STATE_WORDS[state])
            )
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
