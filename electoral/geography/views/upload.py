"""Import the whole geography tree from a CSV or XLSX file."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from electoral.core.auth import access
from electoral.core.uploads import run_upload
from electoral.extensions import db
from electoral.geography import imports
from electoral.geography.blueprint import EDITORS, bp
from electoral.geography.forms import ImportForm


@bp.route("/import", methods=["GET", "POST"])
@access(*EDITORS)
def import_file():
    form = ImportForm()
    outcome = run_upload(form, lambda data, name: imports.import_geography(db.session, data, name))
    if outcome.done:
        summary = outcome.result
        if summary.changed:
            flash(_("Imported %(rows)d rows: %(regions)d regions, %(districts)d districts, %(centres)d "
                    "centres and %(stations)d stations created; %(updated)d updated.",
                    rows=summary.rows, regions=summary.created["region"],
                    districts=summary.created["district"], centres=summary.created["centre"],
                    stations=summary.created["station"], updated=sum(summary.updated.values())), "success")
        else:
            flash(_("Read %(rows)d rows: everything was already up to date.", rows=summary.rows), "info")
        if not summary.warnings:
            return redirect(url_for("geography.overview"))
    warnings = outcome.result.warnings if outcome.done else []
    return render_template("geography/import.html", form=form, errors=outcome.errors, warnings=warnings,
                           columns=imports.IMPORT_COLUMNS, optional=imports.IMPORT_OPTIONAL), outcome.status
