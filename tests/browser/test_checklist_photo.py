"""An observer takes the photo an image question asks for with the network off: compressed on the phone (the
tally sheet's own compression), kept in the outbox with the checklist, filed with it when the network
returns, and shown on the filing's page."""

import base64
import io

import pytest
from PIL import Image
from sqlalchemy import select

from electoral.extensions import db as _db
from electoral.observation import services
from electoral.observation.attachments.models import FilingImage
from electoral.observation.attachments.services import image_file
from electoral.observation.models import Submission
from tests.browser.pages import wait_until
from tests.factories import PASSWORD, make_station
from tests.observation.factories import make_observer, make_opening_checklist

pytestmark = pytest.mark.browser


def test_a_photo_taken_offline_is_filed_with_the_checklist_when_the_network_returns(db, live_server, phone_page,
                                                                                     tmp_path):
    template = make_opening_checklist(publish=False)
    services.add_question(_db.session, template, "PHOTO", "image",
                          {"en": "Photo of the results form posted at the station"}, required=True)
    services.publish(_db.session, template)
    observer = make_observer(station=make_station(code="MO-02-001-1"))
    observer.user.username = "fatu"
    db.session.commit()
    # A camera's photo (4000 x 3000, several MB as a PNG): the page must scale and compress it. (Saved with
    # zlib's fastest level: 14 MB in 0.8 s of CPU where the default level takes 3.5 s for 12 MB.)
    photo = tmp_path / "camera.png"
    Image.merge("RGB", [Image.linear_gradient("L").resize((4000, 3000)), Image.effect_noise((4000, 3000), 8),
                        Image.radial_gradient("L").resize((4000, 3000))]).save(photo, compress_level=1)
    assert photo.stat().st_size > 2 * 1024 * 1024

    page = phone_page
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "fatu")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/observation/my")
    page.goto(f"{live_server}/observation/my/fill/MO-02-001-1/OPEN")
    camera = page.locator("input[type=file][data-photo-for=PHOTO]")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("required") is not None

    page.context.set_offline(True)
    page.check("input[name=Q1][value=yes]")
    page.check("input[name=Q3][value=yes]")
    page.fill("input[name=Q4]", "5")
    # Required on the phone too: without the photo the browser does not send the form.
    assert page.evaluate("document.querySelector('input[data-photo-for=PHOTO]').validity.valueMissing")
    assert not page.evaluate("document.getElementById('checklist').checkValidity()")
    camera.set_input_files(str(photo))
    wait_until(page, "!document.querySelector('img[data-photo-preview=PHOTO]').hidden", timeout=20)
    page.click("#checklist button[type=submit]")
    assert "kept on this phone" in page.locator("#form-status").inner_text()
    waiting = page.evaluate("JSON.parse(localStorage.getItem('electoral.observation.outbox'))")
    assert len(waiting) == 1
    sent = waiting[0]["answers"]["PHOTO"]
    assert sent.startswith("data:image/jpeg;base64,") and len(sent) * 3 / 4 <= 400 * 1024 + 3
    with Image.open(io.BytesIO(base64.b64decode(sent.split(",", 1)[1]))) as compressed:
        assert compressed.size == (2048, 1536)  # scaled on the phone to the server's bound
    assert db.session.scalar(select(Submission)) is None

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "document.getElementById('form-status').textContent.includes('Checklist sent')", timeout=20)
    assert page.evaluate("JSON.parse(localStorage.getItem('electoral.observation.outbox')).length") == 0
    db.session.commit()  # a new snapshot: read what the request committed
    filed = db.session.scalars(select(Submission)).one()
    assert filed.answers["PHOTO"] == "PHOTO.jpg"
    [image] = db.session.scalars(select(FilingImage)).all()
    with Image.open(io.BytesIO(image_file(image).read_bytes())) as stored:
        assert stored.format == "JPEG" and max(stored.size) <= 2048

    # The filing's page shows the photo to its observer.
    page.goto(f"{live_server}/observation/my/submissions/{filed.id}")
    shown = page.locator(f"img[src='/observation/filings/photos/{image.id}']")
    assert shown.count() == 1
    wait_until(page, f"document.querySelector(\"img[src='/observation/filings/photos/{image.id}']\").naturalWidth > 0", timeout=20)
