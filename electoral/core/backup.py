"""Backup and restore of a whole election: every table and the files the data names.

A backup is a zip file:

- ``manifest.json``: format version, Alembic revision, database dialect, and per
  table (in foreign-key order) its columns, row count and SHA-256; per stored file
  its size and SHA-256;
- ``tables/<table>.jsonl``: one JSON array per row, in the manifest's column order;
- ``files/<area>/<path>``: photos and printed reports the rows refer to.

The rows are read inside one read-only snapshot transaction (SERIALIZABLE READ
ONLY DEFERRABLE on PostgreSQL, one read transaction on SQLite in WAL mode), so
clerks writing during the backup never tear it. Restore writes every row in one
transaction through Core inserts, not the ORM, so nothing is re-audited and the
hash-chained trail comes back byte for byte.

A restore writes only what the manifest lists (backup_check.py): any other member,
a file name its store would not generate (the secret key, the database, a path), or
a checksum that differs refuses it, and a refused restore leaves no row and no file.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.engine import Connection, Engine

from electoral.core import backup_check
from electoral.core.stored_files import FileStore
from electoral.extensions import db

FORMAT = "electoral-backup"
FORMAT_VERSION = 2  # 2: every table's SHA-256 in the manifest
BATCH_SIZE = 2000

Progress = Callable[[str, int, int], None]  # (what, done, total)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


# --- values to and from JSON --------------------------------------------------

def _encode(value: Any) -> Any:
    """The JSON form of what json cannot write itself (called by the encoder, only for those)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


_line = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_encode).encode


def _decoder(column: sa.Column) -> Callable[[Any], Any] | None:
    """How to turn the JSON form of ``column``'s values back into what its type binds."""
    kind = column.type
    if isinstance(kind, sa.DateTime):
        aware = bool(kind.timezone)

        def moment(text: str) -> dt.datetime:
            value = dt.datetime.fromisoformat(text)
            # SQLite keeps no zone: its times are UTC, as the application writes them.
            # PostgreSQL reads naive times in the session's zone, so give it UTC explicitly.
            if value.tzinfo is None:
                return value.replace(tzinfo=dt.UTC) if aware else value
            value = value.astimezone(dt.UTC)
            return value if aware else value.replace(tzinfo=None)
        return moment
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat
    if isinstance(kind, sa.Time):
        return dt.time.fromisoformat
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return decimal.Decimal if kind.asdecimal else float
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode
    return None  # JSON columns travel as their text and go back as it


def _bind_type(column: sa.Column) -> sa.types.TypeEngine:
    return sa.Text() if isinstance(column.type, sa.JSON) else column.type


def _row_decoder(columns: list[sa.Column]) -> Callable[[list[Any]], dict[str, Any]]:
    decoders = [(column.name, _decoder(column)) for column in columns]

    def decode(values: list[Any]) -> dict[str, Any]:
        return {key: (fn(value) if fn is not None and value is not None else value)
                for (key, fn), value in zip(decoders, values, strict=True)}
    return decode


# --- what there is -------------------------------------------------------------

def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def current_revision(connection: Connection) -> str | None:
    """The Alembic revision the schema is at, or None for a schema made by create_all."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def _count(connection: Connection, table: sa.Table) -> int:
    return connection.scalar(sa.select(sa.func.count()).select_from(table))


def _order(table: sa.Table):
    return list(table.primary_key.columns) or list(table.columns)


# --- backup --------------------------------------------------------------------

def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        # DEFERRABLE waits for a moment with no conflicting writers, then reads
        # without ever being cancelled: the textbook option for a consistent dump.
        connection = connection.execution_options(
            isolation_level="SERIALIZABLE", postgresql_readonly=True, postgresql_deferrable=True)
    return connection


def _referenced_files(connection: Connection, names: set[str]) -> Iterator[tuple[FileStore, str]]:
    metadata_tables = {table.name: table for table in _tables()}
    for store in backup_check.load_file_stores():
        for table_name, column_name in store.columns:
            table = metadata_tables.get(table_name)
            if table is None or table_name not in names:
                continue
            column = table.c[column_name]
            for (path,) in connection.execute(sa.select(column).where(column.is_not(None)).distinct()):
                if path:
                    yield store, path


def backup(engine: Engine, target: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Write the whole election to the zip file ``target``; return its manifest."""
    progress = progress or (lambda what, done, total: None)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed at the end: a failed backup leaves no half file.
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive, \
                _snapshot(engine) as connection, connection.begin():
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "dialect": engine.dialect.name,
                "revision": current_revision(connection),
                "tables": [],
                "files": [],
            }
            existing = set(sa.inspect(connection).get_table_names())
            for table in _tables():
                if table.name not in existing:
                    raise BackupError(_("The table %(table)s is missing: upgrade the database first "
                                        "(electoral db upgrade).", table=table.name))
                total = _count(connection, table)
                # The database's columns, not the models': a backup of a database a migration
                # behind the code still takes everything the database holds.
                present = {column["name"] for column in sa.inspect(connection).get_columns(table.name)}
                kept = [column for column in table.columns if column.name in present]
                columns = [column.name for column in kept]
                # JSON as the database's own text: a JSON null stays a JSON null and SQL NULL
                # stays NULL, which parsed values would not tell apart.
                selected = [sa.cast(column, sa.Text).label(column.name) if isinstance(column.type, sa.JSON)
                            else column for column in kept]
                written = 0
                digest = hashlib.sha256()
                progress(table.name, 0, total)
                with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                    result = connection.execute(sa.select(*selected).order_by(*_order(table))
                                                .execution_options(yield_per=BATCH_SIZE))
                    for rows in result.partitions():
                        chunk = "".join(_line(tuple(row)) + "\n" for row in rows).encode("utf-8")
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(rows)
                        progress(table.name, written, total)
                if written != total:  # the snapshot makes this impossible; say so loudly if not
                    raise BackupError(f"{table.name}: counted {total} rows but read {written}")
                manifest["tables"].append({"name": table.name, "columns": columns, "rows": written,
                                           "sha256": digest.hexdigest()})
            referenced = sorted(set(_referenced_files(connection, existing)), key=lambda f: (f[0].area, f[1]))
            missing = []
            for number, (store, relative) in enumerate(referenced, start=1):
                # Only a name the store generated, inside its folder: a row naming secret_key stays out.
                source = store.resolve(relative)
                if source is None:
                    missing.append(f"{store.area}/{relative}")
                    continue
                digest = hashlib.sha256()
                with source.open("rb") as src, archive.open(f"files/{store.area}/{relative}", "w",
                                                             force_zip64=True) as dst:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        dst.write(chunk)
                manifest["files"].append({"area": store.area, "path": relative,
                                          "size": source.stat().st_size, "sha256": digest.hexdigest()})
                progress("files", number, len(referenced))
            manifest["missing_files"] = missing
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return manifest


