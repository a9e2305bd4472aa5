"""The photos of a finding in the report PDF: a thumbnail that opens the original, and its name
as a link too. Kept apart from reports/pdf.py so that the report's layout can change freely."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Table, TableStyle

from certification.pdf_kit import rich_text

THUMBNAIL_BOX = 40 * mm
PER_ROW = 4


class LinkedImage(Image):
    """An image whose whole area is a link to `url` (the original, behind the access check)."""

    def __init__(self, source: str | bytes, width: float, height: float, url: str):
        # a path to a JPEG goes into the PDF as it is; bytes are decoded and compressed again
        super().__init__(
            io.BytesIO(source) if isinstance(source, bytes) else source, width=width, height=height
        )
        self.url = url

    def draw(self) -> None:
        super().draw()
        x, y = getattr(self, "_offs_x", 0), getattr(self, "_offs_y", 0)
        self.canv.linkURL(self.url, (x, y, x + self.drawWidth, y + self.drawHeight), relative=1)


def finding_photos(photos, styles) -> list:
    """Flowables for one finding's photos (services: findings.photos.pdf_photos); [] if none."""
    if not photos:
        return []
    rows = []
    for start in range(0, len(photos), PER_ROW):
        row = photos[start : start + PER_ROW]
        rows.append([_thumbnail(photo) for photo in row])
        rows.append([_caption(photo, styles) for photo in row])
    table = Table(rows, colWidths=[THUMBNAIL_BOX + 4 * mm] * PER_ROW, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [rich_text(_("Photos taken on site"), styles["bold"]), table]


def _thumbnail(photo) -> LinkedImage:
    scale = THUMBNAIL_BOX / max(photo.width, photo.height)
    return LinkedImage(photo.thumbnail, photo.width * scale, photo.height * scale, photo.url)


def _caption(photo, styles) -> Paragraph:
    link = f"<a href={quoteattr(photo.url)} color='blue'>{escape(photo.name)}</a>"
    return Paragraph(link + " " + escape(_("(original)")), styles["small"])
