"""Stand-in PDFs for the documents clients send (manuals, records, reports)."""

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
