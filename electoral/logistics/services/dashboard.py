"""Per district: share of centres dispatched, received and fully staffed; open discrepancies."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
from electoral.geography.models import District, PollingCentre, PollingStation
from electoral.logistics.models import Consignment, Discrepancy


@dataclass(frozen=True)
class DistrictProgress:
    district: District
    centres: int
    dispatched: int
    received: int
    staffed: int | None  # None when no polling day is configured yet
    open_discrepancies: int

    def share(self, count: int | None) -> float | None:
        return None if count is None or not self.centres else count / self.centres


def progress(session: Session, scope=None) -> list[DistrictProgress]:
    """One row per district in ``scope`` (all districts for a national user)."""
    from electoral.logistics.services.staffing import _inside, polling_day, staffed_stations

    centres = dict(session.execute(select(PollingCentre.district_id, func.count()).group_by(
        PollingCentre.district_id)).all())
    def centres_with(*states: str) -> dict[int, int]:
        # A centre counts once, however many consignments it had.
        return dict(session.execute(
            select(PollingCentre.district_id, func.count(func.distinct(PollingCentre.id)))
            .join(Consignment, Consignment.destination_centre_id == PollingCentre.id)
            .where(Consignment.kind == "outbound", Consignment.status.in_(states))
            .group_by(PollingCentre.district_id)).all())

    dispatched, received = centres_with("dispatched", "received"), centres_with("received")
    discrepancies = dict(session.execute(
        select(Consignment.destination_district_id, func.count()).join(Discrepancy)
        .where(Discrepancy.status == "open").group_by(Consignment.destination_district_id)).all())
    try:
        day = polling_day(session)
    except ValidationFailed:
        day = None
    staffed_centres: dict[int, int] = {}
    if day is not None:
        staffed = staffed_stations(session, day)
        centre_ok: dict[int, tuple[int, bool]] = {}
        for sid, cid, did in session.execute(select(PollingStation.id, PollingStation.centre_id,
                                                    PollingCentre.district_id).join(PollingCentre)):
            centre_ok[cid] = (did, centre_ok.get(cid, (did, True))[1] and staffed.get(sid, False))
        for did, ok in centre_ok.values():
            staffed_centres[did] = staffed_centres.get(did, 0) + int(ok)
    rows = []
    for district in session.scalars(select(District).order_by(District.code)):
        if scope is not None and not _inside(scope, district):
            continue
        rows.append(DistrictProgress(
            district, centres.get(district.id, 0), dispatched.get(district.id, 0), received.get(district.id, 0),
            staffed_centres.get(district.id, 0) if day is not None else None,
            discrepancies.get(district.id, 0)))
    return rows
