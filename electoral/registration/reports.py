"""Printed lists of the roll: polling-day voter lists, voter cards, the public exhibition list, figures."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from reportlab.platypus import Image
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.geography.services import find_by_code
from electoral.registration.models import Voter
from electoral.registration.services import election, exports, voters
from electoral.reports.pictures import table_picture
from electoral.reports.registry import NotAllowed, Param, report

STAFF = [Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR, Role.ADMINISTRATOR]
SEX_SHORT = {"F": _l("F"), "M": _l("M")}


def _station_code(value: str) -> str:
    if find_by_code(db.session, "station", value) is None:
        raise ValueError(_("No polling station has the code %(code)s.", code=value))
    return value.strip()


def _centre_code(value: str) -> str:
    if find_by_code(db.session, "centre", value) is None:
        raise ValueError(_("No polling centre has the code %(code)s.", code=value))
    return value.strip()


def _in_scope(doc, area, name: str):
    if doc.user is not None and not doc.user.can_act_in(area):
        raise NotAllowed(name)
    return area


def _on_roll(query):
    return query.where(Voter.registered).order_by(Voter.sort_key, Voter.family_name, Voter.given_names,
                                                          Voter.id)


def _photo(voter: Voter):
    return voters.photo_file(voter)


# A list's photo: large enough to recognise a face at the polling table, small enough
# that a row stays short (the stored photo is embedded as it is, never re-encoded).
LIST_PHOTO_MM = (11, 13.75)
# A polling-day list's row: tall enough to sign or press a thumb in the last column.
SIGN_ROW_MM = 14


def _photos(rows: list[Voter]) -> dict[int, Image] | None:
    """Each voter's photo as a table cell, or None when nobody on the list has one (no empty column)."""
    cells = {}
    for voter in rows:
        picture = table_picture(_photo(voter), *LIST_PHOTO_MM)
        if picture is not None:
            cells[voter.id] = picture
    return cells or None


@report("voter-list", title=_l("Voter list for polling day"), roles=STAFF,
        params=[Param("station", _l("Polling station code"), required=True, check=_station_code)])
def voter_list(doc, params):
    station = _in_scope(doc, find_by_code(db.session, "station", params["station"]), "voter-list")
    centre = station.centre
    doc.area = _("Polling centre %(centre)s %(name)s · polling station %(station)s",
                 centre=centre.code, name=centre.name, station=station.code)
    rows = db.session.scalars(_on_roll(select(Voter).where(Voter.station_id == station.id))).all()
    doc.title(_("Voter list · polling station %(station)s", station=station.code))
    doc.paragraph(_("%(n)s voters. Each voter signs or puts a thumbprint in the last column.",
                    n=doc.number(len(rows))), size=9)
    photos = _photos(rows)
    if photos is None:
        doc.table(
            [_("No."), _("Voter number"), _("Name"), _("Sex"), _("Year of birth"), _("Signature or thumbprint")],
            [[index, v.voter_number, f"{v.family_name}, {v.given_names}", str(SEX_SHORT[v.sex]), str(v.birth_year),
              ""] for index, v in enumerate(rows, start=1)],
            col_widths=[0.06, 0.16, 0.38, 0.06, 0.1, 0.24], align=["end", "start", "start", "center", "center", "start"],
            font_size=9, row_height_mm=SIGN_ROW_MM,
            grid=True)
        return
    doc.table(
        [_("No."), _("Photo"), _("Voter number"), _("Name"), _("Sex"), _("Year of birth"),
         _("Signature or thumbprint")],
        [[index, photos.get(v.id, ""), v.voter_number, f"{v.family_name}, {v.given_names}", str(SEX_SHORT[v.sex]),
          str(v.birth_year), ""] for index, v in enumerate(rows, start=1)],
        col_widths=[0.06, 0.08, 0.15, 0.33, 0.06, 0.09, 0.23],
        align=["end", "center", "start", "start", "center", "center", "start"], font_size=9, row_height_mm=SIGN_ROW_MM,
        grid=True)


