"""The Reports page: what the user's roles may print, the print form, background jobs and their files."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from electoral.core import home
from electoral.core.auth import OFFICE_ROLES, access
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.extensions import db
from electoral.reports import registry, services
from electoral.reports.forms import PARAM_PREFIX, param_fields, param_values, print_form
from electoral.reports.models import ReportJob

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

home.register_nav(_l("Reports"), "reports.index", order=95)
home.register(_l("Reports"), "reports.index", _l("Print lists, summaries and certificates."), order=95)


def _spec_or_404(name: str) -> registry.ReportSpec:
    spec = registry.get(name)
    if spec is None:
        abort(404)
    return spec


def report_roles(user, name: str) -> bool:
    """Each report admits its own roles (an unknown name is left to the page's 404)."""
    spec = registry.get(name)
    return spec is None or spec.allows(user.roles)


report_roles.matrix_label = "report's roles"


def _job_or_404(job_id: int) -> ReportJob:
    job = db.session.get(ReportJob, job_id)
    if job is None:
        abort(404)
    if not services.may_see(current_user, job):
        abort(403)
    return job


@bp.route("/")
@access(*OFFICE_ROLES)
def index():
    return render_template("reports/index.html", reports=registry.allowed_for(current_user.roles),
                           jobs=services.recent_jobs(db.session, current_user))


@bp.route("/<name>", methods=["GET", "POST"])
@access(*OFFICE_ROLES, who=report_roles)
def print_report(name: str):
    spec = _spec_or_404(name)
    form = print_form(spec, str(get_locale() or "en").split("_")[0])
    if request.method == "GET":
        # A link from a record (the waybill of a consignment) names the report's parameters.
        for param in spec.params:
            if value := request.args.get(param.name, "").strip():
                getattr(form, PARAM_PREFIX + param.name).data = value[:200]
    if form.validate_on_submit():
        params = param_values(form, spec)
        try:
            if spec.background:
                job = services.create_job(db.session, current_user, spec, params, form.lang.data,
                                          form.paper.data, form.watermark.data)
                db.session.commit()
                from electoral.reports.tasks import print_job

                print_job(job.id)
                return redirect(url_for("reports.job", job_id=job.id))
            data = registry.render(name, params, lang=form.lang.data, roles=current_user.roles,
                                   user=current_user, printed_by=services.printed_by(current_user),
                                   paper=form.paper.data, watermark=form.watermark.data)
        except registry.NotAllowed:
            db.session.rollback()
            abort(403)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, ValidationFailed({PARAM_PREFIX + k if k else k: v for k, v in failure.errors.items()}))
        else:
            return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                             download_name=f"{name}-{form.lang.data}.pdf")
    return render_template("reports/print.html", spec=spec, form=form, fields=param_fields(form, spec))


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

