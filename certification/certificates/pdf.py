"""The certificate as a PDF: A4 landscape, bilingual, with a QR code to the verification page.

Pure: takes the certificate, the body's name and address and the verification URL; returns bytes.
The wording is English and Turkish side by side on every certificate whatever the reader's
language, so those pairs are the document's own text here, not interface strings.
17021-1 8.2.2 lists what a certificate shows; each item has its line below.
"""

from __future__ import annotations

import io
import math
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCode
from reportlab.graphics.shapes import Circle, Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certification.applications.schemes import scheme_title
from certification.pdf_kit import (
    LINE,
    SHADE,
    display_text,
    head_office_name,
    joined,
    paragraph_text,
    register_fonts,
)
from certification.workflow import CertificateState

INK = colors.HexColor("#1d3557")
MUTED = colors.HexColor("#5b6b7b")
PAGE = landscape(A4)
QR_SIZE = 28 * mm

# (English, Turkish): the certificate's fixed wording.
WORDS = {
    "title": ("CERTIFICATE", "SERTİFİKA"),
    "certify": (
        "This is to certify that the complaints-handling management system of",
        "Bu belge, aşağıdaki kuruluşun şikâyet yönetim sisteminin",
    ),
    "conforms": ("conforms to the requirements of", "şartlarına uygun olduğunu belgeler"),
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
    "accreditation": ("Accreditation status", "Akreditasyon durumu"),
    "accredited": ("Accredited", "Akredite"),
    "unaccredited": ("Not accredited", "Akredite değil"),
    "band": ("Rating", "Derece"),
    "verify": ("Verify this certificate", "Bu sertifikayı doğrulayın"),
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


def render_certificate_pdf(
    certificate, *, body_name: str, body_address: str, verify_url: str
) -> bytes:
    """The certificate, A4 landscape, DejaVu Sans embedded so every script renders."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=34 * mm,
        bottomMargin=22 * mm,
        title=f"{WORDS['title'][0].title()} {certificate.number}",
        author=body_name,
        subject=scheme_title(certificate.scheme, certificate.edition),
    )
    decorate = _page_decoration(certificate, body_name, body_address, verify_url)
    doc.build(_story(certificate, verify_url, styles), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    fonts = register_fonts()
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12, textColor=INK)
    centred = ParagraphStyle("centred", parent=base, alignment=TA_CENTER)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "label": ParagraphStyle(
            "label", parent=base, fontName=fonts.bold, fontSize=7.5, leading=9.5
        ),
        "centred": centred,
        "muted": ParagraphStyle("muted", parent=centred, textColor=MUTED, fontSize=9),
        "title": ParagraphStyle(
            "title", parent=centred, fontName=fonts.bold, fontSize=22, leading=26
        ),
        "name": ParagraphStyle(
            "name", parent=centred, fontName=fonts.bold, fontSize=17, leading=21
        ),
        "standard": ParagraphStyle(
            "standard", parent=centred, fontName=fonts.bold, fontSize=14, leading=18
        ),
    }


def _story(certificate, verify_url: str, styles) -> list:
    organisation = certificate.organisation
    story = [
        Paragraph(escape(both("title")), styles["title"]),
        Spacer(1, 2 * mm),
        Paragraph(escape(WORDS["certify"][0]), styles["centred"]),
        Paragraph(escape(WORDS["certify"][1]), styles["muted"]),
        Spacer(1, 2 * mm),
        Paragraph(paragraph_text(organisation.legal_name), styles["name"]),
    ]
    if organisation.english_name and organisation.english_name != organisation.legal_name:
        story.append(Paragraph(paragraph_text(organisation.english_name), styles["centred"]))
    place = joined(organisation.address, organisation.city, organisation.country)
    story += [
        Paragraph(paragraph_text(place), styles["centred"]),
        Spacer(1, 2 * mm),
        Paragraph(escape(both("conforms")), styles["muted"]),
        Paragraph(
            escape(scheme_title(certificate.scheme, certificate.edition)), styles["standard"]
        ),
        Spacer(1, 4 * mm),
        _two_columns(
            [*_scope_block(certificate, styles), Spacer(1, 3 * mm), *_sites(certificate, styles)],
            [_facts_block(certificate, styles), Spacer(1, 2 * mm), _qr_block(verify_url, styles)],
        ),
    ]
    return story


def _two_columns(left, right) -> Table:
    width = PAGE[0] - 40 * mm
    # splitInRow: a long list of sites continues on the next page.
    table = Table(
        [[left, right]], colWidths=[width * 0.6, width * 0.4], hAlign="LEFT", splitInRow=1
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 6 * mm),
            ]
        )
    )
    return table


def _scope_block(certificate, styles) -> list:
    return [
        Paragraph(escape(both("scope")), styles["label"]),
        Paragraph(paragraph_text(certificate.scope), styles["body"]),
    ]


def _facts_block(certificate, styles) -> Table:
    accreditation = both("accredited" if certificate.accredited else "unaccredited")
    revision = str(certificate.revision)
    if certificate.revision and certificate.supersedes is not None:
        revision += f" ({both('replaces')}: {certificate.supersedes.number})"
    rows = [
        ("number", certificate.number),
        ("revision", revision),
        ("issued", certificate.issued_on.isoformat()),
        ("original", certificate.original_issued_on.isoformat()),
        ("expires", certificate.expires_on.isoformat()),
        ("accreditation", accreditation),
    ]
    if certificate.band:
        rows.append(("band", certificate.band))
    data = [
        [
            Paragraph(escape(both(key)), styles["label"]),
            Paragraph(paragraph_text(v), styles["body"]),
        ]
        for key, v in rows
    ]
    table = Table(data, colWidths=[50 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _sites(certificate, styles) -> list:
    head = [Paragraph(escape(both(key)), styles["label"]) for key in ("site", "address", "scope")]
    rows = [head]
    for site in certificate.sites:
        name = site.name
        if site.is_head_office:
            name = head_office_name(name, both("head_office"))
        place = joined(site.address, site.city, site.country)
        rows.append(
            [
                Paragraph(paragraph_text(name), styles["small"]),
                Paragraph(paragraph_text(place), styles["small"]),
                Paragraph(paragraph_text(site.scope or certificate.scope), styles["small"]),
            ]
        )
    table = Table(rows, colWidths=[40 * mm, 50 * mm, None], hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, LINE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [Paragraph(escape(both("sites")), styles["label"]), Spacer(1, 1 * mm), table]


def qr_code(url: str, size: float = QR_SIZE) -> QrCode:
    """reportlab's own QR code of the verification URL, `size` points square. The flowable
    draws straight on the canvas, several times faster than the graphics widget."""
    return QrCode(url, width=size, height=size, qrLevel="M")


def _qr_block(verify_url: str, styles) -> Table:
    cells = [[qr_code(verify_url), Paragraph(escape(both("verify")), styles["label"])]]
    table = Table(cells, colWidths=[QR_SIZE + 4 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    return table


def _page_decoration(certificate, body_name: str, body_address: str, verify_url: str):
    """Border, the body's mark, name and address, and the state if no longer active."""
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
        mark = _mark()
        mark.drawOn(canvas, 20 * mm, height - 33 * mm)
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
    drawing.add(
        String(
            r,
            3,
            "10002",
            fontName=register_fonts().bold,
            fontSize=6,
            textAnchor="middle",
            fillColor=INK,
        )
    )
    return drawing
