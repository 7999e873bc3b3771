"""Registered voters per station and centre: the figures every other domain reads from the roll.

Logistics sizes kits and ballots with them, results prints them on the tally sheet and
checks turnout against them, observation compares them with observers' counts. One
definition (``Voter.registered``) keeps the lists, cards, kits and sheets in agreement.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.registration.models import Voter


def roll_has_voters(session: Session) -> bool:
    """True once at least one registered voter is on the roll."""
    return session.scalar(select(Voter.id).where(Voter.registered).limit(1)) is not None


def registered_voters_by_station(session: Session, centre_id: int | None = None,
                                 station_ids: list[int] | None = None) -> dict[int, int]:
    """Registered voters per polling station id (voters not yet split into a station are left out)."""
    query = (select(Voter.station_id, func.count()).where(Voter.registered, Voter.station_id.is_not(None))
             .group_by(Voter.station_id))
    if centre_id is not None:
        query = query.where(Voter.centre_id == centre_id)
    if station_ids is not None:
        query = query.where(Voter.station_id.in_(station_ids))
    return dict(session.execute(query).all())


def registered_voters_by_centre(session: Session) -> dict[int, int]:
    """Registered voters per polling centre id, whether or not they are split into stations yet."""
    return dict(session.execute(
        select(Voter.centre_id, func.count()).where(Voter.registered).group_by(Voter.centre_id)).all())


def unassigned_voters(session: Session, centre_id: int | None = None) -> int:
    """Registered voters not yet split into a polling station (in one centre, or everywhere)."""
    query = select(func.count()).select_from(Voter).where(Voter.registered, Voter.station_id.is_(None))
    if centre_id is not None:
        query = query.where(Voter.centre_id == centre_id)
    return session.scalar(query) or 0
