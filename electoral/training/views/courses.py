"""Positions (and the staffing template) and courses."""

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from electoral.core.auth import access
from electoral.core.saving import save
from electoral.extensions import db
from electoral.training import services
from electoral.training.blueprint import ADMINISTRATORS, COORDINATORS, bp
from electoral.training.forms import ConfirmForm, CourseForm, PositionForm
from electoral.training.models import Course, Position
from electoral.training.views.officials import position_choices

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
    if form.validate_on_submit() and (saved := save(lambda: services.save_position(
            db.session, form.code.data, form.name.data, form.per_station.data or 0, form.sort_order.data or 0,
            position), form)):
        flash(_("Position %(name)s saved.", name=saved.result.name), "success")
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
    if form.validate_on_submit() and (saved := save(lambda: services.save_course(
            db.session, code=form.code.data, name=form.name.data,
            position=db.session.get(Position, form.position.data or 0), level=form.level.data,
            modules=form.modules.data or "", pre_test_max=Decimal(form.pre_test_max.data),
            post_test_max=Decimal(form.post_test_max.data), pass_mark=Decimal(form.pass_mark.data),
            retake_allowed=form.retake_allowed.data, min_days=form.min_days.data, course=course), form)):
        flash(_("Course %(code)s saved.", code=saved.result.code), "success")
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
