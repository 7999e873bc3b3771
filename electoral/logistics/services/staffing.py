"""Staffing polling stations with officials certified by training, one station a day per official."""

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import locks
from electoral.core.errors import ValidationFailed
from electoral.geography.models import District, PollingCentre, PollingStation
from electoral.logistics.models import StaffAssignment


def polling_day(session: Session) -> dt.date:
    """Polling day of the configured election (staff are booked for that day)."""
    from electoral.registration.services import election

    current = election.current(session)
    if current is None:
        raise ValidationFailed(_("Configure the election and its polling day before staffing stations."))
    return current.polling_day


def template(session: Session) -> dict[str, int]:
    """Officials each station needs by position code: training's staffing template."""
    from electoral.training.services.officials import staffing_template

    return staffing_template(session)


def certified(session: Session, position_code: str, district: District) -> list:
    """The only source of who is deployable: training's certified officials."""
    from electoral.training.services.results import certified_officials

    return certified_officials(session, position_code, district)


def booked(session: Session, day: dt.date) -> set[int]:
    """Ids of the officials already deployed that day (an official serves one station a day)."""
    return set(session.scalars(select(StaffAssignment.official_id).where(StaffAssignment.polling_day == day)))


def candidates(session: Session, station: PollingStation, day: dt.date) -> dict[str, list]:
    """For each position of the template, the certified officials of the station's district still free that day."""
    taken = booked(session, day)
    district = station.centre.district
    return {position: [o for o in certified(session, position, district) if o.id not in taken]
            for position in template(session)}


def station_staff(session: Session, station: PollingStation, day: dt.date) -> list[StaffAssignment]:
    return list(session.scalars(select(StaffAssignment).where(
        StaffAssignment.station_id == station.id, StaffAssignment.polling_day == day)
        .order_by(StaffAssignment.position_code, StaffAssignment.slot)))


def assign(session: Session, station: PollingStation, position_code: str, official, day: dt.date,
           user: User) -> StaffAssignment:
    """``user`` deploys a certified official of the station's district to a free position at the station."""
    needed = template(session).get(position_code, 0)
    if not needed:
        raise ValidationFailed({"position": [_("Polling stations have no position %(code)s.", code=position_code)]})
    district = station.centre.district
    if official is None or official.id not in {o.id for o in certified(session, position_code, district)}:
        raise ValidationFailed({"official": [_(
            "%(name)s is not certified as %(position)s in district %(district)s.",
            name=official.full_name if official else "?", position=position_code, district=district.code)]})
    booked = session.scalar(select(StaffAssignment).where(StaffAssignment.official_id == official.id,
                                                         StaffAssignment.polling_day == day))
    if booked is not None:
        raise ValidationFailed({"official": [_("%(name)s is already deployed to station %(station)s that day.",
                                               name=official.full_name, station=booked.station.code)]})
    taken = set(session.scalars(select(StaffAssignment.slot).where(
        StaffAssignment.station_id == station.id, StaffAssignment.position_code == position_code,
        StaffAssignment.polling_day == day)))
    free = [slot for slot in range(1, needed + 1) if slot not in taken]
    if not free:
        raise ValidationFailed({"position": [_("Every %(position)s position at station %(station)s is filled.",
                                               position=position_code, station=station.code)]})
    assignment = StaffAssignment(station=station, position_code=position_code, slot=free[0],
                                 official_id=official.id, polling_day=day, assigned_by=user.username)
    # Checked above, but another officer may have deployed the official or filled the slot since.
    locks.insert_once(session, assignment, _(
        "Another officer deployed %(name)s or filled this %(position)s position a moment ago. Nothing was saved; "
        "look at the station again.", name=official.full_name, position=position_code))
    return assignment


def unassign(session: Session, assignment: StaffAssignment) -> None:
    session.delete(assignment)
    session.flush()


