"""What a restore accepts from a backup file: only what its manifest lists, each member with its hash.

A backup is data from outside (an operator may be handed one). Before anything is
written, every member of the archive must be listed by the manifest, and every
listed member must be there: a table file under its own table's name, a stored file
under a name its store generates (so never ``secret_key``, ``electoral.db`` or a
path with folders of its own). Hashes are checked as members are read; a mismatch
refuses the restore and the transaction rolls back.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import Any

from flask_babel import gettext as _

from electoral.core import stored_files

TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
SHA256 = re.compile(r"[0-9a-f]{64}")


class RefusedBackup(Exception):
    """Raised with the operator's message; backup.py turns it into its BackupError."""


def load_file_stores() -> list[stored_files.FileStore]:
    """Every store whose files a backup carries (importing the domains that declare them)."""
    import electoral.observation.services.photos  # noqa: F401
    import electoral.registration.services.voters  # noqa: F401
    import electoral.reports.services  # noqa: F401
    import electoral.results.services.races  # noqa: F401

    return [store for store in stored_files.STORES.values() if store.area]


def store_of(area: str, path: str) -> stored_files.FileStore | None:
    """The store of the backup's ``area`` that generates the name ``path``, or None."""
    load_file_stores()
    return next((s for s in stored_files.stores_in_area(area) if s.generated(path)), None)


def check_members(archive: zipfile.ZipFile, manifest: dict[str, Any], known_tables: set[str]) -> None:
    """Refuse the backup unless its members are exactly what the manifest lists, under safe names."""
    listed = {"manifest.json"}
    hashed_tables = manifest.get("version", 1) >= 2  # version 1 backups listed a hash for files only
    for entry in manifest.get("tables", []):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not TABLE_NAME.fullmatch(name) or name not in known_tables:
            raise RefusedBackup(_("This backup holds tables this version does not know: %(tables)s.",
                                  tables=str(name)[:80]))
        if hashed_tables and not SHA256.fullmatch(str(entry.get("sha256", ""))):
            raise RefusedBackup(_("The manifest gives no checksum for the table %(table)s.", table=name))
        listed.add(f"tables/{name}.jsonl")
    for entry in manifest.get("files", []):
        area, path = (entry.get("area"), entry.get("path")) if isinstance(entry, dict) else (None, None)
        if not isinstance(area, str) or not isinstance(path, str) or store_of(area, path) is None:
            # A name no store generates: the secret key, the database, or a path leading anywhere.
            raise RefusedBackup(_("The backup names a file that is not a stored photo or report: %(path)s. "
                                  "Nothing was restored.", path=str(path)[:200]))
        if not SHA256.fullmatch(str(entry.get("sha256", ""))):
            raise RefusedBackup(_("The manifest gives no checksum for the file %(path)s.", path=path))
        listed.add(f"files/{area}/{path}")
    members = archive.namelist()
    if len(members) != len(set(members)):
        raise RefusedBackup(_("The backup holds the same member twice. Nothing was restored."))
    extra = sorted(set(members) - listed)
    if extra:
        raise RefusedBackup(_("The backup holds %(names)s, which its manifest does not list. Nothing was restored.",
                              names=", ".join(name[:100] for name in extra[:5])))
    absent = sorted(listed - set(members))
    if absent:
        raise RefusedBackup(_("The backup lacks %(names)s, which its manifest lists. Nothing was restored.",
                              names=", ".join(absent[:5])))


class HashingReader(io.RawIOBase):
    """Reads a member through, keeping the SHA-256 of what was read."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.digest.update(data)
        return len(data)


def check_digest(reader: HashingReader, entry: dict[str, Any], what: str) -> None:
    """Refuse a member whose content differs from the manifest's hash (when the manifest has one)."""
    if entry.get("sha256") is not None and reader.digest.hexdigest() != entry["sha256"]:
        raise RefusedBackup(_("%(member)s in the backup is damaged (its checksum differs). Nothing was restored.",
                              member=what))
