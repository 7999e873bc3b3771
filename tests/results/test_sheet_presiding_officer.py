"""The presiding officer: polling staff scoped to one station, who sends that station's sheet photo and nothing else."""

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import select

from electoral.accounts import services as accounts
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.observation import services as observation
from electoral.results.sheets.models import SheetImage
from tests.factories import make_station
from tests.results.factories import make_race


def _photo(colour="white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 850), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _send_from_phone(client, station_code: str, data: bytes):
    return client.post("/results/phone/sheet-photo", headers={"Accept": "application/json"},
                       content_type="multipart/form-data",
                       data={"csrf_token": client.csrf_token(), "race": "PRES", "station": station_code,
                             "image": (io.BytesIO(data), "sheet.jpg")})


def test_a_presiding_officer_sends_their_stations_photo_from_the_phone_page(db, client, login_as):
    make_race(code="PRES")
    station = make_station()
    officer = login_as(Role.PRESIDING_OFFICER, scope=station)
    page = client.get("/results/phone/sheet-photo").get_data(as_text=True)
    assert f'<option value="{station.code}">' in page
    response = _send_from_phone(client, station.code, _photo())
    assert response.status_code == 201
    image = db.session.scalar(select(SheetImage))
    assert image.sha256 == hashlib.sha256(_photo()).hexdigest()
    assert image.station_id == station.id and image.sent_by_id == officer.id


def test_a_presiding_officer_cannot_send_another_stations_photo(db, client, login_as):
    make_race(code="PRES")
    own, other = make_station(), make_station()
    login_as(Role.PRESIDING_OFFICER, scope=own)
    page = client.get("/results/phone/sheet-photo").get_data(as_text=True)
    assert f'value="{other.code}"' not in page
    assert _send_from_phone(client, other.code, _photo()).status_code == 403
    assert db.session.scalar(select(SheetImage)) is None


def test_a_presiding_officer_sends_through_the_api_for_their_station_only(db, client):
    from tests.factories import make_user

    make_race(code="PRES")
    own, other = make_station(), make_station()
    token = observation.create_token(db.session, make_user(Role.PRESIDING_OFFICER, scope=own))
    db.session.commit()

    def post(station, data):
        return client.post(f"/api/v1/result-sheets/PRES/{station.code}/images",
                           data={"image": (io.BytesIO(data), "sheet.jpg")}, content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {token}"})

    assert post(own, _photo()).status_code == 201
    assert post(other, _photo("gray")).status_code == 403
    assert [i.station_id for i in db.session.scalars(select(SheetImage))] == [own.id]


@pytest.mark.parametrize("url", ["/results/", "/results/entry", "/results/intake", "/results/scans",
                                 "/results/quarantine", "/geography/", "/reports/", "/observation/quick-count",
                                 "/observation/my", "/logistics/", "/registration/cases", "/training/", "/users",
                                 "/audit"])
def test_a_presiding_officer_is_refused_every_other_page(db, client, login_as, url):
    login_as(Role.PRESIDING_OFFICER, scope=make_station())
    assert client.get(url).status_code == 403


def test_a_presiding_officer_holds_one_station_and_no_other_role(db):
    station = make_station()
    officer = accounts.create_user(db.session, "po.one", "correct horse battery staple",
                                   [Role.PRESIDING_OFFICER], scope_code=station.code)
    assert officer.scope == station and officer.can_act_in(station)
    with pytest.raises(ValidationFailed) as no_station:
        accounts.create_user(db.session, "po.two", "correct horse battery staple", [Role.PRESIDING_OFFICER])
    assert "scope" in no_station.value.errors
    with pytest.raises(ValidationFailed) as two_roles:
        accounts.create_user(db.session, "po.three", "correct horse battery staple",
                             [Role.PRESIDING_OFFICER, Role.RESULTS_CLERK], scope_code=station.code)
    assert "roles" in two_roles.value.errors
    with pytest.raises(ValidationFailed) as clerk_at_station:
        accounts.create_user(db.session, "clerk.one", "correct horse battery staple",
                             [Role.RESULTS_CLERK], scope_code=station.code)
    assert "scope" in clerk_at_station.value.errors


def test_the_users_form_creates_a_presiding_officer_for_a_station(db, client, login_as):
    from electoral.accounts.models import User

    station = make_station()
    login_as(Role.ADMINISTRATOR)
    page = client.get("/users/new").get_data(as_text=True)
    assert 'value="presiding_officer"' in page
    response = client.post_form("/users/new", {"username": "po.form", "password": "correct horse battery staple",
                                               "roles": "presiding_officer", "scope": station.code})
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "po.form"))
    assert user.roles == {Role.PRESIDING_OFFICER} and user.scope_station_id == station.id
