"""Printed tally sheets carry a QR code; scans come back filed to their station by it, or queued for a clerk."""

import hashlib
import io
import shutil
import subprocess

import pytest
from PIL import Image, ImageFilter
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.reports import registry
from electoral.results.sheets import codes, images, scan
from electoral.results.sheets.models import SheetImage, UnfiledScan
from tests.factories import make_centre, make_station
from tests.results.factories import make_race


def _print(runner, tmp_path, *params) -> bytes:
    target = tmp_path / "sheet.pdf"
    args = ["reports", "print", "tally-sheet", "-o", str(target)]
    for param in params:
        args += ["--param", param]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def _rasterise(pdf: bytes, tmp_path) -> list[bytes]:
    """The PDF's pages as PNG scans at 200 dpi, made by pdftoppm as a scanner would."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "in.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-gray", str(tmp_path / "in.pdf"), str(tmp_path / "page")],
                   check=True)
    return [p.read_bytes() for p in sorted(tmp_path.glob("page*.png"))]


def test_the_check_digits_refuse_a_code_with_one_character_changed():
    text = codes.encode("PRES", "LR-0101-01", 3, 41)
    assert codes.decode(text) == codes.SheetCode("PRES", "LR-0101-01", "000003000041")
    assert codes.decode(text.replace("0101", "0102")) is None
    assert codes.decode("hello") is None


def test_a_printed_sheet_shows_registered_voters_and_its_serial(db, runner, tmp_path):
    import pdfplumber

    race, station = make_race(code="PRES"), make_station(code="LR-0101-01")
    db.session.commit()
    pdf = _print(runner, tmp_path, "race=PRES", f"station={station.code}")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = document.pages[0].extract_text()
    assert "LR-0101-01" in text and "Registered voters" in text and "Ballots handed over" in text
    assert codes.serial(race.id, station.id) in text


def test_a_printed_sheet_scanned_back_is_filed_to_its_station_by_the_qr_code(db, runner, tmp_path):
    race = make_race(code="PRES")
    centre = make_centre(code="CEN1")
    first, second = make_station(centre=centre, code="CEN1-01"), make_station(centre=centre, code="CEN1-02")
    db.session.commit()
    pages = _rasterise(_print(runner, tmp_path, "race=PRES", "centre=CEN1"), tmp_path)
    assert len(pages) == 2
    outcomes = scan.intake(db.session, pages[1], "scan.png")
    db.session.commit()
    assert [(o.filed, o.station) for o in outcomes] == [(True, second.code)]
    image = db.session.scalar(select(SheetImage))
    assert (image.race_id, image.station_id, image.source) == (race.id, second.id, "scan")
    stored = images.image_file(image).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == image.sha256
    assert len(stored) <= images.MAX_BYTES
    assert first.id != image.station_id


def test_the_import_command_files_a_multi_page_pdf_and_queues_a_blurred_page(db, runner, tmp_path):
    make_race(code="PRES")
    centre = make_centre(code="CEN2")
    make_station(centre=centre, code="CEN2-01"), make_station(centre=centre, code="CEN2-02")
    db.session.commit()
    pdf = _print(runner, tmp_path, "race=PRES", "centre=CEN2")
    pages = _rasterise(pdf, tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "batch.pdf").write_bytes(pdf)
    blurred = Image.open(io.BytesIO(pages[0])).filter(ImageFilter.GaussianBlur(12))
    blurred.save(inbox / "blurred.tiff")
    result = runner.invoke(args=["results", "images", "import", str(inbox)])
    assert result.exit_code == 0, result.output
    assert "batch.pdf page 1: filed PRES CEN2-01" in result.output
    assert "batch.pdf page 2: filed PRES CEN2-02" in result.output
    assert "blurred.tiff page 1: queued" in result.output
    assert db.session.scalar(select(UnfiledScan.original_name)) == "blurred.tiff"
    assert len(db.session.scalars(select(SheetImage)).all()) == 2


def test_a_page_turned_into_noise_goes_to_the_manual_queue(db, tmp_path):
    make_race(code="PRES")
    db.session.commit()
    noise = Image.effect_noise((1654, 2339), 80).convert("L")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    outcomes = scan.intake(db.session, buffer.getvalue(), "noise.png")
    assert [o.filed for o in outcomes] == [False]
    assert db.session.scalar(select(UnfiledScan)) is not None


def test_a_second_different_image_is_kept_beside_the_first_and_flagged(db):
    race, station = make_race(code="PRES"), make_station()
    one, two = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (400, 600), "white").save(one, "JPEG")
    Image.new("RGB", (400, 600), "gray").save(two, "JPEG")
    first, new = images.file_image(db.session, race, station, images.prepare(one.getvalue()), source="phone")
    again, new_again = images.file_image(db.session, race, station, images.prepare(one.getvalue()), source="phone")
    assert new and not new_again and again.id == first.id and not first.flagged
    second, _new = images.file_image(db.session, race, station, images.prepare(two.getvalue()), source="api")
    assert second.flagged and first.flagged
    assert len(images.images_of(db.session, race.id, station.id)) == 2


def test_a_large_photo_is_stored_under_the_size_bound(db):
    photo = Image.effect_noise((4000, 3000), 60).convert("RGB")
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=95)
    assert len(buffer.getvalue()) > images.MAX_BYTES
    prepared = images.prepare(buffer.getvalue())
    assert len(prepared.content) <= images.MAX_BYTES
    assert max(prepared.width, prepared.height) <= images.MAX_SIDE


def test_the_tally_sheet_report_is_registered_for_supervisors():
    spec = registry.get("tally-sheet")
    assert [p.name for p in spec.params] == ["race", "station", "centre"]


def test_a_clerk_files_a_queued_page_by_hand_from_the_scans_page(db, client, login_as):
    race, station = make_race(code="PRES"), make_station(code="HAND-1")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    blank = io.BytesIO()
    Image.new("L", (800, 1100), "white").save(blank, "PNG")
    response = client.post("/results/scans", content_type="multipart/form-data", follow_redirects=True,
                           data={"csrf_token": client.csrf_token(), "files": [(io.BytesIO(blank.getvalue()), "a.png")]})
    assert "0 pages filed by their QR code, 1 queued" in response.get_data(as_text=True)
    page = db.session.scalar(select(UnfiledScan))
    assert client.get(f"/results/scans/{page.id}/image").status_code == 200
    client.post_form(f"/results/scans/{page.id}", {"race": "PRES", "station": "hand-1"})
    db.session.refresh(page)
    image = db.session.get(SheetImage, page.assigned_id)
    assert (image.race_id, image.station_id, image.source) == (race.id, station.id, "clerk")
    assert "No page waits to be filed." in client.get("/results/scans").get_data(as_text=True)
