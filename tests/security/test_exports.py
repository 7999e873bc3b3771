"""Every CSV and XLSX export of the application escapes formula cells.

The exports are found in the URL map (and the CLI's export commands), a formula is
planted in every name a user can type, and each export is read back.
"""

import csv
import io

import pytest
from sqlalchemy import select

from electoral.registration.models import Voter
from tests.security.hostile import NASTY

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(1+1)"]
RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# An XLSX cell typed as a formula; a text cell is shown as it is, whatever it starts with.
FORMULA = object()


def _cells(body: bytes, xlsx: bool) -> list:
    if xlsx:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        return [FORMULA if cell.data_type == "f" else "" if cell.value is None else str(cell.value)
                for row in sheet.iter_rows() for cell in row]
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def _unsafe(cells: list, xlsx: bool = False) -> list:
    if xlsx:
        return [c for c in cells if c is FORMULA]
    return [c for c in cells if c.startswith(RISKY_START) and not _is_number(c)]


def _reached(cells: list, xlsx: bool) -> bool:
    """The planted formulas reached the export: escaped in CSV, as text cells in XLSX."""
    if xlsx:
        return any(c in FORMULAS for c in cells)
    return any(isinstance(c, str) and c.startswith("'") and c[1:] in FORMULAS for c in cells)


@pytest.fixture
def planted(db, election):
    """A formula in every name people type that an export shows: areas, voters, candidates, incidents."""
    from electoral.observation import services as observation
    from tests.observation.factories import make_observer

    station, centre = election["station"], election["centre"]
    district, region = centre.district, centre.district.region
    for record, formula in zip((station, centre, district, region), FORMULAS, strict=True):
        record.name = formula
    voters = db.session.scalars(select(Voter).where(Voter.centre_id == centre.id)).all()
    for voter, formula in zip(voters, FORMULAS, strict=False):
        voter.family_name = formula
    for candidate, formula in zip(election["race"].candidates, FORMULAS, strict=False):
        candidate.name = formula
    observer = make_observer(station)
    observation.report_incident(db.session, observer, station, "other", FORMULAS[0], "high", "hostile:0001")
    db.session.commit()
    return election


def _export_urls(app, election) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        # A route naming another record (an uploaded XLSForm by its id) serves a file, not an export of names.
        if rule.rule.endswith((".csv", ".xlsx")) and set(rule.arguments) <= {"code", "fmt"}:
            urls.append(rule.rule.replace("<code>", election["race"].code))
    for fmt in ("csv", "xlsx"):
        urls += [f"/observation/export/incidents.{fmt}", f"/observation/export/coverage.{fmt}",
                 f"/observation/export/submissions.{fmt}?template=OPEN"]
    return urls


def test_every_web_export_escapes_formula_cells(app, everyone, planted):
    urls = _export_urls(app, planted)
    assert len(urls) >= 10
    escaped = 0
    for url in urls:
        response = everyone.get(url)
        assert response.status_code == 200, url
        xlsx = url.split("?")[0].endswith(".xlsx")
        cells = _cells(response.data, xlsx)
        assert _unsafe(cells, xlsx) == [], url
        escaped += _reached(cells, xlsx)
    # The planted formulas did reach the exports (escaped), not only pass unseen.
    assert escaped >= len(urls) // 2, escaped


@pytest.mark.parametrize("args", [["voters", "export"], ["voters", "figures"], ["voters", "duplicates", "export"],
                                  ["results", "export", "--race", "{race}"]])
def test_every_command_line_export_escapes_formula_cells(runner, planted, tmp_path, args):
    target = tmp_path / "export.csv"
    command = [a.replace("{race}", planted["race"].code) for a in args]
    result = runner.invoke(args=[*command, str(target)])
    assert result.exit_code == 0, result.output
    assert _unsafe(_cells(target.read_bytes(), xlsx=False)) == []


def test_a_formula_cell_survives_export_and_reimport_as_the_same_text(app):
    from electoral.core.tabular import SafeCsvWriter, read_table

    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["name"])
    for value in [*FORMULAS, *NASTY[:10]]:
        writer.writerow([value])
    with app.test_request_context():
        back = [row.values["name"] for row in read_table(out.getvalue().encode(), "x.csv", ["name"])]
    # What came back is what went out, less what a CSV cell cannot carry (control characters, outer spaces).
    assert back[:4] == FORMULAS
