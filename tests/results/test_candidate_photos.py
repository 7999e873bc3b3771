"""A candidate's photo or party symbol: uploaded by an administrator, kept outside the database,
shown on the results pages and printed in the results summary PDF."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from electoral.core.auth import Role
from electoral.reports.registry import render
from electoral.results import services
from electoral.results.services import races as races_module
from tests.results.factories import enter_twice, figures, make_race


@pytest.fixture(autouse=True)
def instance(tmp_path, monkeypatch):
    monkeypatch.setattr(races_module, "INSTANCE_PATH", tmp_path)
    return tmp_path


def _picture(kind="PNG", size=(900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def test_a_picture_is_scaled_down_and_stored_outside_the_database(db, instance):
    race = make_race(code="PRES")
    path = services.save_candidate_photo(db.session, race.candidates[0], _picture("JPEG"))
    assert race.candidates[0].photo_path == path
    with Image.open(instance / path) as stored:
        assert stored.format == "PNG" and max(stored.size) == 400


def test_a_file_that_is_not_a_picture_is_refused(db):
    race = make_race(code="PRES")
    with pytest.raises(Exception, match="cannot be read as a picture"):
        services.save_candidate_photo(db.session, race.candidates[0], b"%PDF-1.4 not a picture")
    assert race.candidates[0].photo_path is None


def test_administrator_uploads_a_picture_from_the_race_page(db, client, login_as, instance):
    make_race(code="PRES")
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    page = client.get("/results/races/PRES")
    assert "Upload" in page.get_data(as_text=True)
    response = client.post_form("/results/races/PRES/candidates/C1/photo",
                           data={"photo": (io.BytesIO(_picture()), "symbol.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Picture of Amara Kollie saved." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (instance / services.find_race(db.session, "PRES").candidates[0].photo_path).is_file()


def test_upload_of_a_renamed_text_file_is_refused(db, client, login_as):
    make_race(code="PRES")
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/results/races/PRES/candidates/C1/photo",
                           data={"photo": (io.BytesIO(b"hello"), "symbol.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "not a JPEG or PNG picture" in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.find_race(db.session, "PRES").candidates[0].photo_path is None


def test_clerks_cannot_upload_pictures(db, client, login_as):
    make_race(code="PRES")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    response = client.post_form("/results/races/PRES/candidates/C1/photo",
                           data={"photo": (io.BytesIO(_picture()), "symbol.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 403


def test_public_page_shows_the_picture_without_sign_in(db, client):
    race = make_race(code="PRES")
    services.save_candidate_photo(db.session, race.candidates[1], _picture())
    db.session.commit()
    html = client.get("/results/public/PRES").get_data(as_text=True)
    assert "/results/public/PRES/candidates/C2/photo" in html
    assert "/results/public/PRES/candidates/C1/photo" not in html
    picture = client.get("/results/public/PRES/candidates/C2/photo")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert client.get("/results/public/PRES/candidates/C1/photo").status_code == 404


def test_a_path_leading_outside_the_instance_is_not_served(db, client):
    race = make_race(code="PRES")
    race.candidates[0].photo_path = "../../../etc/hostname"
    db.session.commit()
    assert client.get("/results/public/PRES/candidates/C1/photo").status_code == 404


def test_summary_pdf_prints_the_pictures(db):
    race = make_race(code="PRES")
    enter_twice(race, raw=figures())
    services.save_candidate_photo(db.session, race.candidates[0], _picture())
    db.session.commit()
    pdf = render("results-summary", {"race": "PRES"}, lang="fr", roles={Role.RESULTS_SUPERVISOR},
                 printed_by="Awa Diallo")
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) >= 1
