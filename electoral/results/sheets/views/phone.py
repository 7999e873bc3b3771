"""The phone page for a photo of the signed tally sheet: observers where deployed, presiding officers at their station.

Without JavaScript it is a plain upload form. With it, static/js/sheet-photo.js compresses the
photo on the phone (JPEG under 400 KB at a legible resolution), keeps it in the phone's outbox
while there is no network and sends it when the network returns; the server files it once
however often it is sent (the same bytes have the same SHA-256).
"""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from electoral.core import home
from electoral.core.auth import Role, access
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.observation import services as observation
from electoral.results import services
from electoral.results.blueprint import bp
from electoral.results.sheets import images
from electoral.results.sheets.forms import SheetPhotoForm
from electoral.results.sheets.senders import sender_observer, sender_refusal

home.register(_l("Photo of the tally sheet"), "results.sheet_photo",
              _l("Photograph the signed result sheet posted at your station; sent when the network returns."),
              order=77)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/phone/sheet-photo", methods=["GET", "POST"])
@access(Role.OBSERVER, Role.PRESIDING_OFFICER)
def sheet_photo():
    if current_user.scope_station is not None:
        stations = [current_user.scope_station]
    else:
        observer = observation.observer_for_user(db.session, current_user)
        stations = observation.stations_of(observer) if observer is not None else []
    races = services.all_races(db.session)
    form = SheetPhotoForm()
    if request.method == "POST":
        answer, status = _receive(form)
        if _wants_json():
            return jsonify(answer), status
        if status in (200, 201):
            flash(_("Photo received. Its SHA-256 is %(sha)s.", sha=answer["sha256"]), "success")
            return redirect(url_for("results.sheet_photo"))
        for messages in answer.get("errors", {}).values():
            for message in messages:
                flash(message, "error")
    return render_template("results/sheets/phone_photo.html", form=form, stations=stations, races=races,
                           max_bytes=images.MAX_BYTES, max_side=images.MAX_SIDE), 200


def _receive(form) -> tuple[dict, int]:
    if not form.validate_on_submit():
        return {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}}, 422
    race = services.find_race(db.session, request.form.get("race", ""))
    station = db.session.scalar(select(PollingStation).where(
        PollingStation.code == request.form.get("station", "").strip().upper()))
    if race is None or station is None:
        return {"errors": {"station": [_("No sheet of this race at this station.")]}}, 422
    if (refusal := sender_refusal(current_user, station)) is not None:
        return {"errors": {"station": [refusal]}}, 403
    device_time = observation.parse_moment(request.form["device_time"]) if request.form.get("device_time") else None
    try:
        prepared = images.prepare(form.image.data.read(images.MAX_UPLOAD_BYTES + 1))
        image, new = images.file_image(db.session, race, station, prepared, source="phone", sender=current_user,
                                       device_time=device_time, observer=sender_observer(current_user, station))
        db.session.commit()
    except ValidationFailed as failure:
        db.session.rollback()
        return {"errors": {k: [str(m) for m in v] for k, v in failure.errors.items()}}, 422
    return {"sha256": image.sha256, "id": image.id, "flagged": image.flagged}, 201 if new else 200
