"""Every export as CSV or XLSX, written one way: what opens right in Excel and LibreOffice.

CSV cannot tell a spreadsheet that ``00000600140`` or ``01`` is text, so every
download is offered as XLSX too: typed cells (text as text, numbers as numbers,
dates as dates), the header frozen, columns wide enough to read, written in
openpyxl's write-only mode so a national roll streams to disk row by row instead
of being held as a million cell objects.
"""

import datetime as dt
import io
from collections.abc import Iterable
from itertools import chain, islice
from typing import Any

from electoral.core.tabular import _ILLEGAL, SafeCsvWriter

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Column widths are measured on the first rows: enough to size them, without holding a roll.
_MEASURED_ROWS = 200
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def write_csv(stream, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write ``header`` and ``rows`` as CSV text (UTF-8 BOM, formula guard) to a text stream; the rows written."""
    writer = SafeCsvWriter(stream)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def csv_bytes(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue().encode("utf-8")


def _xlsx_value(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        # A typed text cell is shown, never evaluated: no guard (and no visible apostrophe) needed.
        text = _strip_illegal(value)
        if text.startswith("="):
            # openpyxl writes a string starting with = as a formula; typed as text it is only shown.
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            return cell
        return text
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # XLSX has no time zones: times are written in UTC, as the application keeps them.
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _strip_illegal(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(part) for part in str(value).split("\n")), default=0)


def write_xlsx(target, header: list[str], rows: Iterable[Iterable[Any]], title: str = "Export") -> int:
    """Write ``header`` and ``rows`` as an XLSX workbook to a path or binary stream; the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    rows = iter(rows)
    first = [list(row) for row in islice(rows, _MEASURED_ROWS)]
    widths = [len(str(h)) for h in header]
    for row in first:
        for index, value in enumerate(row[:len(widths)]):
            widths[index] = max(widths[index], _width(value))
    # Widths and the frozen header must be set before the first row: write-only sheets write as they go.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=_strip_illegal(str(name)))
        cell.data_type, cell.font = "s", bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in chain(first, rows):
        sheet.append([_xlsx_value(sheet, v) for v in row])
        count += 1
    workbook.save(target)
    return count


def _sheet_title(title: str) -> str:
    # A sheet's name has at most 31 characters and none of []:*?/\ (Excel refuses the workbook otherwise).
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title)).strip()
    return cleaned[:31] or "Export"


def xlsx_bytes(header: list[str], rows: Iterable[Iterable[Any]], title: str = "Export") -> bytes:
    out = io.BytesIO()
    write_xlsx(out, header, rows, title)
    return out.getvalue()


def export_bytes(fmt: str, header: list[str], rows: Iterable[Iterable[Any]], title: str = "Export") -> bytes:
    """The export in ``fmt`` (csv or xlsx)."""
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, title)
    return csv_bytes(header, rows)


def write_file(path: str, header: list[str], rows: Iterable[Iterable[Any]], title: str = "Export") -> int:
    """Write the export to ``path``, as XLSX when its name ends in .xlsx, CSV otherwise; the rows written."""
    if str(path).lower().endswith(".xlsx"):
        return write_xlsx(path, header, rows, title)
    with open(path, "w", newline="", encoding="utf-8") as out:
        return write_csv(out, header, rows)


def download(fmt: str, header: list[str], rows: Iterable[Iterable[Any]], name: str, title: str | None = None):
    """A Flask response carrying the export as ``name``.csv or ``name``.xlsx."""
    from flask import Response

    body = export_bytes(fmt, header, rows, title or name)
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def rows_of(records: Iterable[dict], header: list[str]) -> Iterable[list]:
    """Rows in ``header`` order from dicts keyed by the header's names."""
    return ([record.get(h) for h in header] for record in records)


class Counted:
    """Rows passed through as they stream, counted: what an audit entry records of an export."""

    def __init__(self, rows: Iterable[Any]):
        self._rows, self.count = rows, 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row
