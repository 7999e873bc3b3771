"""Training pages: officials, positions, courses, coverage and the public certificate check.

The session pages (enrolment, trainers, attendance, scores) are in ``session_views``.
"""

import datetime as dt
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from electoral.core import home, spreadsheet
from electoral.core.auth import Role, access, public
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.core.uploads import run_upload
from electoral.extensions import db, limiter
from electoral.geography.models import District
from electoral.registration.services import election
from electoral.training import services
from electoral.training.forms import (
    ConfirmForm,
    CourseForm,
    ImportForm,
    OfficialForm,
    OfficialSearchForm,
    PositionForm,
)
from electoral.training.models import Course, Official, Position

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")

COORDINATORS = (Role.ADMINISTRATOR, Role.TRAINING_COORDINATOR)
ADMINISTRATORS = (Role.ADMINISTRATOR,)

home.register_nav(_l("Training"), "training.index", order=30)
home.register(_l("Training"), "training.index",
              _l("Officials, courses, sessions and certification."), order=30)
home.register(_l("Training sessions"), "training.session_list",
              _l("Enrol participants, mark attendance and enter test scores."), order=31)
home.register(_l("Training coverage"), "training.coverage_page",
              _l("Where officials are still missing, district by district."), order=32)


@bp.app_template_filter("training_day")
def format_day(value) -> str:
    """A date (no time) in the reader's language."""
    return format_date(value, "medium") if value else ""


@bp.app_template_filter("training_score")
def format_score(value) -> str:
    """A score as typed (40, 69.5), never in exponent form (Decimal's 4E+1)."""
    return "" if value is None else f"{value.normalize():f}"


@bp.context_processor
def labels():
    return {"status_labels": services.STATUS_LABELS, "sex_labels": services.SEX_LABELS,
            "education_labels": services.EDUCATION_LABELS, "coordinators": COORDINATORS}


def district_choices() -> list[tuple[int, str]]:
    query = services.within_scope(select(District).order_by(District.code), District.id, current_user.scope)
    return [(d.id, f"{d.code} {d.name}") for d in db.session.scalars(query)]


def district_in_scope(district_id: int | None) -> District | None:
    district = db.session.get(District, district_id) if district_id else None
    if district is not None and not current_user.can_act_in(district):
        return None
    return district


def position_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in services.list_positions(db.session)]


def import_result(form, run, redirect_to: str, template: str, **context):
    """Run an import from the uploaded file; on failure, show every bad line."""
    outcome = run_upload(form, run)
    if outcome.done:
        flash(outcome.result, "success")
        return redirect(url_for(redirect_to))
    return render_template(template, form=form, errors=outcome.errors, **context), outcome.status


# ---- index ---------------------------------------------------------------------

@bp.route("/")
@access(*COORDINATORS)
def index():
    totals = services.training_totals(db.session, current_user.scope)
    return render_template("training/index.html", officials=totals.officials, certified=totals.certified,
                           sessions=totals.sessions,
                           positions=services.list_positions(db.session))


# ---- officials -------------------------------------------------------------------

@bp.route("/officials")
@access(*COORDINATORS)
def official_list():
    form = OfficialSearchForm(request.args)
    form.district.choices = [(0, _("Any"))] + district_choices()
    form.position.choices = [(0, _("Any"))] + position_choices()
    form.validate()
    query = services.officials_query(form.q.data or "", current_user.scope, form.district.data or None,
                                     form.position.data or None, form.status.data or "")
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("training/officials.html", form=form, page=page)


def _official_data(form: OfficialForm, official: Official | None = None) -> services.OfficialData:
    born, year_only = None, False
    if isinstance(form.birth_date.data, dt.date):
        # The field was not posted: the form kept the record's own date, and it stays as it was.
        born, year_only = form.birth_date.data, bool(official is not None and official.birth_year_only)
    elif (form.birth_date.data or "").strip():
        # Refused beside the field, naming the forms the election's date order accepts.
        try:
            born, year_only = services.parse_birth_date(form.birth_date.data, election.date_order(db.session))
        except ValueError as problem:
            raise ValidationFailed({"birth_date": [str(problem)]}) from None
    return services.OfficialData(
        reference=form.reference.data or "", full_name=form.full_name.data or "", sex=form.sex.data,
        district=district_in_scope(form.district.data), position=db.session.get(Position, form.position.data or 0),
        birth_date=born, birth_year_only=year_only, phone=form.phone.data or "", languages=form.languages.data or "",
        education=form.education.data or "", status=form.status.data, locale=form.locale.data)


def _edit_official(official: Official | None):
    form = OfficialForm(obj=official)
    form.district.choices = district_choices()
    form.position.choices = position_choices()
    if request.method == "GET" and official is not None:
        form.district.data, form.position.data = official.district_id, official.position_id
        if official.birth_date is not None:
            form.birth_date.data = (str(official.birth_date.year) if official.birth_year_only
                                    else official.birth_date.isoformat())
    if form.validate_on_submit():
        try:
            official = services.save_official(db.session, _official_data(form, official), official)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=official.full_name), "success")
            return redirect(url_for("training.official_detail", official_id=official.id))
    return render_template("training/official_form.html", form=form, official=official)


@bp.route("/officials/new", methods=["GET", "POST"])
@access(*COORDINATORS)
def official_create():
    return _edit_official(None)


@bp.route("/officials/<int:official_id>/edit", methods=["GET", "POST"])
@access(*COORDINATORS, area=lambda official_id: db.get_or_404(Official, official_id).district)
def official_edit(official_id: int):
    return _edit_official(db.get_or_404(Official, official_id))


