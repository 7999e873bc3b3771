"""The Reports page: what the user's roles may print, and the print form."""

import io

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from electoral.core.auth import OFFICE_ROLES, access
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.extensions import db
from electoral.reports import registry, services
from electoral.reports.blueprint import bp
from electoral.reports.forms import PARAM_PREFIX, param_fields, param_values, print_form


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
