"""Entering a tally sheet: finding it, then the first or second entry."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import access
from electoral.core.params import form_int
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.results import services
from electoral.results.blueprint import CLERK, bp
from electoral.results.forms import FindSheetForm, entry_form, entry_values
from electoral.results.views.lookups import race_or_404, station_or_404

# ---- entry ----------------------------------------------------------------

@bp.route("/entry")
@access(*CLERK)
def find_sheet():
    form = FindSheetForm(request.args)
    form.race.choices = [(r.code, f"{r.code} — {r.name}") for r in services.all_races(db.session)]
    if request.args and form.validate():
        station = db.session.scalar(select(PollingStation).where(
            PollingStation.code == form.station.data.strip().upper()))
        if station is None:
            form.station.errors = [_("No polling station has the code %(code)s.", code=form.station.data)]
        else:
            return redirect(url_for("results.enter", race_code=form.race.data, station_code=station.code))
    return render_template("results/find_sheet.html", form=form)


@bp.route("/entry/<race_code>/<station_code>", methods=["GET", "POST"])
@access(*CLERK, area=lambda race_code, station_code: station_or_404(station_code))
def enter(race_code: str, station_code: str):
    race, station = race_or_404(race_code), station_or_404(station_code)
    if not services.contested_at(db.session, race, station):
        flash(_("Race %(race)s is not contested at station %(station)s.", race=race.code, station=station.code),
              "error")
        return redirect(url_for("results.find_sheet"))
    sheet = services.find_sheet(db.session, race, station)
    number = services.next_entry_number(db.session, sheet)
    form = entry_form(race, services.field_labels(), request.form if request.method == "POST" else None)
    failed = False
    if number is not None and form.validate_on_submit():
        saved = save(lambda: services.submit_entry(
            db.session, race, station, current_user, entry_values(form, race),
            # Unreadable is 0, which the service refuses as the wrong entry.
            entry_no=form_int("entry_no", 0 if "entry_no" in request.form else number, minimum=1, maximum=2)
        ).sheet.state, form)
        failed = not saved
        if saved:
            state = saved.result
            flash({"first_entry": _("First entry saved. A different clerk makes the second entry."),
                   "in_correction": _("Second entry saved. It differs from the first: a supervisor will settle "
                                      "the differences."),
                   "accepted": _("Second entry saved. Both entries match and every check passed: the sheet "
                                 "is accepted."),
                   "quarantined": _("Second entry saved. Both entries match but a check failed: the sheet is "
                                    "quarantined for audit.")}[state], "success" if state != "quarantined"
                  else "error")
            return redirect(url_for("results.find_sheet"))
    registered = services.registered_voters(db.session, [station.id])[station.id]
    received = services.ballots_received(db.session, race, [station.id])[station.id]
    return render_template("results/enter.html", race=race, station=station, sheet=sheet, number=number,
                           form=form, registered=registered, received=received), \
        400 if failed or form.errors else 200
