"""XLSForm dateTime and geopoint: imported, checked by the server, on the phone page (GPS with its accuracy),
filed through the web form, the API and ODK Collect's OpenRosa submission, exported and imported back."""

import json
import shutil
import subprocess

import pytest

from electoral.core.errors import ImportFailed
from electoral.observation import services
from electoral.observation.models import Submission
from electoral.observation.services.xlsform_export import export_xlsform
from tests.factories import PASSWORD
from tests.observation.factories import make_observer
from tests.observation.test_conditions_phone import SCRIPT
from tests.observation.test_xlsform_export import meaning
from tests.observation.test_xlsform_pyxform import workbook

FORM = workbook({"survey": [["type", "name", "label", "required"],
                            ["dateTime", "opened_at", "When did the station open?", "yes"],
                            ["geopoint", "where", "Where is the station?", "yes"]],
                 "settings": [["form_id", "form_title"], ["site", "Site visit"]]})


def _published(db):
    template = services.import_xlsform(db.session, FORM)
    services.publish(db.session, template)
    db.session.commit()
    return template


@pytest.mark.parametrize(("raw", "answer"), [
    ({"opened_at": "2026-12-07T07:02:09.000+01:00", "where": "12.3456 -1.5 301.2 4.8"},
     {"opened_at": "2026-12-07T07:02:09+01:00", "where": "12.3456 -1.5 301.2 4.8"}),
    ({"opened_at": "2026-12-07T07:02", "where": "12.3456 -1.5"},
     {"opened_at": "2026-12-07T07:02:00", "where": "12.3456 -1.5"}),
])
def test_server_keeps_a_date_time_and_a_position_as_odk_and_the_phone_send_them(db, raw, answer):
    template = _published(db)
    assert [q.type for q in template.questions] == ["datetime", "geopoint"]
    assert services.validate_answers(template, raw) == (answer, {})


@pytest.mark.parametrize(("raw", "errors"), [
    ({"opened_at": "2026-12-07", "where": "12 1"}, {"opened_at": ["Give a date and time as YYYY-MM-DDTHH:MM."]}),
    ({"opened_at": "2026-12-07T25:00", "where": "12 1"}, {"opened_at": ["Give a date and time as YYYY-MM-DDTHH:MM."]}),
    ({"opened_at": "2026-12-07T07:00", "where": "12"}, {"where": [
        "Give a position as latitude, longitude, altitude and accuracy, separated by spaces."]}),
    ({"opened_at": "2026-12-07T07:00", "where": "12 1 0 5 9"}, {"where": [
        "Give a position as latitude, longitude, altitude and accuracy, separated by spaces."]}),
    ({"opened_at": "2026-12-07T07:00", "where": "12 nan"}, {"where": [
        "Give a position as latitude, longitude, altitude and accuracy, separated by spaces."]}),
    ({"opened_at": "2026-12-07T07:00", "where": "91 1"}, {"where": [
        "The latitude must be between -90 and 90 and the longitude between -180 and 180."]}),
    ({"opened_at": "2026-12-07T07:00", "where": "12 1 0 -3"}, {"where": ["The accuracy cannot be negative."]}),
])
def test_server_refuses_a_malformed_date_time_or_position(db, raw, errors):
    assert services.validate_answers(_published(db), raw)[1] == errors


def test_phone_page_offers_a_date_time_picker_and_the_gps_and_files_them(client, db):
    _published(db)
    observer = make_observer()
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    url = f"/observation/my/fill/{observer.station.code}/SITE"
    page = client.get(url).get_data(as_text=True)
    assert 'type="datetime-local" name="opened_at"' in page
    assert 'data-locate="where"' in page and "Use my position" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    bad = client.post(url, data={"csrf_token": token, "client_id": "geo-web-0001", "opened_at": "2026-12-07T07:02",
                                 "where": "north of the market"})
    assert bad.status_code == 422 and "Give a position as latitude" in bad.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "client_id": "geo-web-0002",
                                      "opened_at": "2026-12-07T07:02", "where": "12.3456 -1.5 0 12.5"})
    assert response.status_code == 302
    filed = db.session.scalar(db.select(Submission).where(Submission.client_id == "geo-web-0002"))
    assert filed.answers == {"opened_at": "2026-12-07T07:02:00", "where": "12.3456 -1.5 0 12.5"}


