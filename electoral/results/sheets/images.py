"""Images of signed tally sheets: decoded by Pillow, bounded in size, stored under their SHA-256.

The stored bytes are what the public page serves and what the manifest's hash covers: a
photo already small enough (a JPEG or PNG under ``MAX_BYTES``) is kept byte for byte, so
its hash is the phone's own; anything larger is re-encoded as JPEG, deterministically, so
the same upload sent twice gives the same hash and is filed once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral import extensions
from electoral.core import stored_files
from electoral.core.errors import ValidationFailed
from electoral.geography.models import PollingStation
from electoral.results.models import Race
from electoral.results.sheets.models import IMAGE_SOURCES, SheetImage

IMAGE_DIR = "tally_sheets"
# The phone's target and the server's bound: a sheet under 400 KB at a legible resolution.
MAX_BYTES = 400_000
# A4 at 200 dpi is 1654 x 2339: handwritten figures stay legible at this long side.
MAX_SIDE = 2339
QUALITIES = (80, 70, 60, 50, 40)
MAX_UPLOAD_BYTES = 25_000_000

SHEET_IMAGES = stored_files.register(stored_files.FileStore(
    "tally-sheet-images", root=lambda: extensions.INSTANCE_PATH, prefix=f"{IMAGE_DIR}/",
    pattern=re.compile(r"[0-9a-f]{64}\.(?:jpg|png)"),
    columns=(("sheet_image", "path"), ("sheet_unfiled_scan", "path")), area="instance"))


@dataclass(frozen=True)
class Prepared:
    value: str  # the stored name
    sha256: str
    content: bytes
    width: int
    height: int


def _not_a_picture() -> ValidationFailed:
    return ValidationFailed({"image": [_("The file cannot be read as a picture of a tally sheet.")]})


def open_picture(data: bytes):
    """The decoded Pillow image of ``data`` (JPEG, PNG or TIFF page), upright; ValidationFailed if not one."""
    from PIL import Image, ImageOps

    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed({"image": [_("The file is too large for one tally sheet.")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in ("JPEG", "PNG", "TIFF", "MPO") \
                    or picture.width * picture.height > stored_files.MAX_PICTURE_PIXELS:
                raise ValueError("not a sheet image")
            picture.load()
            return ImageOps.exif_transpose(picture), picture.format
    except ValidationFailed:
        raise
    except Exception as exc:  # Pillow raises many types for a file that is not a picture
        raise _not_a_picture() from exc


def encode_bounded(picture) -> bytes:
    """JPEG of ``picture`` scaled to ``MAX_SIDE``, at the best quality that fits ``MAX_BYTES``."""
    if max(picture.size) > MAX_SIDE:
        picture = picture.copy()
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
    mode = "L" if picture.mode in ("1", "L", "LA", "I;16", "I") else "RGB"
    if picture.mode != mode:
        picture = picture.convert(mode)
    content = b""
    for quality in QUALITIES:
        buffer = io.BytesIO()
        # No optimize pass: it halves the speed of a scan's intake for a few per cent of size.
        picture.save(buffer, "JPEG", quality=quality)
        content = buffer.getvalue()
        if len(content) <= MAX_BYTES:
            return content
    # Still too large at the lowest quality: halve the resolution once more (a very busy photo).
    picture = picture.copy()
    picture.thumbnail((MAX_SIDE // 2, MAX_SIDE // 2))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=QUALITIES[-1], optimize=True)
    return buffer.getvalue()


def prepare(data: bytes, picture=None, fmt: str | None = None) -> Prepared:
    """The bytes to store for an upload: kept as sent when a small JPEG or PNG, otherwise re-encoded."""
    from PIL import Image

    if picture is None:
        picture, fmt = open_picture(data)
    if fmt in ("JPEG", "PNG") and len(data) <= MAX_BYTES and max(picture.size) <= MAX_SIDE:
        content, ext = data, "jpg" if fmt == "JPEG" else "png"
    else:
        content, ext = encode_bounded(picture), "jpg"
    with Image.open(io.BytesIO(content)) as stored:  # the stored file's own size, before any EXIF turn
        width, height = stored.size
    digest = hashlib.sha256(content).hexdigest()
    return Prepared(f"{SHEET_IMAGES.prefix}{digest}.{ext}", digest, content, width, height)


def write(prepared: Prepared) -> None:
    """Write the prepared bytes under their generated name (once: the name is the content's hash)."""
    if SHEET_IMAGES.resolve(prepared.value) is None:
        stored_files.write(SHEET_IMAGES, prepared.value, prepared.content)


def image_file(image: SheetImage) -> Path | None:
    """The stored file of ``image``, or None when its row names anything but a stored image."""
    return SHEET_IMAGES.resolve(image.path)


def images_of(session: Session, race_id: int, station_id: int, observer_id: int | None = None) -> list[SheetImage]:
    """The official images of one sheet (or, given ``observer_id``, that observer's photos), first received first."""
    return list(session.scalars(select(SheetImage).where(
        SheetImage.race_id == race_id, SheetImage.station_id == station_id,
        SheetImage.observer_id.is_(None) if observer_id is None else SheetImage.observer_id == observer_id)
        .order_by(SheetImage.id)))


def file_image(session: Session, race: Race, station: PollingStation, prepared: Prepared, *, source: str,
               sender=None, device_time: dt.datetime | None = None,
               latitude: float | None = None, longitude: float | None = None,
               observer=None) -> tuple[SheetImage, bool]:
    """File an image of the sheet of ``race`` at ``station``; (the image, True when new).

    The same bytes again return the image already filed (a retry from the phone); different
    bytes for a sheet that has an image are kept beside it, flagged for the supervisor.
    Given ``observer``, the photo is that observer's (PVT), compared with and flagged among theirs only.
    """
    from electoral.results.services.races import contested_at

    if source not in IMAGE_SOURCES:
        raise ValueError(source)
    if not contested_at(session, race, station):
        raise ValidationFailed(_("Race %(race)s is not contested at station %(station)s.",
                                 race=race.code, station=station.code))
    if (latitude is None) != (longitude is None):
        raise ValidationFailed({"latitude": [_("Give both latitude and longitude, or neither.")]})
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationFailed({"latitude": [_("These are not coordinates on Earth.")]})
    observer_id = getattr(observer, "id", None)
    # The same bytes filed by anyone are that image (one row per hash and sheet): a retry, or a copy.
    for image in session.scalars(select(SheetImage).where(
            SheetImage.race_id == race.id, SheetImage.station_id == station.id,
            SheetImage.sha256 == prepared.sha256)):
        return image, False
    existing = images_of(session, race.id, station.id, observer_id)
    write(prepared)
    image = SheetImage(race_id=race.id, station_id=station.id, sha256=prepared.sha256, path=prepared.value,
                       size_bytes=len(prepared.content), width=prepared.width, height=prepared.height,
                       source=source, sent_by_id=getattr(sender, "id", None), device_time=device_time,
                       latitude=latitude, longitude=longitude, flagged=bool(existing), observer_id=observer_id)
    session.add(image)
    if existing:
        for earlier in existing:  # both sides of a disagreement are shown flagged
            earlier.flagged = True
    session.flush()
    return image, True
