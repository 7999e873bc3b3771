"""Reading and writing spreadsheets as offices make and open them (core.tabular, core.spreadsheet, core.xlsx)."""

import csv
import datetime as dt
import io
import time
import zipfile

import pytest

from electoral.core import spreadsheet
from electoral.core.tabular import TabularError, read_table
from electoral.core.xlsx import FORM_LIMITS, check_workbook


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def _names(data: bytes, filename: str = "x.csv") -> list[str]:
    return [row.values["name"] for row in read_table(data, filename, ["code", "name"])]


# ---- reading ------------------------------------------------------------------

@pytest.mark.parametrize("garbled, likely", [
    ("LefÃ¨vre", "UTF-8"),  # UTF-8 read as Windows-1252 once, then saved as UTF-8
    ("ÇáÝíÊæÑí", "Windows-1256 (Arabic)"),  # Arabic read as Windows-1252, then saved as UTF-8
])
def test_mojibake_saved_as_utf8_is_refused_naming_the_likely_encoding(garbled, likely):
    with pytest.raises(TabularError) as refused:
        _names(f"code,name\r\nR1,Kollie\r\nR2,{garbled}\r\n".encode())
    message = str(refused.value)
    assert "Line 3" in message and garbled in message and likely in message and "UTF-8" in message


@pytest.mark.parametrize("garbled", ["Nu\u064bez", "P\u00e9rez\u064b", "\u064bAbu"])
def test_western_text_read_as_windows_1256_is_refused_by_its_word_and_line(garbled):
    """An Arabic sign after a Latin letter, before one, or both, among Arabic names and Latin ones."""
    with pytest.raises(TabularError) as refused:
        _names(f"code,name\r\nR1,\u0639\u0644\u064a\r\nR2,Kollie\r\nR3,Ben {garbled} Ali\r\nR4,P\u00e9rez\r\n".encode())
    message = str(refused.value)
    assert "Line 4" in message and garbled in message and "Windows-1252" in message


def test_a_short_arabic_name_in_windows_1256_is_not_taken_for_western_text():
    # Three letters alone: charset-normalizer ranks Windows-1252 first; its mojibake sends it to 1256.
    assert _names("code,name\r\nR1,علي\r\n".encode("cp1256")) == ["علي"]


def test_utf16_without_a_byte_order_mark_is_read():
    assert _names("code\tname\r\nR1\tKollié\r\n".encode("utf-16-le")) == ["Kollié"]


