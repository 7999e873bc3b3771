"""The one way a page imports an uploaded file: all rows or none, every bad line shown.

And the check every picture upload makes: a file is a photo when Pillow reads it as
one, not when its name ends in .jpg.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import flash
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError
from wtforms.validators import ValidationError

from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import TabularError, encoding_of
from electoral.extensions import db

VALUE_TOO_LONG = _l("A value in the file is longer than its column allows, or a number is out of range. "
                    "Nothing was imported; check the file's values and try again.")
# Beyond this a photo is a decompression bomb or a scan, not an ID photo (a 12-megapixel phone gives 12 M).
MAX_PICTURE_PIXELS = 50_000_000


class PictureFile:
    """WTForms validator: an uploaded file, when there is one, must be a JPEG or PNG picture by its content."""

    def __init__(self, formats=("JPEG", "PNG"), message=None):
        self.formats = formats
        self.message = message

    def __call__(self, form, upload_field):
        upload = upload_field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read()
        upload.seek(0)
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as picture:
                kind, (width, height) = picture.format, picture.size
                picture.verify()
        except Exception as exc:  # Pillow raises many types for a file that is not a picture
            raise ValidationError(self.message or _l("The file is not a JPEG or PNG picture.")) from exc
        if kind not in self.formats:
            raise ValidationError(self.message or _l("The file is not a JPEG or PNG picture."))
        if width * height > MAX_PICTURE_PIXELS:
            raise ValidationError(_l("The picture is too large; send one of at most 50 megapixels."))


@dataclass
class UploadOutcome:
    done: bool = False  # the file was imported and committed
    result: Any = None  # what the importer returned
    errors: list[LineError] = field(default_factory=list)

    @property
    def status(self) -> int:
        """The HTTP status for re-showing the page: 400 when the file had bad lines."""
        return 400 if self.errors else 200


def run_upload(form, importer: Callable[[bytes, str], Any]) -> UploadOutcome:
    """Validate ``form`` (with a ``file`` field) and run ``importer(data, filename)``.

    Commits when the importer succeeds; otherwise rolls back, flashes how many
    lines are bad and returns them, or puts a whole-file problem (unreadable file,
    or a rule that refuses any import, such as a frozen roll) beside the field.
    """
    if not form.validate_on_submit():
        return UploadOutcome()
    upload = form.file.data
    data, filename = upload.read(), upload.filename or "upload.csv"
    try:
        result = importer(data, filename)
        db.session.flush()  # so a value the database refuses is caught here, not at the commit
    except ImportFailed as failure:
        db.session.rollback()
        flash(ngettext("The file has %(num)d bad line. Nothing was imported.",
                       "The file has %(num)d bad lines. Nothing was imported.", len(failure.errors)), "error")
        return UploadOutcome(errors=failure.errors)
    except (TabularError, ValidationFailed) as failure:  # the whole file is refused
        db.session.rollback()
        form.file.errors = [str(failure)]
        return UploadOutcome()
    except DataError:  # a value the importer let through but the database column cannot hold
        db.session.rollback()
        form.file.errors = [str(VALUE_TOO_LONG)]
        return UploadOutcome()
    db.session.commit()
    read_as = encoding_of(data, filename)
    if read_as:  # so a person sees which encoding their office's spreadsheet saved in
        flash(gettext("The file was read as %(encoding)s.", encoding=read_as), "info")
    return UploadOutcome(done=True, result=result)


def say_encoding(data: bytes, filename: str) -> None:
    """On the command line, which encoding a CSV file was read in (nothing for XLSX)."""
    import click

    read_as = encoding_of(data, filename)
    if read_as:
        click.echo(f"Read as {read_as}.", err=True)


def import_from_command_line(file: str, label: str, importer: Callable[[bytes, str, Callable[[int], None]], Any]) -> Any:
    """The command line's twin of run_upload: ``importer(data, filename, progress)`` with a progress bar.

    Commits when it succeeds; otherwise rolls back, prints every bad line (or the
    whole-file problem) and exits with status 1.
    """
    import click

    path = Path(file)
    data = path.read_bytes()
    try:
        with click.progressbar(length=max(data.count(b"\n"), 1), label=label, show_pos=True) as bar:
            result = importer(data, path.name, bar.update)
        say_encoding(data, path.name)
    except ImportFailed as failure:
        db.session.rollback()
        for error in failure.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{len(failure.errors)} bad lines; nothing was imported.", err=True)
        raise SystemExit(1) from None
    except TabularError as failure:
        db.session.rollback()
        click.echo(f"Error: {failure}", err=True)
        raise SystemExit(1) from None
    except DataError:
        db.session.rollback()
        click.echo(f"Error: {VALUE_TOO_LONG}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    return result
