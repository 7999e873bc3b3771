"""Importing the whole geography from the files people actually have."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from electoral.core.errors import ImportFailed
from electoral.core.tabular import TabularError
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.geography.services import import_geography

HEADER = "region_code,region_name,district_code,district_name,centre_code,centre_name,station_code,station_name"
GOOD = [
    "MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor Public School,MO-01-001-01,Sinkor 1",
    "MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor Public School,MO-01-001-02,Sinkor 2",
    "MO,Montserrado,MO-02,Todee,MO-02-001,Todee Town Hall,MO-02-001-01,Todee 1",
    "BO,Bong,BO-01,Jorquelleh,BO-01-001,Gbarnga Central High School,BO-01-001-01,Gbarnga 1",
]


def csv_bytes(lines, header=HEADER, sep=",", bom=False, encoding="utf-8"):
    text = "\r\n".join([header.replace(",", sep)] + [line.replace(",", sep) for line in lines]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def counts(db):
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Region, District, PollingCentre, PollingStation))


def test_good_file_imports_the_whole_tree(db):
    summary = import_geography(db.session, csv_bytes(GOOD), "geo.csv")
    db.session.commit()
    assert counts(db) == (2, 3, 3, 4)
    assert summary.created == {"region": 2, "district": 3, "centre": 3, "station": 4}
    station = db.session.scalar(sa.select(PollingStation).where(PollingStation.code == "MO-01-001-02"))
    assert (station.capacity, station.centre.district.region.name) == (600, "Montserrado")


@pytest.mark.parametrize("sep,bom", [(";", True), (";", False), (",", True)])
def test_excel_csv_in_any_locale_is_read(db, sep, bom):
    import_geography(db.session, csv_bytes(GOOD, sep=sep, bom=bom), "geo.csv")
    assert counts(db) == (2, 3, 3, 4)


def test_french_excel_decimal_commas_in_coordinates(db):
    header = HEADER + ",capacity,latitude,longitude"
    line = "MO;Montserrado;MO-01;Greater Monrovia;MO-01-001;Sinkor;MO-01-001-01;Sinkor 1;550;6,2907;-10,7605"
    import_geography(db.session, csv_bytes([line], header=header.replace(",", ";")).replace(b",", b","), "g.csv")
    centre = db.session.scalar(sa.select(PollingCentre))
    assert (centre.latitude, centre.longitude) == (6.2907, -10.7605)
    assert db.session.scalar(sa.select(PollingStation.capacity)) == 550


def test_xlsx_is_read(db):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(",") + ["capacity"])
    for line in GOOD:
        sheet.append(line.split(",") + [450])
    data = io.BytesIO()
    workbook.save(data)
    import_geography(db.session, data.getvalue(), "geo.xlsx")
    assert counts(db) == (2, 3, 3, 4)
    assert set(db.session.scalars(sa.select(PollingStation.capacity))) == {450}


def test_reimporting_the_same_file_changes_nothing(db):
    import_geography(db.session, csv_bytes(GOOD), "geo.csv")
    db.session.commit()
    summary = import_geography(db.session, csv_bytes(GOOD), "geo.csv")
    assert not summary.changed
    assert counts(db) == (2, 3, 3, 4)


def test_a_file_that_adds_stations_adds_them(db):
    import_geography(db.session, csv_bytes(GOOD), "geo.csv")
    db.session.commit()
    extra = GOOD + ["MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor Public School,MO-01-001-03,Sinkor 3"]
    summary = import_geography(db.session, csv_bytes(extra), "geo.csv")
    assert summary.created["station"] == 1 and summary.created["centre"] == 0
    assert counts(db) == (2, 3, 3, 5)


def test_every_bad_line_is_reported_and_nothing_imported(db):
    header = HEADER + ",capacity,latitude,longitude"
    lines = [
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor,MO-01-001-01,Sinkor 1,,,",      # 2 good
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor,,Sinkor 2,,,",                  # 3 missing
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor,MO-01-001-01,Again,,,",         # 4 duplicate
        "BO,Bong,MO-01,Greater Monrovia,MO-01-009,Elsewhere,MO-01-009-01,X,,,",                 # 5 other parent
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor,MO-01-001-05,Y,-3,,",           # 6 capacity
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-002,Z,MO-01-002-01,Z,,95.2,10",            # 7 latitude
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-003,W,MO-01-003-01,W,,6.3,",               # 8 one coordinate
        "MO,Montserrado,MO-01,Greater Monrovia,MO-01-004,V,MO-01-004-01,V,abc,,",               # 9 capacity text
    ]
    with pytest.raises(ImportFailed) as failure:
        import_geography(db.session, csv_bytes(lines, header=header), "geo.csv")
    reported = {e.line: e.message for e in failure.value.errors}
    assert sorted(reported) == [3, 4, 5, 6, 7, 8, 9]
    assert "station_code" in reported[3]
    assert "already on line 2" in reported[4]
    assert "MO-01" in reported[5] and "line 2" in reported[5]
    assert "capacity" in reported[6] and "-3" in reported[6]
    assert "out of range" in reported[7]
    assert "both latitude and longitude" in reported[8]
    assert "abc" in reported[9]
    db.session.rollback()
    assert counts(db) == (0, 0, 0, 0)


def test_a_code_under_another_parent_in_the_database_is_refused(db):
    import_geography(db.session, csv_bytes(GOOD), "geo.csv")
    db.session.commit()
    moved = ["BO,Bong,MO-02,Todee,MO-02-001,Todee Town Hall,MO-02-001-01,Todee 1"]
    with pytest.raises(ImportFailed) as failure:
        import_geography(db.session, csv_bytes(moved), "geo.csv")
    assert "in the database" in failure.value.errors[0].message


def test_missing_columns_and_wrong_type_are_refused_as_a_whole(db):
    with pytest.raises(TabularError, match="station_name"):
        import_geography(db.session, b"region_code,region_name,district_code,district_name,"
                                     b"centre_code,centre_name,station_code\nA,B,C,D,E,F,G\n", "g.csv")
    with pytest.raises(TabularError, match=".pdf"):
        import_geography(db.session, b"%PDF-1.4", "geo.pdf")


def test_windows_encoded_file_is_still_read(db):
    line = "MO,Montserrado,MO-01,Grand Cape Mount,MO-01-001,École Sainte-Thérèse,MO-01-001-01,Salle 1"
    import_geography(db.session, csv_bytes([line], encoding="cp1252"), "geo.csv")
    assert db.session.scalar(sa.select(PollingCentre.name)) == "École Sainte-Thérèse"
