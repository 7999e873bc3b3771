"""ODK Collect's exchange with the server, as the OpenRosa Form List and Form Submission APIs describe it."""

import base64
import hashlib
import io
import json
import xml.etree.ElementTree as ET
import zlib

import sqlalchemy as sa

from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.observation.models import Submission
from electoral.observation.openrosa import services as openrosa
from tests.factories import PASSWORD, make_station
from tests.observation.factories import make_observer, make_opening_checklist

OPENROSA = {"X-OpenRosa-Version": "1.0"}
XFORMS = "{http://openrosa.org/xforms/xformsList}"
XF = "{http://www.w3.org/2002/xforms}"


def _basic(username: str, password: str) -> dict:
    return {**OPENROSA, "Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def _phone(db):
    make_opening_checklist()
    observer = make_observer()
    password = openrosa.set_device_password(db.session, observer)
    db.session.commit()
    return observer, _basic(observer.user.username, password)


def _instance(client, auth, values: dict[str, str], instance_id: str) -> bytes:
    """The XForm's primary instance filled as ODK Collect fills it."""
    listing = ET.fromstring(client.get("/openrosa/formList", headers=auth).data)
    url = listing.find(f"{XFORMS}xform/{XFORMS}downloadUrl").text
    form = ET.fromstring(client.get(url, headers=auth).data)
    data = form.find(f".//{XF}model/{XF}instance")[0]
    for element in data.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in values:
            element.text = values[name]
        elif name == "instanceID":
            element.text = instance_id
    return ET.tostring(data)


def _send(client, auth, xml: bytes):
    return client.post("/openrosa/submission", headers=auth, content_type="multipart/form-data",
                       data={"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml")})


def test_head_without_credentials_gets_the_basic_challenge(client, db):
    response = client.open("/openrosa/submission", method="HEAD", headers=OPENROSA)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_head_with_the_device_password_says_how_much_it_accepts(client, db):
    _observer, auth = _phone(db)
    response = client.open("/openrosa/submission", method="HEAD", headers=auth)
    assert response.status_code == 204
    assert int(response.headers["X-OpenRosa-Accept-Content-Length"]) >= 1_000_000


def test_web_password_is_not_the_device_password(client, db):
    observer, _auth = _phone(db)
    assert client.get("/openrosa/formList", headers=_basic(observer.user.username, PASSWORD)).status_code == 401


def test_form_list_names_each_published_checklist_with_its_hash_and_version(client, db):
    observer, auth = _phone(db)
    response = client.get("/openrosa/formList", headers=auth)
    assert response.status_code == 200 and response.headers["X-OpenRosa-Version"] == "1.0"
    [entry] = ET.fromstring(response.data).findall(f"{XFORMS}xform")
    assert entry.find(f"{XFORMS}formID").text == "OPEN" and entry.find(f"{XFORMS}version").text == "1"
    xform = client.get(entry.find(f"{XFORMS}downloadUrl").text, headers=auth).data
    assert entry.find(f"{XFORMS}hash").text == "md5:" + hashlib.md5(xform).hexdigest()
    assert f'<name>{observer.station.code}</name>'.encode() in xform
    assert b"relevant=\" /data/Q1  = 'no'\"" in xform, xform
    manifest = client.get(entry.find(f"{XFORMS}manifestUrl").text, headers=auth)
    assert manifest.status_code == 200 and b"xformsManifest" in manifest.data


def test_submission_is_filed_like_a_phone_filing_and_a_resend_is_not_filed_twice(client, db):
    observer, auth = _phone(db)
    xml = _instance(client, auth, {"electoral_station": observer.station.code, "Q1": "yes", "Q3": "no", "Q4": "6",
                                   "Q5": "ink light"}, "uuid:4a2b6c1e-0000-4000-8000-000000000001")
    first = _send(client, auth, xml)
    assert first.status_code == 201, first.data
    assert b'nature="submit_success"' in first.data
    again = _send(client, auth, xml)
    assert again.status_code == 202
    [filing] = _db.session.scalars(_db.select(Submission)).all()
    assert filing.answers == {"Q1": "yes", "Q3": "no", "Q4": 6, "Q5": ["ink", "light"]}
    assert (filing.channel, filing.observer_id, filing.critical) == ("odk", observer.id, True)


def test_submission_for_a_station_the_observer_is_not_deployed_to_is_refused(client, db):
    _observer, auth = _phone(db)
    other = make_station()
    _db.session.commit()
    xml = _instance(client, auth, {"electoral_station": other.code, "Q1": "yes", "Q3": "yes", "Q4": "6"},
                    "uuid:4a2b6c1e-0000-4000-8000-000000000002")
    response = _send(client, auth, xml)
    assert response.status_code == 400 and b"You are not deployed" in response.data
    assert _db.session.scalar(_db.select(Submission)) is None


def test_device_password_is_hashed_as_account_passwords_are_and_one_hashed_before_still_signs_in(client, db):
    from werkzeug.security import generate_password_hash

    from electoral.observation.openrosa.models import DeviceCredential

    observer, auth = _phone(db)
    credential = db.session.scalar(sa.select(DeviceCredential).where(DeviceCredential.observer_id == observer.id))
    assert credential.password_hash.startswith("$argon2id$")
    assert client.get("/openrosa/formList", headers=auth).status_code == 200
    # A phone set up when device passwords were hashed by Werkzeug (scrypt) keeps signing in.
    credential.password_hash = generate_password_hash("kept-from-before")
    db.session.commit()
    assert client.get("/openrosa/formList", headers=_basic(observer.user.username, "kept-from-before")).status_code == 200
    assert client.get("/openrosa/formList", headers=_basic(observer.user.username, "not-it")).status_code == 401
    assert client.get("/openrosa/formList", headers=auth).status_code == 401


def test_submission_with_a_broken_answer_is_refused_with_the_reason(client, db):
    observer, auth = _phone(db)
    xml = _instance(client, auth, {"electoral_station": observer.station.code, "Q1": "yes", "Q3": "yes",
                                   "Q4": "11"}, "uuid:4a2b6c1e-0000-4000-8000-000000000003")
    response = _send(client, auth, xml)
    assert response.status_code == 400 and b"Q4: At most 10." in response.data


def test_coordinator_makes_a_device_password_and_the_qr_code_configures_odk_collect(client, db, login_as):
    observer = make_observer()
    _db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.post_form(f"/observation/observers/{observer.id}/device", {}).get_data(as_text=True)
    password = page.split('<code class="secret">')[1].split("<")[0]
    assert openrosa.device_observer(_db.session, observer.user.username, password)[0].id == observer.id
    assert "<svg" in page and "/openrosa</code>" in page
    payload = openrosa.settings_qr_payload("https://example.org/openrosa", observer.user.username, password)
    settings = json.loads(zlib.decompress(base64.b64decode(payload)))
    assert settings == {"general": {"server_url": "https://example.org/openrosa", "username": observer.user.username,
                                    "password": password}, "admin": {}}


def test_observer_page_links_to_the_odk_collect_set_up(client, db, login_as):
    observer = make_observer()
    _db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get(f"/observation/observers/{observer.id}").get_data(as_text=True)
    assert f"/observation/observers/{observer.id}/device" in page


def test_observer_sets_up_their_own_phone(client, db):
    observer = make_observer()
    _db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    page = client.post_form("/observation/my/device", {}).get_data(as_text=True)
    password = page.split('<code class="secret">')[1].split("<")[0]
    assert client.get("/openrosa/formList", headers=_basic(observer.user.username, password)).status_code == 200
