"""Totals per race at every level, in SQL: the one source for pages, exports and the PDF."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.results.models import Candidate, Certification, Race, SheetVote, TallySheet
from electoral.results.services.entry import PENDING_AUDIT
from electoral.results.services.races import station_filter

LEVELS = ("station", "centre", "district", "region", "national")
CHILD = {"national": "region", "region": "district", "district": "centre", "centre": "station"}
MODELS = {"station": PollingStation, "centre": PollingCentre, "district": District, "region": Region}
# The column that names a station's area at each level, once station, centre and district are joined.
LEVEL_COLUMN = {"station": PollingStation.id, "centre": PollingStation.centre_id,
                "district": PollingCentre.district_id, "region": District.region_id,
                "national": literal(0)}


def level_label(level: str) -> str:
    return {"station": _("Polling station"), "centre": _("Polling centre"), "district": _("District"),
            "region": _("Region"), "national": _("National")}[level]


def area_level(area) -> str:
    """The level name of an area (None: national)."""
    return "national" if area is None else area.level


@dataclass
class AreaResult:
    level: str
    area_id: int
    code: str
    name: str
    stations: int = 0
    counted: int = 0
    registered: int = 0
    cast: int = 0
    valid: int = 0
    invalid: int = 0
    votes: dict[int, int] = field(default_factory=dict)  # candidate id -> votes

    @property
    def counted_share(self) -> float | None:
        return self.counted / self.stations if self.stations else None

    @property
    def turnout(self) -> float | None:
        return self.cast / self.registered if self.registered else None

    def share(self, candidate_id: int) -> float | None:
        return self.votes.get(candidate_id, 0) / self.valid if self.valid else None


def _joined(query):
    return (query.join(PollingStation, TallySheet.station_id == PollingStation.id)
            .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
            .join(District, PollingCentre.district_id == District.id))


def _within(query, area):
    return query if area is None else query.where(LEVEL_COLUMN[area.level] == area.id)


def results(session: Session, race: Race, level: str, within=None, states=("accepted",)) -> list[AreaResult]:
    """Totals of ``race`` per area of ``level`` inside ``within`` (None: the whole country), counted sheets only."""
    if level not in LEVELS:
        raise ValueError(level)
    # National totals group by nothing: a constant key would be read as a column position by PostgreSQL.
    keys = [] if level == "national" else [LEVEL_COLUMN[level].label("key")]
    zero = [] if keys else [literal(0).label("key")]
    key = keys[0] if keys else zero[0]
    # The stations expected per area, with the area's code and name (no second lookup by id).
    names = [] if not keys else [MODELS[level].code, MODELS[level].name]
    expected = (select(key, *names, func.count(PollingStation.id)).select_from(PollingStation)
                .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
                .join(District, PollingCentre.district_id == District.id))
    if level == "region":
        expected = expected.join(Region, District.region_id == Region.id)
    expected = _within(expected.where(station_filter(race)).group_by(*keys, *names), within)
    sheets = _within(_joined(
        select(key, func.count(TallySheet.id), func.coalesce(func.sum(TallySheet.registered_voters), 0),
               func.coalesce(func.sum(TallySheet.ballots_cast), 0), func.coalesce(func.sum(TallySheet.valid), 0),
               func.coalesce(func.sum(TallySheet.invalid), 0))
        .select_from(TallySheet).where(TallySheet.race_id == race.id, TallySheet.state.in_(states))), within
    ).group_by(*keys)
    # The counted sheets with their area first, then their votes: one index lookup per vote row.
    counted = _within(_joined(select(TallySheet.id.label("sheet_id"), key).select_from(TallySheet)
                              .where(TallySheet.race_id == race.id, TallySheet.state.in_(states))), within).subquery()
    if level == "station":
        # One sheet per station and race: its votes are the totals, nothing to group (and hash) a million times.
        votes = (select(counted.c.key, SheetVote.candidate_id, SheetVote.votes).select_from(counted)
                 .join(SheetVote, SheetVote.sheet_id == counted.c.sheet_id))
    else:
        votes = (select(counted.c.key if keys else zero[0], SheetVote.candidate_id, func.sum(SheetVote.votes))
                 .select_from(counted).join(SheetVote, SheetVote.sheet_id == counted.c.sheet_id)
                 .group_by(*([counted.c.key] if keys else []), SheetVote.candidate_id))
    # Core, not ORM, execution: at station level the ORM's row handling would cost more than the query.
    connection = session.connection()
    rows: dict[int, AreaResult] = {}
    for area_id, *named, count in connection.execute(expected).all():
        code, name = named if named else ("", _("National"))
        rows[area_id] = AreaResult(level, area_id, code, name, stations=count)
    for area_id, sheet_count, registered, cast, valid, invalid in connection.execute(sheets).all():
        row = rows.get(area_id) or rows.setdefault(area_id, AreaResult(level, area_id, "", ""))
        row.counted, row.registered, row.cast, row.valid, row.invalid = sheet_count, registered, cast, valid, invalid
    # A million rows at station level: keep the loop bare (no object built per row).
    by_area = {area_id: row.votes for area_id, row in rows.items()}
    for area_id, candidate_id, total in connection.execute(votes).all():
        votes_of = by_area.get(area_id)
        if votes_of is None:
            votes_of = by_area[area_id] = rows.setdefault(area_id, AreaResult(level, area_id, "", "")).votes
        votes_of[candidate_id] = int(total)
    return sorted(rows.values(), key=lambda r: r.code)


def all_levels(session: Session, race: Race) -> dict[str, list[AreaResult]]:
    """Totals at every level, national to station."""
    return {level: results(session, race, level) for level in reversed(LEVELS)}


@dataclass
class Standing:
    candidate: Candidate
    votes: int
    share: float | None


@dataclass
class Summary:
    race: Race
    area: object  # None: national
    level: str
    total: AreaResult
    standings: list[Standing]
    sub_level: str | None
    sub_areas: list[AreaResult]
    pending_sheets: int
    pending_votes: int
    order_may_change: bool
    certified: Certification | None
    as_of: datetime | None

    @property
    def final(self) -> bool:
        return self.certified is not None


def summary(session: Session, race: Race, area=None, sub_level: str | None = None) -> Summary:
    """Everything shown about a race in an area: totals, standings, sub-areas, the leading-order warning."""
    level = area_level(area)
    sub_level = sub_level or CHILD.get(level)
    total = AreaResult(level, area.id if area else 0, area.code if area else "", area.name if area else _("National"))
    if sub_level:
        # Every station lies in exactly one sub-area: the area's total is their sum, without a second scan.
        sub_areas = results(session, race, sub_level, area)
        for row in sub_areas:
            total.stations += row.stations
            total.counted += row.counted
            total.registered += row.registered
            total.cast += row.cast
            total.valid += row.valid
            total.invalid += row.invalid
            for candidate_id, votes in row.votes.items():
                total.votes[candidate_id] = total.votes.get(candidate_id, 0) + votes
    else:
        sub_areas = []
        found = results(session, race, level, area)
        if found:
            found[0].code, found[0].name = total.code, total.name
            total = found[0]
    standings = sorted((Standing(c, total.votes.get(c.id, 0), total.share(c.id)) for c in race.candidates),
                       key=lambda s: (-s.votes, s.candidate.ballot_order))
    pending = _within(_joined(
        select(func.count(TallySheet.id), func.coalesce(func.sum(TallySheet.valid), 0)).select_from(TallySheet)
        .where(TallySheet.race_id == race.id, TallySheet.state.in_(PENDING_AUDIT))), area)
    pending_sheets, pending_votes = session.execute(pending).one()
    as_of = session.scalar(_within(_joined(select(func.max(TallySheet.updated_at)).select_from(TallySheet)
                                           .where(TallySheet.race_id == race.id)), area))
    return Summary(race, area, level, total, standings, sub_level, sub_areas, pending_sheets, int(pending_votes),
                   order_may_change(standings, int(pending_votes)), certification(session, race, area), as_of)


def order_may_change(standings: list[Standing], pending_votes: int) -> bool:
    """True when the votes held in quarantine exceed the lead of the first candidate over the second."""
    if len(standings) < 2 or pending_votes <= 0:
        return False
    return pending_votes >= standings[0].votes - standings[1].votes


def certification(session: Session, race: Race, area) -> Certification | None:
    """The certification of ``race`` at ``area`` (None: national), if a supervisor gave it."""
    return session.scalar(select(Certification).where(
        Certification.race_id == race.id, Certification.level == area_level(area),
        Certification.area_id == (area.id if area is not None else 0)))


def certify(session: Session, race: Race, area, supervisor: User) -> Certification:
    """A supervisor certifies the race's results at ``area``: they become final there."""
    if not supervisor.has_any_role({Role.RESULTS_SUPERVISOR}):
        raise ValidationFailed(_("Only a results supervisor may certify results."))
    if certification(session, race, area) is not None:
        raise ValidationFailed(_("These results are already certified."))
    pending = session.scalar(_within(_joined(select(func.count(TallySheet.id)).select_from(TallySheet).where(
        TallySheet.race_id == race.id, TallySheet.state.not_in(("accepted", "cancelled")))), area))
    if pending:
        raise ValidationFailed(_("%(count)d sheets of this area are not yet accepted or cancelled: "
                                 "settle them before certifying.", count=pending))
    entry = Certification(race_id=race.id, level=area_level(area), area_id=area.id if area is not None else 0,
                          certified_by_id=supervisor.id)
    session.add(entry)
    session.flush()
    return entry


