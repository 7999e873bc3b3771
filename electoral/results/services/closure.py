"""A certified area's sheets are closed: no entry, resolution, audit or decision until a de-certification."""

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
from electoral.geography.models import District, PollingCentre, PollingStation
from electoral.results.models import Certification


def standing_certification_over(session: Session, race_id: int, station_id: int) -> Certification | None:
    """The standing certification of the race at the station or any area containing it, if there is one."""
    ids = session.execute(
        select(PollingStation.centre_id, PollingCentre.district_id, District.region_id)
        .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
        .join(District, PollingCentre.district_id == District.id)
        .where(PollingStation.id == station_id)).one()
    areas = [("station", station_id), ("centre", ids.centre_id), ("district", ids.district_id),
             ("region", ids.region_id), ("national", 0)]
    return session.scalar(select(Certification).where(
        Certification.race_id == race_id, Certification.decertified_at.is_(None),
        or_(*(and_(Certification.level == level, Certification.area_id == area_id) for level, area_id in areas)))
        .limit(1))


def require_open(session: Session, race_id: int, station_id: int) -> None:
    """Refuse any change to a sheet whose results are certified (at its station or above)."""
    if standing_certification_over(session, race_id, station_id) is not None:
        raise ValidationFailed(_("The results of this area are certified: its sheets are closed. "
                                 "A supervisor must de-certify them, with a reason, before any change."))


def certification(session: Session, race, area) -> Certification | None:
    """The standing certification of ``race`` at ``area`` (None: national), if a supervisor gave it."""
    return session.scalar(select(Certification).where(
        Certification.race_id == race.id, Certification.level == ("national" if area is None else area.level),
        Certification.area_id == (area.id if area is not None else 0), Certification.decertified_at.is_(None)))
