"""Hand-over at the polling centre: what each polling station's presiding officer signed for."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import locks
from electoral.core.errors import ValidationFailed
from electoral.geography.models import PollingStation
from electoral.logistics.models import Item, StationIssue
from electoral.logistics.services.consignments import serial_range_problem
from electoral.logistics.services.custody import received_at_centre


def issued_at_centre(session: Session, centre_id: int, item_id: int, but_station_id: int | None = None) -> int:
    """What the centre has already handed to its stations of an item (leaving one station out)."""
    query = (select(func.coalesce(func.sum(StationIssue.quantity), 0))
             .join(PollingStation, PollingStation.id == StationIssue.station_id)
             .where(PollingStation.centre_id == centre_id, StationIssue.item_id == item_id))
    if but_station_id is not None:
        query = query.where(StationIssue.station_id != but_station_id)
    return int(session.scalar(query) or 0)


def station_issues(session: Session, station: PollingStation) -> list[StationIssue]:
    return list(session.scalars(select(StationIssue).where(StationIssue.station_id == station.id)
                                .order_by(StationIssue.id)))


def issue_to_station(session: Session, station: PollingStation, item: Item | None, quantity: int | None,
                     received_by: str, user: User, serial_from: int | None = None,
                     serial_to: int | None = None) -> StationIssue:
    """``user`` records (or corrects) what a station's presiding officer signed for; never more than the centre holds."""
    errors: dict[str, list[str]] = {}
    if item is None:
        errors["item"] = [_("Choose an item of the catalogue.")]
    if quantity is None or quantity < 1:
        errors["quantity"] = [_("Give a quantity of at least 1.")]
    if not (received_by or "").strip():
        errors["received_by"] = [_("Write the name of the presiding officer who signed.")]
    if problem := serial_range_problem(quantity, serial_from, serial_to):
        errors["serial_to"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    # Two officers handing over at one centre at once would each see the other's ballots still there.
    locks.hold(session, f"station-issue:{station.centre_id}:{item.id}")
    received = received_at_centre(session, station.centre_id).get(item.id, 0)
    others = issued_at_centre(session, station.centre_id, item.id, but_station_id=station.id)
    if others + quantity > received:
        raise ValidationFailed({"quantity": [_(
            "Polling centre %(centre)s confirmed receiving %(received)s of %(item)s and has handed %(issued)s to "
            "its other stations: at most %(left)s can go to this one.", centre=station.centre.code,
            received=received, item=item.name, issued=others, left=max(received - others, 0))]})
    issue = session.scalar(select(StationIssue).where(StationIssue.station_id == station.id,
                                                      StationIssue.item_id == item.id))
    issue = issue or StationIssue(station_id=station.id, item_id=item.id)
    issue.quantity, issue.serial_from, issue.serial_to = quantity, serial_from, serial_to
    issue.received_by, issue.issued_by = received_by.strip(), user.username
    session.add(issue)
    session.flush()
    return issue


def issued_to_stations(session: Session, item_code: str, station_ids: list[int]) -> dict[int, int]:
    """Quantity of the item with that code handed to each of the stations (those with a hand-over only)."""
    return dict(session.execute(
        select(StationIssue.station_id, StationIssue.quantity).join(Item, Item.id == StationIssue.item_id)
        .where(Item.code == item_code, StationIssue.station_id.in_(station_ids))).all())
