"""The message log a coordinator reads: search, filters, and how many messages failed, per region."""

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.observation.services.observers import station_ids_query
from electoral.observation.sms.models import SmsMessage

FAILED = ("rejected", "unknown_sender")


def message_query(search: str = "", status: str = "", region_id: int | None = None,
                  observer_id: int | None = None, scope=None) -> Select:
    """Messages newest first; a scoped coordinator sees only those placed in their area."""
    query = select(SmsMessage).order_by(SmsMessage.received_at.desc(), SmsMessage.id.desc())
    if search:
        like = f"%{search.strip()}%"
        query = query.where(or_(SmsMessage.body.ilike(like), SmsMessage.sender.ilike(like)))
    if status:
        query = query.where(SmsMessage.status == status)
    if observer_id:
        query = query.where(SmsMessage.observer_id == observer_id)
    if region_id:
        query = query.where(SmsMessage.station_id.in_(
            select(PollingStation.id).join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
            .join(District, PollingCentre.district_id == District.id).where(District.region_id == region_id)))
    if scope is not None:
        query = query.where(SmsMessage.station_id.in_(station_ids_query(scope)))
    return query


def failures_by_region(session: Session, scope=None) -> list[tuple[str, int, int]]:
    """(region, messages, failed) for every region with messages; "" for messages not placed."""
    failed = func.sum(case((SmsMessage.status.in_(FAILED), 1), else_=0))
    query = (select(Region.name, func.count(SmsMessage.id), failed)
             .select_from(SmsMessage)
             .outerjoin(PollingStation, PollingStation.id == SmsMessage.station_id)
             .outerjoin(PollingCentre, PollingCentre.id == PollingStation.centre_id)
             .outerjoin(District, District.id == PollingCentre.district_id)
             .outerjoin(Region, Region.id == District.region_id)
             .where(SmsMessage.status != "duplicate")
             .group_by(Region.name).order_by(Region.name))
    if scope is not None:
        query = query.where(SmsMessage.station_id.in_(station_ids_query(scope)))
    return [(name or "", int(total), int(bad or 0)) for name, total, bad in session.execute(query)]
