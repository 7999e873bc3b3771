"""An import file with its pictures: a zip holding one table (CSV or XLSX) and the JPEG or PNG files.

The races and observer imports take such a zip so that a hundred badges need not be
a hundred uploads. A ``photo`` cell names a member of the same zip, exactly as
listed in it; it is looked up among the zip's members and never on disk, decoded by
Pillow and stored under its content hash like any upload (core/stored_files.py).
Sizes are checked from the zip's directory before anything is decompressed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import gettext as _

from electoral.core import stored_files
from electoral.core.errors import ValidationFailed
from electoral.core.tabular import TabularError

TABLE_SUFFIXES = (".csv", ".xlsx", ".txt")
MAX_MEMBERS = 20_000
MAX_PICTURE_BYTES = 15 * 1024 * 1024  # one picture, decompressed: a phone's photo is 3 to 8 MB
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # everything, decompressed: a zip bomb is refused from its directory
MAX_TABLE_BYTES = 64 * 1024 * 1024  # the table, decompressed: the largest table one may upload on its own
# (zipfile stops a member at the size its directory declares, so these checks bound what is read)


@dataclass
class Bundle:
    """The table of an import file and, when it came in a zip, the zip its pictures are read from."""

    table: bytes
    table_name: str
    archive: zipfile.ZipFile | None = None


def open_bundle(data: bytes, filename: str) -> Bundle:
    """The table of a CSV or XLSX upload, or of a zip holding exactly one table and pictures (TabularError if not)."""
    if not filename.lower().endswith(".zip"):
        return Bundle(data, filename)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TabularError(_("The zip file cannot be read.")) from exc
    if len(members) > MAX_MEMBERS or sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
        raise TabularError(_("The zip file is too large once unpacked: split it into smaller ones."))
    tables = [info for info in members if info.filename.lower().endswith(TABLE_SUFFIXES)
              and not info.filename.startswith("__MACOSX/")]
    if len(tables) != 1:
        raise TabularError(_("A zip file must hold exactly one table (CSV or XLSX) beside the pictures."))
    if tables[0].file_size > MAX_TABLE_BYTES:
        raise TabularError(_("The zip file is too large once unpacked: split it into smaller ones."))
    try:
        table = archive.read(tables[0])
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # a bad CRC or compression
        raise TabularError(_("The zip file cannot be read.")) from exc
    return Bundle(table, PurePosixPath(tables[0].filename).name, archive)


def picture(bundle: Bundle, name: str, store: stored_files.FileStore, size: tuple[int, int],
            kind: str) -> tuple[str, bytes]:
    """The picture a ``photo`` cell names in ``bundle``, decoded and ready to store: (stored value, bytes).

    ValueError with the line's message when there is no zip, no such member, or it is not a picture.
    """
    if bundle.archive is None:
        raise ValueError(_("the photo column names a picture inside a zip file sent with the table, never a "
                           "file on disk: leave it empty, or send a zip holding the table and the pictures"))
    try:
        info = bundle.archive.getinfo(name)
    except KeyError:
        raise ValueError(_("the zip file holds no picture named %(name)s", name=name)) from None
    if info.is_dir() or info.file_size > MAX_PICTURE_BYTES:
        raise ValueError(_("%(name)s is not a picture of at most 15 MB", name=name))
    try:
        return stored_files.prepare_picture(store, bundle.archive.read(info), size=size, kind=kind)
    except (ValidationFailed, zipfile.BadZipFile, OSError, ValueError):
        raise ValueError(_("%(name)s is not a JPEG or PNG picture", name=name)) from None
