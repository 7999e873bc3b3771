"""Card-sized cells on A4 sheets with cut marks (voter cards, badges)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from electoral.reports.pictures import decodable
from electoral.reports.qr import draw_qr
from electoral.reports.text import draw_line, visual_line

CUT_MARK = 4 * mm
GAP = 0  # cards share their edges, so one cut separates two cards


class Card:
    """One cell being drawn: positions in mm from the card's top and start edge (the right edge in Arabic)."""

    def __init__(self, canvas, x: float, y: float, width: float, height: float, rtl: bool):
        self.canvas, self.x, self.y, self.width, self.height, self.rtl = canvas, x, y, width, height, rtl

    def _x(self, x_mm: float, item_width: float = 0) -> float:
        offset = x_mm * mm
        return self.x + self.width - offset - item_width if self.rtl else self.x + offset

    def text(self, x_mm: float, y_mm: float, text: str, size: float = 9, bold: bool = False,
             color=colors.black) -> None:
        line = visual_line(str(text), self.rtl, bold)
        # A long name shrinks to stay on its card rather than run across the cut.
        room = self.width - x_mm * mm - 2 * mm
        if line.width(size) > room > 0:
            size = max(size * room / line.width(size), 4)
        self.canvas.setFillColor(color)
        draw_line(self.canvas, line, self._x(x_mm, line.width(size)), self.y + self.height - y_mm * mm - size, size)

    def qr(self, data: str, x_mm: float, y_mm: float, size_mm: float = 20) -> None:
        size = size_mm * mm
        draw_qr(self.canvas, data, self._x(x_mm, size), self.y + self.height - y_mm * mm - size, size)

    def photo(self, source, x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> None:
        if decodable(source) is None:
            return  # the card prints without an undecodable picture
        reader = ImageReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
        width, height = width_mm * mm, height_mm * mm
        self.canvas.drawImage(reader, self._x(x_mm, width), self.y + self.height - y_mm * mm - height,
                              width, height, preserveAspectRatio=True, mask="auto")


class CardSheet(Flowable):
    """A grid of cards filling the frame, with cut marks outside the grid along every cut line."""

    def __init__(self, items: list, draw: Callable[[Card, Any], None], width: float, height: float,
                 columns: int, rows: int, rtl: bool):
        super().__init__()
        self.items, self.draw_card = items, draw
        self.card_width, self.card_height, self.columns, self.rows, self.rtl = width, height, columns, rows, rtl

    def wrap(self, avail_width, avail_height):
        self.frame_width = avail_width
        return avail_width, self.rows * self.card_height + 2 * CUT_MARK

    def draw(self):
        canvas = self.canv
        grid_width = self.columns * self.card_width
        left = (self.frame_width - grid_width) / 2
        bottom = CUT_MARK
        top = bottom + self.rows * self.card_height
        for index, item in enumerate(self.items):
            row, column = divmod(index, self.columns)
            if self.rtl:
                column = self.columns - 1 - column
            x = left + column * self.card_width
            y = top - (row + 1) * self.card_height
            canvas.saveState()
            self.draw_card(Card(canvas, x, y, self.card_width, self.card_height, self.rtl), item)
            canvas.restoreState()
        canvas.saveState()
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.3)
        for column in range(self.columns + 1):
            x = left + column * self.card_width
            canvas.line(x, top + 1 * mm, x, top + CUT_MARK)
            canvas.line(x, bottom - 1 * mm, x, bottom - CUT_MARK)
        for row in range(self.rows + 1):
            y = bottom + row * self.card_height
            canvas.line(left - CUT_MARK, y, left - 1 * mm, y)
            canvas.line(left + grid_width + 1 * mm, y, left + grid_width + CUT_MARK, y)
        canvas.restoreState()


def card_sheets(doc, items: list, draw: Callable, width: float, height: float) -> list[Flowable]:
    """As many sheets as the items need, each holding the most cards the page allows."""
    from reportlab.platypus import PageBreak

    from electoral.reports.page import CARD_MARGIN

    page_width, page_height = doc.pagesize
    columns = max(int((page_width - 2 * CARD_MARGIN - 2 * CUT_MARK) // width), 1)
    rows = max(int((page_height - 2 * CARD_MARGIN - 2 * CUT_MARK) // height), 1)
    per_sheet = columns * rows
    sheets: list[Flowable] = []
    for start in range(0, len(items), per_sheet):
        if sheets:
            sheets.append(PageBreak())
        sheets.append(CardSheet(items[start:start + per_sheet], draw, width, height, columns, rows, doc.rtl))
        doc.progress(min(start + per_sheet, len(items)), len(items))
    return sheets
