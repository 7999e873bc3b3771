"""Class: a path taken from data. No imported cell, form field, API field or backup entry names a file.

Finding 1: the races import's ``photo`` column was stored unchecked and served at
/results/public/<race>/candidates/<code>/photo, so a row naming ``secret_key`` or
``electoral.db`` served the instance's key and database; the observer import's
``photo`` column copied any instance file (a voter's photo) into a badge.

The class test walks every place of the kind, found by introspection so a new one
cannot be added unseen:
- every column of the schema whose name says it holds a file (photo, path, file, ...):
  each has a store (electoral/core/stored_files.py) that refuses traversal and
  instance-file names even when those files exist;
- every route whose view sends a file: each refuses such a row (404, no content);
- every import whose columns name a photo or a path: each refuses such a line;
- every module's source: no path is joined with a column's value outside the stores.
"""

import importlib
import inspect
import io
import pkgutil
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

import electoral
from electoral import extensions
from electoral.core import stored_files
from electoral.core.auth import Role
from electoral.core.models import utcnow
from electoral.extensions import db
from electoral.registration.services import jobs
from electoral.reports import services as reports_services
from electoral.results.services import races as races_module

KEY = b"instance secret key: never served"
DATABASE = b"SQLite format 3\x00 the instance database"
FILE_WORDS = re.compile(r"photo|path|file|image|picture|logo|attach|avatar|symbol|scan|upload")
# Columns whose names look like files but name none on disk (shown only, never opened).
NOT_FILES = {
    ("voter_import_job", "filename"): "the uploader's own file name, shown on the job's page",
    ("observation_filing_image", "filename"): "the photo's name as the filing's answer gives it (ODK's own)",
    ("checklist_media", "filename"): "the picture's name as the XLSForm gives it (jr://images/<name>)",
}


def _store_for(table: str, column: str):
    """The declared store whose generated names ``table.column`` holds, or None."""
    return next((s for s in stored_files.STORES.values() if (table, column) in s.columns), None)


@pytest.fixture
def instance(tmp_path, monkeypatch, app):
    """An instance folder of the test's own holding a secret key and a database, for every store."""
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_bytes(KEY)
    (folder / "electoral.db").write_bytes(DATABASE)
    for module in (extensions, races_module, reports_services, jobs):
        monkeypatch.setattr(module, "INSTANCE_PATH", folder)
    monkeypatch.setitem(app.config, "PHOTO_DIR", str(folder / "photos"))
    (folder / "photos").mkdir()
    return folder


def _bad_names(store: stored_files.FileStore, instance: Path) -> list[str]:
    """Names that would reach the key or the database from this store's folder, each of them existing."""
    names = ["secret_key", "electoral.db", "../secret_key", "../electoral.db", "../../secret_key",
             str(instance / "secret_key"), "/etc/passwd", f"{store.prefix}../secret_key",
             f"{store.prefix}../electoral.db", f"{store.prefix}{'a' * 64}.png/../../secret_key", ""]
    assert any((store.root() / name).is_file() for name in names if name)  # the attack would find a file
    return names


def _picture(kind="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "navy").save(buffer, kind)
    return buffer.getvalue()


# --- columns -------------------------------------------------------------------------------------

def _file_columns() -> list[tuple[str, str]]:
    return [(table.name, column.name) for table in db.metadata.sorted_tables for column in table.columns
            if FILE_WORDS.search(column.name) and (table.name, column.name) not in NOT_FILES]


def test_every_column_naming_a_file_has_a_store(db):
    columns = _file_columns()
    assert len(columns) >= 6, columns
    assert [c for c in columns if _store_for(*c) is None] == []


def test_every_store_refuses_traversal_and_instance_file_names(db, instance):
    walked = 0
    for table, column in _file_columns():
        store = _store_for(table, column)
        for name in _bad_names(store, instance):
            assert store.resolve(name) is None, (table, column, name)
            with pytest.raises(ValueError):
                store.target(name)
        walked += 1
    assert walked == len(_file_columns())


# A name of each form the stores generate (content hashes, report and import job names).
GENERATED = ["a" * 64 + ".png", "a" * 64 + ".jpg", "7-0123456789abcdef.pdf", "a" * 24 + ".csv"]


def test_every_store_resolves_a_name_it_generated(db, instance):
    for table, column in _file_columns():
        store = _store_for(table, column)
        name = next(n for n in (store.prefix + body for body in GENERATED) if store.generated(n))
        stored_files.write(store, name, b"content")
        assert store.resolve(name) == store.root() / name, (table, column)


def test_a_link_planted_in_a_store_is_not_followed(db, instance):
    store = races_module.CANDIDATE_PHOTOS
    (instance / "candidate_photos").mkdir()
    link = instance / "candidate_photos" / ("b" * 64 + ".png")
    link.symlink_to(instance / "secret_key")
    assert store.resolve(f"candidate_photos/{link.name}") is None


# --- routes that send files ------------------------------------------------------------------------

def _file_routes(app) -> dict[str, str]:
    """Endpoint -> view source, for every view that calls send_file or send_from_directory."""
    found = {}
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":  # Flask's own: a URL path safe-joined under static/, no row involved
            continue
        source = inspect.getsource(inspect.unwrap(view))
        if re.search(r"\bsend_(file|from_directory)\(", source):
            found[endpoint] = source
    return found


# Views that send what they made in memory, or a fixed file of the code: no value from data picks the file.
NO_DATA_PATH = {
    "reports.print_report": r"send_file\(io\.BytesIO\(",
    "observation.service_worker": r"send_from_directory\(current_app\.static_folder, \"js/sw\.js\"",
}


def _candidate_photo_case(client, bad: str) -> str:
    from tests.results.factories import make_race

    race = db.session.scalar(db.select(races_module.Race).where(races_module.Race.code == "PRES")) or make_race(code="PRES")
    race.candidates[0].photo_path = bad
    db.session.commit()
    return "/results/public/PRES/candidates/C1/photo"


def _voter_photo_case(client, bad: str) -> str:
    from electoral.registration.models import Voter
    from tests.registration.factories import make_voter

    voter = db.session.scalar(db.select(Voter)) or make_voter()
    voter.photo_path = bad
    db.session.commit()
    return f"/registration/voters/{voter.voter_number}/photo"


def _report_download_case(client, bad: str) -> str:
    from electoral.accounts.models import User
    from electoral.reports.models import ReportJob

    user = db.session.scalar(db.select(User).where(User.username == "paths-admin"))
    job = ReportJob(user_id=user.id, printed_by="x", report="voter-list", params={}, lang="en", state="done",
                    done=1, total=1, file_path=bad)
    db.session.add(job)
    db.session.commit()
    return f"/reports/jobs/{job.id}/download"


def _sheet_image_row(path: str):
    """The one tally sheet image of the walk (race PRES at station ST-9), its stored name set to ``path``."""
    from electoral.geography.models import PollingStation
    from electoral.results.sheets.models import SheetImage
    from tests.factories import make_station
    from tests.results.factories import make_race

    image = db.session.scalar(db.select(SheetImage))
    if image is None:
        race = db.session.scalar(db.select(races_module.Race).where(races_module.Race.code == "PRES")) \
            or make_race(code="PRES")
        station = db.session.scalar(db.select(PollingStation).where(PollingStation.code == "ST-9")) \
            or make_station(code="ST-9")
        image = SheetImage(race_id=race.id, station_id=station.id, sha256="c" * 64, path=path, size_bytes=1,
                           width=1, height=1, source="scan")
        db.session.add(image)
    image.path = path
    db.session.commit()
    return image


def _sheet_image_case(client, bad: str) -> str:
    return f"/results/sheet-images/{_sheet_image_row(bad).id}"


def _public_sheet_image_case(client, bad: str) -> str:
    return f"/results/public/PRES/stations/ST-9/images/{_sheet_image_row(bad).sha256}"


def _observer_photo_case(client, bad: str) -> str:
    """An observer's photo of the posted sheet (on the quick-count page), its stored name set to ``bad``."""
    from electoral.results.sheets.models import SheetImage
    from tests.observation.factories import make_observer

    official = _sheet_image_row(bad)
    photo = db.session.scalar(db.select(SheetImage).where(SheetImage.observer_id.is_not(None)))
    if photo is None:
        photo = SheetImage(race_id=official.race_id, station_id=official.station_id, sha256="e" * 64, path=bad,
                           size_bytes=1, width=1, height=1, source="phone", observer_id=make_observer().id)
        db.session.add(photo)
    photo.path = bad
    db.session.commit()
    return f"/observation/quick-count/photos/{photo.id}"


def _filing_photo_case(client, bad: str) -> str:
    """A photo filed with a checklist (an image question), its stored name set to ``bad``."""
    from electoral.observation.attachments.models import FilingImage
    from electoral.observation.models import Submission
    from tests.observation.factories import make_observer, make_opening_checklist

    image = db.session.scalar(db.select(FilingImage))
    if image is None:
        template = make_opening_checklist(code="PATHS")
        observer = make_observer()
        filed = Submission(client_id="paths-photo-1", template_id=template.id, station_id=observer.station_id,
                           observer_id=observer.id, submitted_at=utcnow(), answers={})
        db.session.add(filed)
        db.session.flush()
        image = FilingImage(submission_id=filed.id, question_code="PHOTO", filename="PHOTO.jpg", path=bad,
                            sha256="f" * 64, size_bytes=1)
        db.session.add(image)
    image.path = bad
    db.session.commit()
    return f"/observation/filings/photos/{image.id}"


def _checklist_media_row(bad: str):
    """A picture an XLSForm names (media::image) of a published checklist, its stored name set to ``bad``."""
    from electoral.observation.attachments.models import ChecklistMedia
    from tests.observation.factories import make_opening_checklist

    item = db.session.scalar(db.select(ChecklistMedia))
    if item is None:
        template = make_opening_checklist(code="MEDIA")
        item = ChecklistMedia(template_id=template.id, filename="logo.png", path=bad, md5="0" * 32, size_bytes=1,
                              content_type="image/png")
        db.session.add(item)
    item.path = bad
    db.session.commit()
    return item


def _checklist_media_case(client, bad: str) -> str:
    return f"/observation/checklists/{_checklist_media_row(bad).template_id}/media/logo.png"


def _openrosa_media_case(client, bad: str) -> str:
    """The same picture as ODK Collect downloads it, with an observer's device password."""
    import base64

    from electoral.observation.openrosa import services as openrosa
    from tests.observation.factories import make_observer

    _checklist_media_row(bad)
    if "HTTP_AUTHORIZATION" not in client.environ_base:
        observer = make_observer()
        password = openrosa.set_device_password(db.session, observer)
        db.session.commit()
        client.environ_base["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(
            f"{observer.user.username}:{password}".encode()).decode()
    return "/openrosa/forms/MEDIA/1/media/logo.png"


def _scan_image_case(client, bad: str) -> str:
    from electoral.results.sheets.models import UnfiledScan

    scan = db.session.scalar(db.select(UnfiledScan)) or UnfiledScan(sha256="d" * 64, path=bad)
    scan.path = bad
    db.session.add(scan)
    db.session.commit()
    return f"/results/scans/{scan.id}/image"


DATA_PATH_CASES = {
    "results.public_candidate_photo": _candidate_photo_case,
    "registration.voter_photo": _voter_photo_case,
    "reports.download": _report_download_case,
    "results.sheet_image": _sheet_image_case,
    "results.public_sheet_image": _public_sheet_image_case,
    "results.scan_image": _scan_image_case,
    "observation.quick_count_photo": _observer_photo_case,
    "observation.filing_photo": _filing_photo_case,
    "observation.checklist_media": _checklist_media_case,
    "openrosa.media_file": _openrosa_media_case,
}


def test_every_route_sending_a_file_is_walked(app):
    routes = _file_routes(app)
    assert set(routes) == set(DATA_PATH_CASES) | set(NO_DATA_PATH), "a new route sends a file: add its case here"
    for endpoint, pattern in NO_DATA_PATH.items():
        calls = re.findall(r"\bsend_(?:file|from_directory)\(.*", routes[endpoint])
        assert calls and all(re.match(pattern, call) for call in calls), endpoint


@pytest.mark.parametrize("endpoint", sorted(DATA_PATH_CASES))
def test_every_route_sending_a_file_refuses_a_row_naming_an_instance_file(endpoint, app, client, db, login_as,
                                                                          instance):
    from tests.registration.factories import make_election

    make_election()
    login_as(Role.ADMINISTRATOR, username="paths-admin")
    for bad in ["secret_key", "../secret_key", "electoral.db", "../electoral.db", str(instance / "secret_key"),
                "candidate_photos/../secret_key", "reports/../secret_key", "photos/../../secret_key",
                "tally_sheets/../secret_key", "tally_sheets/" + "c" * 64 + ".png/../../secret_key"]:
        url = DATA_PATH_CASES[endpoint](client, bad)
        response = client.get(url)
        body = response.get_data()
        assert response.status_code in (302, 404), (endpoint, bad, response.status_code)
        assert KEY not in body and DATABASE not in body, (endpoint, bad)


def test_public_candidate_photo_serves_an_uploaded_picture(client, db, instance):
    from tests.results.factories import make_race

    race = make_race(code="PRES")
    races_module.save_candidate_photo(db.session, race.candidates[0], _picture("JPEG"))
    db.session.commit()
    response = client.get("/results/public/PRES/candidates/C1/photo")
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("case", [_sheet_image_case, _public_sheet_image_case, _scan_image_case,
                                  _observer_photo_case])
def test_sheet_image_routes_serve_a_stored_image(case, app, client, db, login_as, instance):
    """The walk's rows reach the file when it is a stored name: its refusals are the name's, not the route's."""
    from electoral.results.sheets import images

    login_as(Role.ADMINISTRATOR, username="paths-admin")
    prepared = images.prepare(_picture("JPEG"))
    images.write(prepared)
    url = case(client, prepared.value)
    response = client.get(url)
    assert response.status_code == 200 and response.data == prepared.content, url


# --- imports ----------------------------------------------------------------------------------------

def _column_lists() -> set[tuple[str, str, str]]:
    """(module, list name, column) for every import column list entry that names a picture or a path."""
    found: dict[int, tuple[str, str, list]] = {}
    for info in pkgutil.walk_packages(electoral.__path__, "electoral."):
        if info.name.endswith(("gunicorn_conf", "demo")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if re.search(r"COLUMNS|OPTIONAL", name) and isinstance(value, list | tuple):
                # A package re-exports its modules' lists: keep the module that defines one (the deepest).
                if id(value) not in found or len(info.name) > len(found[id(value)][0]):
                    found[id(value)] = (info.name, name, value)
    return {(module, name, column) for module, name, value in found.values() for column in value
            if isinstance(column, str) and FILE_WORDS.search(column)}


def _races_import(client, login_as, cell: str):
    from tests.factories import make_region

    make_region(code="R1")
    login_as(Role.ADMINISTRATOR)
    data = ("race_code,race_name,race_kind,area_codes,candidate_code,candidate_name,party,ballot_order,photo\n"
            f"PRES,President,presidential,,C1,Amara Kollie,UP,1,{cell}\n").encode()
    return client.post_form("/results/races/import", {"file": (io.BytesIO(data), "races.csv")},
                            content_type="multipart/form-data")


def _observers_import(client, login_as, cell: str):
    from tests.observation.factories import make_organisation

    make_organisation(code="ELW")
    login_as(Role.OBSERVER_COORDINATOR)
    data = f"organisation_code,family_name,given_names,sex,phone,photo\nELW,Kamara,Fatu,F,+231770000001,{cell}\n"
    return client.post_form("/observation/observers/import", {"file": (io.BytesIO(data.encode()), "observers.csv")},
                            content_type="multipart/form-data")


IMPORTS = {
    ("electoral.results.services.races", "RACE_OPTIONAL", "photo"): _races_import,
    ("electoral.observation.services.observers", "IMPORT_OPTIONAL", "photo"): _observers_import,
}


def test_every_import_column_naming_a_file_is_walked(app):
    assert _column_lists() == set(IMPORTS), "a new import column names a picture or a path: add its case here"


@pytest.mark.parametrize("key", sorted(IMPORTS), ids=lambda k: k[0].split(".")[1])
@pytest.mark.parametrize("cell", ["secret_key", "../electoral.db", "/etc/passwd", "photos/123.jpg"])
def test_every_import_refuses_a_line_naming_a_file(key, cell, client, db, login_as, instance):
    response = IMPORTS[key](client, login_as, cell)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:400]
    assert "never a file on disk" in page and "Nothing was imported" in page


# --- no path is joined with a column's value outside the stores ----------------------------------------

def test_no_module_joins_a_path_with_a_columns_value():
    root = Path(electoral.__file__).parent
    joined = re.compile(r"(/\s*|Path\(\s*|open\(\s*|send_file\(\s*)[\w.]*\.(photo_path|file_path)\b")
    found = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.py")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if joined.search(line)]
    assert found == []


# --- finding-level ---------------------------------------------------------------------------------------

def test_races_import_naming_the_secret_key_is_refused_and_never_served(client, db, login_as, instance):
    response = _races_import(client, login_as, "secret_key")
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(races_module.Candidate.id))) == 0
    served = client.get("/results/public/PRES/candidates/C1/photo")
    assert served.status_code == 404 and KEY not in served.data


def test_an_observer_badge_never_prints_another_file_of_the_instance(db, instance):
    from electoral.observation import services
    from electoral.observation.models import Observer
    from electoral.registration.services import voters
    from electoral.reports.registry import render
    from tests.observation.factories import make_observer

    # A voter's photo, as registration stores it, and an observer whose row names it by its path.
    voter_photo = voters.save_photo(_picture("JPEG"), "0")
    observer = make_observer(family_name="Sirleaf")
    honest = make_observer(family_name="Weah")
    # Rows as an older import left them, written past the services (which refuse a path).
    db.session.execute(db.update(Observer).where(Observer.id == observer.id)
                       .values(photo_path=f"photos/{voter_photo}"))
    db.session.execute(db.update(Observer).where(Observer.id == honest.id)
                       .values(photo_path=services.photos.save_photo(_picture())))
    db.session.commit()

    def images(observer_id: int) -> int:
        pdf = render("badge", {"observer": str(observer_id)}, lang="en", roles=[Role.ADMINISTRATOR], printed_by="t")
        return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)

    assert images(honest.id) == 1
    assert images(observer.id) == 0


def test_the_observer_service_refuses_a_photo_named_by_path(db, instance):
    from electoral.core.errors import ValidationFailed
    from electoral.observation import services
    from tests.observation.factories import make_organisation

    with pytest.raises(ValidationFailed) as refused:
        services.save_observer(db.session, make_organisation(), "Kamara", "Fatu", "F", "+231770000002",
                               photo_path="photos/123.jpg")
    assert "photo" in refused.value.errors
