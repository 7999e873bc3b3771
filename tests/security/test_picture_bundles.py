"""The races and observer imports take a zip of the table and its pictures; a cell names a member, never a file.

What a coordinator does to give a hundred badges their photos in one upload, and
what an attacker would try with the same zip: a cell naming a disk file, a member
named like the instance's key, a member that is not a picture, a zip bomb.
"""

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from electoral import extensions
from electoral.core import picture_bundles
from electoral.core.auth import Role
from electoral.observation.models import Observer
from electoral.registration.services import jobs
from electoral.reports import services as reports_services
from electoral.results.services import races as races_module
from tests.observation.factories import make_organisation

KEY = b"instance secret key: never served"
OBSERVERS_HEADER = "organisation_code,family_name,given_names,sex,phone,photo\n"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_bytes(KEY)
    for module in (extensions, races_module, reports_services, jobs):
        monkeypatch.setattr(module, "INSTANCE_PATH", folder)
    return folder


def _picture(kind="JPEG", colour="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), colour).save(buffer, kind)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _import_observers(client, login_as, data: bytes, name="observers.zip"):
    make_organisation(code="ELW")
    login_as(Role.OBSERVER_COORDINATOR)
    return client.post_form("/observation/observers/import", {"file": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def test_observers_come_with_their_photos_from_a_zip(client, db, login_as, instance):
    table = OBSERVERS_HEADER + "ELW,Kamara,Fatu,F,+231770000001,photos/fatu.jpg\nELW,Weah,George,M,+231770000002,\n"
    response = _import_observers(client, login_as, _zip({"observers.csv": table.encode(),
                                                         "photos/fatu.jpg": _picture()}))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    fatu, george = (db.session.scalar(db.select(Observer).where(Observer.family_name == n)) for n in ("Kamara", "Weah"))
    assert george.photo_path is None
    assert fatu.photo_path.startswith("observer_photos/") and fatu.photo_path != "photos/fatu.jpg"
    with Image.open(instance / fatu.photo_path) as stored:
        assert stored.format == "JPEG" and max(stored.size) <= 500


@pytest.mark.parametrize("cell, members, message", [
    ("secret_key", {}, "the zip file holds no picture named secret_key"),
    ("../secret_key", {}, "the zip file holds no picture named ../secret_key"),
    # A member named like the key, holding the key's bytes: read from the zip, and not a picture.
    ("secret_key", {"secret_key": KEY}, "secret_key is not a JPEG or PNG picture"),
    ("fatu.jpg", {"fatu.jpg": b"<script>alert(1)</script>"}, "fatu.jpg is not a JPEG or PNG picture"),
])
def test_a_cell_naming_anything_but_a_picture_in_the_zip_is_refused(cell, members, message, client, db, login_as,
                                                                      instance):
    table = OBSERVERS_HEADER + f"ELW,Kamara,Fatu,F,+231770000001,{cell}\n"
    response = _import_observers(client, login_as, _zip({"observers.csv": table.encode(), **members}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and "Nothing was imported" in page
    assert db.session.scalar(db.select(db.func.count(Observer.id))) == 0
    assert not (instance / "observer_photos").exists()  # nothing written for a refused file


def test_a_refused_file_writes_none_of_its_good_photos(client, db, login_as, instance):
    table = OBSERVERS_HEADER + "ELW,Kamara,Fatu,F,+231770000001,fatu.jpg\nELW,Weah,George,M,bad phone,\n"
    response = _import_observers(client, login_as, _zip({"observers.csv": table.encode(), "fatu.jpg": _picture()}))
    assert response.status_code == 400
    assert not (instance / "observer_photos").exists()


def test_a_zip_without_exactly_one_table_is_refused(client, db, login_as, instance):
    response = _import_observers(client, login_as, _zip({"a.csv": b"x", "b.csv": b"y"}))
    assert "exactly one table" in response.get_data(as_text=True)


def test_a_zip_bomb_is_refused_from_its_directory(monkeypatch, db):
    monkeypatch.setattr(picture_bundles, "MAX_TOTAL_BYTES", 1000)
    data = _zip({"observers.csv": OBSERVERS_HEADER.encode(), "big.jpg": b"\0" * 5000})
    with pytest.raises(picture_bundles.TabularError, match="too large"):
        picture_bundles.open_bundle(data, "observers.zip")


def test_an_imported_photo_prints_on_the_badge(client, db, login_as, instance):
    from electoral.reports.registry import render
    from tests.observation.factories import make_observer

    table = OBSERVERS_HEADER + "ELW,Kamara,Fatu,F,+231770000001,fatu.png\n"
    _import_observers(client, login_as, _zip({"observers.csv": table.encode(), "fatu.png": _picture("PNG")}))
    imported = db.session.scalar(db.select(Observer).where(Observer.family_name == "Kamara"))
    accredited = make_observer(family_name="Sirleaf")
    db.session.execute(db.update(Observer).where(Observer.id == accredited.id)
                       .values(photo_path=imported.photo_path))
    db.session.commit()
    pdf = render("badge", {"observer": str(accredited.id)}, lang="en", roles=[Role.ADMINISTRATOR], printed_by="t")
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) == 1


def test_candidates_come_with_their_pictures_from_a_zip_and_are_served(client, db, login_as, instance):
    from tests.factories import make_region

    make_region(code="R1")
    login_as(Role.ADMINISTRATOR)
    table = ("race_code,race_name,race_kind,area_codes,candidate_code,candidate_name,party,ballot_order,photo\n"
             "PRES,President,presidential,,C1,Amara Kollie,UP,1,symbols/up.png\n"
             "PRES,President,presidential,,C2,Musu Flomo,LP,2,\n")
    data = _zip({"races.csv": table.encode(), "symbols/up.png": _picture("PNG", "red")})
    response = client.post_form("/results/races/import", {"file": (io.BytesIO(data), "races.zip")},
                                content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    served = client.get("/results/public/PRES/candidates/C1/photo")
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG")
    assert client.get("/results/public/PRES/candidates/C2/photo").status_code == 404
