"""Pages of the tally sheet as evidence, on the results blueprint: scans and their queue, images for keying,
recalls, the intake log; and the public station page, image files and the daily manifest."""

import datetime as dt

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from electoral.core import home
from electoral.core.auth import Role, access, public
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.results import services
from electoral.results.models import TallySheet
from electoral.results.sheets import evidence, images, intake, recall, scan
from electoral.results.sheets.forms import (
    FileByHandForm,
    IntakeForm,
    RecallDecisionForm,
    RecallForm,
    ScanBatchForm,
)
from electoral.results.sheets.models import RecallRequest, SheetImage, UnfiledScan
from electoral.results.views import _race_or_404, _station_or_404, bp

INTAKE_STAFF = (Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR)
SUPERVISOR = (Role.RESULTS_SUPERVISOR,)

home.register(_l("Scanned tally sheets"), "results.scans",
              _l("Upload scans filed by their QR code; file unreadable pages by hand."), order=75)
home.register(_l("Intake of result bags"), "results.intake_log",
              _l("Log each station's bag and its seals; forms expected and received per centre."), order=76)


@bp.context_processor
def evidence_helpers():
    """For the entry, resolution and sheet pages: the sheet's images and its pending recall."""

    def keying_urls(race_id: int, station_id: int) -> list[str]:
        return [url_for("results.sheet_image", image_id=i.id) for i in images.images_of(db.session, race_id,
                                                                                         station_id)]

    def pending_recall(sheet):
        return recall.pending_request(db.session, sheet)

    return {"keying_urls": keying_urls, "pending_recall": pending_recall, "recall_form": RecallForm,
            "recall_decision_form": RecallDecisionForm}


@bp.route("/scans", methods=["GET", "POST"])
@access(*INTAKE_STAFF)
def scans():
    form = ScanBatchForm()
    if form.validate_on_submit():
        filed = queued = 0
        for upload in form.files.data:
            name = upload.filename or "scan"
            try:
                outcomes = scan.intake(db.session, upload.read(images.MAX_UPLOAD_BYTES + 1), name, current_user)
            except ValidationFailed as failure:
                db.session.rollback()
                flash(f"{name}: {failure}", "error")
                continue
            db.session.commit()
            filed += sum(o.filed for o in outcomes)
            queued += sum(not o.filed for o in outcomes)
        flash(_("%(filed)d pages filed by their QR code, %(queued)d queued for filing by hand.",
                filed=filed, queued=queued), "success" if not queued else "info")
        return redirect(url_for("results.scans"))
    waiting = db.session.scalars(scan.unfiled_query().limit(200)).all()
    return render_template("results/sheets/scans.html", form=form, waiting=waiting)


@bp.route("/scans/<int:scan_id>", methods=["GET", "POST"])
@access(*INTAKE_STAFF)
def file_scan(scan_id: int):
    page = db.get_or_404(UnfiledScan, scan_id)
    form = FileByHandForm()
    form.race.choices = services.race_choices(db.session)
    if page.assigned_id is None and form.validate_on_submit():
        race = services.find_race(db.session, form.race.data)
        station = db.session.scalar(select(PollingStation).where(
            PollingStation.code == form.station.data.strip().upper()))
        if race is None or station is None:
            form.station.errors = [_("No polling station has this code.")]
        elif not current_user.can_act_in(station):
            form.station.errors = [_("The station lies outside your area.")]
        else:
            try:
                scan.file_by_hand(db.session, page, race, station, current_user)
            except ValidationFailed as failure:
                db.session.rollback()
                show_errors(form, failure, {"image": "station", "": "station"})
            else:
                db.session.commit()
                flash(_("Page filed to %(race)s at %(station)s.", race=race.code, station=station.code), "success")
                return redirect(url_for("results.scans"))
    return render_template("results/sheets/file_scan.html", page=page, form=form)


