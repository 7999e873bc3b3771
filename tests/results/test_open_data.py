"""Results as open data: the long shape and NIST's Election Results Common Data Format, on the pages and the CLI."""

import csv
import io
import json
from pathlib import Path

import pytest

from electoral.extensions import db
from electoral.results import cdf
from tests.factories import make_centre, make_district, make_region, make_station
from tests.registration.factories import make_election
from tests.results.factories import enter_twice, figures, make_race

SCHEMA = Path(__file__).resolve().parent / "schemas" / "NIST_V2_election_results_reporting.json"


@pytest.fixture
def counted(db):
    """A national race over two regions: three stations counted, one not yet."""
    make_election()
    stations = []
    for region_code, district_code in (("01", "0101"), ("02", "0201")):
        district = make_district(region=make_region(code=region_code), code=district_code)
        centre = make_centre(district=district, code=f"{district_code}001")
        stations += [make_station(centre=centre, code=f"{district_code}00{n}") for n in (1, 2)]
    race = make_race(code="PRES", candidates=("Amara Kollié", "عبد الله الفيتوري"))
    race.candidates[1].party = "حزب الوحدة"
    for station, votes in zip(stations[:3], ((60, 36), (50, 46), (10, 86)), strict=True):
        enter_twice(race, station, figures(votes=votes))
    db.session.commit()
    return race, stations


def _validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_cdf_document_validates_against_nists_schema(app, counted):
    race, _stations = counted
    with app.test_request_context():
        document = cdf.build(db.session, race)
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_cdf_document_carries_each_stations_votes_and_counts(app, counted):
    race, stations = counted
    with app.test_request_context():
        document = cdf.build(db.session, race)
    election = document["Election"][0]
    contest = election["Contest"][0]
    first = contest["ContestSelection"][0]
    assert {v["GpUnitId"]: v["Count"] for v in first["VoteCounts"]} == {
        "gp-station-0101001": 60, "gp-station-0101002": 50, "gp-station-0201001": 10}
    assert contest["CountStatus"][0]["Status"] == "in-process" and contest["SubUnitsReported"] == 3
    assert document["Status"] == "unofficial-partial"
    ballots = {b["GpUnitId"]: (b["BallotsCast"], b["BallotsRejected"]) for b in election["BallotCounts"]}
    assert ballots["gp-station-0101001"] == (100, 4)
    units = {u["@id"]: u for u in document["GpUnit"]}
    assert "VotersRegistered" in units["gp-station-0101001"] and "VotersRegistered" not in units["gp-station-0201002"]
    assert units["gp-national"]["ComposingGpUnitIds"] == ["gp-region-01", "gp-region-02"]
    assert units["gp-centre-0201001"]["ComposingGpUnitIds"] == ["gp-station-0201001", "gp-station-0201002"]
    assert {p["Name"]["Text"][0]["Content"] for p in document["Party"]} == {"Party 1", "حزب الوحدة"}


