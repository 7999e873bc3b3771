"""XLSForm image questions: imported and exported, filed with a photo through the phone's JSON API, the plain
form and ODK Collect's multipart submission (also split over two POSTs), refused when too large or not a
picture, and opened only by the observer who filed it and the coordinators of its area."""

import base64
import hashlib
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from electoral.core.audit import AuditEntry
from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.observation import services
from electoral.observation.attachments.models import FilingImage
from electoral.observation.attachments.services import image_file
from electoral.observation.models import Submission
from electoral.observation.openrosa import services as openrosa
from electoral.observation.services.xlsform_export import export_xlsform
from tests.factories import make_region
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist
from tests.observation.test_openrosa import XFORMS, _basic
from tests.observation.test_openrosa import _instance as openrosa_instance
from tests.observation.test_xlsform_export import meaning
from tests.observation.test_xlsform_pyxform import workbook

FORM = workbook({"survey": [["type", "name", "label", "required"],
                            ["integer", "voters", "How many voted?", "yes"],
                            ["image", "sheet", "Photo of the results form posted at the station", "yes"],
                            ["image", "queue", "Photo of the queue", "no"]],
                 "settings": [["form_id", "form_title", "version"], ["closing", "Closing", "1"]]})


def _photo(colour="white", size=(640, 480), kind="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def _data_url(data: bytes, mime="image/jpeg") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def _checklist(db, required=False):
    template = make_opening_checklist(publish=False)
    services.add_question(db.session, template, "PHOTO", "image",
                          {"en": "Photo of the results form posted at the station"}, required=required)
    services.publish(db.session, template)
    return template


def _api(db, required=False):
    template = _checklist(db, required)
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    body = {"client_id": "phone-photo-0001", "template": "OPEN", "version": template.version,
            "station_code": observer.station.code, "answers": dict(OPENING_OK)}
    return observer, {"Authorization": f"Bearer {token}"}, body


# ---- XLSForm ----------------------------------------------------------------------------------------------

def test_image_questions_are_imported_with_their_required_and_exported_back_unchanged(db):
    template = services.import_xlsform(db.session, FORM)
    assert [(q.code, q.type, q.required) for q in template.questions] == [
        ("voters", "integer", True), ("sheet", "image", True), ("queue", "image", False)]
    exported = export_xlsform(template)
    from pyxform.xls2xform import convert

    xform = convert(xlsform=exported, file_type=".xlsx", warnings=[]).xform
    assert '<upload ref="/data/sheet" mediatype="image/*">' in xform
    assert 'nodeset="/data/sheet" type="binary" required="true()"' in xform
    again = services.import_xlsform(db.session, exported)
    assert meaning(again) == meaning(template)


def test_an_image_answer_is_a_file_name_never_a_path(db):
    template = services.import_xlsform(db.session, FORM)
    services.publish(db.session, template)
    ok = services.validate_answers(template, {"voters": 3, "sheet": "1701955200000.jpg"})
    assert ok == ({"voters": 3, "sheet": "1701955200000.jpg"}, {})
    for bad in ("../secret_key.jpg", "/etc/passwd.jpg", "sheet.gif", ".jpg"):
        assert services.validate_answers(template, {"voters": 3, "sheet": bad})[1] == {
            "sheet": ["Send the photo as a JPEG or PNG picture."]}
    assert services.validate_answers(template, {"voters": 3})[1] == {"sheet": ["Answer this question."]}


# ---- the phone's JSON API ---------------------------------------------------------------------------------

def test_a_photo_sent_as_a_data_url_is_stored_with_the_filing_and_a_retry_files_it_once(client, db):
    observer, headers, body = _api(db)
    body["answers"]["PHOTO"] = _data_url(_photo("gray", (3000, 2000)))
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["answers"]["PHOTO"] == "PHOTO.jpg"
    [image] = _db.session.query(FilingImage).all()
    stored = image_file(image).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == image.sha256 and image.size_bytes == len(stored)
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "JPEG" and max(picture.size) == 2048  # re-encoded, scaled to the store's bound
    again = client.post("/api/v1/submissions", json=body, headers=headers)
    assert again.status_code == 200
    assert _db.session.query(FilingImage).count() == 1 and _db.session.query(Submission).count() == 1
    audited = _db.session.query(AuditEntry).filter_by(entity_type="FilingImage", action="create").count()
    assert audited == 1


def test_a_required_photo_is_required_by_the_server(client, db):
    _observer, headers, body = _api(db, required=True)
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"answers.PHOTO": ["Answer this question."]}
    body["answers"]["PHOTO"] = "PHOTO.jpg"  # a name without the photo
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"answers.PHOTO": ["The photo PHOTO.jpg was not sent."]}


