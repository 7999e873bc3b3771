"""Which encoding an office's CSV file is in, and whether its names survived the saving.

Excel saves "CSV" in the computer's ANSI code page (Windows-1252 in Western
locales, Windows-1256 in Arabic ones), "CSV UTF-8" with a BOM, and "Unicode text"
as UTF-16 with tabs. A file in the wrong code page still decodes, into mojibake
(``ÇáÝíÊæÑí``); a cp1252 save of Arabic names has already turned them into ``????``.
Both are refused by name here rather than imported as garbage.
"""

import codecs
import re

from charset_normalizer import from_bytes
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# The code pages an office spreadsheet saves "CSV" in. charset-normalizer is asked to
# choose among these only: on a few short names, a wider choice picks Central
# European or Mac encodings that decode the same bytes into other letters.
OFFICE_CODE_PAGES = ["cp1252", "cp1256"]
# Enough text for the choice; the whole file is then decoded with the encoding chosen.
SAMPLE = 256 * 1024

LABELS = {
    "utf-8": _l("UTF-8"),
    "utf-8-sig": _l("UTF-8 with BOM"),
    "utf-16": _l("UTF-16 (Unicode text)"),
    "utf-16-le": _l("UTF-16 (Unicode text)"),
    "utf-16-be": _l("UTF-16 (Unicode text)"),
    "cp1252": _l("Windows-1252 (Western European)"),
    "cp1256": _l("Windows-1256 (Arabic)"),
}

# A word of two or more question marks: letters the saving encoding could not hold.
_QUESTION_RUN = r"(?<![^\s,;\x1f])\?{2,}(?=[\s,;\x1f]|$)"
# UTF-8 read as Windows-1252: a lead byte's letter (Ã, Ø, Ù...) then a continuation byte's sign (©, ¨, §, ‡...).
_UTF8_AS_1252 = ("[\u00c2-\u00f4][\u00a0-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030"
                 "\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161"
                 "\u203a\u0153\u017e\u0178]")
# Arabic read as Windows-1252: accented letters through and through (ÇáÝíÊæÑí), where real
# Latin names carry an accent or two among plain letters (Kollié, Müller).
_ARABIC_AS_1252 = "[\u00c0-\u00ff]{3,}"
# Western text read as Windows-1256: Arabic signs inside a Latin word (Nuًez for Nuñez). Written to
# start at the Arabic sign (the Latin letter before it looked behind for): ``re`` then skips to
# each Arabic character, where a class of Latin letters first made it try nearly every one (five
# times slower on a roll in both scripts). The match is in the same word and line either way.
_LATIN_AS_1256 = "[\u0600-\u06ff](?:(?<=[A-Za-z\u00c0-\u024f][\u0600-\u06ff])|(?=[A-Za-z]))"
# Each is a scan of its own: one alternation of them all is several times slower in ``re``.
_QUESTIONS = re.compile(_QUESTION_RUN)
_MOJIBAKE_1252 = (re.compile(_UTF8_AS_1252), re.compile(_ARABIC_AS_1252))
_MIXED_SCRIPTS = re.compile(_LATIN_AS_1256)
_ANY_ARABIC = re.compile("[\u0600-\u06ff]")
_TOKEN = re.compile(r"[^\s,;\x1f]+")
_SEPARATOR = re.compile(r"[\s,;\x1f]")
_LATIN1_LETTER = re.compile(r"[\u00c0-\u00ff]")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


class LossyText(ValueError):
    """Names that came out as question marks or as mojibake; ``likely`` names the encoding to blame."""

    def __init__(self, sample: str, likely: str | None, question_marks: bool):
        super().__init__(sample)
        self.sample, self.likely, self.question_marks = sample, likely, question_marks


def label(encoding: str) -> str:
    """The encoding's name as an office user knows it."""
    return str(LABELS.get(encoding, encoding))


