"""The kit's text: Arabic shaped and in visual order, mixed scripts, wrapping, mirroring, cards."""

import io

import pdfplumber
import pytest
from flask_babel import force_locale

from electoral.reports import fonts
from electoral.reports.document import ReportDocument
from tests.reports.helpers import footer_words, line_of, page_count, pdf_text, words

# 108 distinct three-letter Arabic words that form no ligature.
ARABIC_WORDS = [a + b + c for a in "بتثجحخ" for b in "سشصضطع" for c in "مني"]


def _render(lang: str, fill, **kwargs) -> bytes:
    with force_locale(lang):
        doc = ReportDocument(title="Test", lang=lang, printed_by="tester", **kwargs)
        fill(doc)
        return doc.render()


def test_fonts_are_static_instances_cached_under_the_instance_folder(app):
    fonts.register()
    cached = {path.name for path in fonts.font_dir().iterdir()}
    assert {"ElectoralSans.ttf", "ElectoralSans-Bold.ttf", "ElectoralArabic.ttf", "ElectoralArabic-Bold.ttf"} <= cached


def test_static_instances_keep_the_outlines_and_advances_and_leave_out_the_layout_tables(app):
    """What ReportLab reads is the variable font's at the instance's weight; the tables it never reads are left out."""
    from importlib import resources

    from fontTools.ttLib import TTFont

    fonts.register()
    for name in (fonts.LATIN, fonts.ARABIC):  # regular weight (400): the variable fonts' default location
        package, member, weight = fonts._SOURCES[name]
        assert weight == 400
        with resources.as_file(resources.files(package) / member) as source:
            variable = TTFont(str(source))
        static = TTFont(str(fonts.font_dir() / f"{name}.ttf"))
        assert not any(tag in static for tag in fonts.LAYOUT_TABLES)
        assert "fvar" not in static and "gvar" not in static
        assert static.getBestCmap() == variable.getBestCmap()
        assert static["hmtx"].metrics == variable["hmtx"].metrics
        glyphs = variable.getGlyphOrder()[:: max(len(variable.getGlyphOrder()) // 50, 1)]
        assert all(static["glyf"][glyph].getCoordinates(static["glyf"])[0] ==
                   variable["glyf"][glyph].getCoordinates(variable["glyf"])[0] for glyph in glyphs)
    bold = TTFont(str(fonts.font_dir() / f"{fonts.LATIN_BOLD}.ttf"))
    assert bold["hmtx"]["H"] != TTFont(str(fonts.font_dir() / f"{fonts.LATIN}.ttf"))["hmtx"]["H"]


def test_arabic_words_run_right_to_left_and_digits_left_to_right(db):
    data = _render("ar", lambda doc: doc.paragraph("محمد علي 12345 حسن"))
    line = line_of(words(data), "محمد")
    assert [w["logical"] for w in line] == ["حسن", "12345", "علي", "محمد"]
    assert all("Arabic" in w["fontname"] for w in line)


def test_arabic_name_with_latin_id_in_an_arabic_report(db):
    data = _render("ar", lambda doc: doc.paragraph("الناخب محمد (ID AB-1234)"))
    line = line_of(words(data), "الناخب")
    assert [w["logical"] for w in line] == ["(ID", "AB-1234)", "محمد", "الناخب"]
    latin = [w for w in line if w["logical"] in ("(ID", "AB-1234)")]
    assert all("Arabic" not in w["fontname"] for w in latin if "ID" in w["logical"])


def test_arabic_name_inside_latin_text_keeps_both_orders_and_fonts(db):
    data = _render("en", lambda doc: doc.paragraph("Voter محمد علي born 1990"))
    line = line_of(words(data), "Voter")
    assert [w["logical"] for w in line] == ["Voter", "علي", "محمد", "born", "1990"]
    fonts_by_word = {w["logical"]: w["fontname"] for w in line}
    assert "Arabic" in fonts_by_word["محمد"] and "Arabic" not in fonts_by_word["Voter"]


def test_wrapped_arabic_paragraph_reads_from_the_first_line_down(db):
    text = " ".join(ARABIC_WORDS)
    data = _render("ar", lambda doc: doc.paragraph(text))
    found = [w for w in words(data) if w["logical"] in set(ARABIC_WORDS)]
    lines: dict[int, list[dict]] = {}
    for word in found:
        lines.setdefault(round(word["top"]), []).append(word)
    assert len(lines) >= 3
    reading = [w["logical"] for top in sorted(lines) for w in sorted(lines[top], key=lambda w: -w["x0"])]
    assert reading == ARABIC_WORDS


def test_table_columns_run_right_to_left_in_arabic(db):
    def fill(doc):
        doc.table(["No", "Name", "Year"], [["7", "Amina", "1990"]])

    for lang, expected in (("en", ["7", "Amina", "1990"]), ("ar", ["1990", "Amina", "7"])):
        line = line_of(words(_render(lang, fill)), "Amina")
        assert [w["logical"] for w in line] == expected


def test_numbers_in_tables_are_formatted_for_the_language(db):
    data = _render("fr", lambda doc: doc.table(["Centre", "Capacity"], [["Nord", 1234567]]))
    assert "1 234 567" in pdf_text(data)


def test_every_page_says_page_x_of_y(db):
    data = _render("en", lambda doc: doc.table(["No", "Name"], [[str(i), f"Name {i}"] for i in range(200)]))
    pages = page_count(data)
    assert pages >= 3
    for index in range(pages):
        footer = footer_words(data, index)
        assert " ".join(footer).startswith(f"Page {index + 1} of {pages}")


def test_long_table_keeps_every_row_and_repeats_its_header(db):
    data = _render("en", lambda doc: doc.table(["Number", "Name"], [[str(i), f"Voter {i}"] for i in range(500)]))
    text = pdf_text(data)
    assert all(f"Voter {i}\n" in text or text.endswith(f"Voter {i}") for i in (0, 250, 499))
    assert text.count("Number\nName\n") == page_count(data)


def test_watermark_is_printed_when_asked(db):
    data = _render("en", lambda doc: doc.paragraph("Hello"), watermark="draft")
    assert "DRAFT" in pdf_text(data)


def test_letter_paper_is_printed_on_letter(db):
    from pypdf import PdfReader

    data = _render("en", lambda doc: doc.paragraph("Hello"), paper="Letter")
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)


def test_cards_print_ten_to_an_a4_sheet_with_their_text(db):
    def fill(doc):
        doc.cards([f"Card {i}" for i in range(11)], lambda card, item: card.text(4, 4, item))

    data = _render("en", fill)
    assert page_count(data) == 2  # ten on the first sheet, the eleventh on the second
    text = pdf_text(data)
    assert all(f"Card {i}" in text for i in range(11))
    assert "Page 1 of 2" in text  # the thin label that sorts printed sheets


def test_cards_after_other_content_start_on_a_sheet_of_their_own(db):
    def fill(doc):
        doc.title("Cards of centre C1")
        doc.cards([f"Card {i}" for i in range(10)], lambda card, item: card.text(4, 4, item))
        doc.paragraph("Count the cards before cutting.")

    data = _render("en", fill)
    assert page_count(data) == 3
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first, cards, last = (page.extract_text() for page in pdf.pages)
    assert "Cards of centre C1" in first and "Card 0" not in first
    assert all(f"Card {i}" in cards for i in range(10))
    assert "Count the cards" in last


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_building_blocks_render_in_both_directions(db, lang):
    def fill(doc):
        doc.title("Summary")
        doc.figures({"Stations": 1200, "Capacity": 720000})
        doc.bar_chart({"Nord": 10, "الشرق": 20})
        doc.pie_chart({"Nord": 10, "الشرق": 20})
        doc.qr("https://example.org/v/1", caption="Scan me")
        doc.signatures(["Chair", "Secretary"])

    text = pdf_text(_render(lang, fill))
    assert "720,000" in text and "Scan me" in text and "Secretary" in text


def _png(color=(200, 30, 30)) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 50), color).save(buffer, "PNG")
    return buffer.getvalue()


