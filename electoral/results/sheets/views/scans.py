"""Scanned tally sheets: a batch filed by its QR codes, a page filed by hand, the images for keying
(and what the entry, resolution and sheet pages show of them)."""

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from electoral.core import home
from electoral.core.auth import Role, access
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.results import services
from electoral.results.blueprint import bp
from electoral.results.sheets import images, recall, scan
from electoral.results.sheets.forms import (
    FileByHandForm,
    RecallDecisionForm,
    RecallForm,
    ScanBatchForm,
)
from electoral.results.sheets.models import SheetImage, UnfiledScan

INTAKE_STAFF = (Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR)

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
            saved = save(lambda upload=upload, name=name: scan.intake(
                db.session, upload.read(images.MAX_UPLOAD_BYTES + 1), name, current_user),
                show=lambda failure, name=name: flash(f"{name}: {failure}", "error"))
            if not saved:
                continue
            outcomes = saved.result
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
        elif save(lambda: scan.file_by_hand(db.session, page, race, station, current_user), form,
                  aliases={"image": "station", "": "station"}):
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