def save_as_utf8_hint() -> str:
    return _("In Excel choose File > Save As > \"CSV UTF-8 (comma delimited)\"; in LibreOffice tick "
             "\"Edit filter settings\" and choose the character set \"Unicode (UTF-8)\". Then import again.")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes; ValueError when it is no text at all.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised by their bytes;
    anything else is one of the office code pages, chosen by charset-normalizer and
    then by which of them gives no mojibake.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:65536]:
        # UTF-16 without a BOM puts a NUL beside every ASCII character, always on the same side.
        head = data[:4096]
        for encoding, nuls in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
            if nuls and nuls.count(0) > 0.9 * len(nuls):
                return data.decode(encoding), encoding
        raise ValueError("binary")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:SAMPLE]
    matches = [m.encoding for m in from_bytes(sample, cp_isolation=OFFICE_CODE_PAGES)] or OFFICE_CODE_PAGES
    candidates = [*matches, *(e for e in OFFICE_CODE_PAGES if e not in matches)]
    chosen = next((e for e in candidates if _clean(sample.decode(e, errors="replace"))), candidates[0])
    try:
        return data.decode(chosen), chosen
    except UnicodeDecodeError:  # cp1252 leaves five bytes undefined; cp1256 defines all 256
        return data.decode("cp1256"), "cp1256"


def _clean(text: str) -> bool:
    try:
        check(text)
    except LossyText:
        return False
    return True


def check(text: str) -> None:
    """Raise LossyText when ``text`` holds a run of question marks or a mojibake word."""
    found = find_lossy(text)
    if found:
        raise found[0]


def find_lossy(text: str) -> tuple[LossyText, int] | None:
    """The first run of question marks or mojibake word in ``text``, with its position; None when clean.

    Meant for a whole file's text at once: each pattern is one C-level scan, and only what
    a pattern flags is looked at word by word.
    """
    if "??" in text:
        found = _QUESTIONS.search(text)
        if found:
            return LossyText(found.group(), None, question_marks=True), found.start()
    if text.isascii():
        return None
    for pattern in _MOJIBAKE_1252:
        for found in pattern.finditer(text):
            word = _token_at(text, found.start())
            likely = _mojibake_source(word)
            if likely:
                return LossyText(word, likely, question_marks=False), found.start()
    if _ANY_ARABIC.search(text):
        found = _MIXED_SCRIPTS.search(text)
        if found:
            return LossyText(_token_at(text, found.start()), "cp1252", question_marks=False), found.start()
    return None


def _token_at(text: str, position: int) -> str:
    # The token around ``position``: from the separator before it to the one after (a file's text may be long).
    start = position
    while start > 0 and not _SEPARATOR.match(text[start - 1]):
        start -= 1
    found = _TOKEN.match(text, start)
    return found.group() if found else text[position:position + 20]


def _mojibake_source(word: str) -> str | None:
    """The encoding the word's bytes were really in, when ``word`` is mojibake read as Windows-1252."""
    accented = len(_LATIN1_LETTER.findall(word))
    try:
        raw = word.encode("cp1252")
    except UnicodeEncodeError:
        return None
    try:
        # UTF-8 read as Windows-1252 turns every accented letter into two signs (é -> Ã©).
        if raw.decode("utf-8") != word:
            return "utf-8"
    except UnicodeDecodeError:
        pass
    # Real Latin names carry an accent or two among plain letters (Kollié, Müller, Lefèvre);
    # Arabic read as Windows-1252 is accented letters through and through (ÇáÝíÊæÑí).
    if len(word) >= 3 and accented * 2 > len(word):
        arabic = raw.decode("cp1256", errors="replace")
        if len(_ARABIC_LETTER.findall(arabic)) * 2 > len(arabic):
            return "cp1256"
    return None


def lossy_message(problem: LossyText, line: int | None, read_as: str) -> str:
    """What a person is told about a file whose names did not survive its encoding."""
    where = _("Line %(line)d: ", line=line) if line else ""
    if problem.question_marks:
        what = _("the names came out as question marks (%(sample)s): the file was saved in an encoding that "
                 "cannot hold their letters, most likely Windows-1252 (Excel's plain \"CSV\"). The letters are "
                 "lost in this file; save it again from the original as UTF-8.", sample=problem.sample)
    else:
        what = _("the names came out garbled (%(sample)s): the file was read as %(read)s but is most likely "
                 "in %(likely)s. Save it as UTF-8.", sample=problem.sample, read=label(read_as),
                 likely=label(problem.likely or "utf-8"))
    return f"{where}{what} {save_as_utf8_hint()}"
