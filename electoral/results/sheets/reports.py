"""Printed tally sheets with their QR code, and the intake receipt of a station's bag."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.geography.models import PollingCentre, PollingStation
from electoral.reports.registry import Param, report
from electoral.results import services
from electoral.results.models import FIELDS
from electoral.results.sheets import codes
from electoral.results.sheets.models import IntakeRecord


def _station_code(value: str) -> str:
    code = value.strip().upper()
    if db.session.scalar(select(PollingStation.id).where(PollingStation.code == code)) is None:
        raise ValueError(_("No polling station has the code %(code)s.", code=code))
    return code


def _centre_code(value: str) -> str:
    code = value.strip().upper()
    if db.session.scalar(select(PollingCentre.id).where(PollingCentre.code == code)) is None:
        raise ValueError(_("No polling centre has the code %(code)s.", code=code))
    return code


def sheet_stations(race, station_code: str | None, centre_code: str | None) -> list[PollingStation]:
    """The stations to print sheets for: one station, or every station of a centre where the race is run."""
    query = services.stations_query(race).order_by(PollingStation.code)
    if station_code:
        query = query.where(PollingStation.code == station_code)
    elif centre_code:
        query = query.where(PollingCentre.code == centre_code)
    else:
        raise ValueError(_("Give a station or a centre."))
    return list(db.session.scalars(query))


@report("tally-sheet", title=_l("Tally sheet"),
        roles=[Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR, Role.LOGISTICS_OFFICER],
        description=_l("The blank tally sheet of a race for a station (or each station of a centre), with its QR "
                       "code, registered voters and ballots handed over."),
        params=[Param("race", _l("Race"), required=True, kind="choice", choices=lambda: services.race_choices(db.session)),
                Param("station", _l("Station code"), check=_station_code),
                Param("centre", _l("Centre code"), check=_centre_code,
                      help=_l("Instead of a station: a sheet for each of the centre's stations."))])
def build(doc, params) -> None:
    race = services.find_race(db.session, params["race"])
    try:
        stations = sheet_stations(race, params.get("station"), params.get("centre"))
    except ValueError as problem:
        raise ValidationFailed({"station": [str(problem)]}) from None
    if not stations:
        raise ValidationFailed({"station": [_("Race %(race)s is not contested there.", race=race.code)]})
    ids = [s.id for s in stations]
    registered = services.registered_voters(db.session, ids)
    received = services.ballots_received(db.session, race, ids)
    labels = services.field_labels()
    for index, station in enumerate(stations):
        if index:
            doc.page_break()
        doc.area = f"{station.centre.code} — {station.centre.name}"
        code = codes.encode(race.code, station.code, race.id, station.id)
        doc.qr(code, size_mm=32, caption=_("Sheet %(serial)s", serial=codes.serial(race.id, station.id)))
        doc.title(_("Tally sheet: %(race)s", race=race.name))
        doc.paragraph(_("Polling station %(code)s — %(name)s", code=station.code, name=station.name), bold=True)
        doc.figures({
            _("Registered voters"): doc.number(registered[station.id]) if registered[station.id] is not None
            else _("not available"),
            _("Ballots handed over"): doc.number(received[station.id]) if received[station.id] is not None
            else _("not recorded"),
        })
        doc.table([_("Figure"), _("In figures"), _("In words")],
                  [[labels[name], "", ""] for name in FIELDS],
                  [0.4, 0.2, 0.4])
        doc.table([_("No."), _("Candidate"), _("Party"), _("Votes in figures"), _("Votes in words")],
                  [[c.ballot_order, c.name, c.party, "", ""] for c in race.candidates],
                  [0.07, 0.3, 0.23, 0.15, 0.25], align=["end", "start", "start", "end", "start"])
        doc.signatures([_("Presiding officer"), _("Party agent"), _("Party agent")])


@report("intake-receipt", title=_l("Intake receipt"),
        roles=[Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR],
        description=_l("Receipt of a station's bag of result forms at the tally centre, with its seals."),
        params=[Param("intake", _l("Intake number"), required=True, kind="int")])
def intake_receipt(doc, params) -> None:
    record = db.session.get(IntakeRecord, params["intake"])
    if record is None:
        raise ValidationFailed({"intake": [_("No intake has this number.")]})
    station = record.station
    doc.area = f"{station.centre.code} — {station.centre.name}"
    doc.title(_("Intake receipt no. %(number)d", number=record.id))
    doc.paragraph(_("Polling station %(code)s — %(name)s", code=station.code, name=station.name), bold=True)
    doc.paragraph(_("Received on %(time)s.", time=doc.datetime(record.received_at)))
    doc.figures({_("Forms received"): doc.number(record.forms_received),
                 _("Seals"): doc.number(len(record.seal_numbers)),
                 _("Seals not sent to this station"): doc.number(len(record.unknown_seals))})
    doc.table([_("Seal number"), _("Checked against logistics")],
              [[seal, _("not dispatched to this station") if seal in record.unknown_seals else _("dispatched")]
               for seal in record.seal_numbers], [0.5, 0.5])
    if record.note:
        doc.paragraph(record.note)
    doc.signatures([_("Delivered by"), _("Received by")])
