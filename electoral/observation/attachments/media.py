"""The pictures an XLSForm names in its media::image columns (a party's logo on a choice, a sample on a note).

They come with the form, as KoboToolbox and ODK Central take them: a ZIP holding the XLSForm and its media
files (``split_package``), or the XLSForm and the files given apart. Each picture the form names must be
there (nothing the form shows is dropped in silence); each is decoded and written again through
core/stored_files.py, recorded as a ChecklistMedia with the md5 the OpenRosa manifest gives ODK Collect.
Only pictures (JPEG, PNG): audio and video are refused by name on import.
"""

import hashlib
import io
import zipfile
from pathlib import PurePosixPath

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core import stored_files
from electoral.core.errors import LineError, ValidationFailed
from electoral.observation.attachments.models import ChecklistMedia
from electoral.observation.services import photos

MAX_MEDIA_BYTES = 5 * 1024 * 1024  # a logo or a sample picture; a form's whole package under MAX_PACKAGE
MAX_PACKAGE = 50 * 1024 * 1024
MAX_FILES = 200
_FORM_SUFFIXES = (".xlsx", ".xls")


def is_package(data: bytes) -> bool:
    """A ZIP that is not itself a workbook (an .xlsx is a ZIP holding xl/workbook.xml)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" not in names and "mimetype" not in names


def split_package(data: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The XLSForm and the media files (by their own name, folders left out) of a ZIP package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationFailed({"file": [_("The ZIP file cannot be read.")]}) from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")
                   and not PurePosixPath(m.filename).name.startswith(".")]
        if len(members) > MAX_FILES or sum(m.file_size for m in members) > MAX_PACKAGE:
            raise ValidationFailed({"file": [_("The ZIP file is too large for a form and its pictures.")]})
        forms = [m for m in members if m.filename.lower().endswith(_FORM_SUFFIXES)]
        if len(forms) != 1:
            raise ValidationFailed({"file": [_("The ZIP file must hold one XLSForm (.xlsx or .xls) and its "
                                               "media files.")]})
        files = {}
        for member in members:
            if member is forms[0]:
                continue
            if member.file_size > MAX_MEDIA_BYTES:
                raise ValidationFailed({"file": [_("The picture %(name)s is larger than %(size)s MB.",
                                                   name=member.filename, size=MAX_MEDIA_BYTES // 1024 // 1024)]})
            files[PurePosixPath(member.filename).name] = archive.read(member)
        return archive.read(forms[0]), files


def media_names(media) -> dict[str, str]:
    """pyxform's media of a question or choice as kept ({"image": "logo.png"}); ValueError naming what is not."""
    if not media:
        return {}
    kept = {}
    for kind, value in media.items():
        if kind != "image":
            raise ValueError(kind)  # audio, video, big-image: refused by name
        if not isinstance(value, str):
            raise ValueError(f"{kind} in several languages")
        kept[kind] = value
    return kept


def store(session: Session, template, names: dict[str, int], files: dict[str, bytes]) -> list[LineError]:
    """Store the pictures ``names`` (the form's media, by the survey row naming each) from ``files``; the
    problems, one line each, naming the sheet, row and column."""
    errors = []
    for name, row in sorted(names.items()):
        data = files.get(name)
        if data is None:
            errors.append(LineError(row, _(
                "survey sheet, row %(row)s, column media::image: the picture %(name)s is not in the upload; import "
                "a ZIP of the XLSForm and its media files.", row=row, name=name)))
            continue
        kind = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
        try:
            value, content = stored_files.prepare_picture(photos.CHECKLIST_MEDIA, data,
                                                          size=photos.CHECKLIST_MEDIA_SIZE, kind=kind)
        except ValidationFailed:
            errors.append(LineError(row, _("survey sheet, row %(row)s, column media::image: the media file "
                                           "%(name)s is not a JPEG or PNG picture.", row=row, name=name)))
            continue
        stored_files.write(photos.CHECKLIST_MEDIA, value, content)
        session.add(ChecklistMedia(template_id=template.id, filename=name, path=value,
                                   md5=hashlib.md5(content).hexdigest(),  # noqa: S324 (OpenRosa's manifest hash)
                                   size_bytes=len(content), content_type=f"image/{kind.lower()}"))
    if not errors:
        session.flush()
    return errors


def media_of(session: Session, template_id: int) -> list[ChecklistMedia]:
    return list(session.scalars(select(ChecklistMedia).where(ChecklistMedia.template_id == template_id)
                                .order_by(ChecklistMedia.filename)))


def media_file(session: Session, template_id: int, filename: str):
    """(the record, the stored file) of a form's picture, or None."""
    found = session.scalar(select(ChecklistMedia).where(ChecklistMedia.template_id == template_id,
                                                        ChecklistMedia.filename == filename))
    path = photos.CHECKLIST_MEDIA.resolve(found.path) if found is not None else None
    return (found, path) if path is not None else None


def copy_media(session: Session, source, target) -> None:
    """A new version of a checklist keeps its pictures (the same stored files)."""
    for item in media_of(session, source.id):
        session.add(ChecklistMedia(template_id=target.id, filename=item.filename, path=item.path, md5=item.md5,
                                   size_bytes=item.size_bytes, content_type=item.content_type))
    session.flush()
