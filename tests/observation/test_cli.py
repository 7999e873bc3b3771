"""`electoral observation ...` commands."""

import csv

from electoral.observation import services
from electoral.observation.models import ApiToken
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist
from tests.observation.test_xlsform import VALID, xlsform


def test_tokens_create_prints_the_token_once_and_stores_its_hash(runner, db):
    observer = make_observer()
    db.session.commit()
    result = runner.invoke(args=["observation", "tokens", "create", observer.user.username])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("eot_")
    assert services.token_user(db.session, token).id == observer.user.id
    assert token not in db.session.scalar(db.select(ApiToken.token_hash))


def test_templates_import_reads_an_xlsform(runner, db, tmp_path):
    path = tmp_path / "opening.xlsx"
    path.write_bytes(xlsform(VALID))
    result = runner.invoke(args=["observation", "templates", "import", str(path), "--publish"])
    assert result.exit_code == 0, result.output
    assert "Imported OPENING version 1 with 4 questions (published)" in result.output


def test_export_writes_one_row_per_current_submission(runner, db, tmp_path):
    template = make_opening_checklist()
    observer = make_observer()
    services.submit(db.session, template, observer.station, OPENING_OK, "cli-000001", observer)
    db.session.commit()
    path = tmp_path / "open.csv"
    result = runner.invoke(args=["observation", "export", str(path), "--template", "OPEN"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][5] == "Q1 Did the station open on time?"
    assert rows[1][0] == observer.station.code and rows[1][5] == "yes"
