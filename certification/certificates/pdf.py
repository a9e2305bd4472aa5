"""The certificate as a PDF: A4 landscape, bilingual, with a QR code to the verification page.

Pure: takes the certificate, the body's name and address and the verification URL; returns bytes.
17021-1 8.2.2 lists what a certificate shows; each item has its line below. The fixed wording and
what every page carries are in pdf_page.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    Image,
    LayoutError,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from certification.applications.schemes import scheme_title
from certification.certificates.pdf_page import (
    INK,
    MUTED,
    PAGE,
    WORDS,
    NumberedCanvas,
    both,
    page_decoration,
    pair,
    second_language,
)
from certification.pdf_kit import (
    LINE,
    SHADE,
    head_office_name,
    paragraph_text,
    place,
    register_fonts,
    rich_text,
    text_paragraphs,
)
from certification.pdf_qr import QrFlowable

QR_SIZE = 28 * mm
MARK_SIZE = 14 * mm
RIGHT_COLUMN = (PAGE[0] - 40 * mm) * 0.4 - 12  # the facts column, less its cell's padding
SIGNATURE_HEIGHT = 10 * mm
SIGNATURE_WIDTH = 40 * mm


# A certificate this small is tried on one page first (its usual look); a larger one, or one
# that turns out not to fit, is laid out with annex pages at once.
ONE_PAGE_SITES = 8
ONE_PAGE_CHARACTERS = 2500
ONE_PAGE_LINES = 40
# On the first page of a certificate with an annex the scope stays if it is about this short.
SCOPE_ON_FIRST_PAGE = 1500


@dataclass(frozen=True)
class Signatory:
    """Who signs certificates for the body (settings), with an optional signature image."""

    name: str
    role: str
    signature: bytes | None = None


def render_certificate_pdf(
    certificate,
    *,
    body_name: str,
    body_address: str,
    verify_url: str,
    logo: bytes | None = None,
    signatory: Signatory | None = None,
    accreditation_mark: bytes | None = None,
) -> bytes:
    """The certificate, A4 landscape, DejaVu Sans embedded so every script renders.

    The first page looks as a certificate always has; what does not fit on it (many sites, a
    long scope) continues on annex pages, each with the number and "page X of Y". `logo`, the
    signature and `accreditation_mark` are PNG or JPEG bytes.
    """
    extras = _Extras(signatory, accreditation_mark)
    build = _builder(certificate, body_name, body_address, verify_url, logo, extras)
    if _may_fit_one_page(certificate):
        try:
            pdf, pages = build(annex=False)
        except LayoutError:  # a site row taller than the page: the annex has no such rows
            pages = 0
        if pages == 1:
            return pdf
    return build(annex=True)[0]


class _Extras(NamedTuple):
    signatory: Signatory | None
    accreditation_mark: bytes | None


def _builder(certificate, body_name, body_address, verify_url, logo, extras: _Extras):
    styles = _styles()
    decorate = page_decoration(certificate, body_name, body_address, verify_url, logo)

    def build(annex: bool) -> tuple[bytes, int]:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=PAGE,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=34 * mm,
            bottomMargin=22 * mm,
            title=f"{WORDS['title'].title()} {certificate.number}",
            author=body_name,
            subject=scheme_title(certificate.scheme, certificate.edition),
        )
        story = _story(certificate, verify_url, styles, annex, extras)
        canvas = partial(NumberedCanvas, language=second_language(certificate))
        doc.build(story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=canvas)
        return buffer.getvalue(), doc.page

    return build


def _may_fit_one_page(certificate) -> bool:
    texts = [certificate.scope or ""]
    for site in certificate.sites:
        texts += [site.name or "", site.address or "", site.scope or ""]
    return (
        len(certificate.sites) <= ONE_PAGE_SITES
        and sum(len(text) for text in texts) <= ONE_PAGE_CHARACTERS
        and sum(text.count("\n") for text in texts) <= ONE_PAGE_LINES
    )


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


def _story(certificate, verify_url: str, styles, annex: bool, extras: _Extras) -> list:
    lang = second_language(certificate)
    heading = _heading(certificate, styles)
    right = [
        _facts_block(certificate, styles),
        *_accreditation_block(certificate, extras.accreditation_mark, styles),
        Spacer(1, 1 * mm),
        _qr_block(verify_url, styles, _signatory_block(extras.signatory, styles, lang), lang),
    ]
    scope = _scope_block(certificate, styles)
    if not annex:
        return [
            *heading,
            _two_columns([*scope, Spacer(1, 3 * mm), *_sites(certificate, styles)], right),
        ]
    title = f"{both('annex', lang)} {certificate.number}"
    pages = [PageBreak(), rich_text(title, styles["name"])]
    scope_text = certificate.scope or ""
    if len(scope_text) <= SCOPE_ON_FIRST_PAGE and scope_text.count("\n") <= 20:
        note = rich_text(both("see_annex_sites", lang), styles["body"])
        first_page = _two_columns([*scope, Spacer(1, 3 * mm), note], right)
    else:
        note = rich_text(both("see_annex_scope", lang), styles["body"])
        first_page = _two_columns([scope[0], note], right)
        pages += [Spacer(1, 3 * mm), *scope]
    pages += [Spacer(1, 3 * mm), *_site_entries(certificate, styles)]
    return [*heading, first_page, *pages]


def _heading(certificate, styles) -> list:
    organisation, lang = certificate.organisation, second_language(certificate)
    standard = scheme_title(certificate.scheme, certificate.edition)
    certify = pair(WORDS["certify"], lang)
    assessed = pair(WORDS["assessed"], lang, standard=standard)
    story = [
        rich_text(both("title", lang), styles["title"]),
        Spacer(1, 1 * mm),
        *_lines(certify, styles),
        Spacer(1, 2 * mm),
        *text_paragraphs(organisation.legal_name, styles["name"]),
    ]
    if organisation.english_name and organisation.english_name != organisation.legal_name:
        story += text_paragraphs(organisation.english_name, styles["centred"])
    where = place(organisation.address, organisation.city, organisation.country)
    english = assessed[0].removesuffix(standard).strip()  # the standard follows, in bold
    return [
        *story,
        *text_paragraphs(where, styles["centred"]),
        Spacer(1, 1.5 * mm),
        Paragraph(escape(english), styles["centred"]),
        Paragraph(escape(standard), styles["standard"]),
        *_lines(("", assessed[1]), styles),
        Spacer(1, 2 * mm),
    ]


def _lines(words: tuple[str, str], styles) -> list:
    """A sentence of the wording: English centred, the second language muted below it."""
    english, second = words
    story = [Paragraph(escape(english), styles["centred"])] if english else []
    return story + ([rich_text(second, styles["muted"])] if second else [])


def _two_columns(left, right) -> Table:
    width = PAGE[0] - 40 * mm
    table = Table([[left, right]], colWidths=[width * 0.6, width * 0.4], hAlign="LEFT")
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
    lang = second_language(certificate)
    return [
        rich_text(both("scope", lang), styles["label"]),
        *text_paragraphs(certificate.scope, styles["body"]),
    ]


def _facts_block(certificate, styles) -> Table:
    lang = second_language(certificate)
    revision = str(certificate.revision)
    if certificate.revision and certificate.supersedes is not None:
        revision += f" ({both('replaces', lang)}: {certificate.supersedes.number})"
    rows = [
        ("number", certificate.number),
        ("revision", revision),
        ("issued", certificate.issued_on.isoformat()),
        ("original", certificate.original_issued_on.isoformat()),
        ("expires", certificate.expires_on.isoformat()),
    ]
    if certificate.band:
        rows.append(("band", certificate.band))
    data = [
        [
            rich_text(both(key, lang), styles["label"]),
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
    lang = second_language(certificate)
    head = [rich_text(both(key, lang), styles["label"]) for key in ("site", "address", "scope")]
    rows = [head]
    for site in certificate.sites:
        name, where = _site_name(site, lang), place(site.address, site.city, site.country)
        texts = (name, where, site.scope or certificate.scope)
        rows.append([rich_text(text, styles["small"]) for text in texts])
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
    return [rich_text(both("sites", lang), styles["label"]), Spacer(1, 1 * mm), table]


def _site_entries(certificate, styles) -> list:
    """The sites on annex pages: one entry each, whose address and scope flow over pages."""
    lang = second_language(certificate)
    story = [rich_text(both("sites", lang), styles["label"]), Spacer(1, 1 * mm)]
    for number, site in enumerate(certificate.sites, start=1):
        where = place(site.address, site.city, site.country)
        # A site without a scope of its own does not repeat the certificate's (maybe long) one.
        scope = site.scope or both("same_scope", lang)
        story += [
            HRFlowable(width="100%", thickness=0.4, color=LINE, spaceAfter=1 * mm),
            rich_text(f"{number}. {_site_name(site, lang)}", styles["body"]),
            rich_text(both("address", lang), styles["label"]),
            *text_paragraphs(where or "—", styles["small"]),
            rich_text(both("scope", lang), styles["label"]),
            *text_paragraphs(scope, styles["small"]),
            Spacer(1, 1.5 * mm),
        ]
    return story


def _site_name(site, lang: str) -> str:
    if not site.is_head_office:
        return site.name
    return head_office_name(site.name, both("head_office", lang))


def qr_code(url: str, size: float = QR_SIZE) -> QrFlowable:
    """The QR code of the verification URL, `size` points square (pdf_qr: zxing-cpp's matrix,
    kept per address)."""
    return QrFlowable(url, size)


def _qr_block(verify_url: str, styles, beside: list, lang: str) -> Table:
    """The QR code; beside it what it is for and the signatory (side by side: one page)."""
    text = [rich_text(both("verify", lang), styles["label"]), *beside]
    cells = [[qr_code(verify_url), text]]
    table = Table(cells, colWidths=[QR_SIZE + 4 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    return table


def _accreditation_block(certificate, mark: bytes | None, styles) -> list:
    """17021-1 8.2.2 / domain.md: the accreditation body's mark and number, only on a
    certificate issued under an accreditation valid on its decision date; else nothing at all."""
    accreditation = getattr(certificate, "accreditation", None)
    if accreditation is None:
        return []
    lang = second_language(certificate)
    named = f"{accreditation.accreditation_body}, {accreditation.number}"
    text = rich_text(f"{both('accreditation', lang)}\n{named}", styles["small"])
    if not mark:
        return [Spacer(1, 1 * mm), text]
    beside = RIGHT_COLUMN - MARK_SIZE - 3 * mm
    table = Table([[_image(mark, MARK_SIZE), text]], colWidths=[MARK_SIZE + 3 * mm, beside])
    table.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    return [Spacer(1, 1 * mm), table]


def _signatory_block(signatory: Signatory | None, styles, lang: str) -> list:
    """The body's signatory: optional signature image, name and role."""
    if signatory is None or not (signatory.name or "").strip():
        return []
    story = [Spacer(1, 1.5 * mm), rich_text(both("signed_for", lang), styles["label"])]
    if signatory.signature:
        story.append(_image(signatory.signature, SIGNATURE_HEIGHT, width=SIGNATURE_WIDTH))
    story.append(rich_text(signatory.name, styles["body"]))
    if (signatory.role or "").strip():
        story.append(rich_text(signatory.role, styles["small"]))
    return story


def _image(data: bytes, height: float, width: float | None = None) -> Image:
    """A PNG or JPEG, scaled to fit the box and keep its proportions."""
    picture = Image(io.BytesIO(data), width=width or height, height=height, kind="proportional")
    picture.hAlign = "LEFT"
    return picture