def test_photo_is_placed_on_the_page(db):
    data = _render("en", lambda doc: doc.photo(_png(), width_mm=30, caption="Holder"))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        images = pdf.pages[0].images
    assert images and round(images[0]["width"] / 72 * 25.4) == 30
    assert "Holder" in pdf_text(data)


def test_configured_emblem_picture_replaces_the_drawn_one(app, db, tmp_path):
    emblem = tmp_path / "emblem.png"
    emblem.write_bytes(_png((0, 90, 0)))
    app.config["REPORT_EMBLEM"] = str(emblem)
    try:
        data = _render("en", lambda doc: doc.paragraph("Hello"))
    finally:
        app.config.pop("REPORT_EMBLEM")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[0].images) == 1


def test_a_long_name_on_a_card_shrinks_to_stay_on_the_card(db):
    name = "Mohamed Abdelrahman Ould Sidi Mohamed El Moctar Ould Cheikh Ahmedou"
    data = _render("en", lambda doc: doc.cards([name], lambda card, item: card.text(4, 4, item, size=10)))
    line = line_of(words(data), "Mohamed")
    assert line[-1]["x1"] - line[0]["x0"] < 85.6 / 25.4 * 72 - 4 / 25.4 * 72


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_qr_code_on_the_page_holds_the_data(db, tmp_path, lang):
    """Render the page to pixels and read every module back against segno's own matrix."""
    import shutil
    import subprocess

    import segno
    from PIL import Image as PILImage

    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is needed to look at the page")
    data = "https://elections.example.org/verify/QR-12345"
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(_render(lang, lambda doc: doc.qr(data, size_mm=60)))
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", "-gray", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = PILImage.open(tmp_path / "page.png").convert("L")
    expected = segno.make(data, error="m").matrix
    # Find the code: the bounding box of dark pixels below the header, then sample module centres.
    from electoral.reports.qr import QUIET_ZONE

    width, height = page.size
    dark = [(x, y) for y in range(int(height * 0.12), int(height * 0.6), 3)
            for x in range(0, width, 3) if page.getpixel((x, y)) < 100]
    xs, ys = [x for x, _ in dark], [y for _, y in dark]
    left, top = min(xs), min(ys)
    unit = 60 / 25.4 * 300 / (len(expected) + 2 * QUIET_ZONE)
    printed = [[page.getpixel((int(left + (x + 0.5) * unit), int(top + (y + 0.5) * unit))) < 128
                for x in range(len(expected))] for y in range(len(expected))]
    assert printed == [[bool(v) for v in row] for row in expected]
