"""Backup and restore of a whole election: every table and the files the data names.

A backup is a zip file:

- ``manifest.json``: format version, Alembic revision, database dialect, and per
  table (in foreign-key order) its columns, row count and SHA-256; per stored file
  its size and SHA-256;
- ``tables/<table>.jsonl``: one JSON array per row, in the manifest's column order;
- ``files/<area>/<path>``: photos and printed reports the rows refer to.

The rows are read inside one read-only snapshot transaction (SERIALIZABLE READ
ONLY DEFERRABLE on PostgreSQL, one read transaction on SQLite in WAL mode), so
clerks writing during the backup never tear it. Restore (core/restore.py) writes every row in one
transaction through Core inserts, not the ORM, so nothing is re-audited and the
hash-chained trail comes back byte for byte.

A restore writes only what the manifest lists (backup_check.py): any other member,
a file name its store would not generate (the secret key, the database, a path), or
a checksum that differs refuses it, and a refused restore leaves no row and no file.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
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


# --- what there is -------------------------------------------------------------

def sorted_tables() -> list[sa.Table]:
    """Every table, parents before children."""
    return list(db.metadata.sorted_tables)


def current_revision(connection: Connection) -> str | None:
    """The Alembic revision the schema is at, or None for a schema made by create_all."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def count_rows(connection: Connection, table: sa.Table) -> int:
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
    metadata_tables = {table.name: table for table in sorted_tables()}
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
            for table in sorted_tables():
                if table.name not in existing:
                    raise BackupError(_("The table %(table)s is missing: upgrade the database first "
                                        "(electoral db upgrade).", table=table.name))
                total = count_rows(connection, table)
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
