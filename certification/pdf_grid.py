"""Ruled grids (pdf_kit.ruled_table): laid out and drawn as reportlab's Table lays out and draws
them, without its machinery per cell.

A report's clause scores are a grid of some sixty rows, and Table's general work (a style
resolved per cell, spans, percentage widths, every cell wrapped again to be drawn) was near a
tenth of the report's time. A ruled grid needs none of it: fixed column widths; each cell one
flowable at the top of its cell, 6 points from its sides and 3 (or the padding asked for) from
its top and bottom; a row as tall as its tallest cell; a 0.5 point grid; the header row and some
others shaded; a grid split between rows, with the header row repeated on each page.

RuledRows takes the grids whose every width is a number no narrower than the side paddings,
whose every cell is one flowable, and whose shaded rows are rows of the grid counted from the
top, or -1 for the last. Any other grid (a width left to reportlab, text cells) stays a Table.

Each page's content is what Table writes, operator for operator: the backgrounds, the cells,
then the lines, with the same segments in the same order (a line cut at a page break is drawn
as Table redraws it, in pieces, and round-capped pieces that overlap shade their overlap
twice). tests/unit/test_pdf_grid.py builds pages with both and compares them.
"""

from __future__ import annotations

from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import Indenter
from reportlab.platypus.tables import CellStyle

from certification.pdf_facts import rows_fitting

SIDE = CellStyle.leftPadding  # 6 points each side, and 3 above and below, unless asked
EDGE = CellStyle.topPadding
RULE = 0.5  # points: the grid's lines
ROUND = 1  # Table's line cap and join
ROOM = 72000  # the height Table offers a cell to be measured in

Line = tuple[str, int, int, int, int]  # a Table line command: op, first column and row, last ones


def reproduces(cells: list[list], widths, shaded_rows) -> bool:
    """Whether RuledRows draws this grid exactly as Table would (see the module's note)."""
    if not cells or not isinstance(widths, (list, tuple)) or not widths:
        return False
    if not all(isinstance(w, (int, float)) and w >= 2 * SIDE for w in widths):
        return False
    if not all(row == -1 or 0 <= row < len(cells) for row in shaded_rows):
        return False
    return all(len(row) == len(widths) and all(map(_one_flowable, row)) for row in cells)


def _one_flowable(cell) -> bool:
    return (
        isinstance(cell, Flowable)
        and not isinstance(cell, Indenter)
        and not getattr(cell, "__split_only__", None)
    )


class RuledRows(Flowable):
    """Rows of cell flowables under a header row; see `reproduces` for the grids it takes."""

    def __init__(self, cells, widths, shaded_rows=(), padding=None, *, rule, shade) -> None:
        super().__init__()
        self.cells = cells
        self.widths = list(widths)
        self.padding = EDGE if padding is None else padding
        self.rule, self.shade = rule, shade
        self.hAlign = "LEFT"
        last = len(cells) - 1
        # Table paints the header, then each shaded row in the order given; -1 is the last row.
        self._shaded = [0, *(last if row == -1 else row for row in shaded_rows)]
        self._lines: list[Line] = [("GRID", 0, 0, len(self.widths) - 1, last)]
        self._heights: list[float] | None = None
        self._cell_heights: list[list[float]] = []
        self._xs = _running_sums(self.widths)
        self.width = self._xs[-1]

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        if self._heights is None:
            self._measure()
        return self.width, self.height

    def _measure(self) -> None:
        """Each cell's height at its column's width, and each row's, as Table sizes them."""
        canvas = getattr(self, "canv", None)
        padding = self.padding
        room = ROOM - padding - padding
        self._cell_heights = [
            [
                _height(cell, canvas, width - SIDE - SIDE, room)
                for cell, width in zip(row, self.widths, strict=True)
            ]
            for row in self.cells
        ]
        paddings = padding + padding
        self._place([max(0, *(h + paddings for h in row)) for row in self._cell_heights])

    def _place(self, heights: list[float]) -> None:
        self._heights = heights
        self._tops = _tops(heights)
        self.height = self._tops[0]

    def split(self, availWidth, availHeight):  # noqa: N803
        """The rows that fit under the header, then the header and the rest; nothing when no
        row fits under the header (Table's split between rows, repeatRows=1)."""
        self.wrap(availWidth, availHeight)
        fitting = rows_fitting(self._heights, availHeight)
        if fitting <= 1:
            return []
        if fitting == len(self.cells):
            return [self]
        return self._cut(fitting)

    def _cut(self, n: int) -> list[RuledRows]:
        lines = _cut_lines(self._lines, n)
        first = self._part(
            self.cells[:n],
            self._cell_heights[:n],
            self._heights[:n],
            [row for row in self._shaded if row < n],
            [(op, sc, sr, ec, min(er, n - 1)) for op, sc, sr, ec, er in lines if sr < n],
        )
        rest = self._part(
            self.cells[:1] + self.cells[n:],
            self._cell_heights[:1] + self._cell_heights[n:],
            self._heights[:1] + self._heights[n:],
            [first for row in self._shaded for first, _ in _after(row, row, n)],
            [(op, sc, r0, ec, r1) for op, sc, sr, ec, er in lines for r0, r1 in _after(sr, er, n)],
        )
        return [first, rest]

    def _part(self, cells, cell_heights, heights, shaded, lines) -> RuledRows:
        part = RuledRows(cells, self.widths, (), self.padding, rule=self.rule, shade=self.shade)
        part._cell_heights, part._shaded, part._lines = cell_heights, shaded, lines
        part._place(heights)
        return part

    def draw(self) -> None:
        canvas = self.canv
        xs, tops = self._xs, self._tops
        canvas.saveState()
        for row in self._shaded:
            canvas.setFillColor(self.shade)
            top = tops[row]
            canvas.rect(xs[0], top, xs[-1] - xs[0], tops[row + 1] - top, stroke=0, fill=1)
        # Table's first cell sets its cell style's colour and font; no pixel, the same stream.
        canvas.setFillColor(CellStyle.color)
        canvas.setFont(CellStyle.fontname, CellStyle.fontsize, CellStyle.leading)
        padding = self.padding
        rows = zip(self.cells, self._cell_heights, self._heights, tops[1:], strict=True)
        for cells, cell_heights, row_height, bottom in rows:
            for cell, cell_height, x in zip(cells, cell_heights, xs, strict=False):
                y = bottom + row_height - padding
                space = cell.getSpaceBefore()
                y += space  # Table's own steps: a space before moves nothing, to the last bit
                y -= space
                cell.drawOn(canvas, x + SIDE, y - cell_height)
        self._draw_lines()
        canvas.restoreState()

    def _draw_lines(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineCap(ROUND)
        canvas.setLineJoin(ROUND)
        self._pen_ready = False
        last_column, last_row = len(self.widths) - 1, len(self.cells) - 1
        for op, sc, sr, ec, er in self._lines:
            sc, ec = max(0, sc), min(last_column, ec)
            sr, er = max(0, sr), min(last_row, er)
            if op == "GRID":
                self._across(sc, sr, ec, sr)
                self._across(sc, er + 1, ec, er + 1)
                self._down(sc, sr, sc, er)
                self._down(ec + 1, sr, ec + 1, er)
            if op in ("GRID", "INNERGRID"):
                self._across(sc, sr + 1, ec, er)
                self._down(sc + 1, sr, ec, er)
            elif op == "LINEABOVE":
                self._across(sc, sr, ec, er)
            elif op == "LINEBELOW":
                self._across(sc, sr + 1, ec, er + 1)
            elif op == "LINEBEFORE":
                self._down(sc, sr, ec, er)
            elif op == "LINEAFTER":
                self._down(sc + 1, sr, ec + 1, er)
        canvas.restoreState()

    def _pen(self) -> None:
        if not self._pen_ready:
            self.canv.setStrokeColor(self.rule)
            self.canv.setLineWidth(RULE)
            self._pen_ready = True

    def _across(self, sc: int, sr: int, ec: int, er: int) -> None:
        """Table._drawHLines: a line along the top of each row sr..er, columns sc..ec."""
        ends, ys = self._xs[sc : ec + 2], self._tops[sr : er + 1]
        if len(ends) <= 1 or not ys:
            return
        self._pen()
        left, right = ends[0], ends[-1]
        for y in ys:
            self.canv.line(left, y, right, y)

    def _down(self, sc: int, sr: int, ec: int, er: int) -> None:
        """Table._drawVLines: a line up the left of each column sc..ec, rows sr..er."""
        ends, xs = self._tops[sr : er + 2], self._xs[sc : ec + 1]
        if len(ends) <= 1 or not xs:
            return
        self._pen()
        top, bottom = ends[0], ends[-1]
        for x in xs:
            self.canv.line(x, bottom, x, top)


def _height(cell: Flowable, canvas, width: float, room: float) -> float:
    """A cell's height as Table's _listCellGeom gives it, to the last bit."""
    height = cell.wrapOn(canvas, width, room)[1]
    before, after = cell.getSpaceBefore(), cell.getSpaceAfter()
    return height + after + before - before - after


def _running_sums(widths: list[float]) -> list[float]:
    """Table's column positions: 0, then each column's right side."""
    sums, total = [0], 0
    for width in widths:
        total = total + width
        sums.append(total)
    return sums


def _tops(heights: list[float]) -> list[float]:
    """Table's row positions, the top of each row and then 0: summed from the bottom row up
    with a running correction (Kahan's), as Table._calc_height sums them."""
    tops, total, error = [], 0, 0
    for height in reversed(heights):
        tops.append(total)
        step = height - error
        new = total + step
        error = (new - total) - step
        total = new
    tops.append(total)
    tops.reverse()
    return tops


def _cut_lines(lines: list[Line], n: int) -> list[Line]:
    """Table._splitLineCmds for a split before row n: a grid across the cut becomes its box,
    the lines below and above the cut and its inner grid."""
    cut: list[Line] = []
    for line in lines:
        op, sc, sr, ec, er = line
        if op == "GRID" and sr < n <= er:
            cut += [
                ("LINEABOVE", sc, sr, ec, sr),
                ("LINEBEFORE", sc, sr, sc, er),
                ("LINEAFTER", ec, sr, ec, er),
                ("LINEBELOW", sc, er, ec, er),
                ("LINEBELOW", sc, n - 1, ec, n - 1),
                ("LINEABOVE", sc, n, ec, n),
                ("INNERGRID", sc, sr, ec, er),
            ]
            continue
        if op == "INNERGRID" and sr < n <= er:
            cut += [("LINEBELOW", sc, n - 1, ec, n - 1), ("LINEABOVE", sc, n, ec, n)]
        elif op == "LINEBELOW" and sr < n and er >= n - 1:
            cut.append(("LINEABOVE", sc, n, ec, n))
        elif op == "LINEABOVE" and sr <= n <= er:
            cut.append(("LINEBELOW", sc, n - 1, ec, n - 1))
        cut.append(line)
    return cut


def _after(sr: int, er: int, n: int) -> list[tuple[int, int]]:
    """Where rows sr..er of a grid cut before row n go in its second part, whose row 0 is the
    header repeated (Table._cr_1_1, repeatRows=1): the header's part, then the rest's."""
    rows = [(0, 0)] if sr <= 0 <= er else []
    if er >= n:
        rows.append((max(sr - n, 0) + 1, max(er - n, 0) + 1))
    return rows
