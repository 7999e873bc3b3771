"""Public evidence: a station's sheet images, an image by its hash, the manifest of every image."""

import datetime as dt

from flask import Response, abort, render_template, request, send_file
from sqlalchemy import select

from electoral.core.auth import public
from electoral.extensions import db
from electoral.results import services
from electoral.results.blueprint import bp
from electoral.results.sheets import evidence, images
from electoral.results.sheets.models import SheetImage
from electoral.results.views.lookups import race_or_404, station_or_404

# ---- public evidence ---------------------------------------------------------------------------------------

@bp.route("/public/<code>/stations/<station_code>")
@public
def public_station(code: str, station_code: str):
    race, station = race_or_404(code), station_or_404(station_code)
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
    race, station = race_or_404(code), station_or_404(station_code)
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
