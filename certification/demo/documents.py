"""Stand-ins for the documents clients send (manuals, records, reports) and for the photos
auditors take on site."""

from __future__ import annotations

import io


def minimal_pdf(title: str, heading: str = "Complaints-handling procedure") -> bytes:
    """A one-page PDF standing in for a client's document (by default its manual)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 770, heading)
    pdf.drawString(72, 750, title.encode("ascii", "replace").decode())
    pdf.save()
    return buffer.getvalue()


PHOTO_SIZE = (1600, 1200)  # as a phone takes them


def site_photo(caption: str, lines: int = 9) -> bytes:
    """A JPEG standing in for a photo taken on site: a ruled log book open on a desk, with a
    caption card (in any script: DejaVu Sans, as in the PDFs)."""
    from pathlib import Path

    from PIL import Image, ImageDraw, ImageFont

    width, height = PHOTO_SIZE
    picture = Image.new("RGB", PHOTO_SIZE, (128, 94, 64))  # the desk
    draw = ImageDraw.Draw(picture)
    book = (260, 140, width - 260, height - 200)
    draw.rectangle(book, fill=(246, 243, 232), outline=(70, 60, 50), width=6)
    draw.line((width // 2, book[1], width // 2, book[3]), fill=(180, 170, 150), width=8)
    for row in range(lines):
        y = book[1] + 120 + row * 85
        for left, right in ((book[0] + 50, width // 2 - 40), (width // 2 + 40, book[2] - 50)):
            draw.line((left, y, right, y), fill=(150, 170, 200), width=3)
            if row % 3 != 2 or left > width // 2:  # some entries written, some left empty
                entry = (left + 10, y - 22, right - 60 - row * 17, y - 22)
                draw.line(entry, fill=(40, 50, 90), width=5)
    font_file = Path(__file__).resolve().parents[1] / "fonts" / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(font_file), 44)
    draw.rectangle((book[0], height - 160, book[2], height - 70), fill=(255, 255, 255))
    draw.text((book[0] + 30, height - 140), caption, fill=(20, 20, 20), font=font)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
