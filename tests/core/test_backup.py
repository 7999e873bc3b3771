"""`electoral backup` and `electoral restore`: a demo election goes round and comes back whole.

The commands run as the operator runs them, in a subprocess with their own
database and instance folder, so the test database and its per-test cleaning
are not involved. The demo's rows are written once for the module into a SQLite
database of its own: loading it takes a while, and is done once per worker (tests/conftest.py:
demo_rows).
"""

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

import electoral.models  # noqa: F401  (every table in the metadata)
from electoral.extensions import db
from tests.conftest import TEST_DATABASE_URL, worker_database

ON_POSTGRESQL = TEST_DATABASE_URL.startswith("postgresql")
PHOTO = b"\xff\xd8\xff\xe0 not really a JPEG, but bytes to carry"
PDF = b"%PDF-1.4 printed voter list"


def electoral(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "ELECTORAL_INSTANCE": str(instance)}
    env.pop("REDIS_URL", None)
    return subprocess.run([str(Path(sys.executable).with_name("electoral")), *args],
                          env=env, capture_output=True, text=True, timeout=900)


def empty_database(tmp: Path, name: str, postgresql: bool = False) -> str:
    """A database with no tables: a new SQLite file, or a PostgreSQL database dropped clean."""
    if not postgresql:
        return f"sqlite:///{tmp / (name + '.db')}"
    url = worker_database(TEST_DATABASE_URL, f"backup_{name}")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by key, with times made comparable across databases."""
    def same(value):
        # SQLite keeps no zone (its times are UTC); PostgreSQL gives them back with one.
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC)
        return value

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = {table.name: [tuple(same(v) for v in row) for row in connection.execute(
                    sa.select(table).order_by(*(table.primary_key.columns or table.columns)))]
                for table in db.metadata.sorted_tables}
        # A JSON null and an SQL NULL both read as None: compare which is which too.
        for table in db.metadata.sorted_tables:
            json_columns = [c for c in table.columns if isinstance(c.type, sa.JSON)]
            if json_columns:
                rows[f"{table.name} (SQL NULLs)"] = connection.execute(
                    sa.select(*table.primary_key.columns, *[c.is_(None) for c in json_columns])
                    .order_by(*table.primary_key.columns)).all()
    engine.dispose()
    return rows


def instance_files(instance: Path) -> dict[str, bytes]:
    return {str(path.relative_to(instance)): path.read_bytes()
            for folder in ("photos", "reports") if (instance / folder).exists()
            for path in (instance / folder).rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def source(tmp_path_factory, demo_rows):
    """A demo election on SQLite with a voter's photo and a printed report, and its backup."""
    from electoral import create_app
    from electoral.config import testing_config
    from electoral.registration.models import Voter
    from electoral.reports.models import ReportJob
    from tests.conftest import write_rows

    tmp = tmp_path_factory.mktemp("backup")
    instance = tmp / "source-instance"
    url = empty_database(tmp, "source")
    engine = sa.create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()

    app = create_app({**testing_config(url), "PHOTO_DIR": str(instance / "photos")})
    with app.app_context():
        # The rows of `electoral demo load`, run once per worker on the test database (tests/conftest.py:
        # demo_rows), written into this one: the backup and restore below are the commands under test,
        # run as the operator runs them.
        loaded, rows = demo_rows
        assert loaded.exit_code == 0, loaded.output
        write_rows(rows)
        voter = db.session.scalar(sa.select(Voter).order_by(Voter.id).limit(1))
        voter.photo_path = f"{voter.voter_number}.jpg"
        (instance / "photos").mkdir(parents=True)
        (instance / "photos" / voter.photo_path).write_bytes(PHOTO)
        (instance / "reports").mkdir()
        (instance / "reports" / "1-0123456789abcdef.pdf").write_bytes(PDF)
        db.session.add(ReportJob(printed_by="Amara Kollie", report="voter-list", params={"station": "MO-01-001-01"},
                                 lang="ar", state="done", done=3, total=3, file_path="reports/1-0123456789abcdef.pdf",
                                 finished_at=dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    rows = table_rows(url)
    archive = tmp / "election.zip"
    taken = electoral(url, instance, "backup", str(archive))
    assert taken.returncode == 0, taken.stderr
    return {"url": url, "instance": instance, "rows": rows, "archive": archive, "tmp": tmp, "output": taken.stdout}


def restore_and_check(source, archive: Path, target_url: str, instance: Path) -> None:
    restored = electoral(target_url, instance, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "voter: 6,000 rows" in restored.stdout
    after = table_rows(target_url)
    assert after.keys() == source["rows"].keys()
    for name, rows in source["rows"].items():
        assert after[name] == rows, f"table {name} differs after the round trip"
    assert instance_files(instance) == instance_files(source["instance"])
    verified = electoral(target_url, instance, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "The audit trail is intact" in verified.stdout


def test_backup_shows_rows_per_table_and_holds_a_manifest(source):
    assert "voter: 6,000 rows" in source["output"]
    with zipfile.ZipFile(source["archive"]) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = [table["name"] for table in manifest["tables"]]
        assert names.index("polling_station") < names.index("voter")  # parents before children
        assert {t["name"]: t["rows"] for t in manifest["tables"]}["voter"] == 6000
        files = sorted((f["area"], f["path"].endswith(".jpg") or f["path"]) for f in manifest["files"])
        assert files == [("instance", "reports/1-0123456789abcdef.pdf"), ("voter-photos", True)]


def test_sqlite_to_sqlite_round_trip_keeps_every_row_file_and_the_audit_chain(source):
    target = empty_database(source["tmp"], "sqlite-copy")
    restore_and_check(source, source["archive"], target, source["tmp"] / "sqlite-copy-instance")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs ELECTORAL_TEST_DATABASE_URL on PostgreSQL")
def test_sqlite_to_postgresql_and_back_keeps_every_row_file_and_the_audit_chain(source):
    postgresql = empty_database(source["tmp"], "pg", postgresql=True)
    pg_instance = source["tmp"] / "pg-instance"
    restore_and_check(source, source["archive"], postgresql, pg_instance)

    # The sequences go on after the restored ids: a new row does not collide with an old one.
    engine = sa.create_engine(postgresql)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT nextval(pg_get_serial_sequence('voter', 'id'))")) > 6000
    engine.dispose()

    second = source["tmp"] / "from-pg.zip"
    taken = electoral(postgresql, pg_instance, "backup", str(second))
    assert taken.returncode == 0, taken.stderr
    back = empty_database(source["tmp"], "back-from-pg")
    restore_and_check(source, second, back, source["tmp"] / "back-instance")


def test_restore_refuses_a_database_that_holds_data(source):
    refused = electoral(source["url"], source["tmp"] / "elsewhere", "restore", str(source["archive"]))
    assert refused.returncode == 1
    assert "The database is not empty" in refused.stderr
    assert "restore only into an empty database" in refused.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(source):
    stray = source["tmp"] / "stray.zip"
    with zipfile.ZipFile(stray, "w") as archive:
        archive.writestr("hello.txt", "hi")
    target = empty_database(source["tmp"], "stray-target")
    refused = electoral(target, source["tmp"] / "stray-instance", "restore", str(stray))
    assert refused.returncode == 1
    assert "not an electoral backup" in refused.stderr


def test_taking_a_backup_is_written_in_the_audit_trail(source):
    engine = sa.create_engine(source["url"])
    with engine.connect() as connection:
        entry = connection.execute(sa.text(
            "SELECT username, action, entity_type, entity_id FROM audit_entry ORDER BY seq DESC LIMIT 1")).one()
    engine.dispose()
    assert entry.action == "export" and entry.entity_type == "Backup" and entry.entity_id == "election.zip"
    assert entry.username.startswith("cli:")


def test_a_write_during_the_backup_stays_out_of_it(source, tmp_path):
    """The snapshot: a region committed while the backup reads is in neither its rows nor its counts."""
    from electoral import create_app
    from electoral.config import testing_config
    from electoral.core import backup

    copy = empty_database(tmp_path, "live", postgresql=ON_POSTGRESQL)
    restored = electoral(copy, tmp_path / "live-instance", "restore", str(source["archive"]))
    assert restored.returncode == 0, restored.stderr
    writer = sa.create_engine(copy)
    written = []

    def write_while_reading(table, done, total):
        if table == "audit_entry" and not written:
            with writer.begin() as connection:
                connection.execute(sa.text("INSERT INTO region (code, name) VALUES ('ZZ', 'Late Region')"))
            written.append(True)

    app = create_app({**testing_config(copy), "PHOTO_DIR": str(tmp_path / "live-instance" / "photos")})
    with app.app_context():
        manifest = backup.backup(db.engine, tmp_path / "live.zip", progress=write_while_reading)
        db.engine.dispose()
    writer.dispose()
    assert written
    assert {t["name"]: t["rows"] for t in manifest["tables"]}["region"] == 5
    with zipfile.ZipFile(tmp_path / "live.zip") as archive:
        assert b"Late Region" not in archive.read("tables/region.jsonl")
