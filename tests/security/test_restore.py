"""Finding 10: a restore writes only what its manifest lists, and a refused restore leaves nothing.

A backup entry named ``secret_key`` once overwrote the instance's key, and a refused
restore left every table loaded. Backups here are taken of the small test database
in-process and altered the way an attacker would; each restore goes into a new
SQLite file and an instance folder of its own.
"""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from electoral import extensions
from electoral.core import backup
from electoral.core.restore import restore
from electoral.extensions import db
from electoral.registration.services import jobs
from electoral.reports import services as reports_services
from electoral.results.services import races as races_module
from tests.core.test_backup import ON_POSTGRESQL, empty_database
from tests.factories import make_centre
from tests.registration.factories import make_election, make_voter

KEY = b"the instance's own secret key"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder of the test's own, holding a secret key, for every store that lives in it."""
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_bytes(KEY)
    for module in (extensions, races_module, reports_services, jobs):
        monkeypatch.setattr(module, "INSTANCE_PATH", folder)
    return folder


@pytest.fixture
def taken(db, instance, tmp_path):
    """A backup of a small election with a candidate's picture; returns its path."""
    from tests.results.factories import make_race

    make_election()
    centre = make_centre()
    for _ in range(3):
        make_voter(centre)
    race = make_race(code="PRES")
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), "navy").save(picture, "PNG")
    races_module.save_candidate_photo(db.session, race.candidates[0], picture.getvalue())
    db.session.commit()
    path = tmp_path / "election.zip"
    backup.backup(db.engine, path)
    return path


def _target(tmp_path: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{tmp_path / 'target.db'}")


def _rows(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        present = set(sa.inspect(connection).get_table_names())
        return {t.name: connection.scalar(sa.select(sa.func.count()).select_from(t))
                for t in db.metadata.sorted_tables if t.name in present}


def _altered(source: Path, target: Path, manifest_change=None, members: dict[str, bytes] | None = None,
             drop: tuple[str, ...] = ()) -> Path:
    """A copy of the backup with its manifest changed and members replaced, added or dropped."""
    with zipfile.ZipFile(source) as original:
        manifest = json.loads(original.read("manifest.json"))
        contents = {name: original.read(name) for name in original.namelist() if name != "manifest.json"}
    if manifest_change:
        manifest_change(manifest)
    contents.update(members or {})
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in contents.items():
            if name not in drop:
                archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest))
    return target


def _list_file(area: str, path: str, content: bytes):
    def change(manifest):
        manifest["files"].append({"area": area, "path": path, "size": len(content),
                                  "sha256": hashlib.sha256(content).hexdigest()})
    return change


def test_a_genuine_backup_restores_rows_and_the_picture(taken, instance, tmp_path, app):
    (instance / "candidate_photos").rename(tmp_path / "photos-before")  # the restore must bring it back
    engine = _target(tmp_path)
    manifest = restore(engine, taken)
    assert _rows(engine)["voter"] == 3
    [entry] = manifest["files"]
    assert (instance / entry["path"]).read_bytes() == (tmp_path / "photos-before" / Path(entry["path"]).name).read_bytes()


@pytest.mark.parametrize("path", ["secret_key", "../secret_key", "candidate_photos/../secret_key",
                                  "/etc/passwd", "electoral.db", "candidate_photos/" + "a" * 64 + ".png/../../x"])
def test_an_entry_naming_the_secret_key_or_a_path_is_refused_and_nothing_is_written(taken, instance, tmp_path, path):
    forged = b"an attacker's key"
    crafted = _altered(taken, tmp_path / "crafted.zip", _list_file("instance", path, forged),
                       {f"files/instance/{path}": forged})
    engine = _target(tmp_path)
    with pytest.raises(backup.BackupError, match="not a stored photo or report"):
        restore(engine, crafted)
    assert (instance / "secret_key").read_bytes() == KEY
    assert not any(_rows(engine).values())


def test_a_member_the_manifest_does_not_list_is_refused(taken, instance, tmp_path):
    crafted = _altered(taken, tmp_path / "crafted.zip", members={"secret_key": b"an attacker's key"})
    engine = _target(tmp_path)
    with pytest.raises(backup.BackupError, match="which its manifest does not list"):
        restore(engine, crafted)
    assert (instance / "secret_key").read_bytes() == KEY
    assert _rows(engine) == {}  # refused before the schema was even made


def test_a_table_name_with_path_parts_is_refused(taken, tmp_path):
    def rename(manifest):
        manifest["tables"][0]["name"] = "../region"
    crafted = _altered(taken, tmp_path / "crafted.zip", rename)
    with pytest.raises(backup.BackupError, match="does not know"):
        restore(_target(tmp_path), crafted)


@pytest.mark.parametrize("engine_kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs ELECTORAL_TEST_DATABASE_URL on PostgreSQL"))])
def test_a_table_changed_after_the_backup_is_refused_and_no_table_keeps_rows(taken, tmp_path, engine_kind):
    # The voter table comes late: every table before it is loaded when its checksum fails.
    with zipfile.ZipFile(taken) as original:
        voters = original.read("tables/voter.jsonl")
    tampered = voters.replace(b'"active"', b'"removed"', 1)
    assert tampered != voters
    crafted = _altered(taken, tmp_path / "crafted.zip", members={"tables/voter.jsonl": tampered})
    # On PostgreSQL the rows go in by COPY: the refusal must abort it and roll the transaction back too.
    engine = (_target(tmp_path) if engine_kind == "sqlite"
              else sa.create_engine(empty_database(tmp_path, "restore_refused", postgresql=True)))
    with pytest.raises(backup.BackupError, match="damaged"):
        restore(engine, crafted)
    rows = _rows(engine)
    engine.dispose()
    assert "region" in rows and not any(rows.values()), rows


def test_a_damaged_picture_is_refused_and_neither_rows_nor_files_are_left(taken, instance, tmp_path):
    with zipfile.ZipFile(taken) as original:
        [name] = [n for n in original.namelist() if n.startswith("files/")]
    crafted = _altered(taken, tmp_path / "crafted.zip", members={name: b"not the picture that was backed up"})
    (instance / "candidate_photos").rename(tmp_path / "photos-before")
    engine = _target(tmp_path)
    with pytest.raises(backup.BackupError, match="damaged"):
        restore(engine, crafted)
    assert not any(_rows(engine).values())
    assert not any(p.is_file() for p in (instance / "candidate_photos").rglob("*"))


def test_a_backup_never_carries_a_file_a_row_names_by_path(db, instance, tmp_path):
    from tests.results.factories import make_race

    race = make_race(code="PRES")
    race.candidates[0].photo_path = "secret_key"
    race.candidates[1].photo_path = "candidate_photos/../secret_key"
    db.session.commit()
    manifest = backup.backup(db.engine, tmp_path / "b.zip")
    assert manifest["files"] == []
    assert sorted(manifest["missing_files"]) == ["instance/candidate_photos/../secret_key", "instance/secret_key"]
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert not any(KEY in archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize("change", [
    lambda m: m.update(version="2"), lambda m: m.update(tables={"region": 1}), lambda m: m.update(files="x"),
    lambda m: m["tables"].append("region"),
])
def test_a_malformed_manifest_is_refused_without_a_traceback(taken, tmp_path, change):
    crafted = _altered(taken, tmp_path / "crafted.zip", change)
    with pytest.raises(backup.BackupError):
        restore(_target(tmp_path), crafted)
