"""Bar and pie charts (ReportLab graphics) with shaped, localised labels."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from electoral.reports.fonts import LATIN
from electoral.reports.text import visual_line

PALETTE = [colors.HexColor(c) for c in ("#1f4e79", "#2e8b57", "#c0792b", "#7a4e9c", "#b03a48", "#3c8dbc",
                                        "#8c8c3a", "#555555")]


def _label(text: str, rtl: bool) -> tuple[str, str]:
    """A chart label is drawn in one font: the Arabic one when it has Arabic (it covers Latin too)."""
    line = visual_line(str(text), None)
    fonts = {run.font for run in line.runs}
    return line.text, (next(iter(fonts)) if len(fonts) == 1 else next(f for f in fonts if "Arabic" in f))


def bar_chart(doc, data: dict, width: float, height: float) -> Drawing:
    items = list(data.items())
    if doc.rtl:
        items.reverse()
    drawing = Drawing(width, height)
    drawing.initialFontName = LATIN  # else ReportLab's graphics select a non-embedded Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y = (10, 30) if doc.rtl else (45, 30)
    chart.width, chart.height = width - 60, height - 40
    chart.data = [[float(value) for _label_, value in items]]
    chart.bars[0].fillColor = PALETTE[0]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: visual_line(doc.number(v), doc.rtl).text
    chart.valueAxis.labels.fontName = "ElectoralArabic" if doc.rtl else "ElectoralSans"
    chart.valueAxis.labels.fontSize = 7
    if doc.rtl:
        # The value axis goes to the right-hand side of the mirrored chart.
        chart.valueAxis.joinAxisMode = "right"
        chart.valueAxis.labels.boxAnchor = "w"
        chart.valueAxis.labels.dx = 6
    labels = [_label(label, doc.rtl) for label, _value in items]
    chart.categoryAxis.categoryNames = [text for text, _font in labels]
    for index, (_text, font) in enumerate(labels):
        chart.categoryAxis.labels[index].fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.barLabelFormat = lambda v: visual_line(doc.number(v), doc.rtl).text
    chart.barLabels.fontName = "ElectoralSans"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.hAlign = "CENTER"
    return drawing


def pie_chart(doc, data: dict, width: float, height: float) -> Drawing:
    items = [(label, float(value)) for label, value in data.items() if value]
    total = sum(value for _label_, value in items) or 1
    drawing = Drawing(width, height)
    drawing.initialFontName = LATIN  # else ReportLab's graphics select a non-embedded Helvetica
    pie = Pie()
    size = height - 30
    pie.x, pie.y = (width - size) / 2, 15
    pie.width = pie.height = size
    pie.data = [value for _label_, value in items]
    pie.labels = []
    pie.sideLabels = True
    for index, (label, value) in enumerate(items):
        text, font = _label(f"{label} ({doc.percent(value / total)})", doc.rtl)
        pie.labels.append(text)
        pie.slices[index].fontName = font
        pie.slices[index].fontSize = 7
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
        pie.slices[index].strokeColor = colors.white
    drawing.add(pie)
    drawing.hAlign = "CENTER"
    return drawing