@bp.route("/officials/<int:official_id>")
@access(*COORDINATORS, area=lambda official_id: db.get_or_404(Official, official_id).district)
def official_detail(official_id: int):
    official = db.get_or_404(Official, official_id)
    return render_template("training/official.html", official=official, confirm=ConfirmForm(),
                           certificates=services.certificates_of(db.session, official),
                           history=services.history(db.session, official))


@bp.route("/officials/<int:official_id>/master-trainer", methods=["POST"])
@access(*ADMINISTRATORS, area=lambda official_id: db.get_or_404(Official, official_id).district)
def official_master_trainer(official_id: int):
    official = db.get_or_404(Official, official_id)
    if ConfirmForm().validate_on_submit():
        designated = request.form.get("designated") == "1"
        services.set_master_trainer(db.session, official, designated)
        db.session.commit()
        flash(_("%(name)s is now a national master trainer.", name=official.full_name) if designated else
              _("%(name)s is no longer a national master trainer.", name=official.full_name), "success")
    return redirect(url_for("training.official_detail", official_id=official.id))


@bp.route("/officials/import", methods=["GET", "POST"])
@access(*COORDINATORS)
def official_import():
    scope = current_user.scope

    def run(data: bytes, filename: str) -> str:
        summary = services.import_officials(db.session, data, filename, scope=scope)
        return _("%(created)d officials added, %(updated)d updated.", created=summary.created,
                 updated=summary.updated)

    return import_result(ImportForm(), run, "training.official_list", "training/import.html",
                         title=_("Import officials"), columns=services.IMPORT_COLUMNS,
                         optional=services.IMPORT_OPTIONAL)


# ---- positions (the administrator's list, and the staffing template) ------------

@bp.route("/positions")
@access(*COORDINATORS)
def position_list():
    return render_template("training/positions.html", positions=services.list_positions(db.session),
                           confirm=ConfirmForm())


@bp.route("/positions/defaults", methods=["POST"])
@access(*ADMINISTRATORS)
def position_defaults():
    if ConfirmForm().validate_on_submit():
        added = services.add_default_positions(db.session)
        db.session.commit()
        flash(ngettext("%(num)d position added.", "%(num)d positions added.", added), "success")
    return redirect(url_for("training.position_list"))


def _edit_position(position: Position | None):
    form = PositionForm(obj=position)
    if form.validate_on_submit():
        try:
            position = services.save_position(db.session, form.code.data, form.name.data, form.per_station.data or 0,
                                              form.sort_order.data or 0, position)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Position %(name)s saved.", name=position.name), "success")
            return redirect(url_for("training.position_list"))
    return render_template("training/position_form.html", form=form, position=position)


@bp.route("/positions/new", methods=["GET", "POST"])
@access(*ADMINISTRATORS)
def position_create():
    return _edit_position(None)


@bp.route("/positions/<int:position_id>/edit", methods=["GET", "POST"])
@access(*ADMINISTRATORS)
def position_edit(position_id: int):
    return _edit_position(db.session.get(Position, position_id) or abort(404))


# ---- courses -------------------------------------------------------------------

@bp.route("/courses")
@access(*COORDINATORS)
def course_list():
    return render_template("training/courses.html", courses=services.list_courses(db.session))


def _edit_course(course: Course | None):
    form = CourseForm(obj=course)
    # No position is offered pre-chosen: the first (master trainer) was saved by default unnoticed.
    form.position.choices = [(0, _("Choose"))] + position_choices()
    if request.method == "GET" and course is not None:
        form.position.data = course.position_id
    if form.validate_on_submit():
        try:
            course = services.save_course(
                db.session, code=form.code.data, name=form.name.data,
                position=db.session.get(Position, form.position.data or 0), level=form.level.data,
                modules=form.modules.data or "", pre_test_max=Decimal(form.pre_test_max.data),
                post_test_max=Decimal(form.post_test_max.data), pass_mark=Decimal(form.pass_mark.data),
                retake_allowed=form.retake_allowed.data, min_days=form.min_days.data, course=course)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Course %(code)s saved.", code=course.code), "success")
            return redirect(url_for("training.course_list"))
    return render_template("training/course_form.html", form=form, course=course)


@bp.route("/courses/new", methods=["GET", "POST"])
@access(*COORDINATORS)
def course_create():
    return _edit_course(None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@access(*COORDINATORS)
def course_edit(course_id: int):
    return _edit_course(db.session.get(Course, course_id) or abort(404))


# ---- coverage ------------------------------------------------------------------

@bp.route("/coverage")
@access(*COORDINATORS)
def coverage_page():
    rows = services.coverage(db.session, current_user.scope)
    totals = {"needed": sum(r.needed for r in rows), "certified": sum(r.certified for r in rows),
              "gap": sum(r.gap for r in rows)}
    return render_template("training/coverage.html", rows=sorted(rows, key=lambda r: (r.progress, r.code)),
                           totals=totals, template=services.staffing_template(db.session), confirm=ConfirmForm())


@bp.route("/coverage.csv", defaults={"fmt": "csv"})
@bp.route("/coverage.xlsx", defaults={"fmt": "xlsx"})
@access(*COORDINATORS)
def coverage_csv(fmt: str):
    rows = services.coverage_rows(services.coverage(db.session, current_user.scope))
    return spreadsheet.download(fmt, services.CSV_COLUMNS, rows, "training-coverage")


# ---- public verification ----------------------------------------------------------

@bp.route("/verify/<code>")
@limiter.limit("30 per minute")
@public
def verify(code: str):
    certificate = services.find_certificate(db.session, code)
    return render_template("training/verify.html", certificate=certificate), 200 if certificate else 404


from electoral.training import session_views  # noqa: E402,F401  (routes on the same blueprint)
