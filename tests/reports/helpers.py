"""Reading printed PDFs back the way a reader sees them."""

import io
import unicodedata

import pdfplumber
from pypdf import PdfReader


def norm(text: str) -> str:
    """NFKC folds Arabic presentation forms (what the PDF holds) back to letters, and narrow spaces to spaces."""
    return unicodedata.normalize("NFKC", text)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return norm("\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def words(data: bytes, page: int = 0) -> list[dict]:
    """Words of one page with their x/top positions; Arabic words are stored left to right, so their letters are reversed back."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        found = pdf.pages[page].extract_words(extra_attrs=["fontname", "size"])
    for word in found:
        text = norm(word["text"])
        arabic_letters = any("\u0620" <= c <= "\u064a" for c in text)
        word["logical"] = text[::-1] if arabic_letters else text
    return found


def line_of(found: list[dict], text: str) -> list[dict]:
    """The words on the same line as the word ``text``, left to right (fonts differ in ascent, hence the slack)."""
    anchor = next(w for w in found if w["logical"] == text)
    return sorted((w for w in found if abs(w["top"] - anchor["top"]) < anchor["size"] * 0.6
                   and abs(w["size"] - anchor["size"]) < 0.5), key=lambda w: w["x0"])


def footer_words(data: bytes, page: int) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        p = pdf.pages[page]
        return [norm(w["text"]) for w in p.extract_words() if w["top"] > p.height - 60]