@pytest.mark.parametrize(("data_url", "message"), [
    (_data_url(_photo(kind="GIF"), "image/gif"), "Send the photo as a JPEG or PNG picture."),
    (_data_url(_photo(kind="GIF"), "image/jpeg"), "Send the photo as a JPEG or PNG picture."),
    (_data_url(b"\xff\xd8\xff" + b"not a picture" * 10), "The photo cannot be read."),
    ("data:image/jpeg;base64,@@@", "The photo cannot be read."),
    (_data_url(_photo("white", (1200, 1200), "PNG") + b"\0" * 300_000, "image/png"), "The photo is larger than 0.25 MB."),
])
def test_a_photo_that_is_too_large_or_not_a_picture_is_refused_with_the_reason(app, client, db, data_url, message):
    app.config["OBSERVATION_IMAGE_MAX_BYTES"] = 256 * 1024
    try:
        _observer, headers, body = _api(db)
        body["answers"]["PHOTO"] = data_url
        response = client.post("/api/v1/submissions", json=body, headers=headers)
    finally:
        del app.config["OBSERVATION_IMAGE_MAX_BYTES"]
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"answers.PHOTO": [message]}
    assert _db.session.query(Submission).count() == 0 and _db.session.query(FilingImage).count() == 0


def test_the_refusal_is_in_the_observers_language(client, db):
    _observer, headers, body = _api(db)
    body["answers"]["PHOTO"] = _data_url(_photo(kind="GIF"), "image/gif")
    response = client.post("/api/v1/submissions", json=body, headers={**headers, "Accept-Language": "fr"})
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["answers.PHOTO"]
    from flask_babel import force_locale, gettext

    with force_locale("fr"):
        assert message == gettext("Send the photo as a JPEG or PNG picture.")


