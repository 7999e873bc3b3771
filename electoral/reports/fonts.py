"""Static Regular and Bold instances of the project's variable Noto fonts, registered with ReportLab.

The fonts come from the OFL-licensed wheels justmytype-western-core (Noto Sans)
and justmytype-intl-rtl (Noto Sans Arabic); their licence texts are the OFL.txt
files beside the fonts in those packages. Nothing is fetched at run time.
"""

import os
import tempfile
import threading
import unicodedata
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

from electoral.extensions import INSTANCE_PATH

try:
    import fcntl
except ImportError:  # not on POSIX: each process makes its own, the rename keeps the file whole
    fcntl = None

LATIN = "ElectoralSans"
LATIN_BOLD = "ElectoralSans-Bold"
ARABIC = "ElectoralArabic"
ARABIC_BOLD = "ElectoralArabic-Bold"

_SOURCES = {
    LATIN: ("justmytype_western_core", "fonts/ofl/notosans/NotoSans[wdth,wght].ttf", 400),
    LATIN_BOLD: ("justmytype_western_core", "fonts/ofl/notosans/NotoSans[wdth,wght].ttf", 700),
    ARABIC: ("justmytype_intl_rtl", "fonts/ofl/notosansarabic/NotoSansArabic[wdth,wght].ttf", 400),
    ARABIC_BOLD: ("justmytype_intl_rtl", "fonts/ofl/notosansarabic/NotoSansArabic[wdth,wght].ttf", 700),
}
# OpenType layout tables, which ReportLab does not use: left out of the static instances.
LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB")
_lock = threading.Lock()
_registered = False


def font_dir() -> Path:
    return INSTANCE_PATH / "fonts"


def _instance(name: str) -> Path:
    """The cached static instance of ``name``, made from the variable font on first use."""
    target = font_dir() / f"{name}.ttf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Making one costs up to a second of CPU (the Latin ones most): processes starting together (the
    # web workers, the test workers) take turns, and the later ones find the file made.
    with open(target.parent / ".lock", "a") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            _make(name, target)
    return target


def _make(name: str, target: Path) -> None:
    package, member, weight = _SOURCES[name]
    from fontTools.ttLib import TTFont as FontToolsFont
    from fontTools.varLib import instancer

    with resources.as_file(resources.files(package) / member) as source:
        variable = FontToolsFont(str(source))
    # ReportLab reads outlines, advances and the character map, never the OpenType layout tables
    # (kerning, ligatures: Arabic comes shaped by arabic-reshaper), and embeds none of them.
    # Instancing those was five sixths of the work (Noto Sans: 6.1 s of CPU, 1.1 s without).
    for tag in LAYOUT_TABLES:
        if tag in variable:
            del variable[tag]
    static = instancer.instantiateVariableFont(variable, {"wght": weight, "wdth": 100},
                                               updateFontNames=True)
    # Several workers may start at once: each writes its own file, the rename is atomic.
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".ttf.tmp")
    os.close(fd)
    try:
        static.save(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _letters(code: int) -> str:
    """What a glyph stands for in the text layer: an Arabic presentation form as the letters it shapes."""
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        letters = unicodedata.normalize("NFKC", chr(code))
        # Glyphs are drawn in visual order; a ligature's letters (lam-alef) too, so that a
        # reader reordering the line gets them back as typed.
        return letters[::-1] if all(unicodedata.category(c) == "Lo" for c in letters) else letters
    return chr(code)


class ShapedTextFont(TTFont):
    """A TrueType font whose text layer gives Arabic letters, not the presentation forms drawn.

    The kit draws Arabic as arabic-reshaper's presentation forms (initial, medial,
    final, lam-alef...). ReportLab's ToUnicode map would give readers those forms,
    which no typed word matches: search and copy found nothing. Mapping each form
    to the letter(s) it shapes gives the text as typed; readers put the glyphs,
    drawn in visual order, back into logical order as with any Arabic PDF.
    """

    def addObjects(self, doc):
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)  # forgets the document's subsets: read them before
        for number, subset in enumerate(subsets):
            if not any(_letters(code) != chr(code) for code in subset):
                continue
            base = (b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX))).decode("pdfdoc")
            stream = doc.idToObject["toUnicodeCMap:" + base]
            stream.content = _to_unicode(base, subset)


def _to_unicode(name: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap (ttfonts.makeToUnicodeCMap), each code mapped to ``_letters``."""
    cmap = makeToUnicodeCMap(name, subset).split("\n")
    entries = [f"<{index:02X}> <{_letters(code).encode('utf-16-be').hex().upper()}>"
               for index, code in enumerate(subset)]
    start = cmap.index(f"{len(subset)} beginbfchar") + 1
    return "\n".join(cmap[:start] + entries + cmap[start + len(subset):])


def register() -> None:
    """Make the four fonts known to ReportLab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name in _SOURCES:
            font_class = ShapedTextFont if name in (ARABIC, ARABIC_BOLD) else TTFont
            pdfmetrics.registerFont(font_class(name, str(_instance(name))))
        pdfmetrics.registerFontFamily(LATIN, normal=LATIN, bold=LATIN_BOLD, italic=LATIN, boldItalic=LATIN_BOLD)
        pdfmetrics.registerFontFamily(ARABIC, normal=ARABIC, bold=ARABIC_BOLD, italic=ARABIC, boldItalic=ARABIC_BOLD)
        _registered = True
