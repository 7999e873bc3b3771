"""Opening an uploaded XLSX workbook: the one door every XLSX import goes through.

An XLSX is a ZIP of XML. An 85 KB XLSForm held 23 MB of XML and took 53 s of a
request's CPU and 217 MB to parse; a crafted one can hold far more. So before
openpyxl parses anything, the sizes the archive declares (which ZIP reading enforces:
an entry longer than it declares fails its check) and the cell ranges the sheets
declare are held to limits.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from electoral.core.tabular import TabularError


@dataclass(frozen=True)
class Limits:
    uncompressed: int  # bytes of XML (and anything else) inside the archive
    cells: int  # cells the worksheets declare, all sheets together


# A data import: a district's roll of ~200,000 voters is ~40 MB of XML; larger rolls come as CSV.
IMPORT_LIMITS = Limits(uncompressed=150 * 1024 * 1024, cells=5_000_000)
# A checklist form is a few hundred rows: a few hundred KB at most.
FORM_LIMITS = Limits(uncompressed=5 * 1024 * 1024, cells=100_000)

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _declared_cells(archive: zipfile.ZipFile, name: str) -> int:
    with archive.open(name) as sheet:
        head = sheet.read(4096)  # the dimension comes before the sheet's data
    found = _DIMENSION.search(head)
    if not found or not found.group(3):
        return 0
    first_col, first_row, last_col, last_row = found.groups()
    rows = int(last_row) - int(first_row) + 1
    columns = _column_number(last_col) - _column_number(first_col) + 1
    return max(rows, 0) * max(columns, 0)


def _too_large() -> TabularError:
    return TabularError(_("The spreadsheet is too large to import here. Remove empty or unused sheets, rows "
                          "and columns, or split it into several files, and try again."))


def _damaged() -> TabularError:
    return TabularError(_("The spreadsheet is damaged and cannot be opened. Save it again from your "
                          "spreadsheet and try once more."))


def check_workbook(data: bytes, limits: Limits | None = None) -> None:
    """Raise TabularError when the archive is not a workbook, or holds more than ``limits`` allow (a data import's)."""
    limits = limits or IMPORT_LIMITS
    if not data.startswith(b"PK\x03\x04"):  # every XLSX is a ZIP archive
        raise TabularError(_("The file is not an XLSX spreadsheet. Save it from your spreadsheet as an "
                             "Excel workbook (.xlsx) or as \"CSV UTF-8\" and try again."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > limits.uncompressed:
                raise _too_large()
            cells = sum(_declared_cells(archive, entry.filename) for entry in entries
                        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"))
    except TabularError:
        raise
    except Exception as exc:  # zipfile and zlib raise several types for a damaged archive
        raise _damaged() from exc
    if cells > limits.cells:
        raise _too_large()


def open_workbook(data: bytes, limits: Limits | None = None, read_only: bool = True):
    """The workbook (cell values, not formulas) once ``check_workbook`` passes; TabularError otherwise."""
    from openpyxl import load_workbook

    check_workbook(data, limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _damaged() from exc
