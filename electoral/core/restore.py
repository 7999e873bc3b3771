"""Restore of a backup (core/backup.py describes the archive): refused unless the manifest vouches for
every member, written in one transaction through Core inserts so nothing is re-audited, and the files
unpacked only once the rows are in; a refused restore leaves no row and no file."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.engine import Connection, Engine

from electoral.core import backup_check
from electoral.core.backup import (
    BATCH_SIZE,
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    Progress,
    count_rows,
    current_revision,
    sorted_tables,
)
from electoral.extensions import db

# --- values back from JSON -------------------------------------------------------

def decoder(column: sa.Column) -> Callable[[Any], Any] | None:
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
    decoders = [(column.name, decoder(column)) for column in columns]

    def decode(values: list[Any]) -> dict[str, Any]:
        return {key: (fn(value) if fn is not None and value is not None else value)
                for (key, fn), value in zip(decoders, values, strict=True)}
    return decode



# --- restore ----------------------------------------------------------------------

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
    return [table.name for table in sorted_tables()
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
        by_name = {table.name: table for table in sorted_tables()}
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
                wrong = [f"{entry['name']} ({count_rows(connection, by_name[entry['name']])} ≠ {entry['rows']})"
                         for entry in manifest["tables"]
                         if count_rows(connection, by_name[entry["name"]]) != entry["rows"]]
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
