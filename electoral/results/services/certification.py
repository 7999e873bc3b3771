"""Certifying a race's results in an area, and its preconditions; de-certifying; excusing a station.

Certification is final: only a results supervisor, only inside their scope, only when every
station of the area where the race is contested has its sheet accepted or formally excused
(cancelled with a reason). While it stands the area's sheets are closed (services.closure).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import District, PollingCentre, PollingStation
from electoral.results.models import Certification, Race, SheetEvent, TallyEntry, TallySheet
from electoral.results.services.aggregate import LEVEL_COLUMN, area_level
from electoral.results.services.closure import certification, require_open
from electoral.results.services.races import contested_at, station_filter
from electoral.results.services.totals import tracking

SETTLED = ("accepted", "cancelled")
# States a supervisor excuses directly: no agreed figures yet. A sheet with figures is cancelled by an audit decision.
EXCUSABLE = ("not_received", "first_entry")
SHOWN = 50  # stations listed by name on the confirmation page; the rest are counted


@dataclass
class Outstanding:
    """What stands between an area and its certification."""

    stations: int = 0  # where the race is contested in the area
    accepted: int = 0
    excused: int = 0
    by_state: dict[str, int] = field(default_factory=dict)  # unsettled sheets per state; no sheet is not_received
    first: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, state) of the first SHOWN

    @property
    def missing(self) -> int:
        return sum(self.by_state.values())


def _stations(race: Race, area, *columns):
    """Select of ``columns`` over the area's stations where the race is contested, with their sheet if any."""
    query = (select(*columns).select_from(PollingStation)
             .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
             .join(District, PollingCentre.district_id == District.id)
             .outerjoin(TallySheet, and_(TallySheet.station_id == PollingStation.id, TallySheet.race_id == race.id))
             .where(station_filter(race)))
    return query if area is None else query.where(LEVEL_COLUMN[area.level] == area.id)


def outstanding(session: Session, race: Race, area) -> Outstanding:
    """The area's stations, how many are settled, and the unsettled ones by state (the first few by name)."""
    state = func.coalesce(TallySheet.state, "not_received")
    found = Outstanding()
    for current, count in session.execute(_stations(race, area, state, func.count(PollingStation.id))
                                          .group_by(state)):
        found.stations += count
        if current == "accepted":
            found.accepted = count
        elif current == "cancelled":
            found.excused = count
        else:
            found.by_state[current] = count
    found.first = [tuple(row) for row in session.execute(
        _stations(race, area, PollingStation.code, PollingStation.name, state)
        .where(state.not_in(SETTLED)).order_by(PollingStation.code).limit(SHOWN))]
    return found


def _require_supervisor_in(supervisor: User, area) -> None:
    if not supervisor.has_any_role({Role.RESULTS_SUPERVISOR}):
        raise ValidationFailed(_("Only a results supervisor may certify results."))
    if not supervisor.can_act_in(area):
        raise ValidationFailed(_("This area lies outside the area you may act in."))


def certify(session: Session, race: Race, area, supervisor: User) -> Certification:
    """A supervisor certifies the race's results at ``area``: they become final there and its sheets close."""
    _require_supervisor_in(supervisor, area)
    if certification(session, race, area) is not None:
        raise ValidationFailed(_("These results are already certified."))
    found = outstanding(session, race, area)
    if not found.stations:
        raise ValidationFailed(_("Race %(race)s is not contested in this area.", race=race.code))
    if found.missing:
        raise ValidationFailed(ngettext(
            "%(num)d of %(total)d stations is not yet accepted or excused: settle it before certifying.",
            "%(num)d of %(total)d stations are not yet accepted or excused: settle them before certifying.",
            found.missing, total=found.stations))
    level, area_id = area_level(area), area.id if area is not None else 0
    # A de-certified area certified again keeps one row: the audit trail holds each version.
    entry = session.scalar(select(Certification).where(
        Certification.race_id == race.id, Certification.level == level, Certification.area_id == area_id))
    if entry is None:
        entry = Certification(race_id=race.id, level=level, area_id=area_id)
        session.add(entry)
    entry.certified_by_id, entry.certified_at = supervisor.id, utcnow()
    entry.stations, entry.excused = found.stations, found.excused
    entry.decertified_at = entry.decertified_by_id = entry.decertify_reason = None
    session.flush()
    return entry


def decertify(session: Session, race: Race, area, supervisor: User, reason: str) -> Certification:
    """Withdraw a certification, with the reason: the results are provisional again and the sheets reopen."""
    _require_supervisor_in(supervisor, area)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason.")]})
    entry = certification(session, race, area)
    if entry is None:
        raise ValidationFailed(_("These results are not certified."))
    entry.decertified_at, entry.decertified_by_id, entry.decertify_reason = utcnow(), supervisor.id, reason
    session.flush()
    return entry


def excuse(session: Session, race: Race, station: PollingStation, supervisor: User, reason: str) -> TallySheet:
    """Cancel a station's sheet that never came in (or has one entry), with the reason: excused from the count."""
    if not supervisor.has_any_role({Role.RESULTS_SUPERVISOR}):
        raise ValidationFailed(_("Only a results supervisor may do this."))
    if not supervisor.can_act_in(station):
        raise ValidationFailed(_("This area lies outside the area you may act in."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason.")]})
    if not contested_at(session, race, station):
        raise ValidationFailed(_("Race %(race)s is not contested at station %(station)s.",
                                 race=race.code, station=station.code))
    require_open(session, race.id, station.id)
    sheet = session.scalar(select(TallySheet).where(TallySheet.race_id == race.id,
                                                    TallySheet.station_id == station.id).with_for_update())
    if sheet is None:
        sheet = TallySheet(race=race, station=station, state="not_received", round=1)
        session.add(sheet)
        session.flush()
    if sheet.state not in EXCUSABLE:
        raise ValidationFailed(_("This sheet already has agreed figures: cancel it by an audit decision instead."))
    with tracking(session, sheet):
        for entry in session.scalars(select(TallyEntry).where(TallyEntry.sheet_id == sheet.id,
                                                              TallyEntry.round == sheet.round)):
            entry.superseded = True
        sheet.state = "cancelled"
    session.add(SheetEvent(sheet_id=sheet.id, action="excused", reason=reason, user_id=supervisor.id))
    session.flush()
    return sheet


def describe(found: Outstanding) -> str:
    """One line for the confirmation page: stations, accepted, excused, outstanding."""
    return _("%(total)d stations: %(accepted)d accepted, %(excused)d excused, %(missing)d outstanding.",
             total=found.stations, accepted=found.accepted, excused=found.excused, missing=found.missing)

