"""Running totals of each race per centre, district, region and the nation, kept in step with the sheets.

A sheet adds to the totals of its centre, district, region and the nation while it is accepted
(counted: its figures and votes) or quarantined or under audit (pending: one sheet and its valid
votes). Every service that changes a sheet's state or figures does it inside ``tracking``, which
moves the four areas' totals by the difference in the same transaction, with upserts that add a
delta in SQL (``x = x + :delta``): commits made at the same moment add up on PostgreSQL, and no
total is ever read into Python to be written back. ``rebuild`` recomputes a race's totals from
its sheets, for a bulk load or a check.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import case, delete, func, literal_column, select
from sqlalchemy.orm import Session

from electoral.geography.models import District, PollingCentre, PollingStation
from electoral.results.models import (
    TOTAL_LEVELS,
    Race,
    ResultTotal,
    ResultTotalVote,
    SheetVote,
    TallySheet,
)

PENDING = ("quarantined", "under_audit")
COUNTERS = ("counted", "registered_voters", "ballots_cast", "valid", "invalid", "pending_sheets", "pending_votes")
TOTAL = ResultTotal.__table__
TOTAL_VOTE = ResultTotalVote.__table__

Contribution = tuple[dict[str, int], dict[int, int]]


def contribution(sheet: TallySheet) -> Contribution:
    """What ``sheet`` adds to its areas' totals in its present state: counters, and votes per candidate id."""
    if sheet.state == "accepted":
        return ({"counted": 1, "registered_voters": sheet.registered_voters or 0,
                 "ballots_cast": sheet.ballots_cast or 0, "valid": sheet.valid or 0, "invalid": sheet.invalid or 0},
                {vote.candidate_id: vote.votes for vote in sheet.votes})
    if sheet.state in PENDING:
        return {"pending_sheets": 1, "pending_votes": sheet.valid or 0}, {}
    return {}, {}


@contextmanager
def tracking(session: Session, sheet: TallySheet) -> Iterator[None]:
    """Around a change of ``sheet``: its areas' totals move by what it adds after minus what it added before."""
    before = contribution(sheet)
    yield
    session.flush()
    move(session, sheet.race_id, sheet.station_id, before, contribution(sheet))


def _difference(before: dict, after: dict) -> dict:
    return {key: after.get(key, 0) - before.get(key, 0) for key in before.keys() | after.keys()
            if after.get(key, 0) != before.get(key, 0)}


def areas_of(session: Session, station_id: int) -> list[tuple[str, int]]:
    """(level, area id) of the centre, district, region and nation a station lies in, in lock order."""
    centre_id, district_id, region_id = session.execute(
        select(PollingStation.centre_id, PollingCentre.district_id, District.region_id)
        .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
        .join(District, PollingCentre.district_id == District.id).where(PollingStation.id == station_id)).one()
    return sorted([("centre", centre_id), ("district", district_id), ("region", region_id), ("national", 0)])


def move(session: Session, race_id: int, station_id: int, before: Contribution, after: Contribution) -> None:
    """Add ``after - before`` to the totals of every area the station lies in; nothing when they are equal."""
    counters, votes = _difference(before[0], after[0]), _difference(before[1], after[1])
    if not counters and not votes:
        return
    areas = areas_of(session, station_id)
    insert = _insert_for(session)
    # Rows are written in one order (level, area, candidate) by every transaction: two sheets accepted
    # at once wait for each other on PostgreSQL instead of deadlocking.
    if counters:
        statement = insert(TOTAL).values(updated_at=func.now())
        statement = statement.on_conflict_do_update(
            index_elements=["race_id", "level", "area_id"],
            set_={**{name: TOTAL.c[name] + statement.excluded[name] for name in COUNTERS},
                  "updated_at": statement.excluded.updated_at})
        session.execute(statement, [{"race_id": race_id, "level": level, "area_id": area_id,
                                     **{name: counters.get(name, 0) for name in COUNTERS}}
                                    for level, area_id in areas])
    if votes:
        statement = insert(TOTAL_VOTE)
        statement = statement.on_conflict_do_update(
            index_elements=["race_id", "level", "area_id", "candidate_id"],
            set_={"votes": TOTAL_VOTE.c.votes + statement.excluded.votes})
        session.execute(statement, [{"race_id": race_id, "level": level, "area_id": area_id,
                                     "candidate_id": candidate_id, "votes": votes[candidate_id]}
                                    for level, area_id in areas for candidate_id in sorted(votes)])


