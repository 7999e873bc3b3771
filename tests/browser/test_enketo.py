"""A real XForm client against the OpenRosa server: Enketo (enketo-transformer and enketo-core, vendored under
tests/browser/vendor/enketo) in headless Chromium reads the form list, renders the XForm the server made
for a checklist, is filled like an observer fills it, attaches a photo, and its own instance XML, POSTed
to /submission with the photo as ODK Collect posts it, becomes a filing."""

import base64
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from electoral.observation import services
from electoral.observation.attachments.models import FilingImage
from electoral.observation.models import Submission
from electoral.observation.openrosa import services as openrosa
from tests.browser.pages import wait_until
from tests.observation.factories import make_observer
from tests.observation.test_xlsform_pyxform import workbook

pytestmark = pytest.mark.browser
VENDOR = Path(__file__).parent / "vendor" / "enketo"
FORM = workbook({"survey": [["type", "name", "label", "required", "relevant", "constraint"],
                            ["select_one yn", "opened", "Did the station open on time?", "yes", "", ""],
                            ["integer", "late", "How many minutes late?", "yes", "${opened} = 'no'", ". <= 600"],
                            ["integer", "officials", "Officials present", "yes", "", ". >= 0 and . <= 10"],
                            ["select_multiple problems", "seen", "Problems seen", "", "", ""],
                            ["image", "sheet", "Photo of the results form posted at the station", "", "", ""]],
                 "choices": [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"],
                             ["problems", "ink", "No ink"], ["problems", "list", "No voter list"]],
                 "settings": [["form_id", "form_title", "version"], ["visit", "Station visit", "1"]]})

HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>Enketo</title></head>
<body><div id="host"></div><script src="enketo-client.js"></script></body></html>"""

# Runs in the page: the OpenRosa exchange as an Enketo-based client makes it, with the device password.
LOAD = """async ([auth]) => {
  const headers = {"Authorization": auth, "X-OpenRosa-Version": "1.0"};
  const list = new DOMParser().parseFromString(await (await fetch("/openrosa/formList", {headers})).text(), "text/xml");
  const url = new URL(list.getElementsByTagName("downloadUrl")[0].textContent);
  const xform = await (await fetch(url.pathname, {headers})).text();
  const result = await window.EnketoClient.transform({xform});
  document.getElementById("host").innerHTML = result.form;
  window.enketoForm = new window.EnketoClient.Form(document.querySelector("form.or"), {modelStr: result.model}, {});
  return window.enketoForm.init();
}"""
SUBMIT = """async ([auth]) => {
  const form = window.enketoForm;
  if (!(await form.validate())) return {status: "invalid"};
  const data = new FormData();
  data.append("xml_submission_file", new Blob([form.getDataStr()], {type: "text/xml"}), "xml_submission_file");
  for (const file of window.EnketoClient.fileManager.getCurrentFiles()) data.append(file.name, file, file.name);
  const response = await fetch("/openrosa/submission", {method: "POST", body: data,
    headers: {"Authorization": auth, "X-OpenRosa-Version": "1.0"}});
  return {status: response.status, body: await response.text(), instance: form.getDataStr()};
}"""



def open_enketo(page, live_server) -> list[str]:
    """Enketo's harness opened at the server's own address (no cross-origin request), served by the
    browser itself; the page's script errors, as they come, in the list returned."""
    page.route(f"{live_server}/__enketo__/index.html",
               lambda route: route.fulfill(body=HARNESS, content_type="text/html"))
    page.route(f"{live_server}/__enketo__/enketo-client.js",
               lambda route: route.fulfill(path=str(VENDOR / "enketo-client.js"), content_type="text/javascript"))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/__enketo__/index.html")
    wait_until(page, "!!window.EnketoClient")
    return errors


def test_enketo_renders_the_servers_xform_and_its_instance_becomes_a_filing(db, live_server, page, tmp_path):
    template = services.import_xlsform(db.session, FORM)
    services.publish(db.session, template)
    observer = make_observer()
    password = openrosa.set_device_password(db.session, observer)
    db.session.commit()
    station = observer.station.code
    auth = "Basic " + base64.b64encode(f"{observer.user.username}:{password}".encode()).decode()
    photo = tmp_path / "sheet.jpg"
    Image.new("RGB", (1200, 900), "gray").save(photo)

    errors = open_enketo(page, live_server)
    assert page.evaluate(LOAD, [auth]) == []  # Enketo's load errors: none

    # Enketo drew the server's questions, the station first, the late minutes hidden until "no".
    form = page.locator("form.or")
    assert form.locator(f"input[name='/data/electoral_station'][value='{station}']").count() == 1
    late = form.locator(".question:has(input[name='/data/late'])")
    assert "disabled" in (late.get_attribute("class") or "")
    form.locator(f"input[name='/data/electoral_station'][value='{station}']").check()
    form.locator("input[name='/data/opened'][value='no']").check()
    wait_until(page, "!document.querySelector(\".question input[name='/data/late']\").closest('.question')"
                      ".classList.contains('disabled')")
    form.locator("input[name='/data/late']").fill("25")
    form.locator("input[name='/data/officials']").fill("4")
    form.locator("input[name='/data/seen'][value='ink']").check()
    form.locator("input[name='/data/sheet']").set_input_files(str(photo))
    form.locator("input[name='/data/late']").dispatch_event("change")
    wait_until(page, "!!document.querySelector(\"input[name='/data/sheet']\").closest('.question')"
                      ".querySelector('.file-feedback, .file-preview, .file-picker .fake-file-input')")

    answer = page.evaluate(SUBMIT, [auth])
    assert answer["status"] == 201, answer
    assert "Checklist filed." in answer["body"]
    assert not errors, errors

    db.session.commit()  # a new snapshot: read what the request committed
    filed = db.session.scalars(select(Submission)).one()
    assert filed.channel == "odk" and filed.station_id == observer.station.id
    photo_name = filed.answers.pop("sheet")
    assert filed.answers == {"opened": "no", "late": 25, "officials": 4, "seen": ["ink"]}
    assert photo_name.endswith(".jpg") and photo_name in answer["instance"]
    [image] = db.session.scalars(select(FilingImage)).all()
    assert image.submission_id == filed.id and image.filename == photo_name
    with Image.open(io.BytesIO(_stored(image).read_bytes())) as stored:
        assert stored.size == (1200, 900)

    # Enketo sending the same record again (same instanceID): the filing stands, once.
    again = page.evaluate(SUBMIT, [auth])
    assert again["status"] == 202
    db.session.commit()
    assert db.session.scalars(select(Submission)).all() == [filed]


def _stored(image):
    from electoral.observation.attachments.services import image_file

    return image_file(image)
