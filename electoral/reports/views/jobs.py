"""Reports printed in the background: a job's page, printing it again, its file."""

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from electoral.core.auth import OFFICE_ROLES, access
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.reports import registry, services
from electoral.reports.blueprint import bp
from electoral.reports.models import ReportJob


def _job_or_404(job_id: int) -> ReportJob:
    job = db.session.get(ReportJob, job_id)
    if job is None:
        abort(404)
    if not services.may_see(current_user, job):
        abort(403)
    return job


@bp.route("/jobs/<int:job_id>")
@access(*OFFICE_ROLES)
def job(job_id: int):
    # A job whose worker was killed would otherwise say "running" for ever.
    if services.fail_interrupted_jobs(db.session):
        db.session.commit()
    job = _job_or_404(job_id)
    return render_template("reports/job.html", job=job, spec=registry.get(job.report), form=FlaskForm())


@bp.route("/jobs/<int:job_id>/again", methods=["POST"])
@access(*OFFICE_ROLES)
def print_again(job_id: int):
    job = _job_or_404(job_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        again = services.print_again(db.session, job, current_user)
    except registry.NotAllowed:
        db.session.rollback()
        abort(403)
    except (ValueError, ValidationFailed) as failure:
        db.session.rollback()
        flash(str(failure) if isinstance(failure, ValueError) else _("The report's parameters are no longer valid."),
              "error")
        return redirect(url_for("reports.job", job_id=job.id))
    db.session.commit()
    from electoral.reports.tasks import print_job

    print_job(again.id)
    return redirect(url_for("reports.job", job_id=again.id))


@bp.route("/jobs/<int:job_id>/download")
@access(*OFFICE_ROLES)
def download(job_id: int):
    job = _job_or_404(job_id)
    path = services.result_file(job)
    if path is None:
        flash(_("This report is not ready."), "error")
        return redirect(url_for("reports.job", job_id=job.id))
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{job.report}-{job.lang}-{job.id}.pdf")