def _centre_in_area(params: dict, user) -> None:
    centre = find_by_code(db.session, "centre", params["centre"])
    if not user.can_act_in(centre):
        raise ValidationFailed({"centre": [_("Polling centre %(code)s is outside your area.", code=centre.code)]})


def _voter_number(value: str) -> str:
    if voters.find_by_number(db.session, value) is None:
        raise ValueError(_("No voter has the number %(number)s.", number=value))
    return value.strip()


def _voter_in_area(params: dict, user) -> None:
    """Refused when asked (not later in the queue): the voter's centre must lie in the user's area."""
    voter = voters.find_by_number(db.session, params["voter"])
    if not user.can_act_in(voter.centre):
        raise ValidationFailed({"voter": [_("Voter %(number)s is outside your area.", number=voter.voter_number)]})


def _card_holders(query):
    # A possible duplicate waits for a supervisor: a card printed now could be a second card for one person.
    return db.session.scalars(_on_roll(query.where(Voter.status == "active"))).all()


def _draw_cards(doc, rows: list[Voter]) -> None:
    """Cards of ``rows``, headed with the commission's and the election's names (from their settings)."""
    stations = {s.id: s.code for s in db.session.scalars(
        select(PollingStation).where(PollingStation.centre_id.in_({v.centre_id for v in rows})))}
    commission = current_app.config.get("COMMISSION_NAME", "")
    settings = election.current(db.session)
    election_name = settings.name if settings is not None else ""
    labels = {"number": _("Voter number"), "centre": _("Centre"), "station": _("Station"),
              "born": _("Born"), "unassigned": _("not assigned")}

    def draw(card, voter):
        photo = _photo(voter)
        text_x = 26 if photo else 4
        if photo:
            card.photo(photo, 4, 8, 20, 25)
        card.text(4, 1.5, commission, size=6.5, bold=True)
        card.text(4, 4.8, election_name, size=6)
        # The name as the voter wrote it, in their own script.
        card.text(text_x, 9, voter.family_name, size=11, bold=True)
        card.text(text_x, 15, voter.given_names, size=9)
        card.text(text_x, 21, f"{labels['born']}: {voter.birth_year} · {SEX_SHORT[voter.sex]}", size=7)
        card.text(text_x, 27, f"{labels['number']}: {voter.voter_number}", size=8, bold=True)
        station = stations.get(voter.station_id, labels["unassigned"])
        card.text(4, 38, f"{labels['centre']}: {voter.centre.code}", size=7)
        card.text(4, 43, f"{labels['station']}: {station}", size=7)
        # The QR carries the number with its check digits and the station, so a reader can verify both.
        card.qr(f"{voter.voter_number}|{stations.get(voter.station_id, '')}", 62, 28, 20)

    doc.cards(rows, draw)


@report("voter-cards", title=_l("Voter cards"), roles=STAFF, background=True,
        params=[Param("centre", _l("Polling centre code"), required=True, check=_centre_code)],
        scope=_centre_in_area)
def voter_cards(doc, params):
    centre = _in_scope(doc, find_by_code(db.session, "centre", params["centre"]), "voter-cards")
    doc.area = _("Polling centre %(centre)s %(name)s", centre=centre.code, name=centre.name)
    _draw_cards(doc, _card_holders(select(Voter).where(Voter.centre_id == centre.id)))


@report("voter-card", title=_l("Voter card"), roles=STAFF,
        params=[Param("voter", _l("Voter number"), required=True, check=_voter_number)], scope=_voter_in_area)
