"""Static Regular and Bold instances of the project's variable Noto fonts, registered with ReportLab.

The fonts come from the OFL-licensed wheels justmytype-western-core (Noto Sans)
and justmytype-intl-rtl (Noto Sans Arabic); their licence texts are the OFL.txt
files beside the fonts in those packages. Nothing is fetched at run time.
"""

import os
import tempfile
import threading
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from electoral.extensions import INSTANCE_PATH

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
_lock = threading.Lock()
_registered = False


def font_dir() -> Path:
    return INSTANCE_PATH / "fonts"


def _instance(name: str) -> Path:
    """The cached static instance of ``name``, made from the variable font on first use."""
    package, member, weight = _SOURCES[name]
    target = font_dir() / f"{name}.ttf"
    if target.exists():
        return target
    from fontTools.ttLib import TTFont as FontToolsFont
    from fontTools.varLib import instancer

    target.parent.mkdir(parents=True, exist_ok=True)
    with resources.as_file(resources.files(package) / member) as source:
        variable = FontToolsFont(str(source))
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
    return target


def register() -> None:
    """Make the four fonts known to ReportLab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name in _SOURCES:
            pdfmetrics.registerFont(TTFont(name, str(_instance(name))))
        pdfmetrics.registerFontFamily(LATIN, normal=LATIN, bold=LATIN_BOLD, italic=LATIN, boldItalic=LATIN_BOLD)
        pdfmetrics.registerFontFamily(ARABIC, normal=ARABIC, bold=ARABIC_BOLD, italic=ARABIC, boldItalic=ARABIC_BOLD)
        _registered = True
