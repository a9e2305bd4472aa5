"""Plain paragraphs (pdf_plain.py) are made without reportlab's markup parser, and are exactly
what the parser would have made of the same text escaped: the same fragments, the same lines,
the same PDF byte for byte."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from certification.pdf_kit import paragraph_styles
from certification.pdf_plain import plain_paragraph
from tests.unit.test_pdf_wrap_once import build  # a long table split over pages, kept blocks


def parsed(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def styles() -> list[ParagraphStyle]:
    base = paragraph_styles()
    return [
        *base.values(),
        ParagraphStyle("red", parent=base["body"], textColor=colors.red, fontSize=13),
        ParagraphStyle("upper", parent=base["small"], textTransform="uppercase"),
        ParagraphStyle("indented", parent=base["body"], leftIndent=20, firstLineIndent=-12),
    ]


# Text a user may type on one line: words in several scripts, digits, punctuation and quotes,
# between spaces of several kinds (runs of them, tabs, no-break and zero-width spaces), with soft
# hyphens now and then; no & < > and no line break (those go to the parser).
LETTERS = st.characters(
    blacklist_categories=("Cs", "Zs", "Cc"), blacklist_characters="&<>", max_codepoint=0x2FFF
)
WORD = st.text(alphabet=st.one_of(LETTERS, st.just("\xad")), min_size=1, max_size=14)
GAP = st.sampled_from([" ", " ", " ", "  ", "\t", " \r ", "\xa0", "\u200b", "\u3000", "\x0b"])
LINE = st.lists(st.tuples(GAP, WORD), max_size=40).map(
    lambda pairs: "".join(a + b for a, b in pairs)
)


@settings(max_examples=300, deadline=None)
@given(text=LINE, which=st.integers(0, 5), width=st.floats(10, 500))
@example(text="\u200bzero width at the ends\u200b", which=0, width=100)
@example(text=" no-break\xa0 space \xa0", which=0, width=100)
@example(text="\ttabs\t and  runs\r of\u3000spaces ", which=1, width=60)
@example(text="Unbreakable" * 12, which=2, width=40)
@example(text="soft\xadhyphen and many more words to hyphenate", which=0, width=30)
@example(text="short words then " + "averyveryverylongword" * 3 + " and more", which=5, width=90)
def test_the_same_fragments_and_lines_as_the_parsers(text, which, width):
    style = styles()[which]
    ours = plain_paragraph(text, style)
    theirs = parsed(text, style)
    if ours is None:  # nothing but white space: the parser's way
        assert not text.split()
        return
    assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags]
    assert ours.text == theirs.text
    assert ours.wrap(width, 1000) == theirs.wrap(width, 1000)
    assert ours.blPara.__dict__ == theirs.blPara.__dict__  # the lines, their spare widths, ...
    assert ours._width_max == theirs._width_max


@pytest.mark.parametrize(
    "text", ["a & b", "<b>bold</b>", "x > y", "two\nlines", "", "   ", "&amp;"]
)
def test_text_that_needs_the_parser_is_left_to_it(text):
    assert plain_paragraph(text, paragraph_styles()["body"]) is None


def test_each_paragraph_has_fragments_of_its_own():
    style = paragraph_styles()["body"]
    first, second = plain_paragraph("one", style), plain_paragraph("two", style)
    assert first.frags[0] is not second.frags[0]
    assert first.frags[0].link is not second.frags[0].link
    assert (first.frags[0].text, second.frags[0].text) == ("one", "two")


def test_the_pdf_is_byte_for_byte_reportlabs(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)  # no date or random id in the PDF
    ours = build(plain_paragraph)
    assert ours == build(parsed)
    assert ours.count(b"/Type /Page\n") > 2  # the table did split over pages


def test_paragraphs_alike_break_their_lines_once(monkeypatch):
    """The same text in the same style and width (a label on every finding) is laid out once;
    another style, width or text is laid out for itself."""
    calls = []
    breaking = Paragraph.breakLines

    def counted(self, width):
        calls.append(self.text)
        return breaking(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    body, bold = paragraph_styles()["body"], paragraph_styles()["bold"]
    labels = [plain_paragraph("Objective evidence", body) for _ in range(20)]
    for label in labels:
        label.wrap(100, 1000)
    assert calls == ["Objective evidence"]
    plain_paragraph("Objective evidence", bold).wrap(100, 1000)  # another style
    plain_paragraph("Objective evidence", body).wrap(70, 1000)  # another width: two lines
    plain_paragraph("Statement", body).wrap(100, 1000)
    assert len(calls) == 4
    narrow = plain_paragraph("Objective evidence", body)
    narrow.wrap(70, 1000)
    assert len(narrow.blPara.lines) == 2 and len(labels[0].blPara.lines) == 1
