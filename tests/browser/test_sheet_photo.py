"""A presiding officer photographs the signed tally sheet with the network off; it is filed once when it returns."""


import pytest
from PIL import Image
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.results.sheets.models import SheetImage
from tests.browser.pages import failing_first_post, wait_until
from tests.factories import PASSWORD, make_station, make_user
from tests.results.factories import make_race

pytestmark = pytest.mark.browser



def test_a_photo_taken_offline_is_kept_on_the_phone_and_filed_once_when_the_network_returns(
        db, app, live_server, phone_page, tmp_path, monkeypatch):
    # The phone tries again every PHONE_OUTBOX_RETRY_SECONDS (10 s) while online: half a second here.
    monkeypatch.setitem(app.config, "PHONE_OUTBOX_RETRY_SECONDS", 0.5)
    make_race(code="PRES")
    station = make_station(code="MO-01-001-01")
    make_user(Role.PRESIDING_OFFICER, scope=station, username="kollie")
    db.session.commit()
    # A camera's photo: larger than the server's bound, so the phone must compress it.
    photo = tmp_path / "sheet.png"
    Image.effect_noise((1600, 2200), 60).convert("RGB").save(photo, compress_level=1)  # 5 MB, a quarter of the CPU

    page = phone_page
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "kollie")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: not url.startswith(f"{live_server}/login"))  # signed in before going on
    page.goto(f"{live_server}/results/phone/sheet-photo")
    assert page.locator("select[name=station] option").all_inner_texts()[0].startswith("MO-01-001-01")

    page.context.set_offline(True)
    page.set_input_files("input[type=file]", str(photo))
    page.click("#sheet-photo button[type=submit]")
    wait_until(page, "document.getElementById('sheet-photo-outbox').textContent.includes('Waiting: 1')")
    assert page.evaluate("JSON.parse(localStorage.getItem('electoral-sheet-photos')).length") == 1
    assert db.session.scalar(select(SheetImage)) is None

    # The network comes back but the first sending still fails (the connection is not up yet): tried again.
    first_post_fails, refused = failing_first_post()
    page.route("**/results/phone/sheet-photo", first_post_fails)
    page.context.set_offline(False)
    wait_until(page, "document.getElementById('sheet-photo-outbox').textContent.includes('Photo sent')")
    assert refused
    assert page.evaluate("JSON.parse(localStorage.getItem('electoral-sheet-photos')).length") == 0
    db.session.commit()  # a new snapshot: read what the request committed
    images = db.session.scalars(select(SheetImage)).all()
    assert len(images) == 1
    image = images[0]
    assert image.station_id == station.id
    shown = page.locator("#sheet-photo-outbox").inner_text()
    assert image.sha256 in shown
    assert image.size_bytes <= 400 * 1024 and image.source == "phone"

    # The page opened again sends nothing more: the outbox is empty and the image is filed once.
    page.reload(wait_until="networkidle")  # whatever the page sends at load has had its answer
    db.session.commit()
    assert db.session.scalar(select(SheetImage.id).where(SheetImage.id != image.id)) is None
