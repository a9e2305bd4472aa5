"""The text strings exactly as a PDF draws them (visual order), read from the content stream.

Text extractors (pypdf, pdfium) apply bidi heuristics of their own to right-to-left text, so they
cannot tell whether the document put a line in the right visual order; this reads the drawing
operators' strings and decodes them with each font's ToUnicode map, nothing more.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ContentStream

_CHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(font) -> dict[int, str]:
    cmap: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return cmap
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in _CHAR.findall(block):
            cmap[int(source, 16)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, target in _RANGE.findall(block):
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                cmap[code] = chr(int(target, 16) + offset)
    return cmap


def _raw(operand) -> bytes:
    return operand.original_bytes if hasattr(operand, "original_bytes") else bytes(operand)


def drawn_strings(pdf: bytes, page: int = 0) -> list[str]:
    """Each Tj/TJ string of the page, in drawing order, as Unicode."""
    reader = PdfReader(io.BytesIO(pdf))
    sheet = reader.pages[page]
    fonts = {
        name: _to_unicode(ref.get_object()) for name, ref in sheet["/Resources"]["/Font"].items()
    }
    strings, cmap = [], {}
    for operands, operator in ContentStream(sheet.get_contents(), reader).operations:
        if operator == b"Tf":
            cmap = fonts.get(operands[0], {})
        elif operator == b"Tj":
            strings.append("".join(cmap.get(b, chr(b)) for b in _raw(operands[0])))
        elif operator == b"TJ":
            parts = [p for p in operands[0] if not isinstance(p, int | float)]
            parts = [p for p in parts if not hasattr(p, "as_numeric")]
            strings.append("".join(cmap.get(b, chr(b)) for p in parts for b in _raw(p)))
    return strings
