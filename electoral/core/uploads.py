"""The one way a page imports an uploaded file: all rows or none, every bad line shown."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import flash
from flask_babel import ngettext

from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import TabularError
from electoral.extensions import db


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
    try:
        result = importer(upload.read(), upload.filename or "upload.csv")
    except ImportFailed as failure:
        db.session.rollback()
        flash(ngettext("The file has %(num)d bad line. Nothing was imported.",
                       "The file has %(num)d bad lines. Nothing was imported.", len(failure.errors)), "error")
        return UploadOutcome(errors=failure.errors)
    except (TabularError, ValidationFailed) as failure:  # the whole file is refused
        db.session.rollback()
        form.file.errors = [str(failure)]
        return UploadOutcome()
    db.session.commit()
    return UploadOutcome(done=True, result=result)


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
    db.session.commit()
    return result
