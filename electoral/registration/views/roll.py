"""The roll: importing registrations, figures and exports, station assignment, freezing, and the
election's settings."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core import spreadsheet
from electoral.core.audit import record_export
from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.core.tabular import TabularError, encoding_of
from electoral.extensions import db
from electoral.registration.blueprint import ADMIN, CLERK, SUPERVISOR, bp
from electoral.registration.forms import ConfirmForm, ElectionForm, ImportForm
from electoral.registration.models import ImportJob
from electoral.registration.services import assignment, election, exports, import_rows, jobs

# ---- import ----------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@access(CLERK, SUPERVISOR)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = upload.read(), upload.filename or "upload.csv"
        try:
            job = jobs.start_import(db.session, current_user, data, filename, bool(form.skip_invalid.data))
        except (TabularError, ValidationFailed) as failure:  # the whole file is refused at once
            db.session.rollback()
            form.file.errors = [str(failure)]
        else:
            db.session.commit()
            from electoral.registration.tasks import import_file as import_task

            import_task(job.id)
            read_as = encoding_of(data, filename)
            if read_as:
                flash(_("The file was read as %(encoding)s.", encoding=read_as), "info")
            return redirect(url_for("registration.import_progress", job_id=job.id))
    recent = db.session.scalars(db.select(ImportJob).where(ImportJob.user_id == current_user.id)
                                .order_by(ImportJob.id.desc()).limit(5)).all()
    return render_template("registration/import.html", form=form, recent=recent,
                           columns=import_rows.IMPORT_COLUMNS, optional=import_rows.IMPORT_OPTIONAL), \
        (400 if form.errors else 200)


def _import_reader(user, job_id: int) -> bool:
    job = db.session.get(ImportJob, job_id)
    return job is None or jobs.may_read_import(user, job)  # an unknown job is the page's 404


_import_reader.matrix_label = "uploader or supervisor"


@bp.route("/import/<int:job_id>")
@access(CLERK, SUPERVISOR, who=_import_reader)
def import_progress(job_id: int):
    job = db.session.get(ImportJob, job_id) or abort(404)
    return render_template("registration/import_job.html", job=job, rate=jobs.import_rate(job))


# ---- the roll: figures, assignment, freezing ---------------------------------

@bp.route("/roll")
@access(SUPERVISOR, ADMIN)
def roll_overview():
    level = request.args.get("level", "region")
    if level not in ("region", "district", "centre", "station"):
        level = "region"
    settings = election.current(db.session)
    rows = exports.figures(db.session, level, settings.polling_day) if settings else []
    return render_template("registration/roll.html", rows=rows, level=level, settings=settings,
                           bands=exports.band_labels(), duplicates=exports.duplicate_figures(db.session),
                           form=ConfirmForm())


@bp.route("/roll/figures.csv", defaults={"fmt": "csv"})
@bp.route("/roll/figures.xlsx", defaults={"fmt": "xlsx"})
@access(SUPERVISOR, ADMIN)
def figures_csv(fmt: str):
    level = request.args.get("level", "region")
    if level not in ("region", "district", "centre", "station"):
        abort(404)
    settings = election.current(db.session)
    rows = exports.figures(db.session, level, settings.polling_day) if settings else []
    header = ["code", "name", "total", "F", "M", *exports.band_labels()]
    return spreadsheet.download(fmt, header, ([r[h] for h in header] for r in rows), f"registered-voters-{level}")


@bp.route("/roll/voters.csv", defaults={"fmt": "csv"})
@bp.route("/roll/voters.xlsx", defaults={"fmt": "xlsx"})
@access(ADMIN)
def roll_csv(fmt: str):
    """The whole roll with personal data, for the administrator only, and noted in the audit trail."""
    # Streamed from the database into the file, counted on the way for the trail: never a list of the roll.
    rows = spreadsheet.Counted(exports.roll_rows(db.session, current_user.scope))
    response = spreadsheet.download(fmt, exports.ROLL_COLUMNS, rows, "voters")
    record_export(db.session, "Voter roll", f"voters.{fmt}", {"voters": rows.count, "columns": exports.ROLL_COLUMNS})
    db.session.commit()
    return response


@bp.route("/roll/assign", methods=["POST"])
@access(SUPERVISOR)
def assign():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    splits = assignment.assign_all(db.session)
    db.session.commit()
    flash(_("%(voters)d voters split into stations; %(moved)d placed or moved.",
            voters=sum(s.voters for s in splits), moved=sum(s.moved for s in splits)), "success")
    for split in splits:
        if split.unassigned:
            flash(_("Polling centre %(code)s: %(n)d voters have no station; %(more)d more stations are needed.",
                    code=split.centre.code, n=split.unassigned, more=split.stations_short), "warning")
    return redirect(url_for("registration.roll_overview"))


@bp.route("/roll/freeze", methods=["POST"])
@access(SUPERVISOR)
def freeze():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if save(lambda: election.freeze(db.session, current_user), joined=True):
        flash(_("The final roll is frozen."), "success")
    return redirect(url_for("registration.roll_overview"))


# ---- election settings -----------------------------------------------------

@bp.route("/election", methods=["GET", "POST"])
@access(ADMIN)
def election_settings():
    settings = election.current(db.session)
    form = ElectionForm(obj=settings)
    if form.validate_on_submit() and save(lambda: election.configure(
            db.session, form.name.data, form.polling_day.data, form.minimum_age.data,
            registration=(form.registration_start.data, form.registration_end.data),
            exhibition=(form.exhibition_start.data, form.exhibition_end.data),
            date_order=form.date_order.data), form):
        flash(_("Election settings saved."), "success")
        return redirect(url_for("registration.election_settings"))
    return render_template("registration/election.html", form=form, settings=settings)
