"""Reading the CSV and XLSX files people actually produce.

Excel writes CSV with or without a UTF-8 BOM, and with a semicolon instead of a
comma in locales whose decimal separator is a comma (French, Portuguese,
Spanish). Every import goes through here so all of them accept the same files.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, islice
from operator import itemgetter
from pathlib import Path

from flask_babel import gettext as _

from electoral.core import encoding

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


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise _not_text()
    try:
        return encoding.decode(data)
    except ValueError:  # NUL bytes are never in text: a spreadsheet, a picture or a program renamed .csv
        raise _not_text() from None


def _not_text() -> TabularError:
    return TabularError(_("The file is not CSV text. Save it from your spreadsheet as \"CSV UTF-8\" "
                          "or as an Excel workbook (.xlsx) and try again."))


def _refuse_lossy(text: str, read_as: str) -> None:
    """TabularError naming the first name the text lost to its encoding, if any."""
    # Looked for in the whole text at once (a few C-level scans), not row by row: a million
    # rows are read without a per-row cost.
    lossy = encoding.find_lossy(text)
    if lossy:
        problem, position = lossy
        raise TabularError(encoding.lossy_message(problem, text.count("\n", 0, position) + 1, read_as))


def _csv_reader(text: str, read_as: str, lossy_checked: bool = False):
    """A csv.reader over the text, once the whole text is known to have lost no names to its encoding.

    ``lossy_checked``: the caller looks for lost names itself (see ``lossy_slices``).
    """
    if not lossy_checked:
        _refuse_lossy(text, read_as)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _csv_rows(text: str, read_as: str) -> Iterator[tuple[int, list[str]]]:
    reader = _csv_reader(text, read_as)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise TabularError(_("Line %(line)d cannot be read: %(reason)s", line=reader.line_num, reason=exc)) from exc


def _damaged() -> TabularError:
    return TabularError(_("The spreadsheet is damaged and cannot be opened. Save it again from your "
                          "spreadsheet and try once more."))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from electoral.core.xlsx import open_workbook

    workbook = open_workbook(data)  # size and cell count checked before anything is parsed
    # openpyxl raises many types for a damaged file, on opening or rows later.
    try:
        rows = enumerate(workbook.worksheets[0].iter_rows(), start=1)
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
            yield number, [_cell_text(c.value, getattr(c, "number_format", "General")) for c in cells]
    finally:
        workbook.close()


# A number format of zeros only ("00000000000"): the cell shows the number padded to that width.
_ZERO_PADDED = re.compile(r"0+")


def _cell_text(value, number_format: str = "General") -> str:
    """The text a spreadsheet shows for a cell: codes keep their leading zeros, dates read as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        integral = isinstance(value, int) or value.is_integer()
        if integral and _ZERO_PADDED.fullmatch(number_format or ""):
            return f"{int(value):0{len(number_format)}d}"
        return str(int(value)) if integral else str(value)
    return str(value)


def _rows(data: bytes, filename: str) -> tuple[Iterator[tuple[int, list[str]]], str]:
    """The file's rows and the encoding they were read in (XLSX is XML: UTF-8)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(data), "xlsx"
    if suffix in (".csv", ".txt", ""):
        text, read_as = _decode(data)
        return _csv_rows(text, read_as), read_as
    raise TabularError(_("Only CSV and XLSX files can be imported, not %(suffix)s.", suffix=suffix))


def encoding_of(data: bytes, filename: str) -> str | None:
    """The name of the encoding a CSV file is read in (None for XLSX), to tell the person who imported it."""
    if Path(filename).suffix.lower() == ".xlsx":
        return None
    try:
        return encoding.label(_decode(data)[1])
    except TabularError:
        return None


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


def _picked(rows: Iterator[tuple[int, list[str]]], positions: list[int], width: int, read_as: str):
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
        if read_as == "xlsx":  # CSV text was looked at whole, before its rows were split
            try:
                encoding.check("\x1f".join(values))
            except encoding.LossyText as problem:
                raise TabularError(encoding.lossy_message(problem, line, "utf-8")) from None
        if "'" in "".join(values):
            values = tuple(_unquote(value) for value in values)
        yield line, values


def read_table(data: bytes, filename: str, required: list[str], optional: list[str] = ()) -> Iterator[Row]:
    """Yield rows as dicts keyed by the expected column names, stripped of spaces.

    Raises TabularError when the header lacks a required column.
    """
    rows, read_as = _rows(data, filename)
    names = _header(rows, required)
    wanted = [c for c in (*required, *optional) if c in names]
    for line, values in _picked(rows, [names.index(c) for c in wanted], len(names), read_as):
        yield Row(line, dict(zip(wanted, values, strict=True)))


def read_columns(data: bytes, filename: str, columns: list[str],
                 required: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Yield (line, values) with the values of ``columns`` in that order, "" where the file lacks a column.

    What a large import reads: a tuple per row, not a dict. Raises TabularError when
    the header lacks a required column.
    """
    rows, read_as = _rows(data, filename)
    names = _header(rows, required)
    # A column the file lacks is read from one empty cell past the last.
    positions = [names.index(c) if c in names else len(names) for c in columns]
    yield from _picked(rows, positions, max(positions) + 1, read_as)


