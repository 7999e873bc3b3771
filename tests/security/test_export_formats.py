"""Every export comes as CSV and as XLSX, and both open right in a spreadsheet.

The exports are found in the URL map: every route ending in .csv must have an .xlsx
twin on the same view, and both are downloaded. Where LibreOffice is installed
(Debian: libreoffice-calc-nogui), every download is opened by it (``soffice
--headless --convert-to``) and read back: names in Arabic and with accents, and
codes with leading zeros, come out as they went in.
"""

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

NAME = "عبد الله الفيتوري Kollié"
CODE = "0014"  # a code whose leading zeros a spreadsheet would drop from a number


@pytest.fixture
def named(db, election):
    """The election's station, centre and voters named in Arabic and French, the station's code zero-padded."""
    from sqlalchemy import select

    from electoral.registration.models import Voter

    station, centre = election["station"], election["centre"]
    station.code, station.name, centre.name = CODE, NAME, NAME
    for voter in db.session.scalars(select(Voter).where(Voter.centre_id == centre.id)):
        voter.family_name = NAME
    db.session.commit()
    return election


# CSV files served that are records, not spreadsheet exports: left out of the walks, each for its reason.
NOT_EXPORTS = {
    # The daily manifest of tally sheet images is canonical text whose bytes parties hash and compare from day
    # to day: its first line names the audit chain's head, and it is written as is (no BOM, no formula guard)
    # so the same images always give the same bytes. An XLSX copy would be a second, unhashable version.
    "/results/public/images-manifest.csv",
}


def _twins(app, race_code: str) -> list[tuple[str, str]]:
    """(CSV url, XLSX url) for every export route."""
    # A route naming another record (an uploaded XLSForm by its id) serves a file, not an export.
    rules = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules() if set(rule.arguments) <= {"code", "fmt"}}
    assert NOT_EXPORTS <= set(rules), "an exempted route is gone: take it out of NOT_EXPORTS"
    pairs = []
    for path, endpoint in rules.items():
        if path.endswith(".csv") and path not in NOT_EXPORTS:
            twin = path[:-4] + ".xlsx"
            assert rules.get(twin) == endpoint, f"{path} has no XLSX twin"
            pairs.append((path.replace("<code>", race_code), twin.replace("<code>", race_code)))
    for kind in ("incidents", "coverage", "submissions"):
        query = "?template=OPEN" if kind == "submissions" else ""
        pairs.append((f"/observation/export/{kind}.csv{query}", f"/observation/export/{kind}.xlsx{query}"))
    return pairs


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True)]


def test_every_export_comes_as_csv_and_xlsx_with_the_same_header(app, everyone, named):
    pairs = _twins(app, named["race"].code)
    assert len(pairs) >= 9, pairs
    for csv_url, xlsx_url in pairs:
        as_csv, as_xlsx = everyone.get(csv_url), everyone.get(xlsx_url)
        assert as_csv.status_code == as_xlsx.status_code == 200, (csv_url, as_csv.status_code, as_xlsx.status_code)
        assert as_csv.mimetype == "text/csv" and as_csv.data.startswith(b"\xef\xbb\xbf"), csv_url
        assert as_xlsx.mimetype.endswith("spreadsheetml.sheet"), xlsx_url
        book = load_workbook(io.BytesIO(as_xlsx.data))
        assert book.worksheets[0].freeze_panes == "A2", xlsx_url
        assert [str(h) for h in _xlsx_rows(as_xlsx.data)[0]] == _csv_rows(as_csv.data)[0], xlsx_url
        assert len(_xlsx_rows(as_xlsx.data)) == len(_csv_rows(as_csv.data)), xlsx_url


def _zero_led(value) -> bool:
    return isinstance(value, str) and len(value) > 1 and value.isdigit() and value.startswith("0")