def test_the_long_shape_has_a_row_per_station_and_candidate_with_every_levels_code(client, counted):
    response = client.get("/results/public/PRES/votes.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 3 * 2
    first = rows[0]
    assert (first["region_code"], first["district_code"], first["centre_code"], first["station_code"]) == \
        ("01", "0101", "0101001", "0101001")
    assert (first["candidate_name"], first["votes"]) == ("Amara Kollié", "60")


@pytest.mark.parametrize("url", ["/results/public/PRES/stations.xlsx", "/results/public/PRES/votes.xlsx"])
def test_the_public_spreadsheets_keep_codes_as_text(client, counted, url):
    from openpyxl import load_workbook

    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "0101001" in values and "01" not in [v for v in values if isinstance(v, int)]


def test_the_public_page_offers_every_open_data_shape(client, counted):
    page = client.get("/results/public/PRES").get_data(as_text=True)
    for url in ("stations.csv", "stations.xlsx", "stations.json", "votes.csv", "votes.xlsx", "cdf.json"):
        assert f"/results/public/PRES/{url}" in page


def test_the_public_cdf_download_validates(client, counted):
    response = client.get("/results/public/PRES/cdf.json")
    assert response.status_code == 200
    assert list(_validator().iter_errors(response.get_json())) == []


@pytest.mark.parametrize("args, name", [(["--format", "cdf"], "r.json"), (["--format", "xlsx"], "r.xlsx"),
                                        (["--long"], "r.csv"), ([], "r.xlsx")])
def test_the_results_export_command_writes_each_format(runner, counted, tmp_path, args, name):
    target = tmp_path / name
    result = runner.invoke(args=["results", "export", "--race", "PRES", *args, str(target)])
    assert result.exit_code == 0, result.output
    body = target.read_bytes()
    if name.endswith(".json"):
        assert list(_validator().iter_errors(json.loads(body))) == []
    elif name.endswith(".xlsx"):
        assert body.startswith(b"PK")
    else:
        assert body.startswith(b"\xef\xbb\xbf") and "عبد الله الفيتوري".encode() in body


def test_the_cdf_names_the_winner_once_every_sheet_is_final(app, counted):
    # Seats are computed only on final figures: with one station still uncounted no status is given.
    race, stations = counted
    with app.test_request_context():
        assert all("PostElectionStatus" not in c for c in cdf.build(db.session, race)["Election"][0]["Candidate"])
    assert enter_twice(race, stations[3], figures(votes=(20, 76))).state == "accepted"
    db.session.commit()
    with app.test_request_context():
        document = cdf.build(db.session, race)
    statuses = {c["BallotName"]["Text"][0]["Content"]: c["PostElectionStatus"]
                for c in document["Election"][0]["Candidate"]}
    # 140 against 244 votes: the second candidate wins the plurality race.
    assert statuses == {"Amara Kollié": "defeated", "عبد الله الفيتوري": "winner"}
    assert list(_validator().iter_errors(document)) == []


def test_the_cdf_says_who_advanced_to_a_runoff(app, counted):
    from electoral.results.seats import service

    race, stations = counted
    # A first-round win needs more than 70% here: 244 of 384 valid votes (64%) is not enough.
    service.configure(db.session, race, method="two_round", seats=1, threshold=70, advance=2)
    assert enter_twice(race, stations[3], figures(votes=(20, 76))).state == "accepted"
    db.session.commit()
    with app.test_request_context():
        document = cdf.build(db.session, race)
    assert [c["PostElectionStatus"] for c in document["Election"][0]["Candidate"]] == ["advanced-to-runoff"] * 2
    assert list(_validator().iter_errors(document)) == []


def test_the_cdf_carries_each_stations_tally_sheet_image_hash_and_address(app, counted):
    import hashlib
    import io

    from PIL import Image

    from electoral.results.sheets import images
    from electoral.results.sheets.models import SheetImage

    race, stations = counted
    buffer = io.BytesIO()
    Image.new("RGB", (600, 850), "white").save(buffer, "JPEG", quality=85)
    images.file_image(db.session, race, stations[0], images.prepare(buffer.getvalue()), source="scan")
    db.session.commit()
    stored = db.session.scalar(db.select(SheetImage))
    with app.test_request_context():
        document = cdf.build(db.session, race)
    errors = list(_validator().iter_errors(document))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    units = {u["@id"]: u for u in document["GpUnit"]}
    found = {i["OtherType"]: i["Value"] for i in units["gp-station-0101001"]["ExternalIdentifier"] if i["Type"] == "other"}
    assert found["tally-sheet-image-sha256"] == stored.sha256
    assert found["tally-sheet-image-sha256"] == hashlib.sha256(images.SHEET_IMAGES.resolve(stored.path).read_bytes()).hexdigest()
    assert found["tally-sheet-image-url"].endswith(f"/{stored.sha256}")
    assert all(i["Type"] != "other" for i in units["gp-station-0101002"]["ExternalIdentifier"])


def test_open_data_places_each_station_at_its_own_reading_else_its_centres_point(client, counted):
    _race, stations = counted
    first, second, third = stations[:3]
    first.latitude, first.longitude = 6.30012, -10.79745  # a reading at the station itself
    first.centre.latitude, first.centre.longitude = 6.3, -10.8
    second.centre.latitude, second.centre.longitude = 6.3, -10.8  # second: no reading of its own
    db.session.commit()
    rows = {r["station_code"]: r for r in csv.DictReader(io.StringIO(
        client.get("/results/public/PRES/stations.csv").get_data().decode("utf-8-sig")))}
    assert (rows[first.code]["latitude"], rows[first.code]["longitude"]) == ("6.30012", "-10.79745")
    assert (rows[second.code]["latitude"], rows[second.code]["longitude"]) == ("6.3", "-10.8")
    assert (rows[third.code]["latitude"], rows[third.code]["longitude"]) == ("", "")
    located = {s["station_code"]: s for s in client.get("/results/public/PRES/stations.json").get_json()["stations"]}
    assert (located[first.code]["latitude"], located[first.code]["longitude"]) == (6.30012, -10.79745)
    assert located[third.code]["latitude"] is None
