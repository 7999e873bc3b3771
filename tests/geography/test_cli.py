"""`electoral geography import`."""

from tests.geography.test_import import GOOD, csv_bytes


def test_cli_import_reports_counts(runner, tmp_path, db):
    path = tmp_path / "geo.csv"
    path.write_bytes(csv_bytes(GOOD))
    result = runner.invoke(args=["geography", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 2 regions, 3 districts, 3 centres, 4 stations" in result.output


def test_cli_import_lists_bad_lines_and_exits_non_zero(runner, tmp_path, db):
    path = tmp_path / "geo.csv"
    path.write_bytes(csv_bytes(GOOD + ["MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,S,MO-01-001-01,x"]))
    result = runner.invoke(args=["geography", "import", str(path)])
    assert result.exit_code == 1
    assert "line 6: station code MO-01-001-01 is already on line 2" in result.output
    assert "nothing was imported" in result.output