def lossy_slices(data: bytes, filename: str, slices: int) -> Iterator[None]:
    """The look for names a CSV file lost to its encoding that reading it makes, a slice of its text at a time.

    For a reader in another process (``read_column_chunks`` with ``lossy_checked``): each
    step looks at about one ``slices``-th of the text, so the look can be spread between
    other work. Slices end at line ends, and no lost name spans one, so a slice finds one
    exactly when the whole text does; the whole text then words it (TabularError), as
    reading it would have. Nothing for a file other than CSV text (its rows are looked at
    as they are read).
    """
    if Path(filename).suffix.lower() not in (".csv", ".txt", ""):
        return
    text, read_as = _decode(data)
    size = max(len(text) // max(slices, 1), 1)
    start = 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        if encoding.find_lossy(text[start:end]):
            _refuse_lossy(text, read_as)
        start = end
        yield


def read_column_chunks(data: bytes, filename: str, columns: list[str], required: list[str],
                       size: int, lossy_checked: bool = False) -> Iterator[tuple[list[int], list[tuple[str, ...]],
                                                                                 list[list[str]]]]:
    """``read_columns`` in chunks of up to ``size`` rows: (lines, rows, the same values column by column).

    The same rows, values and errors as ``read_columns``, for a million-row import: a
    CSV file's chunk is read by the C reader at once and its cells picked, stripped and
    measured column by column (C-level maps), not cell by cell in Python. A row that
    spans lines (a quoted line break) gets its last line's number, as ``read_columns`` gives.
    ``lossy_checked``: the caller looks for names lost to the file's encoding (``lossy_slices``).
    """
    if Path(filename).suffix.lower() not in (".csv", ".txt", ""):
        rows = read_columns(data, filename, columns, required)
        while chunk := list(islice(rows, size)):
            lines, values = map(list, zip(*chunk, strict=True))
            yield lines, values, [list(column) for column in zip(*values, strict=True)]
        return
    text, read_as = _decode(data)
    reader = _csv_reader(text, read_as, lossy_checked)
    try:
        names = _header(((reader.line_num, cells) for cells in reader), required)
    except csv.Error as exc:
        raise TabularError(_("Line %(line)d cannot be read: %(reason)s", line=reader.line_num, reason=exc)) from exc
    positions = [names.index(c) if c in names else len(names) for c in columns]
    width = max(positions) + 1
    while True:
        start = reader.line_num
        try:
            chunk = list(islice(reader, size))
        except csv.Error as exc:
            raise TabularError(_("Line %(line)d cannot be read: %(reason)s", line=reader.line_num,
                                 reason=exc)) from exc
        if not chunk:
            return
        lines = _chunk_lines(chunk, start, reader.line_num)
        joined = list(map("".join, chunk))
        if not all(map(str.strip, joined)):  # blank rows are skipped
            keep = list(map(bool, map(str.strip, joined)))
            chunk, lines, joined = list(compress(chunk, keep)), list(compress(lines, keep)), list(compress(joined, keep))
            if not chunk:
                continue
        if min(map(len, chunk)) < width:
            chunk = [cells if len(cells) >= width else cells + [""] * (width - len(cells)) for cells in chunk]
        # Column by column (one C-level map each): zip(*chunk) of thousands of rows is several times slower.
        values_by_column = [list(map(str.strip, map(itemgetter(position), chunk))) for position in positions]
        # No row longer than a cell may be (nearly always): no cell measured.
        longest = [max(map(len, column)) for column in values_by_column] if max(map(len, joined)) > MAX_CELL else [0]
        if max(longest) > MAX_CELL:
            first = min(next(i for i, value in enumerate(column) if len(value) > MAX_CELL)
                        for column, length in zip(values_by_column, longest, strict=True) if length > MAX_CELL)
            raise TabularError(_("Line %(line)d has a value longer than %(max)d characters.", line=lines[first],
                                 max=MAX_CELL))
        for number, column in enumerate(values_by_column):
            if "\x1f'" in "\x1f" + "\x1f".join(column):  # a value starts with a quote
                values_by_column[number] = [_unquote(value) if value[:1] == "'" else value for value in column]
        yield lines, list(zip(*values_by_column, strict=True)), values_by_column


def _chunk_lines(chunk: list[list[str]], start: int, end: int) -> list[int]:
    """The line each row of a chunk ends on (``reader.line_num`` after it), the chunk read from line ``start``."""
    if end - start == len(chunk):  # one line a row: no quoted line break
        return list(range(start + 1, end + 1))
    lines, line = [], start
    for cells in chunk:
        joined = "".join(cells)
        line += 1 + (joined.replace("\r\n", "\n").replace("\r", "\n").count("\n") if "\n" in joined or "\r" in joined
                     else 0)
        lines.append(line)
    lines[-1] = end  # where the reader stopped (a quote left open at the end holds the last line break)
    return lines


def _unquote(text: str) -> str:
    # A file exported here and edited comes back with safe_cell's quote: take it off again.
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in _FORMULA_START else text


def safe_cell(value):
    """A cell a spreadsheet shows as text and never runs: a formula gets a leading quote.

    Only text a spreadsheet would evaluate as a formula is guarded: a number written
    with its sign, and so a phone number in E.164 (+231...), is left as it is, since a
    spreadsheet reads it as a number at worst and an apostrophe would show in every
    tool. Control characters an XLSX cannot hold are dropped. Numbers pass unchanged.
    """
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        if ";" in value:
            # A spreadsheet splitting CSV on semicolons (French, Spanish, Portuguese locales) makes
            # each part after one a cell of its own: each such part is guarded as a cell would be.
            value = _FORMULA_AFTER_SEMICOLON.sub(r"\1'", value)
        if value.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(value):
            return "'" + value
    return value


# A plain number with its sign (-3, +1.5, +231770123456): evaluated, it is only itself.
_SIGNED_NUMBER = re.compile(r"[+-](\d+([.,]\d+)?|[.,]\d+)")
_FORMULA_AFTER_SEMICOLON = re.compile(r"(;)(?=[=+\-@\t\r])(?![+-](\d+([.,]\d+)?|[.,]\d+)(;|$))")
# A cell holding one of these is quoted. The semicolon too: French, Spanish and Portuguese
# spreadsheets split CSV on it, and an unquoted one would cut a cell in two.
_QUOTE = re.compile(r'[,;"\r\n]')
_ROW_NEEDS_QUOTES = re.compile(r'[;"\r\n]')


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _QUOTE.search(text) else text


class SafeCsvWriter:
    """What every CSV export writes with: UTF-8 text with a BOM, every cell through safe_cell.

    The BOM makes Excel and LibreOffice open the file as UTF-8 (Arabic names, accents)
    on a double click. Lines end in CRLF (RFC 4180); cells with a comma, semicolon, quote
    or line break are quoted.
    """

    def __init__(self, stream, bom: bool = True):
        self._stream = stream
        if bom:
            stream.write("\ufeff")

    def writerow(self, row: Iterable):
        cells = ["" if v is None else str(safe_cell(v)) for v in row]
        line = ",".join(cells)
        # Most rows need no quotes: found with two C-level scans, not a look at every cell.
        if _ROW_NEEDS_QUOTES.search(line) or line.count(",") != len(cells) - 1:
            line = ",".join(map(_csv_field, cells))
        self._stream.write(line + "\r\n")

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
