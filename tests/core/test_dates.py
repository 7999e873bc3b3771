"""Dates written as text are read in the election's order, everywhere; a birth date may be a year alone."""

import datetime as dt
import io

import pytest
from sqlalchemy import select

from electoral.core import dates
from electoral.core.auth import Role
from electoral.registration.models import Voter
from electoral.registration.services import election, imports
from electoral.training.models import Official
from electoral.training.services import import_officials
from tests.factories import make_centre, make_district, user_called
from tests.registration.factories import make_election
from tests.training.factories import make_position


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("order, expected", [("DMY", dt.date(1991, 6, 5)), ("MDY", dt.date(1991, 5, 6))])
def test_an_ambiguous_date_follows_the_election_setting(order, expected):
    assert dates.parse("05/06/1991", order) == (expected, False)
    assert dates.parse("1991-06-05", order) == (dt.date(1991, 6, 5), False)  # ISO is never ambiguous


def test_a_date_the_setting_cannot_read_is_refused_naming_the_forms_it_accepts():
    with pytest.raises(ValueError) as refused:
        dates.parse("12/31/1990", "DMY", year_only=True)
    assert "YYYY-MM-DD" in str(refused.value) and "DD/MM/YYYY" in str(refused.value)
    assert "YYYY)" in str(refused.value)  # the year alone is named where it is accepted
    with pytest.raises(ValueError, match="MM/DD/YYYY"):
        dates.parse("31/12/1990", "MDY")


def _voters_file(born: str) -> bytes:
    return (f"family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number\r\n"
            f"Kollie,Amara,F,{born},C1,national_id,N1\r\n").encode()


@pytest.mark.parametrize("order, expected", [("DMY", dt.date(1991, 6, 5)), ("MDY", dt.date(1991, 5, 6))])
def test_the_voter_import_reads_dates_in_the_election_order(db, order, expected):
    make_election()
    election.configure(db.session, "General", election.current(db.session).polling_day, date_order=order)
    make_centre(code="C1")
    imports.import_voters(db.session, _voters_file("05/06/1991"), "voters.csv", user_called("clerk"))
    assert db.session.scalar(select(Voter.date_of_birth)) == expected


def test_a_real_excel_date_is_read_as_that_date_whatever_the_order(db):
    from openpyxl import Workbook

    make_election()
    election.configure(db.session, "General", election.current(db.session).polling_day, date_order="MDY")
    make_centre(code="C1")
    book = Workbook()
    book.active.append(["family_name", "given_names", "sex", "date_of_birth", "centre_code", "id_type", "id_number"])
    book.active.append(["Kollie", "Amara", "F", dt.datetime(1991, 6, 5), "C1", "national_id", "N1"])
    out = io.BytesIO()
    book.save(out)
    imports.import_voters(db.session, out.getvalue(), "voters.xlsx", user_called("clerk"))
    assert db.session.scalar(select(Voter.date_of_birth)) == dt.date(1991, 6, 5)


def test_officials_import_takes_a_year_only_birth_date_as_voters_do(db):
    make_election()
    make_district(code="D1")
    make_position("PO")
    data = (b"reference,full_name,sex,district_code,position_code,birth_date\r\n"
            b"R-1,Fatu Kollie,F,D1,PO,1980\r\nR-2,Musu Dolo,F,D1,PO,05/06/1991\r\n")
    import_officials(db.session, data, "officials.csv")
    found = {o.reference: (o.birth_date, o.birth_year_only) for o in db.session.scalars(select(Official))}
    assert found == {"R-1": (dt.date(1980, 7, 1), True), "R-2": (dt.date(1991, 6, 5), False)}


def test_the_official_form_takes_a_year_only_birth_date_and_names_the_forms_when_wrong(client, db, login_as):
    make_election()
    district = make_district(code="D1")
    position = make_position("PO")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    fields = {"reference": "R-9", "full_name": "Korto Weah", "sex": "F", "district": district.id,
              "position": position.id, "status": "applicant", "locale": "en"}
    page = client.post_form("/training/officials/new", {**fields, "birth_date": "31/31/1990"}).get_data(as_text=True)
    assert "DD/MM/YYYY" in page and "YYYY-MM-DD" in page
    client.post_form("/training/officials/new", {**fields, "birth_date": "1985"})
    official = db.session.scalar(select(Official).where(Official.reference == "R-9"))
    assert (official.birth_date, official.birth_year_only) == (dt.date(1985, 7, 1), True)
    assert 'value="1985"' in client.get(f"/training/officials/{official.id}/edit").get_data(as_text=True)


def test_the_administrator_sets_the_date_order(client, db, login_as):
    make_election()
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    settings = election.current(db.session)
    client.post_form("/registration/election", {"name": settings.name, "polling_day": settings.polling_day.isoformat(),
                                                "minimum_age": 18, "date_order": "MDY"})
    db.session.expire_all()
    assert election.date_order(db.session) == "MDY"


def test_an_official_saved_without_the_birth_date_field_keeps_a_year_only_birth_date(client, db, login_as):
    from tests.training.factories import make_official

    make_election()
    official = make_official(name="Korto Weah")
    official.birth_date, official.birth_year_only = dt.date(1985, 7, 1), True
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    fields = {"reference": official.reference, "full_name": "Korto Weah", "sex": official.sex,
              "district": official.district_id, "position": official.position_id, "status": official.status,
              "locale": "en"}
    response = client.post_form(f"/training/officials/{official.id}/edit", fields)
    assert response.status_code in (200, 302)
    db.session.refresh(official)
    assert (official.birth_date, official.birth_year_only) == (dt.date(1985, 7, 1), True)


@pytest.mark.parametrize("kind", ["correction", "inclusion"])
def test_claims_take_a_year_only_birth_date_and_name_the_forms_when_wrong(client, db, login_as, kind):
    from electoral.registration.models import RollCase
    from electoral.registration.services import roll
    from tests.registration.factories import make_voter

    make_election(exhibition=(dt.date(2026, 1, 1), None))
    voter = make_voter(family_name="Kolie", date_of_birth=dt.date(1980, 3, 4))
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    fields = ({"voter_number": voter.voter_number} if kind == "correction" else
              {"family_name": "Dolo", "given_names": "Musu", "sex": "F", "centre_code": voter.centre.code,
               "id_type": "passport", "id_number": "P777"})
    fields["evidence"] = "Seen"
    page = client.post_form(f"/registration/cases/{kind}", {**fields, "date_of_birth": "31/31/1979"})
    assert "DD/MM/YYYY" in page.get_data(as_text=True) and db.session.query(RollCase).count() == 0
    client.post_form(f"/registration/cases/{kind}", {**fields, "date_of_birth": "1979"})
    case = db.session.query(RollCase).one()
    roll.decide_case(db.session, case, True, "Shown", user_called("sup"))
    db.session.flush()
    person = voter if kind == "correction" else case.voter
    assert (person.date_of_birth, person.birth_year_only) == (dt.date(1979, 7, 1), True)