def test_codes_with_leading_zeros_stay_text_in_every_xlsx_export(app, everyone, named):
    """Wherever the CSV holds digits led by a zero (voter numbers, codes), the XLSX holds the same text."""
    checked = 0
    for csv_url, xlsx_url in _twins(app, named["race"].code):
        as_csv = _csv_rows(everyone.get(csv_url).data)
        as_xlsx = _xlsx_rows(everyone.get(xlsx_url).data)
        for csv_row, xlsx_row in zip(as_csv[1:], as_xlsx[1:], strict=True):
            for text, cell in zip(csv_row, xlsx_row, strict=False):
                if _zero_led(text):
                    assert cell == text, (xlsx_url, text, cell)
                    checked += 1
    assert checked >= 4, checked  # voter numbers of the roll and the station code in the allocation


# ---- LibreOffice round trip ---------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui); "
                            "the round trip through a real spreadsheet is skipped")


def _convert(files: list, target: str, tmp_path, infilter: str | None = None) -> None:
    """Open every file in LibreOffice and save it as ``target`` into tmp_path/out (one soffice run)."""
    command = [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(tmp_path / "out"), *map(str, files)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


def _download_all(app, client, race_code, tmp_path, fmt: str) -> dict:
    files = {}
    for number, pair in enumerate(_twins(app, race_code)):
        url = pair[0] if fmt == "csv" else pair[1]
        path = tmp_path / f"export{number:02d}.{fmt}"
        path.write_bytes(client.get(url).data)
        files[path] = url
    return files


@needs_soffice
def test_xlsx_exports_open_in_libreoffice_with_names_and_leading_zeros(app, everyone, named, tmp_path):
    files = _download_all(app, everyone, named["race"].code, tmp_path, "xlsx")
    # Saved back as UTF-8 CSV (filter options: comma, double quote, UTF-8): the text LibreOffice shows.
    _convert(files, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    names = zeros = 0
    for path, url in files.items():
        shown = _csv_rows((tmp_path / "out" / f"{path.stem}.csv").read_bytes())
        original = _xlsx_rows(path.read_bytes())
        assert shown[0] == [str(h) for h in original[0]], url
        for row, original_row in zip(shown[1:], original[1:], strict=True):
            for text, value in zip(row, original_row, strict=False):
                if isinstance(value, str):  # text cells: shown exactly as written, never as a number or a formula
                    assert text == value.replace("\r\n", "\n"), (url, value, text)
                    names += value == NAME
                    zeros += _zero_led(value)
    assert names >= 1 and zeros >= 4, (names, zeros)


@needs_soffice
def test_csv_exports_open_in_libreoffice_as_utf8_with_names_intact(app, everyone, named, tmp_path):
    files = _download_all(app, everyone, named["race"].code, tmp_path, "csv")
    # Opened as the Text Import dialog offers a UTF-8 file (comma, double quote, UTF-8), saved as a workbook.
    _convert(files, "xlsx", tmp_path, infilter="CSV:44,34,76")
    names = 0
    for path, url in files.items():
        rows = _xlsx_rows((tmp_path / "out" / f"{path.stem}.xlsx").read_bytes())
        original = _csv_rows(path.read_bytes())
        assert str(rows[0][0]) == original[0][0], url  # the BOM is not read as part of the first name
        names += any(NAME == value for row in rows for value in row)
    assert names >= 1, names


@needs_soffice
def test_phones_and_formula_text_in_an_xlsx_export_open_as_written_without_an_apostrophe(tmp_path):
    from electoral.core import spreadsheet

    path = tmp_path / "phones.xlsx"
    path.write_bytes(spreadsheet.xlsx_bytes(["phone", "note", "code"], [["+231770000001", "=1+1", "007"]]))
    _convert([path], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    shown = _csv_rows((tmp_path / "out" / "phones.csv").read_bytes())
    assert shown[1] == ["+231770000001", "=1+1", "007"]  # text, not 231770000001, 2 or 7; no ' shown
