"""Public results pages and open data: no sign-in, read-only, no personal data (no clerk names).

The pages, the CSV and the JSON are all fed by ``services.summary`` and
``services.station_rows``, the same functions the PDF and the exports use.
"""

import json

from flask import Response, abort, jsonify, render_template, request, send_file

from electoral.core import spreadsheet
from electoral.core.auth import public
from electoral.extensions import db
from electoral.geography import services as geography
from electoral.results import cdf, services
from electoral.results.blueprint import bp
from electoral.results.views.lookups import area_or_404, race_or_404


@bp.route("/public/")
@public
def public_index():
    return render_template("results/public/index.html", races=services.all_races(db.session))


@bp.route("/public/<code>")
@public
def public_race(code: str):
    race = race_or_404(code)
    area = area_or_404(request.args.get("area"))
    if area is not None and area.level == "station":
        abort(404)
    return render_template("results/public/race.html", race=race, summary=services.summary(db.session, race, area))


@bp.route("/public/<code>/candidates/<candidate_code>/photo")
@public
def public_candidate_photo(code: str, candidate_code: str):
    # A candidate's photo or party symbol is printed on the ballot paper: public, like the results.
    candidate = services.find_candidate(race_or_404(code), candidate_code)
    path = services.candidate_photo_file(candidate) if candidate is not None else None
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


def _open_data(race) -> tuple[list[str], list[dict]]:
    from electoral.results.sheets import evidence

    header = ["station_code", "station_name", "registered_voters", "ballots_cast", "valid", "invalid",
              *[c.code for c in race.candidates]]
    # Where each station is (its own GPS reading, else its centre's), so the figures can be mapped.
    located = geography.station_points(db.session)
    rows = [{**row, "latitude": located.get(row["station_code"], (None, None))[0],
             "longitude": located.get(row["station_code"], (None, None))[1]}
            for row in services.station_rows(db.session, race)]
    # Each station's sheet image(s): the SHA-256 of the stored bytes and where to fetch them.
    return evidence.with_image_columns(db.session, race, [*header, "latitude", "longitude"], rows)


@bp.route("/public/<code>/stations.csv", defaults={"fmt": "csv"})
@bp.route("/public/<code>/stations.xlsx", defaults={"fmt": "xlsx"})
@public
def public_csv(code: str, fmt: str):
    race = race_or_404(code)
    header, rows = _open_data(race)
    return spreadsheet.download(fmt, header, spreadsheet.rows_of(rows, header), f"results-{race.code}-stations",
                                title=race.code)


@bp.route("/public/<code>/votes.csv", defaults={"fmt": "csv"})
@bp.route("/public/<code>/votes.xlsx", defaults={"fmt": "xlsx"})
@public
def public_long(code: str, fmt: str):
    """The long shape: a row per station and candidate, with region, district and centre codes."""
    race = race_or_404(code)
    header, rows = services.opendata.long(db.session, race)
    return spreadsheet.download(fmt, header, rows, f"results-{race.code}-votes", title=race.code)


@bp.route("/public/<code>/cdf.json")
@public
def public_cdf(code: str):
    """NIST SP 1500-100 Election Results Common Data Format v2."""
    race = race_or_404(code)
    return Response(json.dumps(cdf.build(db.session, race), ensure_ascii=False), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="results-{race.code}-cdf.json"'})


@bp.route("/public/<code>/stations.json")
@public
def public_json(code: str):
    race = race_or_404(code)
    summary = services.summary(db.session, race)
    _header, rows = _open_data(race)
    return jsonify(
        race={"code": race.code, "name": race.name, "kind": race.kind},
        final=summary.final,
        as_of=summary.as_of.isoformat() if summary.as_of else None,
        candidates=[{"code": c.code, "name": c.name, "party": c.party, "ballot_order": c.ballot_order}
                    for c in race.candidates],
        stations=rows,
    )