def fill_district(session: Session, district: District, day: dt.date, user: User) -> int:
    """``user`` fills the district's free positions, station by station, with certified officials not yet booked."""
    taken_officials = booked(session, day)
    stations = list(session.scalars(select(PollingStation).join(PollingCentre).where(
        PollingCentre.district_id == district.id).order_by(PollingStation.code)))
    taken = {(a.station_id, a.position_code, a.slot) for a in session.scalars(
        select(StaffAssignment).where(StaffAssignment.polling_day == day,
                                      StaffAssignment.station_id.in_([s.id for s in stations])))}
    added = 0
    for code, needed in template(session).items():
        pool = [o for o in certified(session, code, district) if o.id not in taken_officials]
        for station in stations:
            for slot in range(1, needed + 1):
                if (station.id, code, slot) in taken or not pool:
                    continue
                official = pool.pop(0)
                taken_officials.add(official.id)
                session.add(StaffAssignment(station=station, position_code=code, slot=slot, official_id=official.id,
                                            polling_day=day, assigned_by=user.username))
                added += 1
    session.flush()
    return added


@dataclass
class DistrictStaffing:
    district: District
    stations: int
    needed: dict[str, int] = field(default_factory=dict)
    filled: dict[str, int] = field(default_factory=dict)

    @property
    def unfilled(self) -> dict[str, int]:
        return {code: self.needed[code] - self.filled.get(code, 0) for code in self.needed}

    @property
    def unfilled_total(self) -> int:
        return sum(self.unfilled.values())


def unfilled_by_district(session: Session, day: dt.date, scope=None) -> list[DistrictStaffing]:
    """Positions needed, filled and unfilled, per district and position."""
    positions = template(session)
    stations = dict(session.execute(select(PollingCentre.district_id, func.count(PollingStation.id))
                                    .join(PollingStation, PollingStation.centre_id == PollingCentre.id)
                                    .group_by(PollingCentre.district_id)).all())
    filled: dict[tuple[int, str], int] = {
        (d, code): n for d, code, n in session.execute(
            select(PollingCentre.district_id, StaffAssignment.position_code, func.count())
            .join(PollingStation, PollingStation.id == StaffAssignment.station_id)
            .join(PollingCentre, PollingCentre.id == PollingStation.centre_id)
            .where(StaffAssignment.polling_day == day)
            .group_by(PollingCentre.district_id, StaffAssignment.position_code))}
    rows = []
    for district in session.scalars(select(District).order_by(District.code)):
        if scope is not None and not _inside(scope, district):
            continue
        n = stations.get(district.id, 0)
        rows.append(DistrictStaffing(district, n, {c: per * n for c, per in positions.items()},
                                     {c: filled.get((district.id, c), 0) for c in positions}))
    return rows


def _inside(scope, district: District) -> bool:
    from electoral.geography.services import contains

    return contains(scope, district) or (isinstance(scope, PollingCentre) and scope.district_id == district.id)


def staffed_stations(session: Session, day: dt.date) -> dict[int, bool]:
    """For every station id: whether all its template positions are filled that day."""
    per_station = sum(template(session).values())
    counts = dict(session.execute(select(StaffAssignment.station_id, func.count()).where(
        StaffAssignment.polling_day == day).group_by(StaffAssignment.station_id)).all())
    return {sid: per_station > 0 and counts.get(sid, 0) >= per_station
            for sid in session.scalars(select(PollingStation.id))}


def staff_list(session: Session, centre: PollingCentre, day: dt.date) -> list[tuple[str, str, int, str, str]]:
    """(station, position, slot, official's name, official's reference) for a centre, in order."""
    from electoral.training.models import Official

    return [tuple(r) for r in session.execute(
        select(PollingStation.code, StaffAssignment.position_code, StaffAssignment.slot, Official.full_name,
               Official.reference)
        .join(PollingStation, PollingStation.id == StaffAssignment.station_id)
        .join(Official, Official.id == StaffAssignment.official_id)
        .where(PollingStation.centre_id == centre.id, StaffAssignment.polling_day == day)
        .order_by(PollingStation.code, StaffAssignment.position_code, StaffAssignment.slot))]