@bp.route("/scans/<int:scan_id>/image")
@access(*INTAKE_STAFF)
def scan_image(scan_id: int):
    path = images.SHEET_IMAGES.resolve(db.get_or_404(UnfiledScan, scan_id).path)
    if path is None:
        abort(404)
    return send_file(path, max_age=0)


@bp.route("/sheet-images/<int:image_id>")
@access(*INTAKE_STAFF, area=lambda image_id: db.get_or_404(SheetImage, image_id).station)
def sheet_image(image_id: int):
    """An image for keying or resolving, before it is public."""
    path = images.image_file(db.get_or_404(SheetImage, image_id))
    if path is None:
        abort(404)
    return send_file(path, max_age=0)


@bp.route("/sheets/<int:sheet_id>/recall", methods=["POST"])
@access(*SUPERVISOR, area=lambda sheet_id: db.get_or_404(TallySheet, sheet_id).station)
def request_recall(sheet_id: int):
    sheet = db.get_or_404(TallySheet, sheet_id)
    form = RecallForm()
    if form.validate_on_submit():
        try:
            recall.request_recall(db.session, sheet, current_user, form.reason.data)
        except ValidationFailed as failure:
            db.session.rollback()
            flash(str(failure), "error")
        else:
            db.session.commit()
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
        try:
            recall.decide_recall(db.session, request_, current_user, form.decision.data == "approve")
        except ValidationFailed as failure:
            db.session.rollback()
            flash(str(failure), "error")
        else:
            db.session.commit()
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
        else:
            try:
                record = intake.record_intake(db.session, station, form.seals.data, form.forms_received.data,
                                              form.note.data, current_user)
            except ValidationFailed as failure:
                db.session.rollback()
                show_errors(form, failure)
            else:
                unknown = list(record.unknown_seals)
                db.session.commit()
                if unknown:
                    flash(_("Bag logged. Seals logistics never sent to this station: %(seals)s.",
                            seals=", ".join(unknown)), "error")
                else:
                    flash(_("Bag logged; every seal was dispatched to this station."), "success")
                return redirect(url_for("results.intake_log"))
    return render_template("results/sheets/intake.html", form=form, centres=intake.forms_by_centre(db.session),
                           recent=intake.recent(db.session))


# ---- public evidence ---------------------------------------------------------------------------------------

@bp.route("/public/<code>/stations/<station_code>")
@public
def public_station(code: str, station_code: str):
    race, station = _race_or_404(code), _station_or_404(station_code)
    if not services.contested_at(db.session, race, station):
        abort(404)
    sheet = services.find_sheet(db.session, race, station)
    counted = sheet is not None and sheet.state == "accepted"
    return render_template("results/sheets/public_station.html", race=race, station=station,
                           sheet=sheet if counted else None,
                           images=images.images_of(db.session, race.id, station.id))


@bp.route("/public/<code>/stations/<station_code>/images/<sha256>")
@public
def public_sheet_image(code: str, station_code: str, sha256: str):
    race, station = _race_or_404(code), _station_or_404(station_code)
    image = db.session.scalar(select(SheetImage).where(SheetImage.race_id == race.id,
                                                       SheetImage.station_id == station.id,
                                                       SheetImage.sha256 == sha256.lower(),
                                                       SheetImage.observer_id.is_(None)))
    path = images.image_file(image) if image is not None else None
    if path is None:
        abort(404)
    # The address names the content's hash: the file never changes, caches may keep it.
    return send_file(path, max_age=86400, etag=image.sha256)


@bp.route("/public/images-manifest.csv")
@public
def public_manifest():
    """Every image received up to the end of ``day`` (UTC; today by default), with the audit chain's head."""
    raw = request.args.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else dt.datetime.now(dt.UTC).date()
    except ValueError:
        abort(404)
    return Response(evidence.manifest_text(db.session, day), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="sheet-images-{day.isoformat()}.csv"'})


# The phone's and programs' upload is on the JSON API's blueprint (bearer token).
from electoral.results.sheets import api as _api  # noqa: E402,F401
from electoral.results.sheets import phone as _phone  # noqa: E402,F401  (the observer's photo page)
