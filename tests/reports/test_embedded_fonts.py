"""Every report of the project embeds every font it names (print shops' preflight refuses a PDF that does not)."""

import io

import pytest
from pypdf import PdfReader

from electoral.core.auth import Role
from electoral.reports.registry import all_reports, render

# The 14 fonts a PDF reader is expected to have: naming one embeds nothing.
BASE_14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
           "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
           "Times-BoldItalic", "Symbol", "ZapfDingbats"}


def font_problems(data: bytes) -> set[str]:
    """The fonts referenced anywhere in the PDF (pages and the forms they draw) that are not embedded."""
    problems: set[str] = set()

    def walk(resources, seen):
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded or name.split("+")[-1] in BASE_14:
                problems.add(name)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                seen.add(id(xobject))
                walk(xobject.get("/Resources"), seen)

    for page in PdfReader(io.BytesIO(data)).pages:
        walk(page.get("/Resources"), set())
    return problems


def _registration(station_too=False):
    from tests.factories import make_centre, make_station
    from tests.registration.factories import make_election, make_voter

    make_election()
    centre = make_centre(code="C-F", name="مدرسة النور")
    station = make_station(centre, code="C-F-01")
    make_voter(centre, station=station, family_name="كمارا", given_names="محمد")
    return {"station": station.code} if station_too else {"centre": centre.code}


def _first_voter_number():
    from sqlalchemy import select

    from electoral.extensions import db
    from electoral.registration.models import Voter

    return db.session.scalar(select(Voter.voter_number).order_by(Voter.id))


def _certificate():
    from tests.training.factories import certify, make_official

    official = make_official(name="Fatu Kollie")
    certify(official)
    return {"official": official.reference}


def _consignment():
    from electoral.extensions import db
    from electoral.logistics import services
    from tests.factories import user_called
    from tests.logistics.factories import full_receipt, packed_consignment

    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    return {"consignment": consignment.code}


def _race():
    from tests.factories import make_station
    from tests.results.factories import enter_twice, figures, make_race

    race = make_race(code="PRES", candidates=("Amara Kollie", "محمد الصادق"))
    enter_twice(race, make_station(code="T-1"), figures())
    return {"race": race.code}


def _declaration():
    from electoral.extensions import db
    from electoral.results import services
    from tests.results.factories import make_supervisor
    from tests.results.test_seats import list_race

    race = list_race(db, [(12000, 8000, 3000)])
    services.certify(db.session, race, None, make_supervisor())
    return {"race": race.code}


def _intake():
    from electoral.extensions import db
    from electoral.results.sheets.models import IntakeRecord
    from tests.factories import make_station

    record = IntakeRecord(station=make_station(), seal_numbers=["SL-1"], unknown_seals=[], forms_received=2)
    db.session.add(record)
    db.session.flush()
    return {"intake": str(record.id)}


def _observer():
    from tests.observation.factories import make_observer

    return {"observer": str(make_observer().id)}


def _checklist():
    from tests.observation.factories import make_opening_checklist

    make_opening_checklist()
    return {"template": "OPEN"}


def _centre():
    from tests.factories import make_centre, make_station

    centre = make_centre(code="C-L")
    make_station(centre)
    return {"centre": centre.code}


# A little data and the parameters for each report; a new report must add its sample here.
SAMPLES = {
    "audit-extract": dict,
    "badge": _observer,
    "certificate": _certificate,
    "exhibition-list": _registration,
    "intake-receipt": _intake,
    "geography-summary": lambda: _centre() and {},
    "observation-report": dict,
    "packing-list": _centre,
    "registration-figures": lambda: _registration() and {},
    "results-summary": _race,
    "seats-declaration": _declaration,
    "sms-card": _checklist,
    "staff-list": lambda: _registration(),
    "tally-sheet": lambda: {**_race(), "station": "T-1"},
    "training-coverage": dict,
    "voter-card": lambda: _registration() and {"voter": _first_voter_number()},
    "voter-cards": _registration,
    "voter-list": lambda: _registration(station_too=True),
    "waybill": _consignment,
}


def test_every_registered_report_has_a_sample():
    assert {spec.name for spec in all_reports()} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_report_embeds_every_font_it_uses(db, name):
    params = SAMPLES[name]()
    db.session.commit()
    data = render(name, params, lang="ar", roles=set(Role), printed_by="Preflight")
    assert font_problems(data) == set()
