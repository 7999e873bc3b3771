"""Every import reads the same names from the same file, whichever encoding the office saved it in.

Excel saves "CSV UTF-8" (with a BOM), plain "CSV" in the computer's code page
(Windows-1252 in Western locales, Windows-1256 in Arabic ones) and "Unicode text"
(UTF-16, tab-separated); some tools write UTF-8 without a BOM. A Windows-1252 save
of Arabic names has lost them to question marks: that file is refused by name.
"""

import pytest
from sqlalchemy import select

from electoral.core.tabular import TabularError, encoding_of
from tests.factories import make_centre, make_district, user_called

NAMES = ["Kollié", "الفيتوري"]
OTHER = ["Lefèvre", "عبد الله"]  # a second name column, where the import has one


def _encoded(rows: list[list[str]], encoding: str) -> bytes:
    if encoding == "utf-16":
        return "".join("\t".join(row) + "\r\n" for row in rows).encode("utf-16")
    text = "".join(",".join(row) + "\r\n" for row in rows)
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    # Excel's plain "CSV" in a Western locale: letters its code page lacks become "?".
    return text.encode(encoding, errors="replace")


def _geography(db, data):
    from electoral.geography.models import Region
    from electoral.geography.services import import_geography

    import_geography(db.session, data, "geography.csv")
    return sorted(db.session.scalars(select(Region.name)))


def _geography_rows():
    header = ["region_code", "region_name", "district_code", "district_name", "centre_code", "centre_name",
              "station_code", "station_name"]
    return [header, ["01", NAMES[0], "0101", "Bo", "010101", "Centre", "01010101", "Station"],
            ["02", NAMES[1], "0201", "Gbarnga", "020101", "Centre 2", "02010101", "Station 2"]]


def _voters(db, data):
    from electoral.registration.models import Voter
    from electoral.registration.services import imports
    from tests.registration.factories import make_election

    make_election()
    make_centre(code="C1")
    db.session.flush()
    imports.import_voters(db.session, data, "voters.csv", user_called("clerk"))
    return sorted(db.session.scalars(select(Voter.family_name)))


def _voter_rows():
    header = ["family_name", "given_names", "sex", "date_of_birth", "centre_code", "id_type", "id_number"]
    return [header, [NAMES[0], OTHER[0], "F", "1990-01-02", "C1", "national_id", "N1"],
            [NAMES[1], OTHER[1], "M", "1985-03-04", "C1", "national_id", "N2"]]


def _officials(db, data):
    from electoral.training.models import Official
    from electoral.training.services import import_officials
    from tests.training.factories import make_position

    make_district(code="D1")
    make_position("PO")
    db.session.flush()
    import_officials(db.session, data, "officials.csv")
    return sorted(db.session.scalars(select(Official.full_name)))


def _official_rows():
    header = ["reference", "full_name", "sex", "district_code", "position_code"]
    return [header, ["R-001", NAMES[0], "F", "D1", "PO"], ["R-002", NAMES[1], "M", "D1", "PO"]]


def _candidates(db, data):
    from electoral.results.models import Candidate
    from electoral.results.services import import_races

    import_races(db.session, data, "races.csv")
    return sorted(db.session.scalars(select(Candidate.name)))


def _candidate_rows():
    header = ["race_code", "race_name", "race_kind", "area_codes", "candidate_code", "candidate_name", "party",
              "ballot_order"]
    return [header, ["PRES", "President", "presidential", "", "C1", NAMES[0], OTHER[0], "1"],
            ["PRES", "President", "presidential", "", "C2", NAMES[1], OTHER[1], "2"]]


def _observers(db, data):
    from electoral.observation.models import Observer
    from electoral.observation.services import import_observers
    from tests.observation.factories import make_organisation

    make_organisation(code="ELWATCH")
    db.session.flush()
    import_observers(db.session, data, "observers.csv")
    return sorted(db.session.scalars(select(Observer.family_name)))


def _observer_rows():
    header = ["organisation_code", "family_name", "given_names", "sex", "phone"]
    return [header, ["ELWATCH", NAMES[0], OTHER[0], "F", "+231770000001"],
            ["ELWATCH", NAMES[1], OTHER[1], "M", "+231770000002"]]


IMPORTS = {
    "geography": (_geography, _geography_rows),
    "voters": (_voters, _voter_rows),
    "officials": (_officials, _official_rows),
    "candidates": (_candidates, _candidate_rows),
    "observers": (_observers, _observer_rows),
}
READ = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "cp1256": "Windows-1256"}


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("encoding", list(READ))
@pytest.mark.parametrize("kind", list(IMPORTS))
def test_every_import_reads_the_same_names_in_every_office_encoding(db, kind, encoding):
    run, rows = IMPORTS[kind]
    data = _encoded(rows(), encoding)
    assert run(db, data) == sorted(NAMES)
    assert READ[encoding] in encoding_of(data, "x.csv")


@pytest.mark.parametrize("kind", list(IMPORTS))
def test_every_import_refuses_arabic_names_lost_to_a_windows_1252_save(db, kind):
    run, rows = IMPORTS[kind]
    data = _encoded(rows(), "cp1252")
    assert b"????" in data
    with pytest.raises(TabularError) as refused:
        run(db, data)
    message = str(refused.value)
    assert "question marks" in message and "Windows-1252" in message and "UTF-8" in message
    assert "Line 3" in message


def test_a_windows_1252_file_of_western_names_is_read_and_named(db):
    rows = [["region_code", "region_name", "district_code", "district_name", "centre_code", "centre_name",
             "station_code", "station_name"],
            ["01", "Kollié", "0101", "Lefèvre", "010101", "François", "01010101", "Müller"]]
    data = _encoded(rows, "cp1252")
    assert _geography(db, data) == ["Kollié"]
    assert "Windows-1252" in encoding_of(data, "x.csv")


def test_the_upload_page_says_which_encoding_the_file_was_read_in(client, db, login_as):
    import io

    from electoral.core.auth import Role

    login_as(Role.ADMINISTRATOR)
    data = _encoded(_geography_rows(), "cp1256")
    response = client.post_form("/geography/import", {"file": (io.BytesIO(data), "geo.csv")},
                                content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "read as Windows-1256 (Arabic)" in page and NAMES[1] in page


def test_the_upload_page_refuses_lost_names_beside_the_file(client, db, login_as):
    import io

    from electoral.core.auth import Role

    login_as(Role.ADMINISTRATOR)
    data = _encoded(_geography_rows(), "cp1252")
    response = client.post_form("/geography/import", {"file": (io.BytesIO(data), "geo.csv")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "question marks" in response.get_data(as_text=True)


def test_the_import_command_says_which_encoding_it_read(runner, db, tmp_path):
    from tests.observation.factories import make_organisation

    make_organisation(code="ELWATCH")
    db.session.commit()
    path = tmp_path / "observers.csv"
    path.write_bytes(_encoded(_observer_rows(), "cp1256"))
    result = runner.invoke(args=["observation", "import-observers", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 observers (read as Windows-1256 (Arabic))." in result.output


def test_the_races_import_command_says_which_encoding_it_read(runner, db, tmp_path):
    path = tmp_path / "races.csv"
    path.write_bytes(_encoded(_candidate_rows(), "cp1256"))
    result = runner.invoke(args=["results", "races", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Read as Windows-1256 (Arabic)." in result.output