# --- restore -------------------------------------------------------------------

def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError(_("This file is not an electoral backup (it has no readable manifest).")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("version", 0), int) \
            or not isinstance(manifest.get("tables"), list) or not isinstance(manifest.get("files", []), list):
        raise BackupError(_("This file is not an electoral backup."))
    if manifest.get("version", 0) > FORMAT_VERSION:
        raise BackupError(_("This backup was written by a newer version of electoral (format %(version)s).",
                            version=manifest.get("version")))
    return manifest


def _tables_with_rows(connection: Connection) -> list[str]:
    existing = set(sa.inspect(connection).get_table_names())
    return [table.name for table in _tables()
            if table.name in existing
            and connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()]


def _prepare_schema(engine: Engine, revision: str | None, names: list[str]) -> None:
    """Refuse a database with data; otherwise bring its schema to the backup's revision."""
    with engine.connect() as connection:
        full = _tables_with_rows(connection)
        if full:
            raise BackupError(_("The database is not empty (%(tables)s hold data): restore only into an "
                                "empty database. Create a new one, or drop this one's tables first.",
                                tables=", ".join(full[:5]) + (", …" if len(full) > 5 else "")))
        at = current_revision(connection)
    if revision is not None and at != revision:
        from flask_migrate import upgrade

        upgrade(revision=revision)
    elif revision is None:
        # The backup came from a schema made by create_all (a test or a fresh demo).
        db.metadata.create_all(engine, checkfirst=True)
    with engine.connect() as connection:
        present = set(sa.inspect(connection).get_table_names())
    missing = [name for name in names if name not in present]
    if missing:
        raise BackupError(_("After the upgrade, tables are still missing: %(tables)s.", tables=", ".join(missing)))


def _deferred_columns(tables: list[sa.Table]) -> dict[str, list[sa.Column]]:
    """Foreign-key columns that point at their own table (or a later one): written after every row."""
    position = {table.name: i for i, table in enumerate(tables)}
    deferred: dict[str, list[sa.Column]] = {}
    for table in tables:
        for fk in table.foreign_keys:
            if position.get(fk.column.table.name, -1) >= position[table.name]:
                deferred.setdefault(table.name, []).append(fk.parent)
    return deferred


def _reset_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                         {"t": table.name, "c": column.name})
            if sequence:
                top = connection.scalar(sa.select(sa.func.max(column)))
                connection.execute(sa.text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
                                   {"s": sequence, "v": top or 1, "called": top is not None})