def test_the_openapi_document_says_how_a_photo_is_sent(client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    answers = document["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]["application/json"][
        "schema"]["properties"]["answers"]
    assert "data:image/jpeg;base64," in answers["description"]


# ---- the phone page without script ------------------------------------------------------------------------

def test_the_phone_page_offers_the_camera_and_files_an_uploaded_photo(client, db):
    _checklist(db)
    observer = make_observer()
    _db.session.commit()
    from tests.factories import PASSWORD

    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    url = f"/observation/my/fill/{observer.station.code}/OPEN"
    page = client.get(url).get_data(as_text=True)
    assert 'type="file" name="PHOTO__file" accept="image/jpeg,image/png" capture="environment"' in page
    assert "js/sheet-photo.js" in page
    client_id = page.split('name="client_id" value="')[1].split('"')[0]
    response = client.post_form(url, {**OPENING_OK, "client_id": client_id, "PHOTO": "",
                                      "PHOTO__file": (io.BytesIO(_photo("gray")), "IMG_0001.jpg", "image/jpeg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [image] = _db.session.query(FilingImage).all()
    filed_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/observation/filings/photos/{image.id}" in filed_page
    assert client.get(f"/observation/filings/photos/{image.id}").status_code == 200


# ---- who may see it ---------------------------------------------------------------------------------------

def test_the_photo_is_opened_by_its_observer_and_the_coordinators_of_its_area_only(client, db, login_as):
    observer, headers, body = _api(db)
    body["answers"]["PHOTO"] = _data_url(_photo())
    assert client.post("/api/v1/submissions", json=body, headers=headers).status_code == 201
    [image] = _db.session.query(FilingImage).all()
    station = observer.station
    # Another observer: not theirs.
    login_as(Role.OBSERVER)
    assert client.get(f"/observation/filings/photos/{image.id}").status_code == 403
    # A coordinator of another region: not in their area.
    client.post_form("/logout")
    login_as(Role.OBSERVER_COORDINATOR, scope=make_region())
    assert client.get(f"/observation/filings/photos/{image.id}").status_code == 403
    # A clerk: not their business.
    client.post_form("/logout")
    login_as(Role.RESULTS_CLERK)
    assert client.get(f"/observation/filings/photos/{image.id}").status_code == 403
    # A coordinator of the station's region: served, and the opening written in the audit trail.
    client.post_form("/logout")
    login_as(Role.OBSERVER_COORDINATOR, scope=station.centre.district.region)
    served = client.get(f"/observation/filings/photos/{image.id}")
    assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == image.sha256
    assert served.headers["Cache-Control"] == "private, no-store"
    viewed = _db.session.query(AuditEntry).filter_by(entity_type="FilingImage", action="view").one()
    assert viewed.entity_id == str(image.id)


def test_a_critical_filings_alert_links_its_photo_for_the_coordinators(client, db, login_as):
    observer, headers, body = _api(db)
    body["answers"].update({"Q3": "no", "PHOTO": _data_url(_photo())})  # the box not sealed: an alert
    assert client.post("/api/v1/submissions", json=body, headers=headers).status_code == 201
    [image] = _db.session.query(FilingImage).all()
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/observation/alerts").get_data(as_text=True)
    assert f'href="/observation/filings/photos/{image.id}"' in page and "Photo PHOTO.jpg" in page


# ---- ODK Collect (OpenRosa) -------------------------------------------------------------------------------

def _phone(db):
    _checklist(db)
    observer = make_observer()
    password = openrosa.set_device_password(db.session, observer)
    db.session.commit()
    return observer, _basic(observer.user.username, password)


def _instance(client, auth, station: str, photo: str, instance_id: str) -> bytes:
    listing = ET.fromstring(client.get("/openrosa/formList", headers=auth).data)
    url = listing.find(f"{XFORMS}xform/{XFORMS}downloadUrl").text
    assert b'mediatype="image/*"' in client.get(url, headers=auth).data
    return openrosa_instance(client, auth, {"electoral_station": station, "Q1": "yes", "Q3": "yes", "Q4": "5",
                                            "PHOTO": photo}, instance_id)


def _post(client, auth, parts: dict):
    # As ODK Collect posts it: multipart/form-data, xml_submission_file first, then each file as a part named
    # by its file name, with its own content type.
    return client.post("/openrosa/submission", headers=auth, content_type="multipart/form-data", data=parts)


def test_odk_collect_submission_with_a_photo_is_filed_with_it(client, db):
    observer, auth = _phone(db)
    xml = _instance(client, auth, observer.station.code, "1701955200000.jpg", "uuid:6b6e0b3c-photo-1")
    response = _post(client, auth, {
        "xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
        "1701955200000.jpg": (io.BytesIO(_photo("gray")), "1701955200000.jpg", "image/jpeg")})
    assert response.status_code == 201, response.data
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert int(response.headers["X-OpenRosa-Accept-Content-Length"]) >= 1_000_000
    filed = _db.session.query(Submission).one()
    assert filed.channel == "odk" and filed.answers["PHOTO"] == "1701955200000.jpg"
    [image] = _db.session.query(FilingImage).all()
    assert image.submission_id == filed.id and image.filename == "1701955200000.jpg"
    assert image_file(image) is not None


def test_a_submission_split_over_two_posts_completes_one_filing(client, db):
    """ODK Collect splits a submission larger than X-OpenRosa-Accept-Content-Length: every POST carries the
    instance (same instanceID), the ones before the last a *isIncomplete* part saying "yes"."""
    observer, auth = _phone(db)
    xml = _instance(client, auth, observer.station.code, "1701955200000.jpg", "uuid:6b6e0b3c-split-1")
    first = _post(client, auth, {"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
                                 "*isIncomplete*": "yes"})
    assert first.status_code == 201
    filed = _db.session.query(Submission).one()
    assert _db.session.query(FilingImage).count() == 0
    second = _post(client, auth, {
        "xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
        "1701955200000.jpg": (io.BytesIO(_photo("gray")), "1701955200000.jpg", "image/jpeg")})
    assert second.status_code == 201 and b"Photos added" in second.data
    assert _db.session.query(Submission).count() == 1
    [image] = _db.session.query(FilingImage).all()
    assert image.submission_id == filed.id
    # The whole sent again (a lost answer): nothing new.
    third = _post(client, auth, {
        "xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
        "1701955200000.jpg": (io.BytesIO(_photo("gray")), "1701955200000.jpg", "image/jpeg")})
    assert third.status_code == 202
    assert _db.session.query(Submission).count() == 1 and _db.session.query(FilingImage).count() == 1


def test_odk_collect_photo_too_large_or_not_a_picture_is_refused(app, client, db):
    observer, auth = _phone(db)
    xml = _instance(client, auth, observer.station.code, "a.jpg", "uuid:6b6e0b3c-bad-1")
    response = _post(client, auth, {"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
                                    "a.jpg": (io.BytesIO(b"GIF89a" + b"\0" * 100), "a.jpg", "image/jpeg")})
    assert response.status_code == 400 and b"PHOTO: Send the photo as a JPEG or PNG picture." in response.data
    app.config["OBSERVATION_IMAGE_MAX_BYTES"] = 1024
    try:
        response = _post(client, auth, {"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
                                        "a.jpg": (io.BytesIO(_photo("gray")), "a.jpg", "image/jpeg")})
    finally:
        del app.config["OBSERVATION_IMAGE_MAX_BYTES"]
    assert response.status_code == 400 and b"PHOTO: The photo is larger than" in response.data
    assert _db.session.query(Submission).count() == 0


def test_another_stations_observer_cannot_complete_someone_elses_filing(client, db):
    observer, auth = _phone(db)
    xml = _instance(client, auth, observer.station.code, "1701955200000.jpg", "uuid:6b6e0b3c-other-1")
    assert _post(client, auth, {"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml")}
                 ).status_code == 201
    other = make_observer(station=observer.station)
    password = openrosa.set_device_password(_db.session, other)
    _db.session.commit()
    response = _post(client, _basic(other.user.username, password), {
        "xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
        "1701955200000.jpg": (io.BytesIO(_photo("red")), "1701955200000.jpg", "image/jpeg")})
    assert response.status_code == 202
    assert _db.session.query(FilingImage).count() == 0


def test_a_post_beyond_the_announced_length_is_refused_with_the_length_again(client, db, monkeypatch):
    """ODK Collect splits what exceeds X-OpenRosa-Accept-Content-Length: one POST beyond it is refused."""
    from electoral.observation.openrosa import views

    monkeypatch.setattr(views, "MAX_SUBMISSION", 50_000)
    observer, auth = _phone(db)
    head = client.open("/openrosa/submission", method="HEAD", headers=auth)
    assert head.headers["X-OpenRosa-Accept-Content-Length"] == "50000"
    xml = _instance(client, auth, observer.station.code, "big.jpg", "uuid:6b6e0b3c-big-1")
    response = _post(client, auth, {"xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
                                    "big.jpg": (io.BytesIO(_photo("gray") + b"\0" * 60_000), "big.jpg",
                                                "image/jpeg")})
    assert response.status_code == 413 and response.headers["X-OpenRosa-Accept-Content-Length"] == "50000"
    assert _db.session.query(Submission).count() == 0