def voter_card(doc, params):
    voter = voters.find_by_number(db.session, params["voter"])
    _in_scope(doc, voter.centre, "voter-card")
    if voter.status == "possible_duplicate":
        raise ValidationFailed({"voter": [_("Voter %(number)s gets a card once a supervisor has decided the "
                                            "possible duplicate.", number=voter.voter_number)]})
    if voter.status != "active":
        raise ValidationFailed({"voter": [_("Voter %(number)s is not on the roll.", number=voter.voter_number)]})
    doc.area = _("Polling centre %(centre)s %(name)s", centre=voter.centre.code, name=voter.centre.name)
    _draw_cards(doc, [voter])


@report("exhibition-list", title=_l("Provisional voter list for exhibition"), roles=STAFF,
        params=[Param("centre", _l("Polling centre code"), required=True, check=_centre_code)])
def exhibition_list(doc, params):
    centre = _in_scope(doc, find_by_code(db.session, "centre", params["centre"]), "exhibition-list")
    doc.area = _("Polling centre %(centre)s %(name)s", centre=centre.code, name=centre.name)
    doc.watermark = _("Provisional")
    rows = db.session.scalars(_on_roll(select(Voter).where(Voter.centre_id == centre.id))).all()
    doc.title(_("Provisional voter list · %(centre)s", centre=centre.name))
    doc.paragraph(_("Check your name. A person missing from this list, a wrong name or date, or a person who "
                    "should not be on it: tell the registration clerk during the exhibition period."), size=9)
    # Public paper: name, sex, year of birth and voter number only; never the full date
    # of birth, identity document or phone.
    photos = _photos(rows)
    if photos is None:
        doc.table([_("Voter number"), _("Name"), _("Sex"), _("Year of birth")],
                  [[v.voter_number, f"{v.family_name}, {v.given_names}", str(SEX_SHORT[v.sex]), str(v.birth_year)]
                   for v in rows],
                  col_widths=[0.2, 0.5, 0.1, 0.2], align=["start", "start", "center", "center"])
        return
    doc.table([_("Photo"), _("Voter number"), _("Name"), _("Sex"), _("Year of birth")],
              [[photos.get(v.id, ""), v.voter_number, f"{v.family_name}, {v.given_names}", str(SEX_SHORT[v.sex]),
                str(v.birth_year)] for v in rows],
              col_widths=[0.1, 0.2, 0.44, 0.1, 0.16], align=["center", "start", "start", "center", "center"])


@report("registration-figures", title=_l("Registration figures"),
        roles=[Role.REGISTRATION_SUPERVISOR, Role.ADMINISTRATOR],
        params=[Param("level", lazy_pgettext("figures grouped", "By"), kind="choice", default="region", choices=[
            ("region", _l("Region")), ("district", _l("District")), ("centre", _l("Polling centre")),
            ("station", _l("Polling station"))])])
def figures(doc, params):
    settings = election.current(db.session)
    if settings is None:
        doc.paragraph(_("The election is not configured yet."))
        return
    rows = exports.figures(db.session, params["level"], settings.polling_day)
    pairs = exports.duplicate_figures(db.session)
    doc.subtitle = settings.name
    doc.title(_("Registered voters"))
    doc.figures({_("Voters"): sum(r["total"] for r in rows), _("Women"): sum(r["F"] for r in rows),
                 _("Men"): sum(r["M"] for r in rows), _("Duplicates removed"): pairs.get("duplicate", 0),
                 _("Possible duplicates to decide"): pairs.get("open", 0)})
    bands = exports.band_labels()
    doc.table([_("Code"), _("Name"), _("Voters"), _("Women"), _("Men"), *bands],
              [[r["code"], r["name"], r["total"], r["F"], r["M"], *(r[b] for b in bands)] for r in rows],
              col_widths=[0.1, 0.24, 0.1, 0.09, 0.09, *[0.38 / len(bands)] * len(bands)],
              align=["start", "start", *["end"] * (3 + len(bands))], font_size=8)
    doc.bar_chart({band: sum(r[band] for r in rows) for band in bands}, title=_("By age band"))
