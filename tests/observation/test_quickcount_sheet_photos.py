"""Observers' photos of the posted result sheet (PVT): kept as theirs, compared with the official sheet on the quick count."""

import hashlib
import io

from PIL import Image

from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.observation import services
from electoral.observation.models import QuickCountSample
from electoral.results.sheets import images
from tests.factories import make_station
from tests.observation.factories import make_counting_checklist, make_observer
from tests.results.factories import enter_twice, figures, make_clerk, make_race


def _photo(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 850), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _send_as_observer(client, observer, station, data: bytes):
    token = services.create_token(_db.session, observer.user)
    _db.session.commit()
    return client.post(f"/api/v1/result-sheets/PRES/{station.code}/images",
                       data={"image": (io.BytesIO(data), "pvt.jpg")}, content_type="multipart/form-data",
                       headers={"Authorization": f"Bearer {token}"})


def _election(db):
    """Two sampled stations with an observer's counts and an accepted sheet each: PS-1 agrees, PS-2 does not."""
    template = make_counting_checklist()
    same, differ = make_station(code="PS-1"), make_station(code="PS-2")
    observers = {}
    for station, votes in ((same, (120, 75)), (differ, (100, 96))):
        observers[station.code] = make_observer(station=station)
        services.submit(db.session, template, station, {"REG": 300, "CAST": 200, "INV": 5, "VA": votes[0],
                                                        "VB": votes[1]}, f"pvt-{station.code}",
                        observers[station.code])
    race = make_race(code="PRES")
    for candidate, code in zip(race.candidates, ("VA", "VB"), strict=True):
        candidate.code = code  # the checklist's vote questions carry the candidates' codes
    db.session.flush()
    for station, votes, cast in ((same, (120, 75), 200), (differ, (121, 75), 201)):
        raw = figures(cast=cast, invalid=5, votes=votes, received=300)
        raw["candidates"] = {"VA": votes[0], "VB": votes[1]}
        enter_twice(race, station, raw=raw)
    db.session.add_all([QuickCountSample(station_id=same.id), QuickCountSample(station_id=differ.id)])
    db.session.commit()
    return race, same, differ, observers


def test_an_observers_photo_is_kept_as_theirs_not_as_the_sheets_evidence(db, client):
    race, _same, differ, observers = _election(db)
    official, _new = images.file_image(db.session, race, differ, images.prepare(_photo("white")), source="clerk",
                                       sender=make_clerk())
    db.session.commit()
    response = _send_as_observer(client, observers["PS-2"], differ, _photo("gray"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["observer"] is True and body["url"] is None and body["flagged"] is False
    db.session.refresh(official)
    assert not official.flagged  # an observer's photo is no second official image
    observer_sha = hashlib.sha256(_photo("gray")).hexdigest()
    public = client.get("/results/public/PRES/stations/PS-2").get_data(as_text=True)
    assert official.sha256 in public and observer_sha not in public
    assert client.get(f"/results/public/PRES/stations/PS-2/images/{observer_sha}").status_code == 404
    assert observer_sha not in client.get("/results/public/images-manifest.csv").get_data(as_text=True)


def test_the_quick_count_page_sets_the_observers_photo_and_counts_beside_the_official_sheet(db, client, login_as):
    race, _same, differ, observers = _election(db)
    official, _new = images.file_image(db.session, race, differ, images.prepare(_photo("white")), source="clerk",
                                       sender=make_clerk())
    db.session.commit()
    photo_id = _send_as_observer(client, observers["PS-2"], differ, _photo("gray")).get_json()["id"]
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/observation/quick-count?race=PRES").get_data(as_text=True)
    section = page.split('id="sheet-photos"')[1].split("</section>")[0]
    rows = {row.split("</td>")[0].split("<td>")[-1].split()[0]: row for row in section.split("<tr")[2:]}
    assert set(rows) == {"PS-1", "PS-2"}
    assert 'class="flagged"' in rows["PS-2"] and "Figures differ: VA, VB, cast" in rows["PS-2"]
    assert f"/observation/quick-count/photos/{photo_id}" in rows["PS-2"]
    assert f"/results/public/PRES/stations/PS-2/images/{official.sha256}" in rows["PS-2"]
    assert "VA 100" in rows["PS-2"] and "VA 121" in rows["PS-2"]
    assert 'class="flagged"' not in rows["PS-1"] and "Same figures" in rows["PS-1"] and "No photo." in rows["PS-1"]
    served = client.get(f"/observation/quick-count/photos/{photo_id}")
    assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == \
        hashlib.sha256(_photo("gray")).hexdigest()
    # The official image is not an observer's photo: that address serves observers' photos only.
    assert client.get(f"/observation/quick-count/photos/{official.id}").status_code == 404
