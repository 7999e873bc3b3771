"""Every text printed by the kit goes through here: Arabic shaping, bidi order, font per script run.

ReportLab's own shaping joins Arabic letters but leaves words in logical
order and reverses digits, so the kit shapes with arabic-reshaper, reorders
with python-bidi (which also mirrors brackets) and draws the visual result
as runs of one font each: Noto Sans Arabic for Arabic script, Noto Sans for
the rest. Lines are wrapped in logical order first and reordered one by one,
so a wrapped Arabic paragraph reads from its first line down.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.pdfbase.pdfmetrics import stringWidth

from electoral.reports.fonts import ARABIC, ARABIC_BOLD, LATIN, LATIN_BOLD

_FONTS = {(False, False): LATIN, (False, True): LATIN_BOLD, (True, False): ARABIC, (True, True): ARABIC_BOLD}
_reshaper = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})


class Run(NamedTuple):
    text: str
    font: str


class Line(NamedTuple):
    runs: tuple[Run, ...]

    def width(self, size: float) -> float:
        if len(self.runs) == 1:
            return stringWidth(self.runs[0].text, self.runs[0].font, size)
        return sum(stringWidth(run.text, run.font, size) for run in self.runs)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def is_arabic(char: str) -> bool:
    code = ord(char)
    return (0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
            or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF)


def has_arabic(text: str) -> bool:
    return not text.isascii() and any(is_arabic(c) for c in text)


@lru_cache(maxsize=65536)
def _reshape_word(word: str) -> str:
    return _reshaper.reshape(word)


def reshape(text: str) -> str:
    """Arabic letters in their joined forms; words are shaped (and cached) one by one."""
    if not has_arabic(text):
        return text
    return " ".join(_reshape_word(word) if has_arabic(word) else word for word in text.split(" "))


def _strip_controls(text: str) -> str:
    # Bidi marks (RLM, ALM) that Babel puts in Arabic dates have no glyph once the line is ordered.
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


# Numbers joined by a slash or a dash ("3 / 600", "101–200"): the bidi algorithm lays such a
# run out right to left in an Arabic line ("600 / 3"); a left-to-right mark on each side
# keeps it as written (rule W7 makes the numbers left to right, and the signs between them).
_NUMBER = r"\d(?:[\d,.\u00a0\u202f\u066b\u066c]*\d)?"
_NUMBER_RUN = re.compile(rf"{_NUMBER}(?:[ \u00a0]?[/\u2013\u2014-][ \u00a0]?{_NUMBER})+")


def _keep_number_runs(text: str) -> str:
    return _NUMBER_RUN.sub(lambda match: f"\u200e{match.group(0)}\u200e", text)


def _split_runs(visual: str, bold: bool, rtl: bool) -> tuple[Run, ...]:
    """Cut a visual-order string where the script changes; neutrals go with their run."""
    if visual.isascii():
        return (Run(visual, _FONTS[(False, bold)]),)
    runs: list[list] = []
    pending = ""  # leading neutrals, before the first letter decides the font
    for char in visual:
        if is_arabic(char):
            arabic = True
        elif char.isalpha():
            arabic = False
        else:
            if runs:
                runs[-1][0] += char
            else:
                pending += char
            continue
        if runs and runs[-1][1] == arabic:
            runs[-1][0] += char
        else:
            runs.append([pending + char, arabic])
            pending = ""
    if pending:
        runs.append([pending, rtl])
    return tuple(Run(text, _FONTS[(arabic, bold)]) for text, arabic in runs)


@lru_cache(maxsize=131072)
def visual_line(text: str, rtl: bool | None = False, bold: bool = False) -> Line:
    """One line of logical text as it is drawn: shaped, in visual order, cut into font runs.

    ``rtl`` is the paragraph direction; None takes it from the text's first
    letter (for short labels standing alone, such as a chart's).
    """
    if text.isascii() and (not rtl or text.isalnum() or not any(c.isalpha() for c in text)):
        # Both fonts draw digits and punctuation: keep the page's own, so a table
        # cell of figures stays a plain string. Figures without a letter ("3 / 600",
        # "101-200") are drawn as written, in either direction.
        arabic_font = bool(rtl) and not any(c.isalpha() for c in text)
        return Line((Run(text, _FONTS[(arabic_font, bold)]),))
    if not rtl and not has_arabic(text):
        return Line((Run(_strip_controls(text), _FONTS[(False, bold)]),))
    visual = get_display(reshape(_keep_number_runs(text)), base_dir={True: "R", False: "L"}.get(rtl))
    return Line(_split_runs(_strip_controls(visual), bold, bool(rtl)))


@lru_cache(maxsize=65536)
def _word_width(word: str, bold: bool, size: float) -> float:
    return visual_line(word, False, bold).width(size)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Logical lines of ``text`` no wider than ``width`` (a longer single word stays whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        space = _word_width(" ", bold, size)
        current: list[str] = []
        current_width = 0.0
        for word in paragraph.split(" "):
            word_width = _word_width(word, bold, size)
            extra = word_width + (space if current else 0)
            if current and current_width + extra > width:
                lines.append(" ".join(current))
                current, current_width = [word], word_width
            else:
                current.append(word)
                current_width += extra
        lines.append(" ".join(current))
    return lines


def visual_lines(text: str, width: float, size: float, rtl: bool | None, bold: bool = False) -> list[Line]:
    """``text`` wrapped to ``width``, then each line reordered: the right line order in Arabic."""
    return [visual_line(line, rtl, bold) for line in wrap(text, width, size, bold)]


def draw_line(canvas, line: Line, x: float, y: float, size: float, align: str = "left", width: float = 0) -> None:
    """Draw ``line`` with its baseline at ``y``; ``align`` left/right/center within ``x``..``x+width``."""
    if align != "left":
        line_width = line.width(size)
        x += (width - line_width) if align == "right" else (width - line_width) / 2
    for run in line.runs:
        canvas.setFont(run.font, size)
        canvas.drawString(x, y, run.text)
        x += stringWidth(run.text, run.font, size)
