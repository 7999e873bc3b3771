"""A sheet's custody: recalling an accepted sheet (two supervisors) and the intake log of the bags."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import access
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.results.blueprint import SUPERVISOR, bp
from electoral.results.models import TallySheet
from electoral.results.sheets import intake, recall
from electoral.results.sheets.forms import IntakeForm, RecallDecisionForm, RecallForm
from electoral.results.sheets.models import RecallRequest
from electoral.results.sheets.views.scans import INTAKE_STAFF


@bp.route("/sheets/<int:sheet_id>/recall", methods=["POST"])
@access(*SUPERVISOR, area=lambda sheet_id: db.get_or_404(TallySheet, sheet_id).station)
def request_recall(sheet_id: int):
    sheet = db.get_or_404(TallySheet, sheet_id)
    form = RecallForm()
    if form.validate_on_submit():
        if save(lambda: recall.request_recall(db.session, sheet, current_user, form.reason.data), joined=True):
            flash(_("Recall requested: a second supervisor must approve it."), "success")
    else:
        flash(_("Give the reason."), "error")
    return redirect(url_for("results.sheet", sheet_id=sheet.id))


@bp.route("/recalls/<int:recall_id>", methods=["POST"])
@access(*SUPERVISOR, area=lambda recall_id: db.session.get(PollingStation, db.get_or_404(TallySheet,
    db.get_or_404(RecallRequest, recall_id).sheet_id).station_id))
def decide_recall(recall_id: int):
    request_ = db.get_or_404(RecallRequest, recall_id)
    form = RecallDecisionForm()
    if form.validate_on_submit():
        if save(lambda: recall.decide_recall(db.session, request_, current_user, form.decision.data == "approve"),
                joined=True):
            flash(_("Recall approved: the sheet is back in clearance.") if form.decision.data == "approve"
                  else _("Recall refused: the sheet stays accepted."), "success")
    else:
        flash(_("Choose a decision."), "error")
    return redirect(url_for("results.sheet", sheet_id=request_.sheet_id))


@bp.route("/intake", methods=["GET", "POST"])
@access(*INTAKE_STAFF)
def intake_log():
    form = IntakeForm()
    if form.validate_on_submit():
        station = db.session.scalar(select(PollingStation).where(
            PollingStation.code == form.station.data.strip().upper()))
        if station is None or not current_user.can_act_in(station):
            form.station.errors = [_("No polling station has this code.") if station is None
                                   else _("The station lies outside your area.")]
        elif saved := save(lambda: list(intake.record_intake(db.session, station, form.seals.data,
                                                             form.forms_received.data, form.note.data,
                                                             current_user).unknown_seals), form):
            if saved.result:
                flash(_("Bag logged. Seals logistics never sent to this station: %(seals)s.",
                        seals=", ".join(saved.result)), "error")
            else:
                flash(_("Bag logged; every seal was dispatched to this station."), "success")
            return redirect(url_for("results.intake_log"))
    return render_template("results/sheets/intake.html", form=form, centres=intake.forms_by_centre(db.session),
                           recent=intake.recent(db.session))
