"""Reading the CSV and XLSX files people actually produce.

Excel writes CSV with or without a UTF-8 BOM, and with a semicolon instead of a
comma in locales whose decimal separator is a comma (French, Portuguese,
Spanish). Every import goes through here so all of them accept the same files.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from flask_babel import gettext as _

# Text a spreadsheet would run as a formula (OWASP "CSV injection"); tab and CR too,
# which some spreadsheets drop before reading the = that follows.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# No column of any import holds more (a note or description is a few hundred characters).
MAX_CELL = 2000
# Control characters XLSX (XML 1.0) cannot hold; openpyxl refuses a cell with one.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TabularError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, no header)."""


@dataclass
class Row:
    line: int  # the line (CSV) or row (XLSX) number a person sees in their editor
    values: dict[str, str]


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" and some phones' exports are UTF-16 with a byte-order mark.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:65536] or data.startswith(b"PK\x03\x04"):
        # NUL bytes are never in text: a spreadsheet, a picture or a program renamed .csv.
        raise TabularError(_("The file is not CSV text. Save it from your spreadsheet as \"CSV UTF-8\" "
                             "or as an Excel workbook (.xlsx) and try again."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TabularError(_("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again."))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise TabularError(_("Line %(line)d cannot be read: %(reason)s", line=reader.line_num, reason=exc)) from exc


def _damaged() -> TabularError:
    return TabularError(_("The spreadsheet is damaged and cannot be opened. Save it again from your "
                          "spreadsheet and try once more."))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):  # every XLSX is a ZIP archive
        raise TabularError(_("The file is not an XLSX spreadsheet. Save it from your spreadsheet as an "
                             "Excel workbook (.xlsx) or as \"CSV UTF-8\" and try again."))
    # openpyxl raises many types for a damaged file, on opening or rows later.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
    except Exception as exc:
        raise _damaged() from exc
    try:
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                break
            except Exception as exc:
                raise _damaged() from exc
            yield number, ["" if c is None else _cell_text(c) for c in cells]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(data)
    if suffix in (".csv", ".txt", ""):
        return _csv_rows(data)
    raise TabularError(_("Only CSV and XLSX files can be imported, not %(suffix)s.", suffix=suffix))


def _header(rows: Iterator[tuple[int, list[str]]], required: list[str]) -> list[str]:
    """The column names of the first non-blank row, lower-cased; TabularError if a required one is missing."""
    for _line, header in rows:
        if any(cell.strip() for cell in header):
            break
    else:
        raise TabularError(_("The file is empty."))
    names = [cell.strip().lower().lstrip("\ufeff") for cell in header]
    missing = [column for column in required if column not in names]
    if missing:
        raise TabularError(_("Missing columns: %(columns)s.", columns=", ".join(missing)))
    return names


def _picked(rows: Iterator[tuple[int, list[str]]], positions: list[int], width: int):
    """(line, cells at ``positions``, stripped) for every non-blank row.

    Imports read a million rows: the common case (every cell there, none too long,
    no quote to take off) is done with C-level calls (itemgetter, map, join), not
    per-cell Python.
    """
    pick = itemgetter(*positions) if len(positions) > 1 else (lambda cells: (cells[positions[0]],))
    for line, cells in rows:
        if not "".join(cells).strip():
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        values = tuple(map(str.strip, pick(cells)))
        if max(map(len, values)) > MAX_CELL:
            raise TabularError(_("Line %(line)d has a value longer than %(max)d characters.", line=line, max=MAX_CELL))
        if "'" in "".join(values):
            values = tuple(_unquote(value) for value in values)
        yield line, values


def read_table(data: bytes, filename: str, required: list[str], optional: list[str] = ()) -> Iterator[Row]:
    """Yield rows as dicts keyed by the expected column names, stripped of spaces.

    Raises TabularError when the header lacks a required column.
    """
    rows = _rows(data, filename)
    names = _header(rows, required)
    wanted = [c for c in (*required, *optional) if c in names]
    for line, values in _picked(rows, [names.index(c) for c in wanted], len(names)):
        yield Row(line, dict(zip(wanted, values, strict=True)))


def read_columns(data: bytes, filename: str, columns: list[str],
                 required: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Yield (line, values) with the values of ``columns`` in that order, "" where the file lacks a column.

    What a large import reads: a tuple per row, not a dict. Raises TabularError when
    the header lacks a required column.
    """
    rows = _rows(data, filename)
    names = _header(rows, required)
    # A column the file lacks is read from one empty cell past the last.
    positions = [names.index(c) if c in names else len(names) for c in columns]
    yield from _picked(rows, positions, max(positions) + 1)


def _unquote(text: str) -> str:
    # A file exported here and edited comes back with safe_cell's quote: take it off again.
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in _FORMULA_START else text


def safe_cell(value):
    """A cell a spreadsheet shows as text and never runs: a formula gets a leading quote.

    Control characters an XLSX cannot hold are dropped. Numbers pass unchanged.
    """
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose every cell goes through safe_cell: what every export writes with."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow(["" if v is None else safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
