"""core.tabular reads the files people produce and refuses the rest with a clear message."""

import codecs
import io

import pytest

from electoral.core.tabular import MAX_CELL, SafeCsvWriter, TabularError, read_table, safe_cell


def _rows(data: bytes, name: str = "x.csv", required=("code", "name")):
    return [row.values for row in read_table(data, name, list(required))]


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def test_utf16_text_with_a_byte_order_mark_is_read():
    data = codecs.BOM_UTF16_LE + "code\tname\r\nR1\tKollié\r\n".encode("utf-16-le")
    assert _rows(data) == [{"code": "R1", "name": "Kollié"}]


def test_latin1_text_is_read():
    assert _rows("code;name\r\nR1;Kollié\r\n".encode("latin-1")) == [{"code": "R1", "name": "Kollié"}]


@pytest.mark.parametrize("data, name, message", [
    (b"PK\x03\x04whatever", "x.csv", "not CSV text"),
    (b"code,name\r\nR1,a\x00b\r\n", "x.csv", "not CSV text"),
    (b"code,name\r\nR1,x\r\n", "x.xlsx", "not an XLSX spreadsheet"),
    (b"PK\x03\x04truncated", "x.xlsx", "damaged"),
    (b"code,name\r\nR1," + b"y" * (MAX_CELL + 1) + b"\r\n", "x.csv", "longer than 2000 characters"),
    (b"", "x.csv", "empty"),
    (b"MZ", "x.exe", "Only CSV and XLSX"),
])
def test_a_file_that_cannot_be_read_is_refused_with_a_message(data, name, message):
    with pytest.raises(TabularError, match=message):
        _rows(data, name)


def test_a_truncated_spreadsheet_is_refused_with_a_message():
    from openpyxl import Workbook

    book = Workbook()
    for i in range(2000):
        book.active.append(["code", "name"] if i == 0 else [f"R{i}", "x" * 50])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TabularError, match="damaged"):
        _rows(out.getvalue()[: len(out.getvalue()) * 2 // 3], "x.xlsx")


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-1+1", "@SUM(1)", "\t=1", "\r=1"])
def test_a_formula_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [12, -3, 1.5, None, "Kollie", "", "O'Neil"])
def test_numbers_and_plain_text_pass_unchanged(value):
    assert safe_cell(value) == value


def test_control_characters_an_xlsx_refuses_are_dropped():
    assert safe_cell("a\x00b\x07c\x1bd\te") == "abcd\te"


def test_an_exported_formula_reads_back_as_the_text_it_was():
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["code", "name"], ["R1", "=1+1"], ["R2", "-Kollie"]])
    assert _rows(out.getvalue().encode()) == [{"code": "R1", "name": "=1+1"}, {"code": "R2", "name": "-Kollie"}]
