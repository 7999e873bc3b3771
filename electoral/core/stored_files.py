"""Files the data names: the one place where a value from a row becomes a path on disk.

No imported cell, form field, API field or backup entry ever names a file on disk.
Pictures come in as uploads, are decoded by Pillow and written again under a name
made from their content; a column holds only such a generated name. Every read
(serving, printing, backing up, restoring) goes through ``resolve``, which accepts a
value only when it has the exact form its store generates and the file lies inside
the store's folder. A row naming ``secret_key``, ``../electoral.db`` or an absolute
path (a crafted import before this rule, a hand-edited row, a restored backup) is
never served, printed, copied into a badge or written into a backup.

Each domain registers the store for its columns when its module is imported;
tests/security/test_paths.py checks that every column of the schema that looks
like it names a file has one.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from electoral.core.errors import ValidationFailed

# Beyond this a photo is a decompression bomb or a scan, not an ID photo (a 12-megapixel phone gives 12 M).
MAX_PICTURE_PIXELS = 50_000_000


@dataclass(frozen=True)
class FileStore:
    """A folder of generated files and the columns naming them.

    A stored value is ``prefix`` + a name matching ``pattern`` (which never allows
    a slash or a dot-dot), relative to ``root()``.
    """

    name: str
    root: Callable[[], Path]
    prefix: str
    pattern: re.Pattern[str]
    columns: tuple[tuple[str, str], ...]
    # The backup's area for these files; None: not backed up (working files such as uploads being imported).
    area: str | None = None

    def generated(self, value: str | None) -> bool:
        """True when ``value`` has the form of a name this store generates (checks the text only)."""
        return (bool(value) and value.startswith(self.prefix)
                and self.pattern.fullmatch(value[len(self.prefix):]) is not None)

    def resolve(self, value: str | None) -> Path | None:
        """The file ``value`` names inside this store's folder, or None (no file, or not a generated name)."""
        if not self.generated(value):
            return None
        root = self.root()
        path = root / value
        # A link planted in the folder would lead out of it: only regular files, checked after resolving.
        if path.is_symlink() or not path.is_file():
            return None
        if not path.resolve().is_relative_to((root / self.prefix).resolve()):
            return None
        return path

    def target(self, value: str) -> Path:
        """Where a new file of this store named ``value`` is written; refuses any other name."""
        if not self.generated(value):
            raise ValueError(f"{value!r} is not a name the store {self.name} generates")
        path = self.root() / value
        if path.is_symlink():  # writing through a planted link would land outside the folder
            raise ValueError(f"{value!r} is a link in the store {self.name}")
        return path


STORES: dict[str, FileStore] = {}


def register(store: FileStore) -> FileStore:
    """Declare a store (at import time of its domain); the same name twice replaces it (module reloads)."""
    STORES[store.name] = store
    return store


def stores_in_area(area: str) -> list[FileStore]:
    return [store for store in STORES.values() if store.area == area]


HEX_NAME = r"(?:[0-9a-f]{32}|[0-9a-f]{64})"  # a random (older files) or a SHA-256 name


def prepare_picture(store: FileStore, data: bytes, *, size: tuple[int, int], kind: str = "PNG") -> tuple[str, bytes]:
    """Decode ``data`` as a JPEG or PNG picture, scale it to fit ``size`` and encode it as ``kind`` (PNG or
    JPEG); return (the stored value it will have in ``store``, the encoded bytes). ValidationFailed
    (field "photo") when the bytes are not a picture Pillow can read."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                if picture.format not in ("JPEG", "PNG") or picture.width * picture.height > MAX_PICTURE_PIXELS:
                    raise ValueError("not a JPEG or PNG photo of a sensible size")
                picture.load()
                picture = ImageOps.exif_transpose(picture)
                picture.thumbnail(size)
                buffer = io.BytesIO()
                if kind == "PNG":  # a party symbol keeps its transparency
                    picture.convert("RGBA").save(buffer, "PNG", optimize=True)
                else:
                    picture.convert("RGB").save(buffer, "JPEG", quality=80)
    except Exception as exc:  # Pillow raises many types for a file that is not a picture
        raise ValidationFailed({"photo": [_("The file cannot be read as a picture.")]}) from exc
    content = buffer.getvalue()
    return f"{store.prefix}{hashlib.sha256(content).hexdigest()}.{'png' if kind == 'PNG' else 'jpg'}", content


def store_picture(store: FileStore, data: bytes, *, size: tuple[int, int], kind: str = "PNG") -> str:
    """Decode, scale and write a picture under its content hash in ``store`` (prepare_picture); return the value."""
    value, content = prepare_picture(store, data, size=size, kind=kind)
    write(store, value, content)
    return value


def write(store: FileStore, value: str, content: bytes) -> Path:
    """Write ``content`` as the generated name ``value`` of ``store``, atomically."""
    target = store.target(value)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.replace(temporary, target)
    return target