def progress(session: Session, race: Race) -> list[dict]:
    """Sheets by state per district: expected stations, and how many sheets are in each state."""
    expected = {row.district_id: row for row in session.execute(
        select(District.id.label("district_id"), District.code, District.name, func.count(PollingStation.id))
        .select_from(PollingStation).join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
        .join(District, PollingCentre.district_id == District.id).where(station_filter(race))
        .group_by(District.id, District.code, District.name))}
    by_state: dict[int, dict[str, int]] = {}
    for district_id, state, count in session.execute(_joined(
            select(PollingCentre.district_id, TallySheet.state, func.count(TallySheet.id)).select_from(TallySheet)
            .where(TallySheet.race_id == race.id)).group_by(PollingCentre.district_id, TallySheet.state)):
        by_state.setdefault(district_id, {})[state] = count
    rows = []
    for district_id, row in sorted(expected.items(), key=lambda item: item[1].code):
        states = by_state.get(district_id, {})
        states["not_received"] = states.get("not_received", 0) + row[3] - sum(states.values())
        rows.append({"code": row.code, "name": row.name, "stations": row[3], "states": states})
    return rows


def station_rows(session: Session, race: Race, area=None) -> list[dict]:
    """One row per counted station, for the open-data CSV and JSON: the same figures as the pages."""
    candidates = race.candidates
    rows = []
    for result in results(session, race, "station", area):
        if not result.counted:
            continue
        row = {"station_code": result.code, "station_name": result.name, "registered_voters": result.registered,
               "ballots_cast": result.cast, "valid": result.valid, "invalid": result.invalid}
        row.update({c.code: result.votes.get(c.id, 0) for c in candidates})
        rows.append(row)
    return rows