def test_api_files_a_date_time_and_a_position(client, db):
    _published(db)
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    body = {"client_id": "geo-api-0001", "template": "SITE", "version": 1, "station_code": observer.station.code,
            "answers": {"opened_at": "2026-12-07T06:02:09Z", "where": "12.3456 -1.5 301.2 4.8"}}
    response = client.post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}, json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["answers"] == {"opened_at": "2026-12-07T06:02:09+00:00",
                                              "where": "12.3456 -1.5 301.2 4.8"}


def test_odk_collect_submission_with_a_date_time_and_a_position_is_filed(client, db):
    from electoral.observation.openrosa import services as openrosa
    from tests.observation.test_openrosa import _basic, _instance, _send

    _published(db)
    observer = make_observer()
    auth = _basic(observer.user.username, openrosa.set_device_password(db.session, observer))
    db.session.commit()
    xml = _instance(client, auth, {"electoral_station": observer.station.code,
                                   "opened_at": "2026-12-07T07:02:09.000+01:00", "where": "12.3456 -1.5 301.2 4.8"},
                    "uuid:4a2b6c1e-0000-4000-8000-0000000000d1")
    response = _send(client, auth, xml)
    assert response.status_code == 201, response.data
    [filed] = db.session.scalars(db.select(Submission)).all()
    assert filed.answers == {"opened_at": "2026-12-07T07:02:09+01:00", "where": "12.3456 -1.5 301.2 4.8"}


def test_date_time_and_position_export_and_import_back_unchanged(db):
    import io

    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    template = services.import_xlsform(db.session, FORM)
    exported = export_xlsform(template)
    survey = workbook_to_json(get_xlsform(io.BytesIO(exported), file_type=".xlsx"), warnings=[])
    assert [(c["type"], c["name"]) for c in survey["children"] if c["name"] != "meta"] == [
        ("dateTime", "opened_at"), ("geopoint", "where")]
    again = services.import_xlsform(db.session, exported)
    assert meaning(again) == meaning(template)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_writes_the_gps_position_as_odk_does_and_the_server_accepts_it(db):
    source = SCRIPT.read_text(encoding="utf-8")
    start = source.index("// A geopoint question")
    locate = source[start:source.index("// ---- the checklist form", start)]
    # The page's button and input, and a phone whose GPS answers with an accuracy of 7.34 m.
    program = locate + """
    var input = { value: "", dispatchEvent: function () {} }, status = { textContent: "" }, asked = null;
    global.Event = function (name) { this.name = name; };
    global.navigator = { geolocation: { getCurrentPosition: function (ok, fail, options) {
      asked = options; ok({ coords: { latitude: 12.3456, longitude: -1.5, altitude: null, accuracy: 7.34 } }); } } };
    var button = { dataset: { locate: "where", msgLocating: "...", msgUnavailable: "none",
                              msgAccuracy: "accurate to {m} m" },
                   parentNode: { querySelector: function (s) { return s.indexOf("input") === 0 ? input : status; } } };
    locate(button);
    console.log(JSON.stringify([input.value, status.textContent, asked.enableHighAccuracy]));
    """
    value, status, high = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True,
                                                    check=True).stdout)
    assert (value, status, high) == ("12.3456 -1.5 0 7.3", "accurate to 7 m", True)
    assert services.validate_answers(_published(db), {"opened_at": "2026-12-07T07:02", "where": value})[1] == {}


def test_pyxforms_other_spellings_of_the_types_are_the_same_questions(db):
    form = workbook({"survey": [["type", "name", "label"], ["gps", "where", "Where?"], ["int", "queue", "Queue"],
                                ["string", "remark", "Remark"], ["date time", "seen_at", "Seen at"],
                                ["hidden", "secret", "Secret"]],
                     "settings": [["form_id", "form_title"], ["alias", "Aliases"]]})
    with pytest.raises(ImportFailed) as failure:  # hidden: a value with no calculation, nothing to keep
        services.import_xlsform(db.session, form)
    assert [e.message for e in failure.value.errors] == [
        "survey sheet, row 6, column type: the type hidden is not supported by checklists yet."]
    template = services.import_xlsform(db.session, workbook({
        "survey": [["type", "name", "label"], ["gps", "where", "Where?"], ["int", "queue", "Queue"],
                   ["string", "remark", "Remark"], ["date time", "seen_at", "Seen at"]],
        "settings": [["form_id", "form_title"], ["alias", "Aliases"]]}))
    assert [q.type for q in template.questions] == ["geopoint", "integer", "text", "datetime"]
