"""XLSForm media::image: a form and its pictures imported together (a ZIP, as KoboToolbox and ODK Central take
it, or the pictures given apart), exported back, listed in the OpenRosa manifest with their md5, served to ODK
Collect and shown on the phone page."""

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from openpyxl import load_workbook
from PIL import Image

from electoral.core.errors import ImportFailed
from electoral.extensions import db as _db
from electoral.observation import services
from electoral.observation.attachments.media import media_of
from electoral.observation.openrosa import services as openrosa
from electoral.observation.services.xlsform_export import export_xlsform
from tests.factories import PASSWORD
from tests.observation.factories import make_observer
from tests.observation.test_openrosa import _basic
from tests.observation.test_xlsform_pyxform import workbook

MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
FORM = workbook({"survey": [["type", "name", "label", "media::image", "required"],
                            ["note", "sample", "A results form posted at the station looks like this", "sample.jpg", ""],
                            ["select_one party", "agent", "Whose agent signed?", "", "yes"]],
                 "choices": [["list_name", "name", "label", "media::image"],
                             ["party", "unity", "Unity Party", "unity.png"],
                             ["party", "cdc", "Congress for Democratic Change", "cdc.png"]],
                 "settings": [["form_id", "form_title", "version"], ["agents", "Party agents", "1"]]})


def _picture(colour, kind="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(out, kind)
    return out.getvalue()


MEDIA = {"sample.jpg": _picture("gray", "JPEG"), "unity.png": _picture("blue"), "cdc.png": _picture("yellow")}


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _imported(db):
    template = services.import_xlsform(db.session, _zip({"agents.xlsx": FORM, **{f"media/{k}": v
                                                                                  for k, v in MEDIA.items()}}))
    services.publish(db.session, template)
    db.session.commit()
    return template


def test_a_zip_of_the_form_and_its_pictures_keeps_each_picture_where_the_form_shows_it(db):
    template = _imported(db)
    sample, agent = template.questions
    assert sample.media == {"image": "sample.jpg"}
    assert [(c["value"], c.get("media")) for c in agent.choices] == [
        ("unity", {"image": "unity.png"}), ("cdc", {"image": "cdc.png"})]
    stored = {m.filename: m for m in media_of(db.session, template.id)}
    assert set(stored) == set(MEDIA)
    assert stored["unity.png"].content_type == "image/png" and stored["sample.jpg"].content_type == "image/jpeg"


def test_the_pictures_may_come_apart_from_the_form(db):
    template = services.import_xlsform(db.session, FORM, media=MEDIA)
    assert {m.filename for m in media_of(db.session, template.id)} == set(MEDIA)


def test_a_picture_the_form_names_and_the_upload_lacks_is_refused_by_name(db):
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _zip({"agents.xlsx": FORM, "unity.png": MEDIA["unity.png"]}))
    assert [e.message for e in failure.value.errors] == [
        "survey sheet, row 2, column media::image: the picture sample.jpg is not in the upload; import a ZIP of "
        "the XLSForm and its media files.",
        "survey sheet, row 3, column media::image: the picture cdc.png is not in the upload; import a ZIP of the "
        "XLSForm and its media files."]


def test_a_media_file_that_is_not_a_picture_is_refused(db):
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, FORM, media={**MEDIA, "cdc.png": b"GIF89a not a picture"})
    assert [e.message for e in failure.value.errors] == [
        "survey sheet, row 3, column media::image: the media file cdc.png is not a JPEG or PNG picture."]


def test_audio_is_refused_naming_sheet_row_column_and_feature(db):
    form = workbook({"survey": [["type", "name", "label", "media::audio"], ["note", "n", "Listen", "a.mp3"]],
                     "settings": [["form_id"], ["sound"]]})
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, form)
    assert [e.message for e in failure.value.errors] == [
        "survey sheet, row 2, column media: the media audio is not supported by checklists yet."]


def test_export_writes_the_media_columns_and_imports_back_with_the_pictures(db):
    template = _imported(db)
    exported = export_xlsform(template)
    book = load_workbook(io.BytesIO(exported))
    survey = [[c.value for c in row] for row in book["survey"].iter_rows()]
    assert "media::image" in survey[0]
    assert survey[1][survey[0].index("media::image")] == "sample.jpg"
    choices = [[c.value for c in row] for row in book["choices"].iter_rows()]
    assert [r[-1] for r in choices[1:]] == ["unity.png", "cdc.png"]
    from pyxform.xls2xform import convert

    assert "jr://images/unity.png" in convert(xlsform=exported, file_type=".xlsx", warnings=[]).xform
    again = services.import_xlsform(db.session, exported, media=MEDIA)
    assert [q.media for q in again.questions] == [q.media for q in template.questions]
    assert again.questions[1].choices == template.questions[1].choices


def test_a_new_version_made_on_the_web_keeps_the_pictures(db):
    template = _imported(db)
    draft = services.editable(db.session, template)
    assert draft.id != template.id
    assert draft.questions[0].media == {"image": "sample.jpg"}
    assert {m.filename for m in media_of(db.session, draft.id)} == set(MEDIA)


def test_odk_collect_reads_the_manifest_and_downloads_each_picture_by_its_md5(client, db):
    template = _imported(db)
    observer = make_observer()
    auth = _basic(observer.user.username, openrosa.set_device_password(db.session, observer))
    db.session.commit()
    xform = client.get(f"/openrosa/forms/AGENTS/{template.version}/form.xml", headers=auth).get_data(as_text=True)
    assert "jr://images/unity.png" in xform and "jr://images/sample.jpg" in xform
    response = client.get(f"/openrosa/forms/AGENTS/{template.version}/manifest", headers=auth)
    assert response.status_code == 200 and response.headers["X-OpenRosa-Version"] == "1.0"
    files = ET.fromstring(response.data).findall(f"{MANIFEST}mediaFile")
    assert sorted(f.find(f"{MANIFEST}filename").text for f in files) == sorted(MEDIA)
    for entry in files:
        url = entry.find(f"{MANIFEST}downloadUrl").text
        assert client.get(url).status_code == 401  # the device password, as for the form
        served = client.get(url, headers=auth)
        assert served.status_code == 200
        assert entry.find(f"{MANIFEST}hash").text == "md5:" + hashlib.md5(served.data).hexdigest()
    assert client.get(f"/openrosa/forms/AGENTS/{template.version}/media/other.png", headers=auth).status_code == 404


def test_the_phone_page_shows_the_pictures(client, db):
    template = _imported(db)
    observer = make_observer()
    _db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    page = client.get(f"/observation/my/fill/{observer.station.code}/AGENTS").get_data(as_text=True)
    for name in MEDIA:
        url = f"/observation/checklists/{template.id}/media/{name}"
        assert f'src="{url}"' in page
        assert client.get(url).status_code == 200
    assert client.get(f"/observation/checklists/{template.id}/media/../secret_key").status_code == 404


def test_the_import_page_takes_the_zip_of_the_form_and_its_pictures(client, db, login_as):
    from electoral.core.auth import Role
    from electoral.observation.models import ChecklistTemplate

    login_as(Role.OBSERVER_COORDINATOR)
    response = client.post_form("/observation/templates/import",
                                {"file": (io.BytesIO(_zip({"agents.xlsx": FORM, **MEDIA})), "agents.zip"),
                                 "phase": ""}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    template = db.session.query(ChecklistTemplate).one()
    assert {m.filename for m in media_of(db.session, template.id)} == set(MEDIA)
