"""What a reader searches and copies from a printed PDF: Arabic as typed, figures in the order written."""

import shutil
import subprocess

import pytest
from flask_babel import force_locale

from electoral.reports.document import ReportDocument
from tests.reports.helpers import line_of, page_count, words

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) reads the PDF")


def _render(lang: str, fill) -> bytes:
    with force_locale(lang):
        doc = ReportDocument(title="Test", lang=lang, printed_by="tester")
        fill(doc)
        return doc.render()


def pdftotext(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    # Poppler marks right-to-left runs with embedding controls; a reader's search ignores them.
    return "".join(c for c in done.stdout.decode() if c not in "\u202a\u202b\u202c\u200e\u200f")


@needs_pdftotext
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_arabic_words_are_found_as_typed(db, lang):
    def fill(doc):
        doc.paragraph("الناخب محمد كمارا مسجل")
        doc.table(["No", "Name"], [["1", "محمد كمارا"], ["2", "سلام عبد الله"]])

    text = pdftotext(_render(lang, fill))
    assert "الناخب محمد كمارا مسجل" in text
    assert "محمد كمارا" in text
    assert "سلام" in text  # lam-alef, one glyph on the page, is two letters in the text
    assert "عبد الله" in text  # so is the ligature of the name of God, four letters
    assert not any("\ufb50" <= c <= "\ufeff" for c in text)  # no presentation forms left


@needs_pdftotext
def test_arabic_certificate_text_is_found_with_its_marks(db):
    text = pdftotext(_render("ar", lambda doc: doc.title("شهادة تدريب مُحَمَّد")))
    assert "شهادة تدريب" in text and "مُحَمَّد" in text


@pytest.mark.parametrize("figure", ["3 / 600", "1,234 / 5,600", "101–200"])
def test_figures_with_a_slash_or_dash_keep_their_order_in_arabic(db, figure):
    data = _render("ar", lambda doc: doc.figures({"المحطات المحسوبة": figure}))
    value = [w for w in words(data) if round(w["size"]) == 16]  # the key figure's value, large
    assert " ".join(w["text"] for w in sorted(value, key=lambda w: w["x0"])) == figure


def test_a_figure_inside_an_arabic_sentence_keeps_its_order(db):
    data = _render("ar", lambda doc: doc.paragraph("فُرزت 3 / 600 محطة"))
    line = line_of(words(data), "محطة")
    assert [w["logical"] for w in line] == ["محطة", "3", "/", "600", "فُرزت"]


def test_page_x_of_y_in_arabic_reads_x_first(db):
    data = _render("ar", lambda doc: doc.table(["No"], [[str(i)] for i in range(120)]))
    assert page_count(data) == 3
    for page in range(3):
        footer = [w for w in words(data, page) if w["top"] > 780]
        line = line_of(footer, "الصفحة")
        # Right to left, as an Arabic reader reads: page, its number, of, the count.
        assert [w["logical"] for w in reversed(line)][:4] == ["الصفحة", str(page + 1), "من", "3"]
