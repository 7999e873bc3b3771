"""Races: the list, importing them, a race's totals and progress, candidates' photos, certifying and
decertifying a level, excusing a station."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import Role, access, may
from electoral.core.saving import save
from electoral.core.uploads import run_upload
from electoral.extensions import db
from electoral.results import services
from electoral.results.blueprint import STAFF, SUPERVISOR, bp
from electoral.results.forms import CandidatePhotoForm, EmptyForm, RacesImportForm, ReasonForm
from electoral.results.models import TallySheet
from electoral.results.views.lookups import area_or_404, race_or_404, station_or_404


@bp.route("/")
@access(*STAFF)
def index():
    races = services.all_races(db.session)
    waiting = {state: db.session.scalar(select(db.func.count(TallySheet.id)).where(TallySheet.state == state))
               for state in ("first_entry", "in_correction", "quarantined", "under_audit")}
    return render_template("results/index.html", races=races, waiting=waiting)


@bp.route("/races/import", methods=["GET", "POST"])
@access(Role.ADMINISTRATOR)
def import_races():
    form = RacesImportForm()
    outcome = run_upload(form, lambda data, name: services.import_races(db.session, data, name))
    if outcome.done:
        summary = outcome.result
        flash(_("Races: %(created)d created, %(updated)d updated. Candidates: %(c_created)d created, "
                "%(c_updated)d updated.", created=summary.races_created, updated=summary.races_updated,
                c_created=summary.candidates_created, c_updated=summary.candidates_updated), "success")
        return redirect(url_for("results.index"))
    return render_template("results/races_import.html", form=form, errors=outcome.errors,
                           columns=services.RACE_COLUMNS, optional=services.RACE_OPTIONAL), outcome.status


@bp.route("/races/<code>")
@access(*STAFF)
def race(code: str):
    race = race_or_404(code)
    area = area_or_404(request.args.get("area"))
    if area is not None and area.level == "station":
        abort(404)
    summary = services.summary(db.session, race, area)
    return render_template("results/race.html", race=race, summary=summary, form=EmptyForm(),
                           can_certify=may("results.certify", code=race.code),
                           photo_form=CandidatePhotoForm() if may("results.candidate_photo") and area is None else None)


@bp.route("/races/<code>/candidates/<candidate_code>/photo", methods=["POST"])
@access(Role.ADMINISTRATOR)
def candidate_photo(code: str, candidate_code: str):
    race = race_or_404(code)
    candidate = services.find_candidate(race, candidate_code)
    if candidate is None:
        abort(404)
    form = CandidatePhotoForm()
    if form.validate_on_submit():
        if save(lambda: services.save_candidate_photo(db.session, candidate, form.photo.data.read())):
            flash(_("Picture of %(name)s saved.", name=candidate.name), "success")
    else:
        for message in form.photo.errors:
            flash(message, "error")
    return redirect(url_for("results.race", code=race.code))


def _area_asked():
    """The area a certification page acts on: ``area`` of the query or form (blank: national)."""
    return area_or_404(request.values.get("area"))


@bp.route("/races/<code>/certify", methods=["GET", "POST"])
@access(*SUPERVISOR, area=lambda code: _area_asked())
def certify(code: str):
    """GET: what stands between the area and its certification; POST: certify it."""
    race, area = race_or_404(code), _area_asked()
    form = EmptyForm()
    if form.validate_on_submit() and save(lambda: services.certify(db.session, race, area, current_user)):
        flash(_("Results certified: they are now final for this area, and its sheets are closed."), "success")
        return redirect(url_for("results.race", code=race.code, area=area.code if area else None))
    found = services.outstanding(db.session, race, area)
    return render_template("results/certify.html", race=race, area=area, found=found, form=form,
                           summary_line=services.describe(found), decertify_form=ReasonForm(formdata=None),
                           certified=services.certification(db.session, race, area))


@bp.route("/races/<code>/decertify", methods=["POST"])
@access(*SUPERVISOR, area=lambda code: _area_asked())
def decertify(code: str):
    race, area = race_or_404(code), _area_asked()
    form = ReasonForm()
    if form.validate_on_submit():
        if save(lambda: services.decertify(db.session, race, area, current_user, form.reason.data)):
            flash(_("Certification withdrawn: the results are provisional again and the sheets are open."),
                  "success")
    else:
        flash(_("Give the reason."), "error")
    return redirect(url_for("results.certify", code=race.code, area=area.code if area else None))


@bp.route("/races/<code>/stations/<station_code>/excuse", methods=["GET", "POST"])
@access(*SUPERVISOR, area=lambda code, station_code: station_or_404(station_code))
def excuse(code: str, station_code: str):
    """Excuse a station whose sheet will not come (cancelled with the reason), so its area can be certified."""
    race, station = race_or_404(code), station_or_404(station_code)
    form = ReasonForm()
    if form.validate_on_submit() and save(lambda: services.excuse(db.session, race, station, current_user,
                                                                  form.reason.data), form):
        flash(_("Station %(station)s is excused: its sheet is cancelled and not counted.",
                station=station.code), "success")
        return redirect(url_for("results.certify", code=race.code, area=station.centre.district.code))
    sheet = services.find_sheet(db.session, race, station)
    return render_template("results/excuse.html", race=race, station=station, sheet=sheet, form=form), \
        400 if form.errors else 200


@bp.route("/races/<code>/progress")
@access(*STAFF)
def progress(code: str):
    race = race_or_404(code)
    states = ("not_received", "first_entry", "in_correction", "quarantined", "under_audit", "accepted", "cancelled")
    return render_template("results/progress.html", race=race, rows=services.progress(db.session, race),
                           states=states)
