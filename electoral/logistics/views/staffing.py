"""Staffing: officials deployed to districts and stations, and a station's hand-over of materials."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.params import bounded_int
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography import services as geography
from electoral.logistics import services
from electoral.logistics.blueprint import OFFICERS, bp
from electoral.logistics.forms import AssignForm, ConfirmForm, StationIssueForm
from electoral.logistics.models import Item, StaffAssignment
from electoral.logistics.services import staffing

# ---- staffing ------------------------------------------------------------

@bp.route("/staffing")
@access(*OFFICERS)
def staffing_overview():
    try:
        day = staffing.polling_day(db.session)
    except ValidationFailed as failure:
        return render_template("logistics/staffing.html", problem=str(failure), rows=[], positions={}, day=None,
                               form=ConfirmForm())
    positions = staffing.template(db.session)
    rows = staffing.unfilled_by_district(db.session, day, current_user.scope)
    return render_template("logistics/staffing.html", problem=None, rows=rows, positions=positions, day=day,
                           form=ConfirmForm())


@bp.route("/staffing/<district_code>/fill", methods=["POST"])
@access(*OFFICERS, area=lambda district_code: geography.find_by_code(db.session, "district", district_code))
def staffing_fill(district_code: str):
    district = geography.find_by_code(db.session, "district", district_code)
    if district is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and (saved := save(
            lambda: staffing.fill_district(db.session, district, staffing.polling_day(db.session), current_user),
            joined=True)):
        flash(ngettext("%(num)d official deployed in %(district)s.", "%(num)d officials deployed in %(district)s.",
                       saved.result, district=district.code), "success")
    return redirect(url_for("logistics.staffing_overview"))


def _station(code: str):
    station = geography.find_by_code(db.session, "station", code)
    if station is None:
        abort(404)
    return station


@bp.route("/staffing/station/<code>", methods=["GET", "POST"])
@access(*OFFICERS, area=lambda code: _station(code))
def station_staff(code: str):
    station = _station(code)
    try:
        day = staffing.polling_day(db.session)
    except ValidationFailed as failure:
        flash(str(failure), "error")
        return redirect(url_for("logistics.staffing_overview"))
    form = AssignForm()
    if form.validate_on_submit():
        from electoral.training.models import Official

        official_id = bounded_int(form.official.data or "", minimum=1)
        official = db.session.get(Official, official_id) if official_id is not None else None
        if save(lambda: staffing.assign(db.session, station, form.position.data, official, day, current_user)):
            flash(_("%(name)s deployed to %(station)s.", name=official.full_name, station=station.code), "success")
            return redirect(url_for("logistics.station_staff", code=station.code))
    template = staffing.template(db.session)
    assigned = staffing.station_staff(db.session, station, day)
    candidates = staffing.candidates(db.session, station, day)
    return render_template("logistics/station_staff.html", station=station, day=day, template=template,
                           assigned=assigned, candidates=candidates, form=form, confirm=ConfirmForm())


@bp.route("/staffing/assignment/<int:assignment_id>/remove", methods=["POST"])
@access(*OFFICERS)
def assignment_remove(assignment_id: int):
    assignment = db.session.get(StaffAssignment, assignment_id)
    if assignment is None:
        abort(404)
    if not current_user.can_act_in(assignment.station):
        abort(403)
    code = assignment.station.code
    if ConfirmForm().validate_on_submit():
        staffing.unassign(db.session, assignment)
        db.session.commit()
        flash(_("Official withdrawn from %(station)s.", station=code), "success")
    return redirect(url_for("logistics.station_staff", code=code))


@bp.route("/stations/<code>/hand-over", methods=["GET", "POST"])
@access(*OFFICERS, area=lambda code: _station(code))
def station_issue(code: str):
    """At the centre, the materials each station's presiding officer signs for (ballots above all)."""
    station = _station(code)
    form = StationIssueForm()
    items = db.session.scalars(db.select(Item).where(Item.active.is_(True)).order_by(Item.code)).all()
    form.item.choices = [(i.id, f"{i.code} · {i.name}") for i in items]
    if form.validate_on_submit() and save(lambda: services.issue_to_station(
            db.session, station, db.session.get(Item, form.item.data), form.quantity.data, form.received_by.data,
            current_user, form.serial_from.data, form.serial_to.data), form):
        flash(_("Hand-over to polling station %(station)s recorded.", station=station.code), "success")
        return redirect(url_for("logistics.station_issue", code=station.code))
    return render_template("logistics/station_issue.html", station=station, form=form,
                           issues=services.station_issues(db.session, station))
