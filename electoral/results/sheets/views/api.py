"""`POST /api/v1/result-sheets/<race>/<station>/images`: a photo of the signed sheet from a phone or a program.

On the observation API's blueprint (bearer token, no CSRF: a forged cross-site request carries no token).
Idempotent by content: the same bytes sent again answer 200 with the image filed the first time.
"""

from flask import g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.observation.api_access import _utc, api_bp, token_access
from electoral.observation.services import parse_moment
from electoral.results import services
from electoral.results.sheets import images
from electoral.results.sheets.models import SheetImage
from electoral.results.sheets.senders import sender_observer, sender_refusal

SENDERS = (Role.OBSERVER, Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR, Role.PRESIDING_OFFICER)


def image_json(image: SheetImage, race_code: str, station_code: str) -> dict:
    """The filed image as the API answers it."""
    return {
        "id": image.id, "race": race_code, "station_code": station_code, "sha256": image.sha256,
        "size_bytes": image.size_bytes, "width": image.width, "height": image.height, "flagged": image.flagged,
        "source": image.source, "received_at": _utc(image.received_at).isoformat() if image.received_at else None,
        "device_time": _utc(image.device_time).isoformat() if image.device_time else None,
        "latitude": image.latitude, "longitude": image.longitude, "observer": image.observer_id is not None,
        # An observer's photo is theirs, not the sheet's published evidence: it has no public address.
        "url": None if image.observer_id is not None else url_for(
            "results.public_sheet_image", code=race_code, station_code=station_code, sha256=image.sha256,
            _external=False),
    }


def _number(name: str) -> float | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValidationFailed({name: [_("Give a number.")]}) from None


def receive(race_code: str, station_code: str, user: User) -> tuple[dict, int]:
    """File the uploaded ``image`` for ``user``; the answer body and HTTP status."""
    race = services.find_race(db.session, race_code)
    station = db.session.scalar(select(PollingStation).where(PollingStation.code == station_code.strip().upper()))
    if race is None or station is None:
        return {"errors": {"": [_("No sheet of this race at this station.")]}}, 404
    if (refusal := sender_refusal(user, station)) is not None:
        return {"error": refusal}, 403
    upload = request.files.get("image")
    if upload is None:
        return {"errors": {"image": [_("Send the photo as the multipart field 'image'.")]}}, 422
    try:
        device_time = None
        if request.form.get("device_time"):
            device_time = parse_moment(request.form["device_time"])
            if device_time is None:
                raise ValidationFailed({"device_time": [_("Give an ISO 8601 date and time.")]})
        prepared = images.prepare(upload.read(images.MAX_UPLOAD_BYTES + 1))
        image, new = images.file_image(db.session, race, station, prepared, source="api", sender=user,
                                       device_time=device_time, latitude=_number("latitude"),
                                       longitude=_number("longitude"), observer=sender_observer(user, station))
        db.session.commit()
    except ValidationFailed as failure:
        db.session.rollback()
        return {"errors": {k: [str(m) for m in v] for k, v in failure.errors.items()}}, 422
    # After the commit: the server's receipt time is the database's.
    return image_json(image, race.code, station.code), 201 if new else 200


@api_bp.route("/result-sheets/<race_code>/<station_code>/images", methods=["POST"])
@token_access(*SENDERS)
def sheet_image(race_code: str, station_code: str):
    user = db.session.get(User, g.api_user.id)
    body, status = receive(race_code, station_code, user)
    return jsonify(body), status
