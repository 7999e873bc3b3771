"""ReportDocument: what a report's ``build(doc, params)`` adds content to.

Each method appends to the story in the report's language and direction;
``render()`` lays it out on A4 or Letter pages with the commission's header
and footer. Texts go through ``electoral.reports.text`` (shaping, bidi, font
per script), numbers and dates through Babel in the report's locale.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import babel.dates
import babel.numbers
from flask import current_app, has_app_context
from flask_babel import format_datetime
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from electoral.config import RTL_LANGUAGES
from electoral.reports import fonts
from electoral.reports.flowables import TAIL_ROWS, LongTable, TextBlock, cell, side
from electoral.reports.page import (
    CARD_MARGIN,
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    MARGIN,
    Furniture,
    numbered_canvas,
)
from electoral.reports.pictures import decodable
from electoral.reports.qr import QrCode

PAPER_SIZES = {"A4": A4, "Letter": LETTER}
HEADER_FILL = colors.HexColor("#dde6f0")
LINE = colors.HexColor("#8a9bb0")


class ReportDocument:
    def __init__(self, *, title: str, lang: str = "en", printed_by: str = "", paper: str = "A4",
                 watermark: str = "", progress: Callable[[int, int], None] | None = None, session=None,
                 user=None):
        fonts.register()
        self.report_title = title
        self.lang = lang
        self.rtl = lang.split("_")[0] in RTL_LANGUAGES
        self.printed_by = printed_by
        self.user = user
        self.paper = paper if paper in PAPER_SIZES else "A4"
        self.pagesize = PAPER_SIZES[self.paper]
        self.watermark = {"provisional": _("Provisional"), "draft": _("Draft")}.get(watermark, watermark)
        self.area = ""
        self.subtitle = ""
        self._progress = progress
        self._session = session
        self.story: list = []
        self.width = self.pagesize[0] - 2 * MARGIN

    # ---- context -------------------------------------------------------------

    @property
    def session(self):
        if self._session is None:
            from electoral.extensions import db

            self._session = db.session
        return self._session

    def progress(self, done: int, total: int) -> None:
        """Report how far a long build has gone (shown on a background job's page)."""
        if self._progress:
            self._progress(done, total)

    # ---- formatting ------------------------------------------------------------

    def number(self, value, digits: int | None = None) -> str:
        if value is None:
            return ""
        pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
        return babel.numbers.format_decimal(value, format=pattern, locale=self.lang, numbering_system="default")

    def percent(self, value, digits: int = 1) -> str:
        if value is None:
            return ""
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return babel.numbers.format_percent(value, format=pattern, locale=self.lang, numbering_system="default")

    def date(self, value: dt.date | None, form: str = "medium") -> str:
        return babel.dates.format_date(value, form, locale=self.lang) if value else ""

    def datetime(self, value: dt.datetime | None, form: str = "medium") -> str:
        """In the user's timezone (the application's), in the report's language."""
        if not value:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        if has_app_context():
            return format_datetime(value, form)
        return babel.dates.format_datetime(value, form, locale=self.lang)

    def format(self, value: Any) -> str:
        """Any cell value as text: numbers and dates for the locale, None as empty."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, int | float | decimal.Decimal):
            return self.number(value)
        if isinstance(value, dt.datetime):
            return self.datetime(value)
        if isinstance(value, dt.date):
            return self.date(value)
        return str(value)

    # ---- building blocks -------------------------------------------------------

    def text_block(self, text: str, **kwargs) -> TextBlock:
        return TextBlock(str(text), rtl=self.rtl, **kwargs)

    def title(self, text: str) -> None:
        self.story.append(self.text_block(text, size=16, bold=True, space_after=4 * mm))

    def heading(self, text: str) -> None:
        self.story.append(Spacer(1, 2 * mm))
        block = self.text_block(text, size=12, bold=True, space_after=2 * mm)
        block.is_heading = True  # signatures() keeps a heading with what it introduces
        self.story.append(block)

    def paragraph(self, text: str, *, bold: bool = False, size: float = 10, align: str = "start") -> None:
        self.story.append(self.text_block(text, size=size, bold=bold, align=align, space_after=2 * mm))

    def spacer(self, height_mm: float = 5) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]], col_widths: Sequence[float] | None = None,
              *, align: Sequence[str] | None = None, font_size: float = 9, row_height_mm: float = 0,
              grid: bool = False) -> None:
        """A table whose header repeats on every page; columns run right to left in Arabic.

        ``row_height_mm``: the least height of a body row, e.g. room for a signature or a thumbprint;
        ``grid``: lines between the columns too (a form filled in by hand).
        """
        # A flowable (a voter's photo) is drawn as it is; anything else is formatted as text.
        rows = [[value if isinstance(value, str | Flowable) else self.format(value) for value in row] for row in rows]
        ncols = len(headers)
        fractions = list(col_widths) if col_widths else [1 / ncols] * ncols
        scale = sum(fractions)
        widths = [self.width * f / scale for f in fractions]
        if align is None:
            align = ["start"] * ncols
        leading = font_size * 1.25
        padding = 2
        base = fonts.ARABIC if self.rtl else fonts.LATIN
        bold = fonts.ARABIC_BOLD if self.rtl else fonts.LATIN_BOLD
        header = [cell(str(h), w - 2 * padding, font_size, leading, self.rtl, True, bold, a)
                  for h, w, a in zip(headers, widths, align, strict=True)]
        body = [[value if isinstance(value, Flowable) else cell(value, w - 2 * padding, font_size, leading, self.rtl,
                                                                 False, base, a)
                 for value, w, a in zip(row, widths, align, strict=True)] for row in rows]
        sides = [side(a, self.rtl).upper() for a in align]
        if self.rtl:
            header, widths, sides = header[::-1], widths[::-1], sides[::-1]
            body = [row[::-1] for row in body]
        style = [
            ("FONT", (0, 0), (-1, -1), base, font_size, leading),
            ("FONT", (0, 0), (-1, 0), bold, font_size, leading),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
            ("BOX", (0, 0), (-1, -1), 0.5, LINE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            *[("ALIGN", (i, 0), (i, -1), s) for i, s in enumerate(sides)],
            *([("LINEAFTER", (0, 0), (-2, -1), 0.25, LINE)] if grid else []),
        ]
        total = len(body)
        done = [0]

        def on_rows(n: int) -> None:
            done[0] += n
            self.progress(done[0], total)

        table = LongTable(header, body, widths, style, leading + 2 * padding, on_rows)
        table.row_height = row_height_mm * mm
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))

    def figures(self, figures: dict[str, Any]) -> None:
        """Key figures in boxes: the value large, its label under it."""
        items = list(figures.items())
        if self.rtl:
            items.reverse()
        width = self.width / max(len(items), 1)
        cells = [[self.text_block(self.format(value), size=16, bold=True, align="center"),
                  self.text_block(str(label), size=8, align="center", color=colors.HexColor("#444444"))]
                 for label, value in items]
        table = Table([cells], colWidths=[width] * len(items))
        table.setStyle(TableStyle([
            # A Table selects its cells' font (Helvetica unless told) even for flowable cells.
            ("FONT", (0, 0), (-1, -1), fonts.LATIN),
            ("BOX", (0, 0), (-1, -1), 0.5, LINE), ("INNERGRID", (0, 0), (-1, -1), 0.5, LINE),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f6fa")),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 4 * mm))

    def bar_chart(self, data: dict[str, float], title: str | None = None, height_mm: float = 60) -> None:
        from electoral.reports.charts import bar_chart

        if title:
            self.heading(title)
        self.story.append(bar_chart(self, data, self.width, height_mm * mm))

    def pie_chart(self, data: dict[str, float], title: str | None = None, height_mm: float = 60) -> None:
        from electoral.reports.charts import pie_chart

        if title:
            self.heading(title)
        self.story.append(pie_chart(self, data, self.width, height_mm * mm))

    def qr(self, data: str, size_mm: float = 30, caption: str | None = None) -> None:
        size = size_mm * mm
        self.story.append(QrCode(data, size, "RIGHT" if self.rtl else "LEFT"))
        if caption:
            self.story.append(self.text_block(caption, size=8))
        self.story.append(Spacer(1, 2 * mm))

    def photo(self, source, width_mm: float = 35, caption: str | None = None, align: str = "start") -> None:
        def opened():
            return io.BytesIO(source) if isinstance(source, bytes) else str(source)

        size = decodable(source)
        if size is None:
            return  # an undecodable picture is left out, not the whole report
        w, h = size
        width = width_mm * mm
        image = Image(opened(), width=width, height=width * h / w, hAlign=side(align, self.rtl).upper())
        self.story.append(image)
        if caption:
            self.story.append(self.text_block(caption, size=8, align=align))

    def signatures(self, labels: Sequence[str]) -> None:
        """One block per signatory: the role, then lines for name, date and signature."""
        labels = list(labels)[::-1] if self.rtl else list(labels)
        width = self.width / max(len(labels), 1)
        blocks = []
        for label in labels:
            blocks.append([self.text_block(label, size=9, bold=True),
                           Spacer(1, 3 * mm),
                           self.text_block(_("Name:") + " " + "_" * 24, size=9),
                           Spacer(1, 3 * mm),
                           self.text_block(_("Date:") + " " + "_" * 24, size=9),
                           Spacer(1, 8 * mm),
                           self.text_block(_("Signature:") + " " + "_" * 20, size=9)])
        table = Table([blocks], colWidths=[width] * len(labels))
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.LATIN), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
        self._keep_with_previous([Spacer(1, 6 * mm), table])

    def _keep_with_previous(self, tail: list) -> None:
        """Add ``tail`` on the same page as the content before it: a signature alone on a page signs nothing."""
        index = len(self.story) - 1
        while index >= 0 and isinstance(self.story[index], Spacer):
            index -= 1
        if index < 0 or isinstance(self.story[index], PageBreak | NextPageTemplate):
            self.story.extend(tail)
            return
        if isinstance(self.story[index], LongTable) and len(self.story[index].rows) > 3 * TAIL_ROWS:
            # A table may run over pages: its last page keeps room for the tail, or gives
            # the tail some of its rows on the next.
            self.story[index].tail = sum(f.wrap(self.width, self.pagesize[1])[1] for f in tail)
            self.story.extend(tail)
            return
        start = index
        while start > 0 and (isinstance(self.story[start - 1], Spacer)
                             or getattr(self.story[start - 1], "is_heading", False)):
            start -= 1
        while start < index and isinstance(self.story[start], Spacer):
            start += 1
        kept = self.story[start:]
        del self.story[start:]
        self.story.append(KeepTogether(kept + tail))

    def cards(self, items: Iterable[Any], draw: Callable, size_mm: tuple[float, float] = (85.6, 54)) -> None:
        """Card-sized cells, as many as fit on a sheet, with cut marks; ``draw(card, item)`` fills each."""
        from electoral.reports.cards import card_sheets

        if self.story:
            self.story.extend([NextPageTemplate("cards"), PageBreak()])
        else:
            self._cards_first = True
        self.story.extend(card_sheets(self, list(items), draw, size_mm[0] * mm, size_mm[1] * mm))
        back = NextPageTemplate("page")
        back.after_cards = True  # render() starts a fresh page here if anything follows
        self.story.append(back)

    # ---- output ------------------------------------------------------------------

    def _furniture(self) -> Furniture:
        commission = current_app.config.get("COMMISSION_NAME", "") if has_app_context() else ""
        emblem = current_app.config.get("REPORT_EMBLEM") if has_app_context() else None
        printed = _("Printed %(when)s by %(who)s", when=self.datetime(dt.datetime.now(dt.UTC)),
                    who=self.printed_by or "-")
        label = _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")
        return Furniture(
            commission=str(commission), title=self.report_title, area=str(self.area or ""),
            subtitle=str(self.subtitle or ""), printed=printed,
            page_label=lambda page, pages: label.format(page=self.number(page), pages=self.number(pages)),
            rtl=self.rtl, watermark=str(self.watermark or ""), emblem_path=emblem)

    def render(self) -> bytes:
        """The whole document as PDF bytes."""
        from flask_babel import force_locale

        # A build may switch doc.lang (a certificate in its holder's language): follow it.
        with force_locale(self.lang):
            furniture = self._furniture()
        buffer = io.BytesIO()
        width, height = self.pagesize
        frame = Frame(MARGIN, MARGIN + FOOTER_HEIGHT, width - 2 * MARGIN,
                      height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        template = BaseDocTemplate(buffer, pagesize=self.pagesize, title=self.report_title,
                                   author=furniture.commission, creator="electoral", lang=self.lang,
                                   leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
        card_frame = Frame(CARD_MARGIN, CARD_MARGIN, width - 2 * CARD_MARGIN, height - 2 * CARD_MARGIN,
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="cards")
        templates = [PageTemplate(id="page", frames=[frame], onPage=furniture.draw_page),
                     PageTemplate(id="cards", frames=[card_frame], onPage=furniture.draw_card_page)]
        if getattr(self, "_cards_first", False):
            templates.reverse()  # the first page uses the first template
        template.addPageTemplates(templates)
        story = []
        for index, flowable in enumerate(self.story):
            story.append(flowable)
            if getattr(flowable, "after_cards", False) and index < len(self.story) - 1:
                story.append(PageBreak())
        template.build(story or [Spacer(1, 1)], canvasmaker=numbered_canvas(furniture))
        return buffer.getvalue()
