"""Flowables that draw shaped, bidi-ordered text, and the long table that pages itself."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table, TableStyle

from electoral.reports.text import Line, draw_line, visual_line, visual_lines

# "start" and "end" follow the direction of the page; ReportLab knows left and right.
_SIDES = {("start", False): "left", ("start", True): "right", ("end", False): "right",
          ("end", True): "left", ("center", False): "center", ("center", True): "center"}


def side(align: str, rtl: bool) -> str:
    return _SIDES.get((align, rtl), align)


class TextBlock(Flowable):
    """A paragraph of any script: wrapped in logical order, each line drawn in visual order."""

    def __init__(self, text: str, *, size: float = 10, bold: bool = False, rtl: bool = False,
                 align: str = "start", leading: float | None = None, color=colors.black,
                 space_after: float = 0, lines: list[Line] | None = None, auto_direction: bool = False):
        super().__init__()
        self.text, self.size, self.bold, self.rtl = text, size, bold, rtl
        # A table cell is read on its own: its first letter gives its direction.
        self.direction = None if auto_direction else rtl
        self.align, self.color = side(align, rtl), color
        self.leading = leading or size * 1.3
        self.spaceAfter = space_after
        self._lines = lines
        self._width = None

    def wrap(self, avail_width, avail_height):
        if self._lines is None or self._width != avail_width:
            self._lines = visual_lines(self.text, avail_width, self.size, self.direction, self.bold)
            self._width = avail_width
        self.width = avail_width
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        fit = int(avail_height // self.leading)
        if fit <= 0 or fit >= len(self._lines):
            return [] if fit <= 0 else [self]
        head, tail = self._lines[:fit], self._lines[fit:]
        return [self._with_lines(head, avail_width), self._with_lines(tail, avail_width)]

    def _with_lines(self, lines, width):
        part = TextBlock(self.text, size=self.size, bold=self.bold, rtl=self.rtl, leading=self.leading,
                         color=self.color, space_after=self.spaceAfter, lines=lines)
        part.align, part._width, part.direction = self.align, width, self.direction
        return part

    def draw(self):
        canvas = self.canv
        canvas.setFillColor(self.color)
        y = self.height - self.size
        for line in self._lines:
            draw_line(canvas, line, 0, y, self.size, self.align, self.width)
            y -= self.leading


class RunsCell(Flowable):
    """One line of text in several fonts (mixed scripts) for a table cell; cheaper than a Paragraph."""

    def __init__(self, line: Line, size: float, leading: float):
        super().__init__()
        self.line, self.size, self.leading = line, size, leading

    def wrap(self, avail_width, avail_height):
        self.width = self.line.width(self.size)
        self.height = self.leading
        return self.width, self.height

    def draw(self):
        draw_line(self.canv, self.line, 0, self.leading - self.size, self.size)


def cell(value: str, width: float, size: float, leading: float, rtl: bool, bold: bool, base_font: str,
         align: str = "start"):
    """The cheapest thing a table can draw for ``value``: a plain string when one font will do.

    A cell is read on its own, so its direction comes from its first letter
    (a Latin code in an Arabic list reads left to right), while its alignment
    follows the page.
    """
    line = visual_line(value, None, bold)
    if line.width(size) > width:
        return TextBlock(value, size=size, bold=bold, rtl=rtl, leading=leading, align=align, auto_direction=True)
    if len(line.runs) == 1:
        run = line.runs[0]
        # Both fonts draw ASCII digits and punctuation.
        if run.font == base_font or (run.text.isascii() and not any(c.isalpha() for c in run.text)):
            return run.text
    return RunsCell(line, size, leading)


# Rows a table carries to the next page so that what must follow its last row is not alone there.
TAIL_ROWS = 2


class LongTable(Flowable):
    """A table of any length: each page gets a ReportLab Table of only the rows it can hold.

    One Table of 30,000 rows is several times slower than many small ones, and
    cutting the rows into fixed chunks would put headers in the middle of pages;
    building one Table per page keeps the header on top of each page only, and
    the time linear in the number of rows.
    """

    def __init__(self, header: list, rows: list[list], widths: list[float], style: list,
                 min_row_height: float, on_rows: Callable[[int], None] | None = None):
        super().__init__()
        self.header, self.rows, self.widths, self.style = header, rows, widths, style
        self.min_row_height = min_row_height
        self.on_rows = on_rows
        self._table = None
        # Height of what must follow the last row on its page (signatures); see _tail_rows.
        self.tail = 0.0
        # Least height of a body row (room to sign on a voter list); 0: as tall as the text.
        self.row_height = 0.0

    def _make_table(self, rows: list[list]) -> Table:
        minimum = [0.0] + [self.row_height] * len(rows) if self.row_height else None
        table = Table([self.header, *rows], colWidths=self.widths, repeatRows=1, minRowHeights=minimum)
        table.setStyle(TableStyle(self.style))
        return table

    def _page_table(self, avail_height: float) -> Table:
        count = min(len(self.rows), int(avail_height // max(self.min_row_height, self.row_height)) + 1)
        if self._table is None or self._table_rows != count:
            self._table = self._make_table(self.rows[:count])
            self._table_rows = count
        return self._table

    def _tail_rows(self, height: float, avail_height: float) -> bool:
        """All rows fit here but what follows them does not: carry the last rows over with it."""
        return bool(self.tail) and self._table_rows == len(self.rows) and height + self.tail > avail_height

    def wrap(self, avail_width, avail_height):
        table = self._page_table(avail_height)
        width, height = table.wrap(avail_width, avail_height)
        if (self._table_rows < len(self.rows) or self._tail_rows(height, avail_height)) and height <= avail_height:
            # More rows than this page holds follow: ask the frame to split.
            height = avail_height + 1
        self.width, self.height = width, height
        return width, height

    def split(self, avail_width, avail_height):
        table = self._page_table(avail_height)
        width, height = table.wrap(avail_width, avail_height)
        if height <= avail_height and self._tail_rows(height, avail_height):
            used = len(self.rows) - TAIL_ROWS
            if used <= 0:
                return []
            self._table_rows = None  # the table cached for this height is not the one drawn
            first = self._make_table(self.rows[:used])
            return self._parts(first, used)
        parts = table.split(avail_width, avail_height)
        if not parts:
            return []
        first = parts[0]
        used = len(first._cellvalues) - 1
        if used <= 0:
            return []
        return self._parts(first, used)

    def _parts(self, first: Table, used: int) -> list:
        if self.on_rows:
            self.on_rows(used)
        rest = self.rows[used:]
        if not rest:
            return [first]
        following = LongTable(self.header, rest, self.widths, self.style, self.min_row_height, self.on_rows)
        following.tail, following.row_height = self.tail, self.row_height
        return [first, following]

    def draw(self):
        # Reached only when every remaining row fits on the page.
        if self.on_rows:
            self.on_rows(len(self.rows))
        self._table.drawOn(self.canv, 0, 0)