def _insert_for(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(f"running totals need an upsert; {dialect} has none here")
    return insert


# ---- rebuild ----------------------------------------------------------------

# The area table of a level and its column naming the area one level up.
_PARENT = {"centre": (PollingCentre, PollingCentre.district_id), "district": (District, District.region_id)}


def rebuild(session: Session, race: Race) -> int:
    """Recompute ``race``'s totals from its sheets (centres from sheets, each level above from the one below).

    Returns the number of sheets counted or pending. Run it when no sheet of the race is being entered.
    """
    session.flush()
    session.execute(delete(TOTAL_VOTE).where(TOTAL_VOTE.c.race_id == race.id))
    session.execute(delete(TOTAL).where(TOTAL.c.race_id == race.id))
    accepted = TallySheet.state == "accepted"
    pending = TallySheet.state.in_(PENDING)

    def when(condition, value):
        return func.coalesce(func.sum(case((condition, func.coalesce(value, 0)), else_=0)), 0)

    sheets = (select(TallySheet.race_id, _level("centre"), PollingStation.centre_id,
                     when(accepted, 1), when(accepted, TallySheet.registered_voters),
                     when(accepted, TallySheet.ballots_cast), when(accepted, TallySheet.valid),
                     when(accepted, TallySheet.invalid), when(pending, 1), when(pending, TallySheet.valid),
                     func.max(TallySheet.updated_at))
              .join(PollingStation, TallySheet.station_id == PollingStation.id)
              .where(TallySheet.race_id == race.id, TallySheet.state.in_(("accepted", *PENDING)))
              .group_by(TallySheet.race_id, PollingStation.centre_id))
    columns = ["race_id", "level", "area_id", *COUNTERS, "updated_at"]
    session.execute(TOTAL.insert().from_select(columns, sheets))
    votes = (select(TallySheet.race_id, _level("centre"), PollingStation.centre_id, SheetVote.candidate_id,
                    func.sum(SheetVote.votes))
             .select_from(TallySheet).join(SheetVote, SheetVote.sheet_id == TallySheet.id)
             .join(PollingStation, TallySheet.station_id == PollingStation.id)
             .where(TallySheet.race_id == race.id, accepted)
             .group_by(TallySheet.race_id, PollingStation.centre_id, SheetVote.candidate_id))
    vote_columns = ["race_id", "level", "area_id", "candidate_id", "votes"]
    session.execute(TOTAL_VOTE.insert().from_select(vote_columns, votes))
    for level, up in (("centre", "district"), ("district", "region"), ("region", "national")):
        _roll_up(session, race, TOTAL, level, up, columns, [func.sum(TOTAL.c[name]) for name in COUNTERS]
                 + [func.max(TOTAL.c.updated_at)], [])
        _roll_up(session, race, TOTAL_VOTE, level, up, vote_columns, [TOTAL_VOTE.c.candidate_id,
                 func.sum(TOTAL_VOTE.c.votes)], [TOTAL_VOTE.c.candidate_id])
    return session.scalar(select(func.coalesce(func.sum(TOTAL.c.counted + TOTAL.c.pending_sheets), 0))
                          .where(TOTAL.c.race_id == race.id, TOTAL.c.level == "national"))


def _roll_up(session: Session, race: Race, table, level: str, up: str, columns: list[str], values: list,
             keys: list) -> None:
    """Insert the totals of level ``up`` as the sums of those of ``level``."""
    rows = select(table.c.race_id, _level(up)).select_from(table)
    if up == "national":
        rows = rows.add_columns(literal_column("0"), *values)
    else:
        model, parent = _PARENT[level]
        rows = rows.add_columns(parent, *values).join(model, model.id == table.c.area_id)
        keys = [parent, *keys]
    rows = rows.where(table.c.race_id == race.id, table.c.level == level).group_by(table.c.race_id, *keys)
    session.execute(table.insert().from_select(columns, rows))


def _level(name: str):
    # A constant in the select list, typed by PostgreSQL as text rather than an untyped parameter.
    assert name in TOTAL_LEVELS
    return literal_column(f"'{name}'")