def _workbook(rows, formats=None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for ref, number_format in (formats or {}).items():
        book.active[ref].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_are_read_as_the_text_they_show():
    data = _workbook([["code", "name", "phone", "born", "voter"],
                      ["01", "Kollié", "+231770000001", dt.datetime(1991, 6, 5), 600140],
                      [7, "Lefèvre", 231770000002, dt.date(1990, 12, 31), 12.0]],
                     formats={"A3": "00", "E2": "00000000000"})
    rows = [row.values for row in read_table(data, "x.xlsx", ["code", "name"], ["phone", "born", "voter"])]
    assert rows == [
        {"code": "01", "name": "Kollié", "phone": "+231770000001", "born": "1991-06-05", "voter": "00000600140"},
        {"code": "07", "name": "Lefèvre", "phone": "231770000002", "born": "1990-12-31", "voter": "12"},
    ]


# ---- the XLSX door (issue 16, finding 13) ---------------------------------------

def _bomb(rows: int, sheet: str = "xl/worksheets/sheet1.xml", dimension: str | None = None) -> bytes:
    """A real workbook whose sheet is rewritten to ``rows`` rows of cells: megabytes of XML in a small file."""
    base = zipfile.ZipFile(io.BytesIO(_workbook([["type", "name", "label"], ["text", "q", "Q"]])))
    # Rows without their optional numbers repeat byte for byte: the archive stays small.
    cells = '<row><c t="inlineStr"><is><t>text</t></is></c><c t="inlineStr"><is><t>q</t></is></c></row>' * rows
    ref = dimension or f"A1:B{rows}"
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<dimension ref="{ref}"/><sheetData>{cells}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in base.infolist():
            bomb.writestr(item.filename, xml if item.filename == sheet else base.read(item.filename))
    return out.getvalue()


def test_an_xlsform_with_megabytes_of_xml_inside_is_refused_before_parsing(db, monkeypatch):
    import openpyxl

    from electoral.core.errors import ValidationFailed
    from electoral.observation.services import import_xlsform

    data = _bomb(250_000)  # ~23 MB of XML, as in the finding
    inside = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert inside > 20_000_000 and len(data) < 2_000_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed before the check"))
    started = time.process_time()
    with pytest.raises(ValidationFailed, match="too large"):
        import_xlsform(db.session, data, "opening")
    assert time.process_time() - started < 5


def test_a_sheet_declaring_millions_of_cells_is_refused_before_parsing(monkeypatch):
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed before the check"))
    with pytest.raises(TabularError, match="too large"):
        _names(_bomb(2, dimension="A1:XFD1048576"), "x.xlsx")


@pytest.mark.parametrize("importer", ["geography", "voters", "officials", "attendance", "scores", "races",
                                      "entries", "observers"])
def test_every_xlsx_import_goes_through_the_size_check(db, monkeypatch, importer):
    from electoral.core import xlsx

    # A lower limit stands in for a 150 MB archive: the same check, a file quick to make.
    monkeypatch.setattr(xlsx, "IMPORT_LIMITS", xlsx.Limits(uncompressed=1_000_000, cells=5_000_000))
    run = _importers()[importer]
    with pytest.raises(TabularError, match="too large"):
        run(db, _bomb(20_000))


def _importers():
    from electoral.geography.services import import_geography
    from electoral.observation.services import import_observers
    from electoral.registration.services import imports
    from electoral.results import services as results
    from electoral.training import services as training
    from tests.factories import user_called
    from tests.registration.factories import make_election
    from tests.results.factories import make_clerk

    def voters(db, data):
        make_election()
        return imports.import_voters(db.session, data, "x.xlsx", user_called("clerk"))

    return {
        "geography": lambda db, data: import_geography(db.session, data, "x.xlsx"),
        "voters": voters,
        "officials": lambda db, data: training.import_officials(db.session, data, "x.xlsx"),
        "attendance": lambda db, data: training.import_attendance(db.session, data, "x.xlsx", user_called("recorder")),
        "scores": lambda db, data: training.import_scores(db.session, data, "x.xlsx", user_called("recorder")),
        "races": lambda db, data: results.import_races(db.session, data, "x.xlsx"),
        "entries": lambda db, data: results.import_entries(db.session, data, "x.xlsx", 1, make_clerk()),
        "observers": lambda db, data: import_observers(db.session, data, "x.xlsx"),
    }


def test_no_code_opens_a_workbook_but_through_the_checked_door():
    from pathlib import Path

    import electoral

    root = Path(electoral.__file__).parent
    openers = [str(path.relative_to(root)) for path in root.rglob("*.py")
               if "load_workbook(" in path.read_text(encoding="utf-8")]
    assert openers == ["core/xlsx.py"]


def test_a_form_sized_workbook_passes_the_form_limits():
    check_workbook(_workbook([["type", "name", "label"], *[["integer", f"q{n}", "Q"] for n in range(300)]]),
                   FORM_LIMITS)


# ---- writing ------------------------------------------------------------------

def test_csv_export_has_a_bom_and_quotes_semicolons_quotes_and_line_breaks():
    body = spreadsheet.csv_bytes(["code", "note"], [["01", "a;b"], ["02", 'say "hi"'], ["03", "two\nlines"],
                                                    ["04", "a,b"], ["05", "plain"]])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert '01,"a;b"\r\n' in text and '02,"say ""hi"""\r\n' in text and '"two\nlines"' in text
    assert "05,plain\r\n" in text


def test_csv_export_read_by_a_spreadsheet_splitting_on_semicolons_shows_no_formula_cell():
    body = spreadsheet.csv_bytes(["code", "note"], [["R1", "a;=1+1;b"], ["R2", "x;@SUM(A1)"], ["R3", "n;-3"]])
    cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";") for cell in row]
    assert [c for c in cells if c.startswith(("=", "+", "@")) or (c.startswith("-") and c != "-3\"")] == []
    assert 'R1,"a;\'=1+1;b"' in body.decode("utf-8-sig")


def test_phones_and_signed_numbers_get_no_apostrophe_but_formulas_do():
    text = spreadsheet.csv_bytes(["value"], [["+231770000001"], ["-3"], ["=1+1"], ["-1+1"], ["@SUM(A1)"]])
    lines = text.decode("utf-8-sig").splitlines()[1:]
    assert lines == ["+231770000001", "-3", "'=1+1", "'-1+1", "'@SUM(A1)"]


def test_xlsx_export_types_its_cells_freezes_the_header_and_sizes_the_columns():
    from openpyxl import load_workbook

    when = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    body = spreadsheet.xlsx_bytes(["code", "name", "votes", "day", "at", "phone", "note"],
                                  [["00140", "الفيتوري", 412, dt.date(2026, 12, 7), when, "+231770000001", "=1+1"]],
                                  title="Results: PRES/1")
    book = load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    assert sheet.title == "Results  PRES 1" and sheet.freeze_panes == "A2"
    code, name, votes, day, at, phone, note = sheet[2]
    assert (code.value, code.data_type) == ("00140", "s")
    assert name.value == "الفيتوري"
    assert (votes.value, votes.data_type) == (412, "n")
    assert day.is_date and day.value.date() == dt.date(2026, 12, 7)
    assert at.is_date and at.value == dt.datetime(2026, 12, 7, 9, 30)
    assert (phone.value, phone.data_type) == ("+231770000001", "s")
    assert (note.value, note.data_type) == ("=1+1", "s")  # shown as text, never run
    assert sheet.column_dimensions["B"].width >= 8 and sheet[1][0].font.bold


def test_xlsx_export_streams_in_write_only_mode(monkeypatch):
    from openpyxl import Workbook

    modes = []
    real = Workbook.__init__

    def spy(self, *args, **kwargs):
        modes.append(kwargs.get("write_only"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(Workbook, "__init__", spy)
    rows = ([f"{n:05d}", "Kollié", n] for n in range(5000))  # a generator: never held as a list
    body = spreadsheet.xlsx_bytes(["code", "name", "n"], rows)
    assert modes == [True] and len(body) > 10_000
