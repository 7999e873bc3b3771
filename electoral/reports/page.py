"""Page furniture: header (emblem, commission, title, area), footer (page X of Y, printed when and by whom), watermark."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, PolyLine, Rect
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from electoral.reports.fonts import LATIN
from electoral.reports.text import draw_line, visual_line

MARGIN = 15 * mm
HEADER_HEIGHT = 22 * mm
FOOTER_HEIGHT = 12 * mm
# Sheets of cards keep only a thin margin, so ten ID-1 cards fit on A4 (two by five).
CARD_MARGIN = 6 * mm
EMBLEM_SIZE = 15 * mm
RULE = colors.HexColor("#1f4e79")
GREY = colors.HexColor("#555555")


def emblem_drawing(size: float) -> Drawing:
    """The default emblem (static/img/emblem.svg: a ballot box and a ticked paper) in ReportLab graphics."""
    scale = size / 64
    drawing = Drawing(size, size)
    drawing.initialFontName = LATIN  # else ReportLab's graphics select a non-embedded Helvetica

    def rect(x, y, w, h, r, fill, stroke=None, stroke_width=0):
        # SVG measures y downwards from the top; ReportLab upwards from the bottom.
        drawing.add(Rect(x * scale, (64 - y - h) * scale, w * scale, h * scale, rx=r * scale, ry=r * scale,
                         fillColor=fill, strokeColor=stroke, strokeWidth=stroke_width * scale))

    rect(6, 22, 52, 36, 4, colors.HexColor("#1f4e79"))
    rect(18, 6, 28, 22, 2, colors.white, colors.HexColor("#1f4e79"), 3)
    drawing.add(PolyLine([24 * scale, (64 - 17) * scale, 30 * scale, (64 - 23) * scale, 41 * scale, (64 - 11) * scale],
                         strokeColor=colors.HexColor("#2e8b57"), strokeWidth=4 * scale,
                         strokeLineCap=1, strokeLineJoin=1))
    rect(14, 26, 36, 4, 2, colors.HexColor("#0e2a44"))
    return drawing


@dataclass
class Furniture:
    commission: str
    title: str
    area: str
    subtitle: str
    printed: str  # "Printed on ... by ..." already translated
    page_label: Callable[[int, int], str]  # (page, pages) -> "Page 3 of 12"
    rtl: bool
    watermark: str = ""
    emblem_path: str | None = None

    def draw_card_page(self, canvas: Canvas, doc) -> None:
        """A sheet of cards: no header or footer, only the watermark; finish_page adds a thin label."""
        canvas._electoral_card_page = True
        if self.watermark:
            width, height = doc.pagesize
            self._watermark(canvas, width, height)

    def draw_page(self, canvas: Canvas, doc) -> None:
        """Header, footer and watermark; the page number is added once the page count is known."""
        canvas._electoral_card_page = False
        width, height = doc.pagesize
        canvas.saveState()
        if self.watermark:
            self._watermark(canvas, width, height)
        top = height - MARGIN
        emblem_x = width - MARGIN - EMBLEM_SIZE if self.rtl else MARGIN
        if not getattr(canvas, "_electoral_emblem", False):
            # Drawn once as a form XObject and reused on every page: smaller and faster.
            canvas.beginForm("emblem")
            if self.emblem_path:
                canvas.drawImage(self.emblem_path, 0, 0, EMBLEM_SIZE, EMBLEM_SIZE,
                                 preserveAspectRatio=True, mask="auto")
            else:
                renderPDF.draw(emblem_drawing(EMBLEM_SIZE), canvas, 0, 0)
            canvas.endForm()
            canvas._electoral_emblem = True
        canvas.saveState()
        canvas.translate(emblem_x, top - EMBLEM_SIZE)
        canvas.doForm("emblem")
        canvas.restoreState()
        text_x = MARGIN if self.rtl else MARGIN + EMBLEM_SIZE + 4 * mm
        text_width = width - 2 * MARGIN - EMBLEM_SIZE - 4 * mm
        align = "right" if self.rtl else "left"
        canvas.setFillColor(RULE)
        draw_line(canvas, visual_line(self.commission, self.rtl, True), text_x, top - 4 * mm, 11, align, text_width)
        canvas.setFillColor(colors.black)
        draw_line(canvas, visual_line(self.title, self.rtl, True), text_x, top - 9.5 * mm, 10, align, text_width)
        canvas.setFillColor(GREY)
        under = " · ".join(part for part in (self.area, self.subtitle) if part)
        if under:
            draw_line(canvas, visual_line(under, self.rtl), text_x, top - 14 * mm, 9, align, text_width)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - EMBLEM_SIZE - 2 * mm, width - MARGIN, top - EMBLEM_SIZE - 2 * mm)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN + 6 * mm, width - MARGIN, MARGIN + 6 * mm)
        # The printed-by line sits at the end side; the page number at the start side (see finish_page).
        draw_line(canvas, visual_line(self.printed, self.rtl), MARGIN, MARGIN + 1.5 * mm, 8,
                  "left" if self.rtl else "right", width - 2 * MARGIN)
        canvas.restoreState()

    def finish_page(self, canvas: Canvas, page: int, pages: int) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFillColor(GREY)
        if getattr(canvas, "_electoral_card_page", False):
            # Title and page number in the top margin, to sort the printed sheets.
            label = f"{self.title} · {self.page_label(page, pages)}"
            draw_line(canvas, visual_line(label, self.rtl), CARD_MARGIN, height - CARD_MARGIN + 1.5 * mm, 6,
                      "right" if self.rtl else "left", width - 2 * CARD_MARGIN)
            canvas.restoreState()
            return
        draw_line(canvas, visual_line(self.page_label(page, pages), self.rtl), MARGIN, MARGIN + 1.5 * mm, 8,
                  "right" if self.rtl else "left", width - 2 * MARGIN)
        canvas.restoreState()

    def _watermark(self, canvas: Canvas, width: float, height: float) -> None:
        line = visual_line(self.watermark.upper(), self.rtl, True)
        size = 72
        while size > 24 and line.width(size) > height * 0.8:
            size -= 6
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#c0392b"), alpha=0.15)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        draw_line(canvas, line, -line.width(size) / 2, -size / 3, size)
        canvas.restoreState()


def numbered_canvas(furniture: Furniture) -> type[Canvas]:
    """A Canvas class that holds its pages until the end, then writes "page X of Y" on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # ReportLab opens every page with its initial font selected, Helvetica by default: a
            # non-embedded font that print shops' preflight rejects. An embedded TrueType font
            # as the initial one writes no such preamble.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or LATIN
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                furniture.finish_page(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas
