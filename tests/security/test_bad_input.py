"""Issue 16, finding 8: each of these inputs gave a server error; each gets a clear refusal now."""

import io

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from electoral.core.auth import Role
from electoral.core.params import MAX_ID, bounded_int
from tests.factories import make_station
from tests.observation.factories import make_api_filing
from tests.results.factories import enter_twice, figures, make_race


@pytest.mark.parametrize("value, expected", [
    (5, 5), ("5", 5), (" 7 ", 7), (3.0, 3), ("+4", 4),
    (10**30, None), ("1" * 40, None), (-1, None), ("-1", None), (MAX_ID + 1, None),
    (True, None), (2.5, None), ("abc", None), ("", None), (None, None), ({"x": 1}, None), ([1], None),
    ("٣", 3), ("²", None), ("①", None), ("1\x00", None), (float("inf"), None),
])
def test_bounded_int_reads_only_whole_numbers_in_range(value, expected):
    assert bounded_int(value) == expected


def test_tally_entry_with_an_unreadable_entry_number_is_refused(db, client, login_as):
    make_race(code="PRES")
    make_station(code="S-1")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    from tests.results.test_views import _form

    response = client.post_form("/results/entry/PRES/S-1", {**_form(figures()), "entry_no": "abc"})
    assert response.status_code == 400
    assert "awaits entry 1, not entry 0" in response.get_data(as_text=True)


@pytest.mark.parametrize("version", [10**30, -(10**30), {"x": 1}, [1], "1e400", True])
def test_api_filing_with_an_impossible_version_is_refused(client, db, version):
    filing = make_api_filing()
    response = client.post("/api/v1/submissions", json={**filing["body"], "version": version},
                           headers=filing["headers"])
    assert response.status_code == 422
    assert "version" in response.get_json()["errors"]


def test_phone_sync_with_a_huge_version_is_refused(client, db):
    filing = make_api_filing()
    from tests.factories import PASSWORD

    client.post_form("/login", {"username": filing["observer"].user.username, "password": PASSWORD})
    response = client.post("/observation/my/sync", json={**filing["body"], "version": 10**30},
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 422
    assert "version" in response.get_json()["errors"]


@pytest.mark.parametrize("answer", [{"x": 1}, [1, 2], [{"x": 1}], 10**400, 1e308 * 10])
def test_nested_or_impossible_answers_are_refused_beside_the_question(client, db, answer):
    filing = make_api_filing()
    body = {**filing["body"], "answers": {**filing["body"]["answers"], "Q1": answer, "Q4": answer}}
    response = client.post("/api/v1/submissions", json=body, headers=filing["headers"])
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"answers.Q1", "answers.Q4"} <= set(errors)


@pytest.mark.parametrize("target", ["/%0A/evil.example", "/%0D%0ASet-Cookie:x=1", "/%09/evil.example"])
def test_sign_in_with_a_control_character_in_next_is_not_a_server_error(app, db, target):
    from tests.factories import PASSWORD, make_user

    make_user(Role.ADMINISTRATOR, username="nextuser")
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/login?next={target}").status_code == 200
    response = client.post_form(f"/login?next={target}", {"username": "nextuser", "password": PASSWORD,
                                                          "next": target.replace("%0A", "\n")})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_results_pdf_leaves_out_a_picture_that_does_not_decode(db, tmp_path, monkeypatch):
    from electoral.reports.registry import render
    from electoral.results import services
    from electoral.results.services import races as races_module

    monkeypatch.setattr(races_module, "INSTANCE_PATH", tmp_path)
    race = make_race(code="PRES")
    enter_twice(race, raw=figures())
    good = io.BytesIO()
    PILImage.new("RGB", (60, 60), (20, 90, 20)).save(good, "PNG")
    services.save_candidate_photo(db.session, race.candidates[0], good.getvalue())
    (tmp_path / "broken.png").write_bytes(good.getvalue()[:40])  # a truncated file: the header reads, the data not
    race.candidates[1].photo_path = "broken.png"
    db.session.commit()
    pdf = render("results-summary", {"race": "PRES"}, lang="en", roles={Role.RESULTS_SUPERVISOR},
                 printed_by="Awa Diallo")
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert sum(len(page.images) for page in pages) == 1
    assert "Amara Kollie" in "".join(page.extract_text() for page in pages)


@pytest.mark.parametrize("seed", ["²", "٣", "1" * 20, "-5"])
def test_quick_count_sample_with_an_odd_seed_is_no_server_error(db, client, login_as, seed):
    for _ in range(3):
        make_station()
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    response = client.post_form("/observation/quick-count", {"size": "2", "seed": seed})
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("capacity", ["9" * 30, "²", "-3"])
def test_a_geography_import_with_an_impossible_capacity_names_the_line(db, capacity):
    from electoral.core.errors import ImportFailed
    from electoral.geography.services import import_geography

    data = ("region_code,region_name,district_code,district_name,centre_code,centre_name,station_code,"
            f"station_name,capacity\nMO,Montserrado,MO-01,Monrovia,MO-01-001,Sinkor,MO-01-001-01,Sinkor 1,{capacity}\n")
    with pytest.raises(ImportFailed) as failure:
        import_geography(db.session, data.encode(), "g.csv")
    assert "capacity" in failure.value.errors[0].message


@pytest.mark.parametrize("word", ["²", "①", "9" * 30])
def test_an_sms_choice_or_category_that_is_no_number_is_refused_not_a_crash(db, word):
    from electoral.observation.sms import parser
    from tests.observation.factories import make_opening_checklist

    template = make_opening_checklist()
    with pytest.raises(parser.SmsFormatError):
        parser.read_incident(parser.read_header(f"INC 10482 {word} stones"), f"INC 10482 {word} stones")
    with pytest.raises(parser.SmsFormatError, match="not an option"):
        parser.read_answers(template, parser.read_header(f"OPEN 10482 Q5{word}").tokens)


def test_arabic_indic_digits_still_count_as_numbers():
    assert bounded_int("١٢") == 12


def test_no_view_or_import_reads_a_number_with_isdigit_and_int():
    """The class guard: isdigit() passes '²', which int() refuses; bounded_int is the one reader."""
    import pathlib
    import re

    import electoral

    pattern = re.compile(r"isdigit\(\).*\bint\(|\bint\([^)]*\).*isdigit\(\)|request\.\w+\.get\([^)]*type=int")
    root = pathlib.Path(electoral.__file__).parent
    found = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line.split("#")[0]) and path.name != "config.py"]
    assert found == []
