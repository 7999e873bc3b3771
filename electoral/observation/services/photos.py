"""Observers' and incidents' photos: uploads only, decoded, stored under their content hash.

A photo never comes from a path in an import or a form (the observer import once
copied any instance file, such as a voter's photo, into a badge).
"""

import re
from pathlib import Path

from electoral import extensions
from electoral.core import stored_files

PHOTO_DIR = "observer_photos"
# A badge prints the photo 20 x 25 mm: 400 x 500 pixels is over 500 dpi.
PHOTO_SIZE = (400, 500)
INCIDENT_PHOTO_SIZE = (1600, 1600)  # an incident's photo is evidence: kept large enough to read a sign

OBSERVER_PHOTOS = stored_files.register(stored_files.FileStore(
    "observer-photos", root=lambda: extensions.INSTANCE_PATH, prefix=f"{PHOTO_DIR}/",
    pattern=re.compile(stored_files.HEX_NAME + r"\.(?:jpg|png)"),
    columns=(("observer", "photo_path"), ("observation_incident", "photo_path")), area="instance"))


# A photo answering a checklist's image question (a result form posted at the station): evidence, kept
# legible; the bytes the phone or ODK Collect sends are decoded and written again, their metadata left out.
FILING_IMAGE_DIR = "filing_images"
FILING_IMAGE_SIZE = (2048, 2048)
FILING_IMAGES = stored_files.register(stored_files.FileStore(
    "filing-images", root=lambda: extensions.INSTANCE_PATH, prefix=f"{FILING_IMAGE_DIR}/",
    pattern=re.compile(stored_files.HEX_NAME + r"\.jpg"),
    columns=(("observation_filing_image", "path"),), area="instance"))


# Pictures an XLSForm names (media::image), imported with it: kept as PNG or JPEG as they came, re-encoded.
CHECKLIST_MEDIA_SIZE = (1024, 1024)
CHECKLIST_MEDIA = stored_files.register(stored_files.FileStore(
    "checklist-media", root=lambda: extensions.INSTANCE_PATH, prefix="checklist_media/",
    pattern=re.compile(stored_files.HEX_NAME + r"\.(?:jpg|png)"),
    columns=(("checklist_media", "path"),), area="instance"))


def save_photo(data: bytes, size: tuple[int, int] = PHOTO_SIZE) -> str:
    """Decode an uploaded photo and store it as JPEG; return the stored name (ValidationFailed if not a picture)."""
    return stored_files.store_picture(OBSERVER_PHOTOS, data, size=size, kind="JPEG")


def photo_file(value: str | None) -> Path | None:
    """The stored photo ``value`` names, or None (none, or anything but a stored photo)."""
    return OBSERVER_PHOTOS.resolve(value)


def is_stored_photo(value: str | None) -> bool:
    """True when ``value`` is the name of a photo this application stored (checks the name only)."""
    return OBSERVER_PHOTOS.generated(value)