def restore(engine: Engine, source: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Load the backup ``source`` into an empty database and its files into the instance; return the manifest.

    All or nothing: a refused backup leaves the database without rows and writes no file.
    """
    progress = progress or (lambda what, done, total: None)
    with zipfile.ZipFile(source) as archive:
        manifest = read_manifest(archive)
        by_name = {table.name: table for table in _tables()}
        try:
            # Before anything is written: the archive holds exactly what the manifest lists, under safe names.
            backup_check.check_members(archive, manifest, set(by_name))
        except backup_check.RefusedBackup as refused:
            raise BackupError(str(refused)) from None
        _prepare_schema(engine, manifest.get("revision"), [entry["name"] for entry in manifest["tables"]])
        tables = [by_name[entry["name"]] for entry in manifest["tables"]]
        deferred = _deferred_columns(tables)
        # Files are unpacked (and their checksums checked) beside their place first, and put
        # in place only once every row is loaded: a refusal at any step leaves none behind.
        unpacked: list[tuple[Path, Path]] = []
        try:
            _unpack_files(archive, manifest, unpacked, progress)
            with engine.begin() as connection:
                if connection.dialect.name == "sqlite":
                    # As the voter import does: the roll's indexes thrash SQLite's 2 MiB default page cache.
                    connection.exec_driver_sql("PRAGMA cache_size = -262144")
                for entry, table in zip(manifest["tables"], tables, strict=True):
                    _load_table(connection, archive, entry, table, deferred.get(table.name, []), progress)
                if connection.dialect.name == "postgresql":
                    _reset_sequences(connection, tables)
                wrong = [f"{entry['name']} ({_count(connection, by_name[entry['name']])} ≠ {entry['rows']})"
                         for entry in manifest["tables"]
                         if _count(connection, by_name[entry["name"]]) != entry["rows"]]
                if wrong:  # raising rolls every row back: nothing half-restored
                    raise BackupError(_("Row counts differ after loading: %(tables)s.", tables=", ".join(wrong)))
                for temporary, target in unpacked:
                    os.replace(temporary, target)
                unpacked.clear()
        except backup_check.RefusedBackup as refused:
            raise BackupError(str(refused)) from None
        finally:
            for temporary, _target in unpacked:
                temporary.unlink(missing_ok=True)
    return manifest


def _load_table(connection: Connection, archive: zipfile.ZipFile, entry: dict[str, Any], table: sa.Table,
                deferred: list[sa.Column], progress: Progress) -> None:
    missing = [name for name in entry["columns"] if name not in table.c]
    if missing:
        raise BackupError(_("The table %(table)s has no column %(columns)s here.",
                            table=table.name, columns=", ".join(missing)))
    columns = [table.c[name] for name in entry["columns"]]
    decode = _row_decoder(columns)
    # Only the backup's columns, without the models' Python-side defaults: the schema is
    # the backup's revision, which may lack columns this version of the code added.
    target = sa.table(table.name, *[sa.column(c.name, _bind_type(c)) for c in columns])
    names = [c.name for c in columns]
    later_keys = [column.name for column in deferred if column.name in entry["columns"]]
    pk = [column.name for column in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    total, done = entry["rows"], 0
    progress(table.name, 0, total)
    batch: list[dict[str, Any]] = []

    with contextlib.ExitStack() as stack:
        copy = None
        if connection.dialect.name == "postgresql":
            # COPY: several times faster than INSERTs, and it reads JSON columns from their text.
            quote = connection.dialect.identifier_preparer.quote
            cursor = stack.enter_context(connection.connection.driver_connection.cursor())
            copy = stack.enter_context(cursor.copy(
                f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) FROM STDIN"))

        def flush() -> None:
            nonlocal done
            if batch:
                if copy is not None:
                    for row in batch:
                        copy.write_row([row[name] for name in names])
                else:
                    connection.execute(target.insert(), batch)
                done += len(batch)
                batch.clear()
                progress(table.name, done, total)

        with archive.open(f"tables/{table.name}.jsonl") as raw:
            reader = backup_check.HashingReader(raw)
            for line in io.TextIOWrapper(io.BufferedReader(reader), encoding="utf-8"):
                row = decode(json.loads(line))
                if later_keys and any(row[key] is not None for key in later_keys):
                    later.append({**{f"pk_{k}": row[k] for k in pk}, **{f"v_{k}": row[k] for k in later_keys}})
                    row.update(dict.fromkeys(later_keys))
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    flush()
            backup_check.check_digest(reader, entry, f"tables/{table.name}.jsonl")
        flush()
    if later:
        statement = (sa.update(target)
                     .where(*[target.c[k] == sa.bindparam(f"pk_{k}") for k in pk])
                     .values({k: sa.bindparam(f"v_{k}") for k in later_keys}))
        for start in range(0, len(later), BATCH_SIZE):
            connection.execute(statement, later[start:start + BATCH_SIZE])


def _unpack_files(archive: zipfile.ZipFile, manifest: dict[str, Any], unpacked: list[tuple[Path, Path]],
                  progress: Progress) -> None:
    """Unpack each listed file beside its place (``unpacked`` gets (temporary, target)), checking its hash."""
    files = manifest.get("files", [])
    for number, entry in enumerate(files, start=1):
        store = backup_check.store_of(entry["area"], entry["path"])  # checked by check_members: never None
        target = store.target(entry["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".restoring-", suffix=".tmp")
        temporary = Path(name)
        unpacked.append((temporary, target))
        with archive.open(f"files/{entry['area']}/{entry['path']}") as src, os.fdopen(fd, "wb") as dst:
            reader = backup_check.HashingReader(src)
            while chunk := reader.read(1 << 20):
                dst.write(chunk)
        backup_check.check_digest(reader, entry, entry["path"])
        progress("files", number, len(files))
